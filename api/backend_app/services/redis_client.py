"""`RedisConnector`: one redis-py asyncio client per event loop, bounded in time, behind a breaker.

- Every call runs under `connect + op` timeouts: the socket timeouts bound each step and
  `anyio.fail_after` bounds the whole (DNS included); redis-py's own retries are off, so the
  bound is the bound.
- A redis-py client binds its sockets to the loop that opened them. Mangum reuses one loop per
  container, but tests and other servers may not, so the client is rebuilt when the running loop
  changes and a connection is never used on another loop.
- After a Lambda freeze or a SnapStart restore, pooled sockets may be dead while looking open;
  a client idle for longer than `IDLE_RESET_S` is closed and rebuilt before use.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
from pydantic import SecretStr
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from backend_app.services.breaker import Breaker, BreakerView
from backend_app.services.redis_errors import RedisUnavailableError
from backend_app.services.redis_reasons import describe
from failsafe.logs import get_logger

T = TypeVar("T")
IDLE_RESET_S = 60.0  # wall clock on purpose: it jumps forward across a freeze or a snapshot restore
log = get_logger("services.redis")


def _close_on_dead_loop(client: Redis) -> None:
    """Close the sockets of a client whose loop is closed (asyncio.run ended, a test's loop).

    asyncio closes a transport by scheduling a callback on its loop, which a closed loop refuses;
    so run that callback here. Otherwise the sockets stay open until garbage collection.
    """
    pool: Any = client.connection_pool
    for conn in [*getattr(pool, "_available_connections", ()), *getattr(pool, "_in_use_connections", ())]:
        writer = getattr(conn, "_writer", None)
        if writer is None:
            continue
        transport: Any = writer.transport
        try:
            transport.abort()
        except RuntimeError:
            transport._call_connection_lost(None)  # what abort() failed to schedule
        conn._writer = conn._reader = None


class RedisConnector:
    def __init__(self, url: SecretStr, connect_timeout_s: float, op_timeout_s: float, retry_after_s: float) -> None:
        self._url = url
        self.connect_timeout_s = connect_timeout_s
        self.op_timeout_s = op_timeout_s
        self.breaker = Breaker("redis", retry_after_s)
        self._client: Redis | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._last_used = 0.0

    @property
    def bound_s(self) -> float:
        return self.connect_timeout_s + self.op_timeout_s

    def view(self) -> BreakerView:
        return self.breaker.view()

    def _new_client(self) -> Redis:
        return Redis.from_url(
            self._url.get_secret_value(),
            socket_connect_timeout=self.connect_timeout_s,
            socket_timeout=self.op_timeout_s,
            retry=Retry(NoBackoff(), 0),
            retry_on_error=[],
            health_check_interval=0,
            driver_info=None,  # no CLIENT SETINFO: less to send on every new connection
        )

    async def _client_for_now(self) -> Redis:
        loop = asyncio.get_running_loop()
        now = time.time()
        old, old_loop = self._client, self._loop
        if old is not None and (old_loop is not loop or abs(now - self._last_used) > IDLE_RESET_S):
            self._client = None
            await self._discard(old, old_loop, loop)
        if self._client is None:
            self._client, self._loop = self._new_client(), loop
        self._last_used = now
        return self._client

    async def _discard(self, client: Redis, old_loop: Any, loop: asyncio.AbstractEventLoop) -> None:
        if old_loop is loop:
            try:
                with anyio.fail_after(self.connect_timeout_s):
                    await client.aclose()
            except Exception:  # noqa: S110 - closing sockets that may be dead already is best effort
                pass
        elif old_loop is not None and old_loop.is_running() and not old_loop.is_closed():
            asyncio.run_coroutine_threadsafe(client.aclose(), old_loop)
        else:
            _close_on_dead_loop(client)

    async def run(self, operation: Callable[[Redis], Awaitable[T]]) -> T:
        """Run `operation` on Redis, or raise `RedisUnavailableError` (at once while the breaker is open)."""
        if not self.breaker.allow():
            raise RedisUnavailableError(self.breaker.detail or "unavailable")
        started = time.perf_counter()
        try:
            with anyio.fail_after(self.bound_s):
                result = await operation(await self._client_for_now())
        except Exception as exc:
            reason = describe(exc, self._timeout_for(exc))
            self.breaker.failure(reason)
            raise RedisUnavailableError(reason) from exc
        except BaseException:
            self.breaker.release()  # cancelled: no verdict on Redis
            raise
        self.breaker.success((time.perf_counter() - started) * 1000)
        return result

    def _timeout_for(self, exc: Exception) -> float:
        if isinstance(exc, TimeoutError):  # anyio's bound over the whole call
            return self.bound_s
        return self.connect_timeout_s if "connecting" in str(exc) else self.op_timeout_s

    async def ping(self) -> bool:
        """Probe once (start-up); never raises."""
        try:
            await self.run(lambda client: client.ping())
        except RedisUnavailableError:
            return False
        return True

    async def aclose(self) -> None:
        client, loop = self._client, self._loop
        self._client = None
        if client is not None:
            await self._discard(client, loop, asyncio.get_running_loop())
