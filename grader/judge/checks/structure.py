"""Layer structure: which layers run, their sizes, kernels, padding,
pooling, upsampling and activations, and whether auto shares its layers."""
from __future__ import annotations

import difflib

from grader.judge.evidence import Evidence, Side
from grader.judge.verdict import Verdict
from grader.judge.registry import check
from grader.judge.layers import Row
from grader.measurements import shares_weights
from grader.tasks import KINDS, ArgSet, TaskKind, model_kind


def structural(rows: list[Row], kind: TaskKind) -> list[Row]:
    """The rows that define the architecture for this kind of task."""
    if model_kind(kind) == "conv":
        # layers with weights, and every shape-changing layer (pooling,
        # upsampling, resizing ...); stand-alone activations are not here
        return [r for r in rows if r.weighted or r.activation is None]
    return [r for r in rows if r.weighted]


def signature(row: Row) -> tuple:
    """What must match between a student's row and the reference's."""
    return (row.kind, row.units, row.filters, row.kernel, row.padding,
            row.pool, row.size)


def compare_rows(model: str, student: list[Row], reference: list[Row]
                 ) -> list[str]:
    """Human-readable differences between two layer lists (student first)."""
    s_sig = [signature(r) for r in student]
    r_sig = [signature(r) for r in reference]
    problems: list[str] = []
    if len(student) == len(reference):
        return [f"{model} layer {i + 1} is {mine.describe(False)}, expected "
                f"{expected.describe(False)}"
                for i, (mine, expected, a, b) in enumerate(
                    zip(student, reference, s_sig, r_sig)) if a != b]
    matcher = difflib.SequenceMatcher(a=r_sig, b=s_sig, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                problems.append(
                    f"{model} layer {j1 + k + 1} is "
                    f"{student[j1 + k].describe(False)}, expected "
                    f"{reference[i1 + k].describe(False)}")
            continue
        if i2 > i1:
            missing = ", ".join(r.describe(False) for r in reference[i1:i2])
            problems.append(f"{model} is missing {missing} "
                            f"(expected as layer {i1 + 1})")
        if j2 > j1:
            extra = ", ".join(r.describe(False) for r in student[j1:j2])
            problems.append(f"{model} layer {j1 + 1} ({extra}) is not part "
                            "of the task")
    return problems


def hints(ev: Evidence, model: str, argset: ArgSet, student: list[Row],
          reference: list[Row]) -> list[str]:
    """Likely causes of a structural difference, where one is known."""
    found = []
    sizes = [r.units or r.filters for r in student if r.weighted]
    ref_sizes = [r.units or r.filters for r in reference if r.weighted]
    if model == "decoder" and len(sizes) == len(ref_sizes) and \
            sizes[:-1] == list(reversed(ref_sizes[:-1])) and \
            sizes[:-1] != ref_sizes[:-1]:
        found.append("the decoder must use the encoder's sizes in reverse "
                     "order")
    if ev.task.kind == "vae" and model == "encoder" and any(
            r.units == 2 * argset.args[2] for r in student):
        found.append("the mean and the log variance must come from two "
                     "separate Dense layers, not one split in two")
    course = next((a for a in ev.task.argsets if a.args ==
                   ev.task.course_args), None)
    if course is not None and argset.args != course.args:
        for c_argset, _c_student, c_reference in ev.pairs():
            if c_argset is course:
                course_rows = [signature(r) for r in structural(
                    c_reference.rows(model), ev.task.kind)]
                if [signature(r) for r in student] == course_rows:
                    found.append("the layers match the course's arguments "
                                 f"{course.call()}: are sizes hard-coded?")
    return found


def structure_verdict(ev: Evidence, model: str) -> Verdict:
    """The verdict on ``model``'s layer rows, for every argument set."""
    for argset, s, r in ev.pairs():
        student = structural(s.rows(model), ev.task.kind)
        reference = structural(r.rows(model), ev.task.kind)
        problems = compare_rows(model, student, reference)
        if not problems and student and reference and \
                student[-1].output_shape != reference[-1].output_shape:
            problems.append(f"{model} output shape is "
                            f"{student[-1].output_shape}, expected "
                            f"{reference[-1].output_shape}")
        if problems:
            lines = [f"for {argset.call()}: " + "; ".join(problems[:3])]
            lines += hints(ev, model, argset, student, reference)
            return Verdict.fail("\n".join(lines))
    return Verdict.ok()


@check("encoder-layers", "encoder layers", 3, KINDS, requires=("returns",))
def encoder_layers(ev: Evidence) -> Verdict:
    """The encoder's layers match the reference's."""
    return structure_verdict(ev, "encoder")


@check("decoder-layers", "decoder layers", 3, KINDS, requires=("returns",))
def decoder_layers(ev: Evidence) -> Verdict:
    """The decoder's layers match the reference's."""
    return structure_verdict(ev, "decoder")


def role_names(ev: Evidence, model: str, count: int) -> dict[int, str]:
    """Names the special layers of a model by position, for feedback."""
    if model == "decoder":
        return {count - 1: "the output layer"}
    if ev.task.kind == "vae":
        return {count - 2: "a mean/log-variance layer",
                count - 1: "a mean/log-variance layer"}
    return {count - 1: "the latent layer"}


def activation_problems(ev: Evidence, model: str, s: Side, r: Side
                        ) -> list[str]:
    """Each layer whose activation differs from the reference's, in words."""
    student = [row for row in s.rows(model) if row.weighted]
    reference = [row for row in r.rows(model) if row.weighted]
    problems = []
    names = role_names(ev, model, len(reference))
    extra = [row for row in s.rows(model)
             if not row.weighted and row.activation not in (None,)
             and row.kind not in ("Lambda",)]
    for i, (mine, expected) in enumerate(zip(student, reference)):
        if mine.activation != expected.activation:
            role = f", {names[i]}" if i in names else ""
            wanted = "none (linear)" if expected.activation == "linear" \
                else expected.activation
            problems.append(
                f"{model} layer {i + 1} ({mine.describe(False)}{role}) has "
                f"activation {mine.activation}, expected {wanted}")
    for row in extra:
        if row.activation and row.activation != "custom":
            problems.append(f"{model} applies an extra {row.activation} "
                            f"({row.kind}) after a layer that already has "
                            "an activation")
    return problems


@check("activations", "activations", 3, KINDS,
       requires=("encoder-layers", "decoder-layers"))
def activations(ev: Evidence) -> Verdict:
    """Every layer's activation matches (the decoder's last is sigmoid)."""
    for argset, s, r in ev.pairs():
        problems = activation_problems(ev, "encoder", s, r) + \
            activation_problems(ev, "decoder", s, r)
        if problems:
            return Verdict.fail(f"for {argset.call()}: "
                                + "; ".join(problems[:3]))
    return Verdict.ok()


@check("weight-sharing", "auto shares encoder's and decoder's layers", 2,
       KINDS, requires=("returns",))
def weight_sharing(ev: Evidence) -> Verdict:
    """``auto`` is built from the encoder's and decoder's own layers."""
    for argset, s, _r in ev.pairs():
        if not shares_weights(s["variables"]):
            return Verdict.fail(
                f"for {argset.call()}: auto's weights are not the encoder's "
                "and decoder's, so training auto would not train them; "
                "build auto from the two models, e.g. "
                "keras.Model(inputs, decoder(encoder(inputs)))")
    return Verdict.ok()
