"""The rate limiter: shared through Redis, per instance in memory when Redis is unset or down.

    AppError
    ├── RateLimitedError            429 rate_limited: Retry-After and X-RateLimit-* headers
    └── RateLimitUnavailableError   503 rate_limit_unavailable: a fail-closed group, Redis down

The algorithm is a moving window (no burst at window edges): the `limits` library's, counted in
Redis (`services.redis_window`, only with `REDIS_URL`), or the same rule in memory, per instance
(`services.memory_window`), when Redis is unset or down.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, NamedTuple

from backend_app.core.errors import AppError
from backend_app.core.limits_syntax import Limit, parse_limit
from backend_app.services.memory_window import MemoryWindow
from backend_app.services.redis_errors import RedisUnavailableError
from failsafe import catalogue

if TYPE_CHECKING:  # for types only: redis-py, limits and the connector are imported with REDIS_URL alone
    from backend_app.services.redis_client import RedisConnector
    from backend_app.services.redis_window import RedisWindow


class RateLimitDecision(NamedTuple):
    allowed: bool
    limit: int
    remaining: int
    reset_after_s: int  # whole seconds until a slot frees up
    backend: Literal["redis", "memory"]

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_after_s),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset_after_s)
        return headers


class RateLimitedError(AppError, error=catalogue.RATE_LIMITED):
    def __init__(self, decision: RateLimitDecision, setting: str, limit: str) -> None:
        self.decision = decision
        # The setting that governs this limit, so whoever hits it knows what raises it.
        message = f"Too many requests: over {limit} ({setting}); retry after the number of seconds in Retry-After."
        super().__init__(message, details={"setting": setting, "limit": limit}, headers=decision.headers())


class RateLimitUnavailableError(AppError, error=catalogue.RATE_LIMIT_UNAVAILABLE): ...


def _decide(taken: tuple[bool, float, int], limit: Limit, backend: Literal["redis", "memory"]) -> RateLimitDecision:
    allowed, reset_at, remaining = taken
    reset_after = max(1, math.ceil(reset_at - time.time()))
    return RateLimitDecision(allowed, limit.amount, max(0, remaining), reset_after, backend)


class RateLimiter:
    """The limiter routes use (`deps.RateLimiterDep`); `check` raises the errors above."""

    def __init__(self, connector: RedisConnector | None, key_prefix: str, fail_closed: Iterable[str] = ()) -> None:
        self.connector = connector
        self.key_prefix = f"{key_prefix}:ratelimit"
        self.fail_closed = frozenset(fail_closed)
        self._memory = MemoryWindow()
        self._redis: RedisWindow | None = None
        if connector is not None:
            from backend_app.services.redis_window import RedisWindow

            self._redis = RedisWindow(connector, self.key_prefix)

    async def check(self, group: str, limit: str, key: str, setting: str) -> RateLimitDecision:
        """Take one slot of `limit` for `key` in `group`; raise `RateLimitedError` when none is left.

        `setting` names the variable `limit` comes from (`RATE_LIMIT_AUTH`): the 429 says it.
        """
        decision = await self.take(group, limit, key)
        if not decision.allowed:
            raise RateLimitedError(decision, setting, limit)
        return decision

    async def take(self, group: str, limit: str, key: str) -> RateLimitDecision:
        """Take one slot when one is free, as `check`, but answer a full window instead of raising."""
        parsed = parse_limit(limit)
        if self._redis is not None:
            try:
                return _decide(await self._redis.hit(parsed, group, key), parsed, "redis")
            except RedisUnavailableError:
                self._unless_fail_closed(group)
        return _decide(self._memory.hit(parsed, group, key), parsed, "memory")

    async def free(self, group: str, limit: str, key: str) -> bool:
        """Whether `key` has a slot of `limit` left in `group`, taking none."""
        parsed = parse_limit(limit)
        if self._redis is not None:
            try:
                return await self._redis.free(parsed, group, key)
            except RedisUnavailableError:
                self._unless_fail_closed(group)
        return self._memory.free(parsed, group, key)

    def _unless_fail_closed(self, group: str) -> None:
        """Redis is down: the caller counts in memory, unless `group` fails closed (503)."""
        if self._redis is not None and group in self.fail_closed:
            # Redis is tried again when the breaker window ends; not before.
            retry = str(max(1, math.ceil(self._redis.connector.breaker.retry_after_s)))
            raise RateLimitUnavailableError(headers={"Retry-After": retry}) from None
