"""Cold start in the development venv: a fresh process imports the entry and serves its first request.

Run: .venv/bin/python bench/auth_cold_start.py [repeats]
Compares, in the same run and interleaved (bench/_probe.py, one fresh process per sample), a bare
FastAPI + Mangum hello-world (bench/bare_app.py, the baseline bench/cold_start.py uses: no return
annotation, so no pydantic.v1 import) with `api/index.py`'s handler serving `/api/health`, and
serving `GET /api/users/me` with a valid token on SQLite (the first authenticated request: JWT
decode plus opening the database). Targets: health <= 1.2x, first authenticated request <= 1.5x
of the baseline. bench/cold_start.py measures the deployed artefacts instead.
"""

from __future__ import annotations

import os
import sys
import tempfile

from _runner import SECRET, median, probe, rounds
from _tokens import mint_token

from backend_app.core.config import load_settings


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    with tempfile.TemporaryDirectory() as data_dir:
        token = mint_token(load_settings(environment="development", secret_key=SECRET, data_dir=data_dir))
        # Bytecode is written and used, as bench/cold_start.py does: a shell with PYTHONDONTWRITEBYTECODE
        # set would otherwise make the template (its own modules) compile on every run, the bare app
        # (site-packages, compiled by pip) not.
        env = {
            **os.environ,
            "ENVIRONMENT": "development",
            "SECRET_KEY": SECRET,
            "DATA_DIR": data_dir,
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": "",
            "PYTHONDONTWRITEBYTECODE": "",
            "BENCH_TOKEN": token,
        }
        cases = {
            "bare FastAPI + Mangum /api/health": lambda: probe("bare", "cold", env=env),
            "api.index /api/health": lambda: probe("template", "cold", env=env),
            "api.index /api/users/me (SQLite)": lambda: probe("template", "auth", env=env),
        }
        samples = rounds(cases, repeats)
    base = median(samples["bare FastAPI + Mangum /api/health"], "cold_ms")
    print(f"cold start (import + first response through the handler), median of {repeats} fresh processes")
    for label, runs in samples.items():
        total, imported, first = (median(runs, key) for key in ("cold_ms", "import_ms", "first_ms"))
        print(
            f"  {label:36s} {total:7.1f} ms (import {imported:6.1f}, first response {first:6.1f})  {total / base:4.2f}x"
        )
    print("targets: /api/health <= 1.20x, first authenticated request <= 1.50x")


if __name__ == "__main__":
    main()
