"""Loads :mod:`grader.pytest_plugin` for ``pytest grader --submission DIR``."""
from grader.pytest_plugin import (graded, pytest_addoption,  # noqa: F401
                                  pytest_collection_modifyitems)
