"""Redis down, hanging, refusing, unresolvable or locked: the instance keeps answering, says
why in `/api/status`, and never shows the URL or the password."""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio
import pytest

from backend_app.core.config import Settings
from tests.backend.services.conftest import RedisProcess, gate_client, settings
from tests.support.sockets import free_port

pytestmark = pytest.mark.anyio


async def _status(client: object) -> dict[str, object]:
    response = await client.get("/api/status")  # type: ignore[attr-defined]
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("redis://127.0.0.1:{refused}/0", "connection refused"),
        ("redis://nonexistent-host.invalid:6379/0", "host name not resolved"),
    ],
    ids=["refused", "unresolvable"],
)
async def test_unreachable_redis_degrades_with_the_reason(
    url: str, words: str, key_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = settings(redis_url=url.format(refused=free_port()), redis_key_prefix=key_prefix)
    async with gate_client(config) as client:
        for _ in range(3):
            assert (await client.get("/api/anything")).status_code == 404  # served, limited in memory
        health = await client.get("/api/health")
        status = await _status(client)
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    limiter = status["services"]["rate_limiter"]  # type: ignore[index]
    assert limiter["backend"] == "memory" and limiter["configured"] == "redis" and limiter["shared"] is False
    assert words in limiter["detail"]
    assert status["services"]["cache"]["backend"] == "memory"  # type: ignore[index]
    assert any("per instance" in warning for warning in status["warnings"])  # type: ignore[attr-defined]
    assert "nonexistent-host" not in str(status) + capsys.readouterr().err


async def test_wrong_password_says_authentication_failed_and_leaks_nothing(
    redis_server: Callable[..., RedisProcess], key_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    server = redis_server(password="right-pass-9f2c")
    wrong = "wrong-pass-7d41e"
    config = settings(redis_url=f"redis://:{wrong}@127.0.0.1:{server.port}/0", redis_key_prefix=key_prefix)
    async with gate_client(config) as client:
        responses = [await client.get("/api/nothing-here") for _ in range(3)]
        responses.append(await client.get("/api/health"))
        status = await _status(client)
    limiter = status["services"]["rate_limiter"]  # type: ignore[index]
    assert limiter["backend"] == "memory" and "authentication failed" in limiter["detail"]
    seen = str(status) + "".join(r.text + str(r.headers) for r in responses) + capsys.readouterr().err
    assert wrong not in seen and "right-pass" not in seen
    assert f":{server.port}" not in seen  # not even the address


async def test_hanging_redis_costs_one_bounded_timeout_then_nothing(blackhole: int, key_prefix: str) -> None:
    connect_s, op_s = 0.5, 0.8
    config = settings(
        redis_url=f"redis://127.0.0.1:{blackhole}/0",
        redis_key_prefix=key_prefix,
        redis_connect_timeout_s=connect_s,
        redis_op_timeout_s=op_s,
    )
    async with gate_client(config) as client:
        started = time.perf_counter()
        first = await client.get("/api/first")  # start-up probe and the request: one timeout paid
        first_s = time.perf_counter() - started
        later = []
        for _ in range(20):
            started = time.perf_counter()
            response = await client.get("/api/later")
            later.append(time.perf_counter() - started)
            assert response.status_code == 404
        status = await _status(client)
    assert first.status_code == 404
    assert op_s <= first_s <= connect_s + op_s + 1.0
    # Inside the breaker window no request waits on Redis again (margin: half a timeout each).
    assert max(later) < op_s / 2
    assert "timed out" in status["services"]["rate_limiter"]["detail"]  # type: ignore[index]


def own_redis(server: RedisProcess, key_prefix: str, retry_after_s: float) -> Settings:
    """Settings on the test's own Redis, retried `retry_after_s` after a failure, limits never reached."""
    return settings(
        redis_url=server.url,
        redis_key_prefix=key_prefix,
        redis_retry_after_s=retry_after_s,
        rate_limit_default="100000/minute",
    )


async def test_redis_stopped_mid_run_then_restarted(redis_server: Callable[..., RedisProcess], key_prefix: str) -> None:
    server = redis_server()
    window_s = 1.0
    config = own_redis(server, key_prefix, window_s)
    async with gate_client(config) as client:
        assert (await client.get("/api/x")).status_code == 404
        assert (await _status(client))["services"]["rate_limiter"]["backend"] == "redis"  # type: ignore[index]

        server.stop()
        stopped = time.monotonic()
        statuses = []
        while True:
            response = await client.get("/api/x")
            statuses.append(response.status_code)
            status = await _status(client)
            if status["status"] == "degraded":
                break
            assert time.monotonic() - stopped < window_s + 5, "status never turned degraded"
            await anyio.sleep(0.02)
        assert time.monotonic() - stopped <= window_s + 1.0
        assert status["services"]["rate_limiter"]["backend"] == "memory"  # type: ignore[index]
        detail = status["services"]["rate_limiter"]["detail"]  # type: ignore[index]
        assert "connection refused" in detail or "connection closed by the server" in detail
        assert all(code == 404 for code in statuses)  # never a 5xx

        server.start()
        restarted = time.monotonic()
        while True:
            assert (await client.get("/api/x")).status_code == 404
            status = await _status(client)
            if status["services"]["rate_limiter"]["backend"] == "redis":  # type: ignore[index]
                break
            assert time.monotonic() - restarted < window_s + 10, "never returned to redis"
            # Poll, don't spin: a busy loop sent over 1,000 requests and met the rate limit itself.
            await anyio.sleep(0.05)
    assert status["status"] == "healthy" and status["services"]["rate_limiter"]["shared"] is True  # type: ignore[index]


async def test_after_the_window_one_request_probes_and_the_others_do_not_wait(blackhole: int, key_prefix: str) -> None:
    import anyio

    op_s, window_s = 0.8, 0.3
    config = settings(
        redis_url=f"redis://127.0.0.1:{blackhole}/0",
        redis_key_prefix=key_prefix,
        redis_connect_timeout_s=0.5,
        redis_op_timeout_s=op_s,
        redis_retry_after_s=window_s,
    )
    async with gate_client(config) as client:
        await client.get("/api/first")  # pays the start-up probe's timeout; the breaker opens
        await anyio.sleep(window_s + 0.1)  # setup, not an assertion: let the window pass
        durations: list[float] = []

        async def one() -> None:
            started = time.perf_counter()
            assert (await client.get("/api/concurrent")).status_code == 404
            durations.append(time.perf_counter() - started)

        async with anyio.create_task_group() as group:
            for _ in range(6):
                group.start_soon(one)
    durations.sort()
    assert durations[-1] >= op_s  # the one probe waited for its timeout...
    assert durations[-2] < op_s / 2  # ...and nobody else did


async def test_a_status_read_alone_sees_redis_back_after_its_retry_time(
    redis_server: Callable[..., RedisProcess], key_prefix: str
) -> None:
    server = redis_server()
    window_s = 1.0
    config = own_redis(server, key_prefix, window_s)
    async with gate_client(config) as client:
        assert (await client.get("/api/x")).status_code == 404  # the rate limiter uses Redis
        server.stop()
        assert (await client.get("/api/x")).status_code == 404  # ... finds it gone, and falls back
        assert (await _status(client))["status"] == "degraded"
        server.start()
        await anyio.sleep(window_s + 0.2)  # past the retry time; no request uses Redis meanwhile
        status = await _status(client)  # status and health are not rate limited: this read alone
    assert status["status"] == "healthy"
    assert status["services"]["rate_limiter"]["backend"] == "redis"  # type: ignore[index]
