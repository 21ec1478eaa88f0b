#!/usr/bin/env bash
# Sets up .venv and serves the backend on http://127.0.0.1:8000, and public/ at /, with embedded defaults
# (SQLite in ./data, in-memory cache and rate limits). Extra arguments go to uvicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export ENVIRONMENT="${ENVIRONMENT:-development}"
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
