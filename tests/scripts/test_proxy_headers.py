"""Self-hosted, the app's `TRUSTED_PROXIES` rule decides the client address, not uvicorn's own."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from tests.support.paths import ROOT
from tests.support.servers import serve
from tests.support.sockets import free_port


def test_dev_server_does_not_let_x_forwarded_for_pick_the_bucket(tmp_path: Path) -> None:
    # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default and rewrites the peer from it: every
    # request below would get a bucket of its own and never meet the limit.
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "ENVIRONMENT": "development",
        "RATE_LIMIT_DEFAULT": "2/minute",
        "REDIS_URL": "",
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/app.sqlite3",
    }
    dev = ["bash", str(ROOT / "scripts" / "dev.sh"), "--log-level", "warning"]
    with serve(dev, port, env=env, startup_s=60) as server:
        statuses = [
            httpx.get(server.url + "/api/x", headers={"x-forwarded-for": f"203.0.113.{n}"}).status_code
            for n in range(3)
        ]
    assert statuses == [404, 404, 429]
