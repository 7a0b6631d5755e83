"""Where the project lives: the repository (reference solutions, tests) and
the grader's own package."""
from __future__ import annotations

from pathlib import Path

GRADER_DIR = Path(__file__).resolve().parent
REPO_ROOT = GRADER_DIR.parent
