"""The course's file rules, on the reference files and on known slips."""
from __future__ import annotations

import pytest

from grader.paths import REPO_ROOT
from grader.tasks import TASKS
from grader.judge.file_rules import check_file


@pytest.mark.parametrize("number", sorted(TASKS))
def test_reference_files_follow_every_rule(number):
    task = TASKS[number]
    verdicts = check_file(REPO_ROOT / task.filename, task.imports)
    assert {k: v.message for k, v in verdicts.items()
            if v.status != "passed"} == {}


def test_each_rule_catches_its_slip(tmp_path):
    path = tmp_path / "0-vanilla.py"
    path.write_text('#!/usr/bin/python\nimport numpy as np\n\n\n'
                    'def autoencoder(a,b):\n    def helper():\n'
                    '        pass\n    return a\n\n\nclass Layer:\n'
                    '    """Has a docstring."""\n\n    def call(self):\n'
                    '        return 1')
    verdicts = check_file(path)
    assert {k for k, v in verdicts.items() if v.status == "failed"} == {
        "shebang", "module-docstring", "docstrings", "pycodestyle",
        "executable", "final-newline", "imports"}
    assert "autoencoder (line 5), Layer.call (line 14)" in \
        verdicts["docstrings"].message  # the nested helper needs none
    assert "line 5:18 E231" in verdicts["pycodestyle"].message
    assert "line 2: import numpy as np" in verdicts["imports"].message


def test_a_task_may_allow_more_imports(tmp_path):
    """Task 4 allows numpy beside Keras; the course's tasks do not."""
    path = tmp_path / "4-denoising.py"
    path.write_text("import numpy as np\nimport tensorflow.keras as keras\n"
                    "import os\n")
    verdicts = check_file(path, TASKS[4].imports)
    assert "line 1" not in verdicts["imports"].message
    assert "line 3: import os" in verdicts["imports"].message
    assert "numpy as np" in verdicts["imports"].message  # what is allowed
    assert check_file(path)["imports"].status == "failed"
