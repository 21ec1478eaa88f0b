"""Cold start: a fresh process imports the entry and serves its first request through the Lambda handler.

Run: .venv/bin/python bench/auth_cold_start.py [repeats]
Compares, in the same run and interleaved, a bare FastAPI + Mangum hello-world (bench/bare_app.py,
the baseline bench/cold_start.py uses: no return annotation, so no pydantic.v1 import)
with `api.index.handler` serving `/api/health`, and serving `GET /api/users/me` with a valid token
on SQLite (the first authenticated request: JWT decode plus opening the database). Targets:
health <= 1.2x, first authenticated request <= 1.5x of the baseline.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "api"))
SECRET = "bench-secret-key-0123456789abcdef-0123456789"

CHILD = r"""
import time, json, sys, warnings
t0 = time.perf_counter()
warnings.simplefilter("ignore")
sys.path.insert(0, {root!r}); sys.path.insert(0, {bench!r})
import {module} as entry
token = {token!r}
event = {{"version": "2.0", "routeKey": "$default", "rawPath": {path!r}, "rawQueryString": "",
         "headers": {{"host": "x", "authorization": "Bearer " + token}},
         "requestContext": {{"http": {{"method": "GET", "path": {path!r}, "sourceIp": "1.2.3.4"}},
                             "stage": "$default"}},
         "isBase64Encoded": False}}
t1 = time.perf_counter()
response = entry.handler(event, None)
t2 = time.perf_counter()
assert response["statusCode"] == 200, response
print(json.dumps({{"import_ms": (t1 - t0) * 1000, "first_ms": (t2 - t1) * 1000, "total_ms": (t2 - t0) * 1000}}))
"""


def prepare(data_dir: str) -> str:
    """A user in a fresh SQLite file, and a valid access token for it."""
    from backend_app.core.config import load_settings
    from backend_app.main import create_app

    settings = load_settings(environment="development", secret_key=SECRET, data_dir=data_dir)
    app = create_app(settings)

    async def run() -> str:
        user = await app.state.auth.register("bench@example.com", "bench password")
        token, _ = app.state.auth.tokens.issue("access", user.id, user.token_version, "bench-session")
        await app.state.database.close()
        return str(token)

    return asyncio.run(run())


def run_child(module: str, path: str, token: str, env: dict[str, str]) -> dict[str, float]:
    code = CHILD.format(root=str(ROOT / "api"), bench=str(ROOT / "bench"), module=module, path=path, token=token)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{module} {path} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    with tempfile.TemporaryDirectory() as data_dir:
        token = prepare(data_dir)
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
        }
        cases = {
            "bare FastAPI + Mangum /api/health": ("bare_app", "/api/health"),
            "api.index /api/health": ("index", "/api/health"),
            "api.index /api/users/me (SQLite)": ("index", "/api/users/me"),
        }
        samples: dict[str, list[dict[str, float]]] = {label: [] for label in cases}
        for _ in range(repeats):  # interleaved, so machine noise falls on every case alike
            for label, (module, path) in cases.items():
                samples[label].append(run_child(module, path, token, env))
    base = statistics.median(s["total_ms"] for s in samples["bare FastAPI + Mangum /api/health"])
    print(f"cold start (import + first response through the handler), median of {repeats} fresh processes")
    for label, runs in samples.items():
        total = statistics.median(s["total_ms"] for s in runs)
        imp = statistics.median(s["import_ms"] for s in runs)
        first = statistics.median(s["first_ms"] for s in runs)
        print(f"  {label:36s} {total:7.1f} ms (import {imp:6.1f}, first response {first:6.1f})  {total / base:4.2f}x")
    print("targets: /api/health <= 1.20x, first authenticated request <= 1.50x")


if __name__ == "__main__":
    main()
