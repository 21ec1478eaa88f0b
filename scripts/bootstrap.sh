#!/usr/bin/env bash
# Creates .venv with a Python >= 3.12 and installs the development requirements (idempotent:
# re-installs only when requirements files changed). VENV=.venv-3.13 PYTHON_VERSION=3.13 makes a
# second venv on exactly that Python (CI runs the suite on both).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
if [ ! -x "$venv/bin/python" ]; then
  python=$(bash scripts/find_python.sh ${PYTHON_VERSION:+"$PYTHON_VERSION"})
  echo "creating $venv with $python ($("$python" --version))" >&2
  "$python" -m venv "$venv"
fi
stamp=$venv/.requirements.sha
want=$(cat requirements-dev.txt api/requirements.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  # passlib 1.7.4 and its fork libpass install the same `passlib` package: a venv made before the
  # switch holds both, and removing either deletes the files of the other. Start both afresh.
  if "$venv/bin/python" -m pip show --quiet passlib >/dev/null 2>&1; then
    "$venv/bin/python" -m pip uninstall --quiet --yes passlib libpass
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi
