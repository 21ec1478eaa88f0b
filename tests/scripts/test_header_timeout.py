"""Self-hosted (the documented command, `scripts/dev.sh`): no connection stays open on unfinished headers."""

from __future__ import annotations

import http.client
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from tests.support.servers import SELF_HOSTED_OPTIONS, Server, serve
from tests.support.sockets import free_port

HEADER_TIMEOUT_S = float(SELF_HOSTED_OPTIONS[SELF_HOSTED_OPTIONS.index("--timeout-keep-alive") + 1])
MARGIN_S = 10.0  # a loaded machine may be late to close; the server without the deadline never closes


def _env(tmp_path: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "PORT": str(port),
        "ENVIRONMENT": "development",
        "REDIS_URL": "",
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/app.sqlite3",
    }


@contextmanager
def self_hosted(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "api.index:app", "--host", "127.0.0.1", "--port", str(port)]
    with serve([*argv, *SELF_HOSTED_OPTIONS, "--log-level", "warning"], port, env=_env(tmp_path, port)) as server:
        yield server


@contextmanager
def dev_server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    dev = ["bash", str(ROOT / "scripts" / "dev.sh"), "--log-level", "warning"]
    with serve(dev, port, env=_env(tmp_path, port), startup_s=60) as server:
        yield server


def _closed_after_s(server: Server, dribble: bool) -> float:
    """Seconds until the server closes a connection whose headers never finish (`dribble`: a byte a second)."""
    port = int(server.url.rsplit(":", 1)[1])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        conn.settimeout(1.0)
        while time.monotonic() - started < HEADER_TIMEOUT_S + MARGIN_S:
            try:
                if conn.recv(1024) == b"":
                    return time.monotonic() - started
            except TimeoutError:
                if dribble:
                    try:
                        conn.sendall(b"X")
                    except OSError:
                        return time.monotonic() - started
            except OSError:
                return time.monotonic() - started
    return float("inf")


def test_the_documented_command_and_dev_sh_use_these_options() -> None:
    documented = " ".join(SELF_HOSTED_OPTIONS)
    assert documented in (ROOT / "docs" / "getting-started.md").read_text()
    dev = " ".join((ROOT / "scripts" / "dev.sh").read_text().replace("\\\n", " ").split())
    assert " ".join(SELF_HOSTED_OPTIONS[1:]) in dev and "--no-proxy-headers" in dev


@pytest.mark.parametrize("dribble", [False, True], ids=["silent", "a-byte-a-second"])
def test_unfinished_headers_are_cut_off_self_hosted(tmp_path: Path, dribble: bool) -> None:
    with self_hosted(tmp_path) as server:
        assert HEADER_TIMEOUT_S - 1 <= _closed_after_s(server, dribble) < HEADER_TIMEOUT_S + MARGIN_S
        # A keep-alive client that pauses between requests is not cut off meanwhile.
        conn = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=10)
        for _ in range(3):
            conn.request("GET", "/api/health")
            response = conn.getresponse()
            assert response.status == 200 and response.read()
            time.sleep(HEADER_TIMEOUT_S / 3)
        conn.close()


def test_unfinished_headers_are_cut_off_by_dev_sh(tmp_path: Path) -> None:
    with dev_server(tmp_path) as server:
        assert _closed_after_s(server, dribble=False) < HEADER_TIMEOUT_S + MARGIN_S
