"""Shared fixtures: the repository root and the reference task modules."""
import importlib.util
import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Nothing is kept warm after a test's grading (a kept grader would outlive
# the test run); tests/test_keeper.py keeps one on purpose.
os.environ["GRADER_KEEP_WARM"] = "0"

from grader.paths import REPO_ROOT  # noqa: E402
from grader.tasks import TASKS  # noqa: E402


def load_task(stem: str, folder: Path = REPO_ROOT):
    """Imports ``folder/stem.py`` under a unique module name."""
    spec = importlib.util.spec_from_file_location(
        f"task_{stem.replace('-', '_')}_{abs(hash(str(folder)))}",
        folder / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def keras():
    """The Keras that ``import tensorflow.keras`` selects (2 or 3)."""
    import tensorflow.keras as keras

    return keras


@pytest.fixture(autouse=True)
def _seeded(request):
    """Every test that touches Keras starts from the same seed."""
    if "keras" in request.fixturenames:
        keras = request.getfixturevalue("keras")
        keras.utils.set_random_seed(0)


@pytest.fixture(scope="session")
def tasks():
    """The four reference modules, keyed by task number."""
    return {number: load_task(task.stem) for number, task in TASKS.items()}
