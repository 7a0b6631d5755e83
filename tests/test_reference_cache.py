"""The reference's cached measurements are keyed by everything that could
change them: a change to any of the grader's sources (the measuring code
above all) has the reference measured again, never read from the cache."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.paths import GRADER_DIR
from grader.run import reference
from grader.tasks import TASKS


@pytest.mark.parametrize("source", ["measure/training.py",
                                    "judge/tolerances.py",
                                    "run/forkserver.py"])
def test_a_change_to_any_grader_source_changes_the_cache_key(monkeypatch,
                                                             source):
    task = TASKS[0]
    before = reference.cache_key(task, 3)
    changed = GRADER_DIR / source
    assert changed.is_file()
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        data = real(self)
        return data + b"\n# changed\n" if self == changed else data

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert reference.cache_key(task, 3) != before
