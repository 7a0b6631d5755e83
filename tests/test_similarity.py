"""``python -m grader similarity`` and the class page's similarity section,
on a corpus written for this project (``tests/similarity_corpus.py``):
independent solutions in many styles (the grader's correct corpora, the
faulty corpus, whose files are the reference with one mistake each, and
``tests/corpus/similarity/independent``), disguised copies of them and of a
"known" public-like solution. No TensorFlow."""
from __future__ import annotations

import csv
import dataclasses
import os
import subprocess
import sys

import numpy as np
import pytest

from browser import needs_browser, render
from similarity_corpus import (CORPUS, SIMILARITY, build_class, commented,
                               disguise, independent_folders, renamed,
                               reordered)

from grader.cli import main
from grader.paths import REPO_ROOT
from grader.report.class_page import write_class_page
from grader.report.similarity_section import similarity_section
from grader.similarity import all_pairs, compare_class
from grader.similarity.fragments import source_ranges
from grader.similarity.frequency import MIN_FILES
from grader.similarity.threshold import threshold_of
from grader.similarity.tokens import canonical, normalised_tokens
from grader.tasks import COURSE_TASKS, TASKS

KNOWN = SIMILARITY / "known"
# Files that are (up to names) the reference or one line away from it:
# a copy of them cannot be told from convergent code (folder, task).
REFERENCE_LIKE_FILES = {("similarity_independent_ref_like", 0),
                        ("similarity_independent_tutorial_plain", 0),
                        ("similarity_independent_tutorial_plain", 1)}
REFERENCE_LIKE = {name for name, _ in REFERENCE_LIKE_FILES}


def copies_wanted() -> dict[str, str]:
    """A disguised copy of every independent folder and two of the known
    solution."""
    wanted = {f"copy_of_{name}": name for name in independent_folders()}
    wanted.update({"known_copy_1": "known:public_repo",
                   "known_copy_2": "known:public_repo"})
    return wanted


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The class (independent folders, the faulty corpus's folders, the
    copies) compared on all four tasks, against the known folder."""
    root = tmp_path_factory.mktemp("similarity") / "class"
    copies = copies_wanted()
    build_class(root, copies)
    for folder in sorted((CORPUS / "faulty").iterdir()):
        if folder.is_dir():
            (root / f"faulty_{folder.name}").symlink_to(folder)
    return root, copies, compare_class(root, [KNOWN], sorted(TASKS))


def is_copy(pair, copies: dict[str, str]) -> bool:
    """Whether the pair is a copy and its original, two copies of one
    original, or a copy of the known solution and the known solution."""
    a, b = copies.get(pair.student), copies.get(pair.other)
    return (a == pair.other or b == pair.student or (a is not None and a == b)
            or (pair.other.startswith("known:") and a == pair.other))


def test_every_disguised_copy_flagged_and_no_independent_pair(corpus):
    root, copies, comparisons = corpus
    pairs = all_pairs(comparisons)
    copy_pairs = [p for p in pairs if is_copy(p, copies)]
    independent = [p for p in pairs if not is_copy(p, copies)]
    # Copies of the reference's code are not evidence (see the next test).

    def reference_like(pair):
        return (copies.get(pair.student), pair.task) in REFERENCE_LIKE_FILES

    unseen = [p for p in copy_pairs if reference_like(p)]
    assert len(unseen) == len(REFERENCE_LIKE_FILES)
    assert not any(p.flagged for p in unseen)
    copy_pairs = [p for p in copy_pairs if not reference_like(p)]
    assert [p for p in copy_pairs if not p.flagged] == []
    assert [p for p in independent if p.flagged] == []
    # Every copy has its pair (each file of each copied folder), and the
    # vanilla task has many independent pairs of solutions that follow the
    # same tutorial.
    expected = sum(1 for name, original in copies.items()
                   if not original.startswith("known:")
                   for task in TASKS.values()
                   if (root / name / task.filename).is_file())
    # and per task the known solution has: each known copy with the known
    # file, and with the other
    known = [t for t in TASKS.values()
             if (KNOWN / "public_repo" / t.filename).is_file()]
    assert len(copy_pairs) == expected - len(unseen) + 3 * len(known)
    vanilla = [p for p in independent if p.task == 0
               and not p.student.startswith("copy")
               and not p.other.startswith(("copy", "known"))]
    assert len(vanilla) >= 600
    assert min(p.similarity for p in copy_pairs) == 1.0


def test_copies_of_the_reference_are_not_evidence(tmp_path):
    """What it does not find, by design: a copy of a solution that is the
    reference's code under other names cannot be told from convergent
    work, so it scores 0 like the original against any other."""
    root = build_class(tmp_path / "class", {
        f"copy_of_{name}": name for name in sorted(REFERENCE_LIKE)})
    [vanilla] = compare_class(root, [], [0])
    alike = [p for p in vanilla.pairs
             if {p.student, p.other} <= REFERENCE_LIKE | {
                 f"copy_of_{name}" for name in REFERENCE_LIKE}]
    assert len(alike) == 6
    assert {(p.similarity, p.flagged) for p in alike} == {(0.0, False)}
    assert not any(p.flagged for p in vanilla.pairs)


@pytest.mark.parametrize("change", [renamed, reordered, commented])
def test_each_disguise_alone_changes_no_token(change):
    for path in sorted((SIMILARITY / "known" / "public_repo").glob("*.py")):
        source = path.read_text()
        changed = change(source, "x") if change is renamed else \
            change(source)
        assert changed != source or change is reordered
        assert [t.text for t in canonical(normalised_tokens(changed))] == \
            [t.text for t in canonical(normalised_tokens(source))]


def test_tokens_keep_the_library_and_drop_the_spelling():
    source = ('#!/usr/bin/env python3\n"""Doc."""\nimport tensorflow.keras'
              ' as keras\n\n\ndef f(n):\n    """Doc."""\n    # note\n'
              '    y = keras.layers.Dense(units=n, activation="relu")\n\n'
              '    return y\n')
    texts = [t.text for t in normalised_tokens(source)]
    assert "Dense" in texts and "units" in texts and "'relu'" in texts
    assert "n" not in texts and "y" not in texts and "f" not in texts
    assert not any("Doc" in t or "note" in t for t in texts)


def test_frequent_fragments_are_ignored(tmp_path):
    """A solution shared by more than MIN_FILES files is convergent code
    (as MOSS's -m): none of its pairs is flagged; one fewer, all are."""
    origin = SIMILARITY / "independent" / "two_builders"
    for count, flagged in ((MIN_FILES + 1, 0), (MIN_FILES, 45)):
        root = tmp_path / str(count)
        for i in range(count):
            (root / f"s{i}").mkdir(parents=True)
            (root / f"s{i}" / "0-vanilla.py").write_text(
                disguise((origin / "0-vanilla.py").read_text(), f"s{i}"))
        [vanilla] = compare_class(root, [], [0])
        assert sum(p.flagged for p in vanilla.pairs) == flagged


def test_the_threshold_asks_more_of_a_short_task():
    thresholds = [threshold_of(n, REPO_ROOT) for n in COURSE_TASKS]
    rooms = [t.room for t in thresholds]
    assert rooms == sorted(rooms)  # vanilla < sparse < conv < VAE
    needed = [t.similarity for t in thresholds]
    assert needed == sorted(needed, reverse=True) and needed[0] > needed[-1]
    assert min(t.tokens for t in thresholds) >= 40


def test_hostile_files_do_not_stop_it(tmp_path):
    for name, data in (("broken", b"def autoencoder(:\n  x = [\n"),
                       ("binary", bytes(range(256)) * 10),
                       ("empty", b""),
                       ("tabs", b"def f():\n\tif 1:\n        pass\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "0-vanilla.py").write_bytes(data)
    fine = SIMILARITY / "independent" / "compact" / "0-vanilla.py"
    (tmp_path / "fine").mkdir()
    (tmp_path / "fine" / "0-vanilla.py").write_text(fine.read_text())
    (tmp_path / "link").mkdir()
    (tmp_path / "link" / "0-vanilla.py").symlink_to(
        tmp_path / "fine" / "0-vanilla.py")  # not read: links are skipped
    [vanilla] = compare_class(tmp_path, [], [0])
    assert len(vanilla.pairs) == 10  # five files, the link's not among them
    assert not any(p.flagged for p in vanilla.pairs)


def run_cli(args: list[str], seed: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "similarity",
                           *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120,
                          env=dict(os.environ, PYTHONHASHSEED=seed))


def test_cli_writes_every_pair_sorted_and_is_deterministic(tmp_path):
    """copydetect hashes with Python's hash(), which changes with the
    process: the CSV must not."""
    root = build_class(tmp_path / "class", {
        "copier": "similarity_independent_two_builders",
        "known_copier": "known:public_repo"})
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"similarity-{seed}.csv"
        done = run_cli([str(root), "--against", str(KNOWN), "--tasks",
                        "0,2", "--out", str(out)], seed)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1]
    with open(tmp_path / "similarity-1.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:5] == ["task", "student", "other", "similarity",
                                 "flagged"]
    scores = [float(r["similarity"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    students = len(independent_folders()) + 2
    have = {n: sum((root / s / TASKS[n].filename).is_file()
                   for s in os.listdir(root)) for n in (0, 2)}
    assert len(rows) == sum(k * (k - 1) // 2 + k for k in have.values())
    assert len(os.listdir(root)) == students
    flagged = {(r["task"], r["student"], r["other"]) for r in rows
               if r["flagged"] == "yes"}
    assert flagged == {
        ("0-vanilla.py", "copier", "similarity_independent_two_builders"),
        ("2-convolutional.py", "copier",
         "similarity_independent_two_builders"),
        ("0-vanilla.py", "known_copier", "known:public_repo"),
        ("2-convolutional.py", "known_copier", "known:public_repo")}
    assert "0-vanilla.py: 2 flagged" in done.stdout


def test_cli_usage_errors(tmp_path):
    assert main(["similarity", str(tmp_path / "none"), "--out", "x.csv"]) == 2
    assert main(["similarity", str(tmp_path), "--against",
                 str(tmp_path / "none"), "--out", "x.csv"]) == 2
    assert main(["similarity", str(tmp_path), "--tasks", "9", "--out",
                 "x.csv"]) == 2


def test_fragments_mark_the_copied_code_in_both_files(corpus):
    _, copies, comparisons = corpus
    conv = comparisons[2]
    pair = next(p for p in conv.pairs if p.flagged
                and p.other == "known:public_repo")
    html = similarity_section([conv], "grades-similarity.csv")
    assert html.count("<mark>") > 4
    for name in (pair.student, pair.other):
        source = conv.documents[name].source
        ranges = source_ranges(conv.documents[name],
                               pair.slices[name != pair.student])
        # most of the code after the docstrings is marked
        code = len(source.split('"""')[-1])
        assert sum(end - start for start, end in ranges) > 0.5 * code


@needs_browser
def test_class_page_section_renders_in_headless_chromium(corpus, tmp_path):
    _, _, comparisons = corpus
    record = {"student": "alice", "status": "graded", "detail": "",
              "scores": {"0": [2, 2]}, "score": 2, "max_score": 2,
              "results": []}
    vanilla = comparisons[0]
    shown = dataclasses.replace(vanilla, pairs=[
        p for p in vanilla.pairs if p.other == "known:public_repo"][:1])
    page = write_class_page(
        tmp_path / "grades.html", {"alice": record},
        tmp_path / "grades-reports", [0],
        similarity=similarity_section([shown], "grades-similarity.csv"))
    text = page.read_text()
    assert "Similar solutions" in text and "<details class='pair' open>" \
        in text
    loaded, total, pixels = render(page, tmp_path)
    assert loaded == total
    assert pixels.std() > 10
    from PIL import Image
    shot = np.asarray(Image.open(tmp_path / "shot.png").convert("RGB"),
                      "int32")
    highlight = (np.abs(shot - np.array([255, 210, 122])).sum(axis=-1) < 30)
    assert highlight.sum() > 20000  # marked fragments are on screen


def test_batch_similarity_failure_is_a_grader_error(tmp_path, monkeypatch,
                                                    capsys):
    """batch --similarity: a comparison that fails is told as the
    grader's (the batch then exits with 3), and the grades stand."""
    import io

    import grader.similarity
    from grader.batch.similarity import similarity_report

    def broken(*args, **kwargs):
        raise MemoryError("no room")

    monkeypatch.setattr(grader.similarity, "compare_class", broken)
    assert similarity_report(tmp_path, tmp_path / "grades.csv", [], [0],
                             io.StringIO()) is None
    err = capsys.readouterr().err
    assert "grader error: the similarity comparison failed (MemoryError: " \
        "no room); the grades are not affected" in err
    assert not (tmp_path / "grades-similarity.csv").exists()


def test_layer_and_model_names_are_names():
    # The reference names its layers and models (name='latent'); the same
    # code without the names, or with others, is the same code.
    plain = ("def f(n):\n    x = keras.layers.Dense(n, activation='relu')(y)"
             "\n    return keras.Model(a, x)\n")
    named = ("def f(n):\n    x = keras.layers.Dense(n, name='latent',"
             " activation='relu')(y)\n"
             "    return keras.Model(a, x, name='encoder')\n")
    first = ("def f(n):\n    x = keras.layers.Dense(name='z', units=n,"
             " activation='relu')(y)\n    return keras.Model(a, x)\n")
    assert texts(named) == texts(plain)
    assert texts(first) == texts(plain.replace("(n,", "(units=n,"))
    # a name that is not a string literal stays: it is code
    assert texts(plain.replace("(a, x)", "(a, x, name=label)")) != \
        texts(plain)


def texts(source: str) -> list[str]:
    return [t.text for t in normalised_tokens(source)]
