#!/usr/bin/env bash
# Installs awslambdaric (the runtime client Lambda's Python images run) into .tools/ric/<X.Y>,
# a folder of its own for the given Python (default 3.12), so a built function can be run with
# nothing of the project's .venv on its path. Idempotent. Prints the folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/tools/lib.sh
python=${1:-$(bash scripts/find_python.sh)}
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
pins="awslambdaric==4.2.2"
target=.tools/ric/$version
if [ "$(cat "$target/.pins" 2>/dev/null)" != "$pins" ]; then
  must_install "ric/$version" "$pins"
  rm -rf "$target"
  # shellcheck disable=SC2086
  "$python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: --target "$target" $pins >&2
  echo "$pins" > "$target/.pins"
fi
echo "$PWD/$target"
