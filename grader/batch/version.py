"""The batch's version digest: everything a verdict depends on besides the
folder, so that ``--resume`` keeps only rows graded the same way and a
Dask worker with another grader is caught before it grades.

The options part is computed from the :class:`grader.options.Options`
object itself, field by field: a field added to ``Options`` is in the
digest unless it is named in :data:`NOT_IN_DIGEST` with its reason.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from typing import Any

from grader.options import Options
from grader.paths import GRADER_DIR, REPO_ROOT
from grader.run.reference import library_versions
from grader.tasks import TASKS

# Sources that only render or schedule: they cannot change a verdict.
NOT_VERDICT = ("batch", "report")
# Options that change where or how fast a grading runs, never its verdicts.
NOT_IN_DIGEST = {
    "workers": "how many task files are graded at a time",
    "cache": "whether the reference's measurements are reused: the cache "
             "is keyed by everything that could change them, so a cached "
             "measurement is the one a fresh run gives",
    "cache_dir": "where that cache is (each machine has its own)",
    "keep_warm": "how long the zygote workers are forked from stays for "
                 "the next grading: a kept zygote is one started with "
                 "everything the same (grader.run.keeper.zygote_key)",
}


def options_digest(options: Options) -> dict[str, Any]:
    """The verdict-relevant options as plain data (what the digest
    hashes): every field but those of :data:`NOT_IN_DIGEST`."""
    return {name: value for name, value in asdict(options).items()
            if name not in NOT_IN_DIGEST}


def grader_version(options: Options) -> str:
    """A digest of everything a verdict depends on besides the folder.

    The grader's sources (not the batch and page code), the reference
    solutions, the library versions, the data file's size and the grading
    options (:func:`options_digest`). Two machines with the same digest
    give the same verdicts.
    """
    digest = hashlib.sha256()
    for path in sorted(GRADER_DIR.rglob("*.py")):
        relative = path.relative_to(GRADER_DIR)
        if relative.parts[0] in NOT_VERDICT:
            continue
        digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    for number in sorted(TASKS):
        digest.update((REPO_ROOT / TASKS[number].filename).read_bytes())
    digest.update(repr(sorted(library_versions().items())).encode())
    mnist = os.environ.get("MNIST_PATH")
    size = os.path.getsize(mnist) if mnist and os.path.isfile(mnist) else 0
    digest.update(f"mnist {size}".encode())
    digest.update(json.dumps(options_digest(options), sort_keys=True,
                             default=str).encode())
    return digest.hexdigest()[:16]
