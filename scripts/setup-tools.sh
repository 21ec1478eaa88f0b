#!/usr/bin/env bash
# The one step that installs what the tests use beyond .venv; the test command itself installs
# nothing (a test whose tool is missing skips, or fails with CI=true, naming this script).
# Idempotent: re-run it after a pin in scripts/tools/ changes. Needs Debian's archive, PyPI and npm.
#   Debian packages (root or sudo): chromium (~360 MB installed), redis-server (~6 MB)
#   .tools/ (git-ignored, ~780 MB): SAM CLI + cfn-lint (~330 MB), Vercel CLI (~360 MB) + uv (~55 MB),
#   check-jsonschema (~35 MB), awslambdaric for Python 3.12 (~3 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
unset TOOLS_CHECK_ONLY
step() {
  local name=$1; shift
  local start=$SECONDS
  echo "==> $name" >&2
  "$@" >/dev/null
  echo "<== $name: $((SECONDS - start))s" >&2
}
step "Debian packages: chromium, redis-server (root or sudo)" bash scripts/tools/debian.sh
step "SAM CLI and cfn-lint -> .tools/sam" bash scripts/tools/sam.sh
step "Vercel CLI -> .tools/vercel, uv -> .tools/uv" bash scripts/tools/vercel.sh
step "check-jsonschema -> .tools/check-jsonschema" bash scripts/tools/check_jsonschema.sh
step "awslambdaric for Python 3.12 -> .tools/ric" bash scripts/tools/ric.sh "$(bash scripts/find_python.sh 3.12)"
echo "installed in .tools/: $(du -sh .tools/ | cut -f1)" >&2
