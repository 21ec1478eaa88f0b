#!/usr/bin/env bash
# Sets up .venv and serves the backend on http://127.0.0.1:8000, and public/ at /, with embedded defaults
# (SQLite in ./data, in-memory cache and rate limits). Extra arguments go to uvicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export ENVIRONMENT="${ENVIRONMENT:-development}"
# The index the deployed fallback reads to name the distribution of a missing module (committed with
# the code): brought up to date with the code's imports, saying so when it changed.
.venv/bin/python scripts/import_names.py --quiet >&2
# This loop imports from .venv, where a package api/requirements.txt does not pin still imports; the
# deployed function would not load. The pre-deploy check's import scan (under a second) says so first.
if ! imports=$(.venv/bin/python scripts/check_deps.py --only imports 2>&1); then
  {
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "WARNING: the code imports what api/requirements.txt does not provide: deployed, it would not load."
    echo "It works here only because .venv has it. Pin it, then see the deployed view: scripts/emulate.py serve"
    echo "$imports" | grep -E "ERROR|^ +[^ ]" || echo "$imports"
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  } >&2
fi
echo "serving on http://127.0.0.1:${PORT:-8000}  (status page: /, health: /api/health, status: /api/status, docs: /api/docs)" >&2
# scripts/devserver.py: public/ at / (the status page, as Vercel serves it), the app everywhere else.
# --no-proxy-headers: uvicorn would otherwise trust X-Forwarded-For from 127.0.0.1 and rewrite the
# client address before the app applies TRUSTED_PROXIES (the rate limiter would count spoofed values).
# --no-access-log: the app's JSON line is the one log line per request.
# --http ... --timeout-keep-alive 5: a request's headers must arrive within 5 s (scripts/header_timeout.py);
# --h11-max-incomplete-event-size: at most 16 KiB of unfinished headers are buffered.
exec .venv/bin/python -m uvicorn scripts.devserver:app --host 127.0.0.1 --port "${PORT:-8000}" \
  --no-proxy-headers --http scripts.header_timeout:H11WithHeaderTimeout --timeout-keep-alive 5 \
  --h11-max-incomplete-event-size 16384 --no-access-log "$@"
