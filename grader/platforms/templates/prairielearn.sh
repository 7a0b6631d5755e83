#!/usr/bin/env bash
# PrairieLearn external-grading entry point (the image's
# /opt/grader/prairielearn.sh): grades $ROOT/student and writes
# $ROOT/results/results.json, a valid one whatever happens.
#
# Usage: prairielearn.sh [TASKS]   (e.g. 0 or 0,3; default: the contents
# of the question's tests/tasks, else the course's four). The question's
# tests/timeout holds its info.json timeout in seconds (default 600): the
# limits per task file are chosen so that grading ends before it.
# Environment: PRAIRIELEARN_ROOT (default /grade), GRADER_HOME (default:
# this script's folder), GRADER_SECONDS (overrides tests/timeout),
# GRADER_PYTHON (default python3), GRADER_CACHE_DIR (default: a copy of
# the image's prepared cache).
set -uo pipefail

ROOT="${PRAIRIELEARN_ROOT:-/grade}"
HOME_DIR="${GRADER_HOME:-$(cd "$(dirname "$0")" && pwd)}"
SECONDS_IN_ALL="${GRADER_SECONDS:-}"
if [ -z "$SECONDS_IN_ALL" ] && [ -f "$ROOT/tests/timeout" ]; then
    SECONDS_IN_ALL="$(tr -d ' \n' <"$ROOT/tests/timeout")"
fi
case "$SECONDS_IN_ALL" in
    '' | *[!0-9]*) SECONDS_IN_ALL=600 ;;
esac
PYTHON="${GRADER_PYTHON:-python3}"
RESULTS="$ROOT/results/results.json"
TASKS="${1:-}"
if [ -z "$TASKS" ] && [ -f "$ROOT/tests/tasks" ]; then
    TASKS="$(tr -d ' \n' <"$ROOT/tests/tasks")"
fi
TASKS="${TASKS:-0,1,2,3}"
count=$(($(tr -cd ',' <<<"$TASKS" | wc -c) + 1))
# every task file may hang, and the reference may have to be measured
# too: 2 jobs per task, 2 at a time, after 20 s to start and 10 to spare
TASK_SECONDS=$(((SECONDS_IN_ALL - 30) / count))
echo "grader: tasks $TASKS, $TASK_SECONDS s per task file, $SECONDS_IN_ALL s in all"

mkdir -p "$ROOT/results"
rm -f "$RESULTS"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CACHE="${GRADER_CACHE_DIR:-$WORK/cache}"
if [ -z "${GRADER_CACHE_DIR:-}" ] && [ -d "$HOME_DIR/.grader-cache" ]; then
    cp -R "$HOME_DIR/.grader-cache" "$CACHE"
fi
status=0
cd "$HOME_DIR" && timeout --kill-after=5 "$((SECONDS_IN_ALL - 10))" env \
    HOME="$WORK" GRADER_CACHE_DIR="$CACHE" TF_CPP_MIN_LOG_LEVEL=3 \
    GRADER_KEEP_WARM=0 \
    "$PYTHON" -m grader "$ROOT/student" --tasks "$TASKS" --workers 2 \
    --timeout "$TASK_SECONDS" --search-subfolders --format prairielearn \
    --json "$WORK/results.json" || status=$?
echo "grader: exit status $status"
if [ -s "$WORK/results.json" ]; then
    cp "$WORK/results.json" "$RESULTS"
else
    printf '{"gradable": false, "score": 0, "message": "%s", "output": "", "tests": [], "images": []}\n' \
        "The grader could not grade this submission (exit status $status); it was not counted. Try again, and tell your instructors if this stays." \
        >"$RESULTS"
fi
exit 0
