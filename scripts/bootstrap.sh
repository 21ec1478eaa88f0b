#!/usr/bin/env bash
# Creates .venv with a Python >= 3.12 and installs the development requirements (idempotent:
# re-installs only when requirements files changed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python=$(bash scripts/find_python.sh)
  echo "creating .venv with $python ($("$python" --version))" >&2
  "$python" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(cat requirements-dev.txt api/requirements.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi
