"""Did the file load, and did autoencoder(...) return three models?"""
from __future__ import annotations

from grader.judge import causes
from grader.judge.evidence import Evidence
from grader.judge.registry import check
from grader.judge.verdict import Verdict
from grader.measurements import ErrorInfo
from grader.tasks import KINDS, ArgSet


def describe_error(error: ErrorInfo) -> str:
    """'Type: message (line N: code)', plain and cut at a sentence."""
    return causes.describe(error)


def error_feedback(error: ErrorInfo, stage: str | None, call: str,
                   params: tuple[str, ...] = ()) -> str:
    """What the grader was doing with which arguments, the error, and for
    a known cause why it happened and how to fix it (``params``: the
    task's signature)."""
    return causes.feedback(error, causes.doing(stage, call), stage, params)


@check("loads", "file loads and defines autoencoder", 2, KINDS)
def loads(ev: Evidence) -> Verdict:
    """The file imports and defines a callable ``autoencoder``."""
    if ev.worker_problem:
        return Verdict.fail(causes.plain(ev.worker_problem))
    result = ev.student or {}
    error = result.get("load_error")
    if error is None:
        if result.get("probe_error"):
            return Verdict.fail("grading stopped: " + causes.feedback(
                result["probe_error"],
                f"measuring the models of {ev.task.filename}", "measure"))
        return Verdict.ok()
    if error.get("type") == "MissingFunction":
        found = error.get("found") or []
        hint = (f"; found {', '.join(found)}" if found else
                "; the file defines no functions")
        return Verdict.fail(
            f"{ev.task.filename} has no {ev.task.defines} "
            f"{ev.task.function}{hint}. "
            f"Define {ev.task.signature}")
    if error.get("type") == "SyntaxError":
        return Verdict.fail(f"{ev.task.filename} does not parse: "
                            + describe_error(error))
    return Verdict.fail(causes.feedback(
        error, causes.doing("import", "", ev.task.filename), "import"))


def role_of(row: dict, input_shape: list) -> str:
    """What a returned model does, judged by what it accepts and returns."""
    from_input, from_latent = row.get("input"), row.get("latent")
    if from_input and list(from_input[0]) == input_shape:
        return "auto"
    if from_input:
        return "encoder"
    return "decoder" if from_latent else "?"


def failure_hint(ev: Evidence, argset: ArgSet, error: ErrorInfo) -> str:
    """A likely cause of a build or call failure, where one is known, as
    'cause: ...' and 'fix: ...' lines."""
    course = ev.task.course_args
    course_ok = any(a.args == course and not s.error
                    for a, s, _ in ev.pairs())
    if argset.args != course and course_ok:
        return ("\ncause: the models work for the course's arguments "
                f"autoencoder{tuple(course)!r} but not for these: are sizes "
                "hard-coded?\nfix: take every size from the arguments "
                f"({', '.join(ev.task.params)})")
    if "incompatible" in error.get("message", "") and \
            error.get("stage") == "call decoder":
        return (f"\ncause: the decoder must take inputs of shape "
                f"latent_dims ({argset.args[2]!r}): is latent_dims used for "
                "the latent layer and the decoder's input?\nfix: build the "
                "encoder's last layer and the decoder's keras.Input from "
                "latent_dims")
    if "incompatible" in error.get("message", "") and \
            error.get("stage") in ("build", "call auto"):
        return ("\ncause: the encoder's output does not fit the decoder's "
                "input (latent_dims): check the encoder's layers (pooling, "
                "padding) and that the decoder's input uses latent_dims"
                "\nfix: make the encoder's output shape latent_dims, e.g. "
                "a 2x2 pooling with padding='same' after each convolution "
                "(28 -> 14 -> 7 -> 4)")
    return ""


@check("returns", "returns encoder, decoder, auto", 2, KINDS,
       requires=("loads",))
def returns(ev: Evidence) -> Verdict:
    """Every argument set builds three Keras models, in the order encoder,
    decoder, auto."""
    for argset, s, _r in ev.pairs():
        first = argset.args[0]
        input_shape = list(first) if isinstance(first, (list, tuple)) \
            else [first]
        roles = [role_of(row, input_shape) for row in s.get("roles", [])]
        if sorted(roles) == ["auto", "decoder", "encoder"] and \
                roles != ["encoder", "decoder", "auto"]:
            return Verdict.fail(
                f"{argset.call()} returns models that act as "
                f"({', '.join(roles)}); return encoder, decoder, auto in "
                "that order")
        if s.error:
            error = s.error
            stage = error.get("stage")
            hint = failure_hint(ev, argset, error)
            if stage == "return":
                return Verdict.fail(f"{argset.call()} {error['message']}")
            return Verdict.fail(error_feedback(error, stage, argset.call(),
                                               ev.task.params) + hint)
        if s.get("probe_error"):
            return Verdict.fail(error_feedback(s["probe_error"], "measure",
                                               argset.call()))
    return Verdict.ok()


@check("empty-hidden-layers", "hidden_layers=[] (edge case, no points)", 0,
       ("dense", "sparse", "vae"), requires=("returns",))
def empty_hidden_layers(ev: Evidence) -> Verdict:
    """``hidden_layers=[]`` builds too (information only: no points)."""
    for argset, s, _r in ev.pairs(include_edge=True):
        if not argset.edge:
            continue
        if s.error:
            return Verdict.warn(
                error_feedback(s.error, s.error.get("stage", "build"),
                               argset.call())
                + "\nthe course never asks for an empty hidden_layers, so "
                "this costs no points")
    return Verdict.ok()
