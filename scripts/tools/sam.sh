#!/usr/bin/env bash
# Installs the AWS tools into .tools/sam, a venv of their own: aws-sam-cli pins its own pydantic,
# which must never meet the project's. Idempotent (re-installs only when the pins below change).
# Prints the venv's bin directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
pins="aws-sam-cli==1.170.0 cfn-lint==1.58.0"
venv=.tools/sam
if [ ! -x "$venv/bin/python" ]; then
  "$(bash scripts/find_python.sh)" -m venv "$venv" >&2
fi
if [ "$(cat "$venv/.pins" 2>/dev/null)" != "$pins" ]; then
  # shellcheck disable=SC2086
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $pins >&2
  echo "$pins" > "$venv/.pins"
fi
echo "$PWD/$venv/bin"
