"""Self-hosted, the app's `TRUSTED_PROXIES` rule decides the client address, not uvicorn's own."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx

from tests.support.paths import ROOT
from tests.support.sockets import free_port


def test_dev_server_does_not_let_x_forwarded_for_pick_the_bucket(tmp_path: Path) -> None:
    # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default and rewrites the peer from it: every
    # request below would get a bucket of its own and never meet the limit.
    port = free_port()
    env = {**os.environ, "PORT": str(port), "ENVIRONMENT": "development", "RATE_LIMIT_DEFAULT": "2/minute",
           "REDIS_URL": "", "DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/app.sqlite3"}  # fmt: skip
    proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "dev.sh"), "--log-level", "warning"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "scripts/dev.sh did not start"
                time.sleep(0.1)  # polling for start-up, not an assertion
        statuses = [httpx.get(base + "/api/x", headers={"x-forwarded-for": f"203.0.113.{n}"}).status_code
                    for n in range(3)]  # fmt: skip
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
    assert statuses == [404, 404, 429]
