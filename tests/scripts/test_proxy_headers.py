"""Self-hosted, the app's `TRUSTED_PROXIES` rule decides the client address, not uvicorn's own."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import httpx
import pytest

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


def test_an_ipv4_proxy_is_trusted_on_a_dual_stack_socket(tmp_path: Path) -> None:
    # An IPv6 socket that takes IPv4 connections sees its peers as ::ffff:127.0.0.1; the IPv4
    # entry of TRUSTED_PROXIES must still match, or every client behind the proxy shares one bucket.
    if not socket.has_ipv6:
        pytest.skip("this Python has no IPv6 sockets")
    listener = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("::ffff:127.0.0.1", 0))
    except OSError as exc:
        listener.close()
        pytest.skip(f"cannot bind an IPv4-mapped IPv6 socket here ({exc})")
    listener.listen(64)
    port = listener.getsockname()[1]
    env = {
        **os.environ,
        "ENVIRONMENT": "production",
        "TRUSTED_PROXIES": "127.0.0.1",
        "RATE_LIMIT_DEFAULT": "2/minute",
        "REDIS_URL": "",
        "DATABASE_URL": f"sqlite:///{tmp_path}/app.sqlite3",
    }
    argv = [sys.executable, "-m", "uvicorn", "api.index:app", "--fd", str(listener.fileno()), "--no-proxy-headers"]
    try:
        with serve([*argv, "--log-level", "warning"], port, env=env, pass_fds=[listener.fileno()]) as server:
            statuses = [
                httpx.get(server.url + "/api/x", headers={"x-forwarded-for": f"203.0.113.{n}"}).status_code
                for n in range(3)
            ]
            one_client = [
                httpx.get(server.url + "/api/x", headers={"x-forwarded-for": "203.0.113.9"}).status_code
                for _ in range(3)
            ]
    finally:
        listener.close()
    assert statuses == [404, 404, 404]  # three clients, three buckets
    assert one_client == [404, 404, 429]  # one client, its own bucket
