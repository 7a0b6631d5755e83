#!/usr/bin/env bash
# Gradescope image build (runs once, as root, with network): Python 3.11
# beside the image's own python3 (which Gradescope's harness needs), a
# virtual environment with the pinned requirements, bubblewrap for the
# sandbox, a user to run student code as, and the reference measured once
# so that every grading starts from a warm cache.
set -euo pipefail

# Settings, written by `python -m grader gradescope`.
# The grading options (grader.options.grading_argv of the zip's Options).
GRADING_ARGS=(@GRADING_ARGS@)

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/venv"
export DEBIAN_FRONTEND=noninteractive

apt-get update -q
apt-get install -y -q --no-install-recommends software-properties-common \
    gpg-agent bubblewrap ca-certificates
# deadsnakes has current 3.11 releases for Ubuntu 22.04; without it, the
# distribution's own python3.11 (universe) is used.
add-apt-repository -y ppa:deadsnakes/ppa || echo "setup: no deadsnakes PPA"
apt-get update -q
apt-get install -y -q --no-install-recommends python3.11 python3.11-venv
python3.11 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -r "$SOURCE/requirements.txt"

id student >/dev/null 2>&1 || useradd --create-home --shell /bin/bash student

# The reference once, now: its measurements go to the cache every grading
# copies (the same machine type, versions and data).
# Exit status 0 or 1 is a grading (1: a file rule, e.g. a lost executable
# bit); 3 means the reference could not be measured.
cd "$SOURCE"
status=0
GRADER_CACHE_DIR="$SOURCE/.grader-cache" TF_CPP_MIN_LOG_LEVEL=3 \
    PYTHONPATH="$SOURCE" "$VENV/bin/python" -m grader "$SOURCE" \
    "${GRADING_ARGS[@]}" --timeout 900 || status=$?
if [ "$status" -gt 1 ]; then
    echo "setup: measuring the reference failed ($status); each grading will try again"
fi
chmod -R a+rX "$SOURCE" "$VENV"
echo "setup: done"
