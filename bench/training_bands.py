#!/usr/bin/env python3
"""Evidence for the seeded training's bands (``grader/judge/tolerances.py``).

For a given batch size of the seeded training (``--batch``, the grader's
``grader.measure.training.BATCH`` unless given), it measures:

1. the reference VAE over ``--seeds`` sampling seeds: the spread of its
   final loss and val_loss (relative standard deviation), from which the
   VAE's band is set;
2. every correct and faulty folder of the corpus (``tests/corpus``, Keras
   2's too), task by task (the course's four tasks): its seeded training
   against the reference's, judged by the seeded-training check itself
   with its prerequisites ignored, so the band is seen on the faulty
   files that the earlier checks already catch: how far each is from the
   reference, and whether the band alone would fail it.

Each measurement runs in a forked child (no sandbox: the corpus is ours),
the reference's first. Usage: bench/training_bands.py [--keras 3]
[--batch 64] [--seeds 8] [--vae-only] [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.tasks import TASKS  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


def measure(folder: Path, number: int, batch: int, seed: int) -> Any:
    """The seeded training of ``folder``'s task ``number`` (in a child)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            out = child(folder, number, batch, seed)
        except BaseException as exc:
            out = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        with os.fdopen(write, "w") as pipe:
            json.dump(out, pipe)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(text) if text else {"error": "no result"}


def child(folder: Path, number: int, batch: int, seed: int) -> Any:
    from grader.measure import data, training, worker
    from grader.measure.student import StudentCode
    from grader.measure.trace import keras

    task = TASKS[number]
    training.BATCH = batch
    if seed:  # another sampling seed (the weights are canonical anyway)
        original = keras.utils.set_random_seed
        keras.utils.set_random_seed = lambda s: original(s + seed)
    os.chdir(folder)
    sys.path.append(str(folder))
    module = worker.load_student(folder / task.filename)
    images, source = data.mnist_images()
    train, val = training.training_data(task, images)
    found = training.seeded_training(
        StudentCode(module, str(folder / task.filename)), task, train, val)
    found = {k: v for k, v in found.items() if k in (
        "loss", "val_loss", "encoded_mean", "error")}
    return {"training": found, "data_source": source}


def verdict(number: int, mine: Any, ref: Any) -> tuple[str, str]:
    """The seeded-training check on ``mine`` against ``ref``, alone."""
    from grader.judge.checks.numeric import seeded_training
    from grader.judge.evidence import Evidence

    found = seeded_training(Evidence(TASKS[number], mine, ref))
    return found.status, found.message


def relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keras", choices=("2", "3"), default="3")
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--vae-only", action="store_true",
                        help="only part 1 (the reference VAE's spread)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    os.environ["TF_USE_LEGACY_KERAS"] = "1" if args.keras == "2" else "0"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from grader.run import forkserver
    forkserver.preload()  # TensorFlow and the grader, as the server has
    from grader.measure import training
    batch = args.batch or training.BATCH
    out: dict[str, Any] = {"keras": args.keras, "batch": batch}
    vae = [measure(ROOT, 3, batch, s) for s in range(args.seeds)]
    finals = {key: [r["training"][key][-1] for r in vae]
              for key in ("loss", "val_loss")}
    out["vae_spread"] = {key: statistics.stdev(v) / statistics.mean(v)
                         for key, v in finals.items()}
    print(f"Keras {args.keras}, batch {batch} "
          f"({training.EPOCHS * training.TRAIN_ROWS // batch} steps); "
          f"reference VAE over {args.seeds} seeds: relative std "
          + ", ".join(f"{k} {v:.2%}" for k, v in out["vae_spread"].items()))
    if args.vae_only:
        return
    four = {n: t for n, t in TASKS.items() if t.course}  # the course's
    reference = {n: measure(ROOT, n, batch, 0) for n in four}
    groups = ["correct", "faulty"] if args.keras == "3" else [
        "keras2/correct", "keras2/faulty"]
    out["folders"] = rows = []
    for group in groups:
        for folder in sorted(p for p in (CORPUS / group).iterdir()
                             if p.is_dir()):
            for number, task in four.items():
                if not (folder / task.filename).is_file():
                    continue
                mine = measure(folder, number, batch, 0)
                ref = reference[number]
                status, message = verdict(number, mine, ref)
                gaps = {}
                for key in ("loss", "val_loss"):
                    a = mine["training"].get(key) or [float("nan")]
                    gaps[key] = relative(a[-1], ref["training"][key][-1])
                rows.append({"folder": str(folder.relative_to(CORPUS)),
                             "task": number, "status": status,
                             "message": message, **gaps})
                print(f"{group:>15} {folder.name:<34} {number} {status:<7}"
                      f" loss {gaps['loss']:9.2%} val_loss "
                      f"{gaps['val_loss']:9.2%}", flush=True)
    for group in groups:
        mine = [r for r in rows if r["folder"].startswith(group)]
        failing = sum(r["status"] == "failed" for r in mine)
        print(f"{group}: {failing} of {len(mine)} task files fail the band "
              "alone")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
