"""Connections follow the event loop and never outlive a freeze."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable

import pytest
import redis
from pydantic import SecretStr

from backend_app.services import redis_client
from backend_app.services.ratelimit import RateLimiter
from backend_app.services.redis_client import RedisConnector
from tests.backend.services.conftest import RedisProcess


def test_a_new_event_loop_gets_its_own_connection(shared_redis: str, key_prefix: str) -> None:
    # Generous timeouts: loops are the subject here, and a busy CI machine once took > 0.5 s.
    connector = RedisConnector(SecretStr(shared_redis), 5.0, 5.0, 30)
    limiter = RateLimiter(connector, key_prefix)

    async def one_check() -> tuple[int, str]:
        decision = await limiter.check("loops", "10/minute", "client", "RATE_LIMIT_TEST")
        return decision.remaining, decision.backend

    # Tests and some servers run each request on a fresh loop; Mangum keeps one per container.
    first = asyncio.run(one_check())
    second = asyncio.run(one_check())
    asyncio.run(connector.aclose())  # from yet another loop: closes the sockets the last one left
    gc.collect()  # nothing left unclosed: a ResourceWarning would fail this test
    assert first == (9, "redis") and second == (8, "redis")  # one shared count, no loop errors
    assert connector.view().state == "closed"


@pytest.mark.parametrize("idle_reset_s", [0.0, 3600.0], ids=["reset-after-idle", "no-reset"])
def test_sockets_killed_while_idle_are_not_reused(
    idle_reset_s: float,
    redis_server: Callable[..., RedisProcess],
    key_prefix: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(redis_client, "IDLE_RESET_S", idle_reset_s)
    server = redis_server()
    connector = RedisConnector(SecretStr(server.url), 0.5, 0.5, 30)

    async def scenario() -> bool:
        assert await connector.ping()
        # What a freeze or a snapshot restore leaves behind: the server side of the socket is gone.
        admin = redis.Redis(port=server.port)
        admin.client_kill_filter(_type="normal", skipme=True)
        admin.close()
        answered = await connector.ping()
        await connector.aclose()
        return answered

    answered = asyncio.run(scenario())
    # With the idle reset (time.time() moved past it) the next call opens a fresh connection;
    # without it, the dead socket fails the call: the reset is what keeps Redis in use.
    assert answered is (idle_reset_s == 0.0)
