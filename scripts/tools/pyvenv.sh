#!/usr/bin/env bash
# Usage: pyvenv.sh NAME PIN...  Installs PINs into .tools/NAME, a venv of their own (never the
# project's .venv: tools such as aws-sam-cli pin their own pydantic). Idempotent: re-installs only
# when the pins change. Prints the venv's bin directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/tools/lib.sh
name=$1; shift
pins="$*"
venv=.tools/$name
if [ "$(cat "$venv/.pins" 2>/dev/null)" != "$pins" ]; then
  must_install "$name" "$pins"
  if [ ! -x "$venv/bin/python" ]; then
    "$(bash scripts/find_python.sh)" -m venv "$venv" >&2
  fi
  # shellcheck disable=SC2086
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $pins >&2
  echo "$pins" > "$venv/.pins"
fi
echo "$PWD/$venv/bin"
