#!/usr/bin/env bash
# Installs the Vercel CLI (npm) into .tools/vercel and uv (which `vercel build` runs to install the
# function's packages) into .tools/uv: both outside the deployed tree, so no package.json lands at
# the project root (Vercel would take the project for a Node one). Idempotent. Prints the PATH
# entries to prepend, colon-separated.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/tools/lib.sh
vercel_version=64.0.2
uv_version=0.13.9
dir=.tools/vercel
if [ "$(cat "$dir/.pins" 2>/dev/null)" != "vercel@$vercel_version" ]; then
  must_install vercel "vercel@$vercel_version"
  mkdir -p "$dir"
  # sandbox@4.4.0, a dependency of some CLI versions, may fail to resolve; 4.5.0 works.
  cat > "$dir/package.json" <<JSON
{"private": true, "dependencies": {"vercel": "$vercel_version"}, "overrides": {"sandbox": "4.5.0"}}
JSON
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >&2)
  echo "vercel@$vercel_version" > "$dir/.pins"
fi
uvdir=.tools/uv
if [ "$(cat "$uvdir/.pins" 2>/dev/null)" != "uv==$uv_version" ]; then
  must_install uv "uv==$uv_version"
  [ -x "$uvdir/bin/python" ] || "$(bash scripts/find_python.sh)" -m venv "$uvdir" >&2
  "$uvdir/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$uv_version" >&2
  echo "uv==$uv_version" > "$uvdir/.pins"
fi
echo "$PWD/$dir/node_modules/.bin:$PWD/$uvdir/bin"
