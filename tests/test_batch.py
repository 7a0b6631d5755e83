"""``python -m grader batch``: on this machine, on Dask (``local:2`` and a
cluster whose worker is killed mid-batch), ``--resume``, and the class
page (parsed, images decoded, rendered in headless chromium).

Every batch grades task 0 only, to stay cheap; each runs once per module.
"""
from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import needs_browser, render

from grader.paths import REPO_ROOT
from grading import CACHE, KERAS_MAJOR, SUBMISSIONS
from grader.batch import reports_dir_of
from grader.batch.cluster import parse_scheduler
from grader.batch.jobs import pack, unpack
from grader.run.sandbox import MAX_COPIED_FILE
from grader.batch.progress import Progress
from grader.batch.table import Table, columns
from grader.report.class_page import normalized, write_class_page

FAULTY = Path(__file__).resolve().parent / "corpus" / "faulty"
KNOWN = FAULTY.parent / "similarity" / "known"
TIMEOUT = "40"
HANGS = "c_hangs"
CORRECT = ("a_reference", "b_sequential")
FAULTS = ("vanilla_mse", "vanilla_relu_output", "vanilla_not_compiled",
          "vanilla_linear_latent", "vanilla_decoder_missing_layer",
          "vanilla_return_order")
SAME = "g_relu_output_too"  # a second student with the same mistake


# Scheduling, resuming and the class page do not depend on the Keras
# version: they are tested in the Keras 3 run (test_grader_engine grades a
# batch under both).
pytestmark = pytest.mark.skipif(KERAS_MAJOR != 3, reason="batch scheduling "
                                "is tested in the Keras 3 run")


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    """Twelve student folders: 2 correct, 7 faulty (two with the same
    mistake), a broken file, one that hangs at import and one without the
    task file."""
    root = tmp_path_factory.mktemp("class") / "students"
    root.mkdir()
    folder = root / CORRECT[0]
    folder.mkdir()
    for name in ("0-vanilla.py", "1-sparse.py", "2-convolutional.py",
                 "3-variational.py"):
        shutil.copy2(REPO_ROOT / name, folder)
    shutil.copytree(REPO_ROOT / "tests" / "corpus" / "correct" /
                    "sequential", root / CORRECT[1])
    shutil.copytree(SUBMISSIONS / "infinite_loop", root / HANGS)
    shutil.copytree(SUBMISSIONS / "missing", root / "d_missing")
    shutil.copytree(SUBMISSIONS / "syntax_error", root / "e_syntax_error")
    for fault in FAULTS:
        shutil.copytree(FAULTY / fault, root / f"f_{fault}")
    shutil.copytree(FAULTY / "vanilla_relu_output", root / SAME)
    return root


def batch(root: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """Runs ``python -m grader batch`` as an instructor would."""
    return subprocess.run(command(root, out, *extra), cwd=REPO_ROOT,
                          env=dict(os.environ, GRADER_CACHE_DIR=str(CACHE)),
                          capture_output=True, text=True, timeout=800)


def command(root: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "grader", "batch", str(root), "--out",
            str(out), "--tasks", "0", "--keras", str(KERAS_MAJOR),
            "--timeout", TIMEOUT, *extra]


def raw_rows(out: Path) -> list[dict[str, str]]:
    with open(out, newline="") as handle:
        return list(csv.DictReader(handle))


def verdicts(out: Path) -> dict[str, tuple]:
    """Per folder: status, total and every check's status and message."""
    found = {}
    for row in raw_rows(out):
        record = json.loads((reports_dir_of(out) /
                             f"{row['student']}.batch.json").read_text())
        found[row["student"]] = (
            row["status"], row["total"],
            tuple((r["task"], r["check"], r["status"], r["message"])
                  for r in record["results"]))
    return found


@pytest.fixture(scope="module")
def local(klass, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "grades.csv"
    started = time.monotonic()
    done = batch(klass, out, "--workers", "2", "--similarity", "--against",
                 str(KNOWN))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return out, done.stdout, time.monotonic() - started


@pytest.fixture(scope="module")
def on_dask(klass, tmp_path_factory):
    out = tmp_path_factory.mktemp("dask") / "grades.csv"
    done = batch(klass, out, "--scheduler", "local:2")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return out, done.stdout


@pytest.fixture(scope="module")
def killed(klass, tmp_path_factory):
    """A batch on a two-worker cluster (tcp://127.0.0.1) whose worker
    process is killed with SIGKILL while it grades a folder. The workers
    keep Dask's defaults (daemonic processes), as ``dask worker`` does."""
    from distributed import Client, LocalCluster

    base = tmp_path_factory.mktemp("killed")
    out = base / "grades.csv"
    saved = os.environ.get("GRADER_CACHE_DIR")
    os.environ["GRADER_CACHE_DIR"] = str(CACHE)  # the workers' cache
    try:
        with LocalCluster(n_workers=2, threads_per_worker=1,
                          processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster, \
                Client(cluster) as client, \
                open(base / "stdout.txt", "w") as log:
            process = subprocess.Popen(
                command(klass, out, "--scheduler", cluster.scheduler_address),
                cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
                env=dict(os.environ), text=True)
            victim = None
            deadline = time.monotonic() + 600
            while victim is None and time.monotonic() < deadline:
                time.sleep(0.5)
                assert process.poll() is None, "the batch ended too soon"
                if not out.exists() or len(raw_rows(out)) < 1:
                    continue
                # A worker grading a folder that ends by itself (killing
                # the hanging one's worker would leave its loop running).
                for address, keys in client.processing().items():
                    names = [str(k).split("-", 2)[2] for k in keys]
                    if names and HANGS not in names:
                        victim = address, names
                        break
            assert victim is not None
            before = client.run(os.getpid)
            os.kill(before[victim[0]], signal.SIGKILL)
            assert process.wait(timeout=700) == 0
            client.wait_for_workers(2, timeout=120)
            after = client.run(os.getpid)
    finally:
        if saved is None:
            os.environ.pop("GRADER_CACHE_DIR")
        else:
            os.environ["GRADER_CACHE_DIR"] = saved
    return {"out": out, "pid": before[victim[0]], "names": victim[1],
            "after": after, "stdout": (base / "stdout.txt").read_text()}


# ------------------------------------------------------------ the batches

def test_local_batch_one_row_per_folder_with_status(local, klass):
    out, stdout, _ = local
    rows = raw_rows(out)
    assert list(rows[0]) == columns([0])
    assert "sandbox" in rows[0] and "status" in rows[0]
    names = [r["student"] for r in rows]
    assert names == sorted(p.name for p in klass.iterdir())
    by = {r["student"]: r for r in rows}
    for name in CORRECT:
        assert by[name]["status"] == "graded"
        assert by[name]["total"] == by[name]["max"], name
    assert by[HANGS]["status"] == "timeout"
    assert f"within {TIMEOUT} s" in by[HANGS]["detail"]
    assert by["d_missing"]["status"] == "missing files"
    assert by["e_syntax_error"]["status"] == "graded"  # graded: 0 for it
    for name in [f"f_{fault}" for fault in FAULTS] + [SAME]:
        row = by[name]
        assert row["status"] == "graded"
        assert float(row["total"]) < float(row["max"]), name
    for row in rows:
        assert Path(row["report"]).read_text().startswith(
            f"Grading {row['student']}\n")
        assert row["hash"] and row["grader"] == rows[0]["grader"]
    assert "progress: 12/12 folders" in stdout


def test_local_2_batch_equals_local_batch(local, on_dask):
    assert verdicts(on_dask[0]) == verdicts(local[0])


def test_killed_worker_loses_no_row_and_changes_no_verdict(local, killed):
    rows = raw_rows(killed["out"])
    names = [r["student"] for r in rows]
    assert len(names) == len(set(names)) == 12  # each exactly once
    assert verdicts(killed["out"]) == verdicts(local[0])
    assert killed["pid"] not in killed["after"].values()  # it was killed
    reports = reports_dir_of(killed["out"])
    for name in killed["names"]:  # graded again, by another process
        record = json.loads((reports / f"{name}.batch.json").read_text())
        assert record["pid"] != killed["pid"]
    assert killed["stdout"].count(": ") >= 12


def test_resume_grades_only_what_is_left(local, klass, tmp_path):
    out, _, _ = local
    root = tmp_path / "students"
    shutil.copytree(klass, root)
    again = tmp_path / "grades.csv"
    shutil.copytree(reports_dir_of(out), reports_dir_of(again))
    lines = out.read_text().splitlines(keepends=True)
    again.write_text("".join(lines[:7]))  # header and 6 rows: interrupted
    kept = [r["student"] for r in raw_rows(again)]
    assert HANGS in kept  # (so the resumed batch stays short)
    changed = root / kept[0] / "0-vanilla.py"
    changed.write_text(changed.read_text() + "# edited after grading\n")
    done = batch(root, again, "--resume")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "resume: 5 of 12 folders already graded, 7 to grade" in \
        done.stdout
    graded = set(re.findall(r"^(\w+): [\d.]+/[\d.]+(?: \[.*\])?$",
                            done.stdout, re.M))
    assert graded == set(p.name for p in klass.iterdir()) - set(kept[1:])
    assert verdicts(again) == verdicts(out)


def test_resume_with_compare_and_canvas_grades_nothing_again(
        local, klass, tmp_path):
    """An earlier batch in which one student's optimizer check passed, a
    resumed batch with everything kept: the regrade report names that
    student only, with the check; the totals go into Canvas's export."""
    out, _, _ = local
    old, again = tmp_path / "old" / "grades.csv", tmp_path / "grades.csv"
    for target in (old, again):
        target.parent.mkdir(exist_ok=True)
        shutil.copy2(out, target)
        shutil.copytree(reports_dir_of(out), reports_dir_of(target))
    changed = "f_vanilla_relu_output"  # its output activation check fails
    record_file = reports_dir_of(old) / f"{changed}.batch.json"
    record = json.loads(record_file.read_text())
    flipped = next(r for r in record["results"] if r["status"] == "failed")
    flipped["status"] = "passed"
    record_file.write_text(json.dumps(record))
    rows = raw_rows(old)
    for row in rows:
        if row["student"] == changed:
            row["total"] = f"{float(row['total']) + flipped['max_points']:g}"
            row["task0"] = row["total"]
    with open(old, "w", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    names = sorted(p.name for p in klass.iterdir())
    export = tmp_path / "export.csv"
    export.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Autoencoders (7),"
        "Current Score\n    Points Possible,,,,,37.00,(read only)\n"
        + "".join(f"S{i},{i},,{n},A,," + "\n" for i, n in
                  enumerate(names[1:] + ["nobody"])))
    roster = tmp_path / "roster.csv"
    roster.write_text(f"folder,login\n{names[1]},{names[2]}\n"
                      f"{names[2]},{names[1]}\n")
    done = batch(klass, again, "--resume", "--compare", str(old), "--canvas",
                 str(export), "--canvas-column", "Autoencoders", "--roster",
                 str(roster))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "resume: 12 of 12 folders already graded, 0 to grade" in \
        done.stdout
    assert "1 of 12 students' grades changed: 0 up, 1 down." in done.stdout
    changes = raw_rows(again.with_name("grades-changes.csv"))
    assert [r["student"] for r in changes] == [changed]
    assert changes[0]["checks"].startswith(
        f"task 0 {flipped['title']}: passed {flipped['max_points']:g} -> "
        "failed 0: ")
    page = parsed(again.with_suffix(".html"))
    assert [cells[0] for cells, _ in page.tables["changes"][1:]] == [changed]
    totals = {r["student"]: r["total"] for r in raw_rows(again)}
    filled = {r["SIS Login ID"]: r["Autoencoders (7)"]
              for r in raw_rows(again.with_name("grades-canvas.csv"))}
    assert filled.pop("") == "37.00"  # the Points Possible row
    assert filled.pop("nobody") == ""  # no folder: blank
    swapped = {names[1]: names[2], names[2]: names[1]}
    assert filled == {swapped.get(n, n): str(float(totals[n])).rstrip(
        "0").rstrip(".") for n in names[1:]}
    assert f"the folder {names[0]} matches no student" in done.stderr
    assert names[0] in again.with_suffix(".html").read_text().split(
        "id='canvas-extra'>", 1)[1].split("<", 1)[0]


# ------------------------------------------------------------ the page

class Page(HTMLParser):
    """The class page's images, and each table's rows (cells, links)."""

    def __init__(self):
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.tables: dict[str, list[tuple[list[str], list[str]]]] = {}
        self.table = self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        elif tag == "table":
            self.table = self.tables.setdefault(attrs.get("id"), [])
        elif tag == "tr" and self.table is not None:
            self.table.append(([], []))
        elif tag == "td" and self.table is not None:
            self.cell = ""
        elif tag == "a" and self.table is not None:
            self.table[-1][1].append(attrs["href"])

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag == "td" and self.table is not None:
            self.table[-1][0].append(self.cell)
            self.cell = None
        elif tag == "table":
            self.table = None


def parsed(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text())
    return page


def test_class_page_tables_links_and_images(local):
    from PIL import Image

    out = local[0]
    path = out.with_suffix(".html")
    page = parsed(path)
    # Task 0's histogram, the overall one, the failure-rate chart.
    assert len(page.images) == 3
    for image in page.images:
        prefix = "data:image/png;base64,"
        assert image["src"].startswith(prefix)
        data = base64.b64decode(image["src"][len(prefix):])
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(io.BytesIO(data)) as decoded:
            decoded.load()
            assert decoded.size == (int(image["width"]),
                                    int(image["height"]))
    records = {r["student"]: json.loads(
        (reports_dir_of(out) / f"{r['student']}.batch.json").read_text())
        for r in raw_rows(out)}
    # Failures of task files that ran: the timeout and the missing file
    # are problems, not causes.
    clean = [rec for rec in records.values()
             if rec["extra"]["workers"]["0"] == "ok"]
    assert len(clean) == 10
    failed = [r for rec in clean for r in rec["results"]
              if r["status"] == "failed"]
    causes = page.tables["causes"][1:]
    assert sum(int(cells[0]) for cells, _ in causes) == len(failed)
    shared = [links for cells, links in causes if int(cells[0]) >= 2]
    assert [f"grades-reports/{n}.txt" for n in ("f_vanilla_relu_output",
                                                SAME)] in shared
    for cells, links in causes:
        assert len(links) == int(cells[0])
        for href in links:
            assert (path.parent / href).is_file(), href
    rates = {cells[0]: cells[1] for cells, _ in page.tables["rates"][1:]}
    loads = sum(r["check"] == "loads" for r in failed)
    assert loads == 1  # the broken file (the other two are problems)
    assert rates["task 0: file loads and defines autoencoder"] == \
        f"{loads}/{len(clean)}"
    problems = {cells[0]: cells[1] for cells, _ in page.tables["problems"]
                [1:]}
    assert problems == {HANGS: "timeout", "d_missing": "missing files"}


def test_similarity_csv_and_section_beside_the_grades(local, klass):
    """--similarity: every pair of task 0 in grades-similarity.csv, the
    section on the class page; the grades are those of the same batch
    (the other tests of this module read them). The two students with the
    same one-line mistake in the reference's code are not flagged: what
    they share is the course's."""
    out = local[0]
    with open(out.with_name("grades-similarity.csv"), newline="") as handle:
        rows = list(csv.DictReader(handle))
    students = [f.name for f in klass.iterdir()
                if (f / "0-vanilla.py").is_file()]
    assert len(rows) == len(students) * (len(students) - 1) // 2 \
        + len(students)  # and each against the known solution
    assert {r["task"] for r in rows} == {"0-vanilla.py"}
    same = next(r for r in rows
                if {r["student"], r["other"]} == {"f_vanilla_relu_output",
                                                  SAME})
    assert same["flagged"] == "no"
    page = out.with_suffix(".html").read_text()
    assert "<h2>Similar solutions</h2>" in page
    assert "0 flagged of" in page
    assert "similarity: 0 flagged pairs" in local[1]


def test_class_page_lists_integrity_failures(tmp_path):
    results = [{"task": 0, "check": "integrity", "title": "files intact",
                "max_points": 0, "status": "failed",
                "message": "0-vanilla.py was changed while graded"},
               {"task": 0, "check": "loads", "title": "loads",
                "max_points": 2, "status": "passed", "message": ""}]
    record = {"student": "mallory", "status": "graded", "detail": "",
              "scores": {"0": [2, 2]}, "score": 2, "max_score": 2,
              "results": results}
    clean = dict(record, student="alice",
                 results=[dict(results[0], status="passed")] + results[1:])
    path = write_class_page(tmp_path / "grades.html",
                            {"mallory": record, "alice": clean},
                            tmp_path / "grades-reports", [0])
    rows = parsed(path).tables["integrity"][1:]
    assert [(cells[0], links) for cells, links in rows] == [
        ("mallory", ["grades-reports/mallory.txt"])]
    none = write_class_page(tmp_path / "none.html", {"alice": dict(
        clean, results=results[1:])}, tmp_path / "grades-reports", [0])
    assert "integrity" not in parsed(none).tables
    assert "no integrity check" in none.read_text()


def test_class_page_counts_only_task_files_that_ran(tmp_path):
    def result(task, check, status):
        return {"task": task, "check": check, "title": check,
                "max_points": 1, "status": status, "message": "wrong"}

    record = {"student": "partial", "status": "missing files",
              "detail": "1-sparse.py not found", "score": 1, "max_score": 2,
              "scores": {"0": [1, 1], "1": [0, 1]},
              "extra": {"workers": {"0": "ok", "1": "missing"}},
              "results": [result(0, "returns", "failed"),
                          result(1, "returns", "failed")]}
    page = parsed(write_class_page(tmp_path / "g.html", {"partial": record},
                                   tmp_path / "g-reports", [0, 1]))
    assert [cells[:2] for cells, _ in page.tables["rates"][1:]] == [
        ["task 0: returns", "1/1"]]
    assert [cells[:2] for cells, _ in page.tables["problems"][1:]] == [
        ["partial", "missing files"]]
    assert len(page.images) == 4  # two tasks, overall, failure rates


@needs_browser
def test_class_page_renders_in_headless_chromium(local, tmp_path):
    loaded, total, pixels = render(local[0].with_suffix(".html"), tmp_path)
    assert loaded == total == 3
    assert pixels.shape == (1600, 1280)
    assert pixels.std() > 10  # text, tables and figures, not a blank page


# ------------------------------------------------------------ the parts

def test_pack_keeps_names_modes_and_bytes(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "0-vanilla.py").write_text("print(1)\n")
    (folder / "0-vanilla.py").chmod(0o755)
    (folder / "notes.txt").write_text("hi")
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.py").write_text("x")
    (folder / "link.py").symlink_to(folder / "notes.txt")
    payload, digest = pack(folder)
    assert pack(folder) == (payload, digest)  # the same bytes every time
    unpack(payload, tmp_path / "t")
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "0-vanilla.py", "notes.txt"]
    assert (tmp_path / "t" / "0-vanilla.py").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "t" / "notes.txt").read_text() == "hi"
    (folder / "0-vanilla.py").chmod(0o644)
    assert pack(folder)[1] != digest
    (folder / "0-vanilla.py").chmod(0o755)
    (folder / "notes.txt").write_text("ho")
    assert pack(folder)[1] != digest


def test_a_file_too_large_to_travel_keeps_its_size(tmp_path):
    # It travels as its size alone and arrives sparse: the job's grading
    # then refuses it with the size, as a single grading does.
    folder = tmp_path / "s"
    folder.mkdir()
    with open(folder / "0-vanilla.py", "wb") as handle:
        handle.truncate(MAX_COPIED_FILE + 1)
    payload, _ = pack(folder)
    assert len(payload) < 10_000
    unpack(payload, tmp_path / "t")
    copy = tmp_path / "t" / "0-vanilla.py"
    assert copy.stat().st_size == MAX_COPIED_FILE + 1
    assert copy.stat().st_blocks * 512 < 1024 * 1024  # sparse
    from grader.run.tree import size_problem
    assert "0-vanilla.py is 64.0 MB" in size_problem(
        tmp_path / "t", "0-vanilla.py", 16, 32)


def test_normalized_cause_drops_numbers_and_details():
    one = normalized("for autoencoder(784, [128, 64], 32) the decoder's "
                     "last activation is relu; expected sigmoid")
    two = normalized("for autoencoder(50, [20], 5) the decoder's last "
                     "activation is relu; expected sigmoid\nmore")
    assert one == two == "the decoder's last activation is relu"
    layer = "for autoencoder(784, [128, 64], 32): encoder layer {} is {}"
    assert normalized(layer.format(1, "Dense(64), expected Dense(128)")) \
        == normalized(layer.format(2, "Dense(32), expected Dense(16)")) \
        != normalized(layer.format(2, "Conv2D(32), expected Dense(16)"))
    assert normalized("x does not parse: SyntaxError: 3") == \
        "x does not parse"


def test_progress_bar_on_a_terminal_lines_otherwise():
    stream = io.StringIO()
    progress = Progress(3, stream, every=3600, tty=False)
    for name in "abc":
        progress.advance(f"{name}: 1/1")
    text = stream.getvalue()
    assert text.splitlines()[:3] == ["a: 1/1", "b: 1/1", "c: 1/1"]
    assert text.count("progress: ") == 1 and "3/3 folders" in text
    stream = io.StringIO()
    progress = Progress(4, stream, tty=True)
    progress.advance("a: 1/1")
    assert "\r" in stream.getvalue()
    assert re.search(r"\[#{7}\.{23}\] 1/4 folders, [\d.]+ per minute, "
                     r"elapsed 0:00:00, ETA 0:00:0\d", stream.getvalue())


def test_table_writes_each_student_once(tmp_path):
    table = Table(tmp_path / "g.csv", columns([0]))
    table.start([{"student": "b", "status": "graded"}])
    assert table.add({"student": "a", "status": "timeout"})
    assert not table.add({"student": "b", "status": "graded"})
    assert len(raw_rows(tmp_path / "g.csv")) == 2  # written already
    table.finish()
    assert [r["student"] for r in raw_rows(tmp_path / "g.csv")] == ["a", "b"]


def test_scheduler_argument():
    assert parse_scheduler("local:2") == ("local", 2)
    assert parse_scheduler("tcp://10.0.0.5:8786") == ("tcp://10.0.0.5:8786",
                                                      0)
    for bad in ("local:0", "local:x", "nonsense"):
        with pytest.raises(ValueError):
            parse_scheduler(bad)
    done = subprocess.run([sys.executable, "-m", "grader", "batch",
                           str(REPO_ROOT), "--out", "/dev/null",
                           "--scheduler", "local:0"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "local:N" in done.stderr


def test_batch_keras_best_gives_the_score_of_a_single_keras_best_grading(
        tmp_path):
    # A Keras-2-style VAE (KL through auto.add_loss): Keras 3 fails on
    # it, Keras 2 gives it full marks, so a batch that dropped --keras
    # best (as it did) scores it lower than a single grading.
    from grader.options import Options
    from grader.pipeline import grade

    name = "auto_add_loss_kl"
    folder = REPO_ROOT / "tests" / "corpus" / "keras2" / "correct" / name
    root = tmp_path / "class"
    shutil.copytree(folder, root / name)
    single = grade(folder, Options(tasks=(3,), other_keras="best",
                                   cache_dir=CACHE))
    facts = single.extra["keras"]["tasks"]["3"]
    assert facts["scored_under"] == 2 and facts["keras3"] < facts["keras2"]
    out = tmp_path / "grades.csv"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "batch", str(root), "--out",
         str(out), "--tasks", "3", "--keras", "best", "--timeout", "120"],
        cwd=REPO_ROOT, env=dict(os.environ, GRADER_CACHE_DIR=str(CACHE)),
        capture_output=True, text=True, timeout=800)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    (row,) = raw_rows(out)
    assert float(row["total"]) == single.score, row  # same points: exact
    assert "counted: Keras 2" in row["keras"]
