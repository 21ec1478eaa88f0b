"""The rate limiter: shared through Redis, per instance in memory when Redis is unset or down.

    AppError
    ├── RateLimitedError            429 rate_limited: Retry-After and X-RateLimit-* headers
    └── RateLimitUnavailableError   503 rate_limit_unavailable: a fail-closed group, Redis down

The algorithm is the `limits` library's moving window (no burst at window edges): one Lua call
to take a slot and one to read the window, both under one `RedisConnector` bound. The memory
fallback is the library's synchronous storage: thread-based expiry, so it works on any loop.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, NamedTuple

from limits import RateLimitItem
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter as RedisMovingWindow
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter as MemoryMovingWindow

from backend_app.core.errors import AppError
from backend_app.core.limits_syntax import parse_limit
from backend_app.services.redis_errors import RedisUnavailableError

if TYPE_CHECKING:  # for types only: redis-py and the connector are imported with REDIS_URL alone
    from redis.asyncio import Redis

    from backend_app.services.redis_client import RedisConnector


# A NamedTuple, not a dataclass: ~0.25 ms to define against ~1.6 (cold start).
class RateLimitDecision(NamedTuple):
    allowed: bool
    limit: int
    remaining: int
    reset_after_s: int  # whole seconds until a slot frees up
    backend: Literal["redis", "memory"]

    def headers(self) -> dict[str, str]:
        headers = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining),
                   "X-RateLimit-Reset": str(self.reset_after_s)}  # fmt: skip
        if not self.allowed:
            headers["Retry-After"] = str(self.reset_after_s)
        return headers


class RateLimitedError(AppError):
    status_code = 429
    code = "rate_limited"
    message = "Too many requests; retry after the number of seconds in Retry-After."

    def __init__(self, decision: RateLimitDecision) -> None:
        self.decision = decision
        super().__init__(headers=decision.headers())


class RateLimitUnavailableError(AppError):
    status_code = 503
    code = "rate_limit_unavailable"
    message = "The rate limiter this route needs is unavailable; try again shortly."


def _decide(allowed: bool, item: RateLimitItem, reset_at: float, remaining: int, backend: str) -> RateLimitDecision:
    reset_after = max(1, math.ceil(reset_at - time.time()))
    return RateLimitDecision(allowed, item.amount, max(0, remaining), reset_after, backend)  # type: ignore[arg-type]


class RateLimiter:
    """`app.state.rate_limiter`; `check` raises the errors above."""

    def __init__(self, connector: RedisConnector | None, key_prefix: str, fail_closed: Iterable[str] = ()) -> None:
        self.connector = connector
        self.key_prefix = f"{key_prefix}:ratelimit"
        self.fail_closed = frozenset(fail_closed)
        self._memory: MemoryMovingWindow | None = None
        self._memory_lock = threading.Lock()
        self._redis: tuple[Redis, RedisMovingWindow] | None = None

    async def check(self, group: str, limit: str, key: str) -> RateLimitDecision:
        """Take one slot of `limit` for `key` in `group`; raise `RateLimitedError` when none is left."""
        item = parse_limit(limit)
        decision: RateLimitDecision | None = None
        if self.connector is not None:
            try:
                decision = await self.connector.run(lambda client: self._redis_check(client, item, group, key))
            except RedisUnavailableError:
                if group in self.fail_closed:
                    # Redis is tried again when the breaker window ends; not before.
                    retry = str(max(1, math.ceil(self.connector.breaker.retry_after_s)))
                    raise RateLimitUnavailableError(headers={"Retry-After": retry}) from None
        if decision is None:
            decision = self._memory_check(item, group, key)
        if not decision.allowed:
            raise RateLimitedError(decision)
        return decision

    def _strategy_for(self, client: Redis) -> RedisMovingWindow:
        # The connector hands out a new client per event loop; the storage must follow it.
        if self._redis is None or self._redis[0] is not client:
            storage = RedisStorage("async+redis://", implementation="redispy", key_prefix=self.key_prefix,
                                   connection_pool=client.connection_pool)  # type: ignore[arg-type]  # fmt: skip
            self._redis = (client, RedisMovingWindow(storage))
        return self._redis[1]

    async def _redis_check(self, client: Redis, item: RateLimitItem, group: str, key: str) -> RateLimitDecision:
        strategy = self._strategy_for(client)
        allowed = await strategy.hit(item, group, key)
        stats = await strategy.get_window_stats(item, group, key)
        return _decide(allowed, item, stats.reset_time, stats.remaining, "redis")

    def _memory_strategy(self) -> MemoryMovingWindow:
        with self._memory_lock:  # one storage, even when two threads' loops share this limiter
            if self._memory is None:
                self._memory = MemoryMovingWindow(MemoryStorage())
            return self._memory

    def _memory_check(self, item: RateLimitItem, group: str, key: str) -> RateLimitDecision:
        memory = self._memory_strategy()
        allowed = memory.hit(item, group, key)
        stats = memory.get_window_stats(item, group, key)
        return _decide(allowed, item, stats.reset_time, stats.remaining, "memory")
