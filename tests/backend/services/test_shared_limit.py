"""Two app instances in two processes: one limit through Redis, one each without it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.support.environment import clean_environ
from tests.support.paths import ROOT
from tests.support.servers import serve
from tests.support.sockets import free_port

pytestmark = pytest.mark.slow


@contextmanager
def instance(env: dict[str, str]) -> Iterator[str]:
    """`api/index.py` served by uvicorn in its own process, as a platform would run it."""
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        "index:app",
        "--app-dir",
        str(ROOT / "api"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "on",
        "--no-access-log",
    ]
    with serve(args, port, env=env, startup_s=60) as server:
        yield server.url


def _env(**values: str) -> dict[str, str]:
    env = clean_environ(prefixes=("REDIS_", "RATE_LIMIT_"))
    # Generous Redis timeouts: sharing is the subject; under load a 0.25 s default once timed out,
    # sent one instance to memory for the breaker window and split the count.
    timeouts = {"REDIS_CONNECT_TIMEOUT_S": "5", "REDIS_OP_TIMEOUT_S": "5"}
    return {**env, "LOG_LEVEL": "WARNING", "RATE_LIMIT_DEFAULT": "6/minute", **timeouts, **values}


def _alternate(a: str, b: str, total: int) -> list[int]:
    with httpx.Client(timeout=10) as client:
        return [client.get(f"{(a, b)[n % 2]}/api/counted").status_code for n in range(total)]


def _limiter(base: str) -> dict[str, object]:
    limiter: dict[str, object] = httpx.get(f"{base}/api/status", timeout=5).json()["services"]["rate_limiter"]
    return limiter


def test_two_processes_share_one_limit_through_redis(shared_redis: str, key_prefix: str) -> None:
    env = _env(REDIS_URL=shared_redis, REDIS_KEY_PREFIX=key_prefix)
    with instance(env) as a, instance(env) as b:
        codes = _alternate(a, b, 10)
        status_a, status_b = _limiter(a), _limiter(b)
    assert codes == [404] * 6 + [429] * 4  # six in all, whichever instance answered
    assert status_a["backend"] == status_b["backend"] == "redis"
    assert status_a["shared"] is status_b["shared"] is True


def test_without_redis_each_process_counts_alone(key_prefix: str) -> None:
    env = _env(REDIS_KEY_PREFIX=key_prefix)
    with instance(env) as a, instance(env) as b:
        codes = _alternate(a, b, 14)
        status = _limiter(a)
        warnings = httpx.get(f"{a}/api/status", timeout=5).json()["warnings"]
    assert codes.count(404) == 12 and codes[-2:] == [429, 429]  # six each
    assert status["backend"] == "memory" and status["shared"] is False
    assert any("per instance" in warning for warning in warnings)
