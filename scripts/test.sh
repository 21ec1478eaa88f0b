#!/usr/bin/env bash
# Sets up .venv, then runs every check CI runs: format, lint, types, tests. Extra arguments go
# to pytest. Each stage prints how long it took; the first failure stops the run (exit != 0).
set -euo pipefail
cd "$(dirname "$0")/.."
stage() {
  local name=$1; shift
  local start=$SECONDS
  echo "==> $name" >&2
  "$@"
  echo "<== $name: $((SECONDS - start))s" >&2
}
stage "set up .venv" bash scripts/bootstrap.sh
stage "format check (ruff format --check)" .venv/bin/ruff format --check .
stage "lint (ruff check)" .venv/bin/ruff check .
stage "types (mypy --strict)" .venv/bin/mypy
# pytest exits 5 when it collected no test: that is a failure here too (set -e). The tests run in
# parallel, one worker per core (pytest-xdist), each file on one worker so that a module's fixtures
# (a server, a build) are made once; `-n 0` after it runs them serially.
stage "tests (pytest)" .venv/bin/python -m pytest -n auto --dist loadfile --no-loadscope-reorder "$@"
