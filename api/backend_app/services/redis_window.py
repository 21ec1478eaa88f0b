"""The shared rate limit: the `limits` library's moving window, counted in Redis.

One Lua call takes a slot and one reads the window, both under one `RedisConnector` bound.
Imported with the connector, so only when `REDIS_URL` is set; without it `services.memory_window`
counts per instance.
"""

from __future__ import annotations

from functools import lru_cache

from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from backend_app.core.limits_syntax import Limit
from backend_app.services.redis_client import RedisConnector


@lru_cache(maxsize=64)
def _item(text: str) -> RateLimitItem:
    return parse(text)


class RedisWindow:
    def __init__(self, connector: RedisConnector, key_prefix: str) -> None:
        self.connector = connector
        self.key_prefix = key_prefix
        self._strategy: tuple[Redis, MovingWindowRateLimiter] | None = None

    def _strategy_for(self, client: Redis) -> MovingWindowRateLimiter:
        # The connector hands out a new client per event loop; the storage must follow it.
        if self._strategy is None or self._strategy[0] is not client:
            storage = RedisStorage(
                "async+redis://",
                implementation="redispy",
                key_prefix=self.key_prefix,
                connection_pool=client.connection_pool,  # type: ignore[arg-type]  # limits types **options as plain values
            )
            self._strategy = (client, MovingWindowRateLimiter(storage))
        return self._strategy[1]

    async def hit(self, limit: Limit, group: str, key: str) -> tuple[bool, float, int]:
        """Take a slot, as `MemoryWindow.hit`; raises `RedisUnavailableError` when Redis cannot answer."""
        item = _item(limit.text)

        async def take(client: Redis) -> tuple[bool, float, int]:
            strategy = self._strategy_for(client)
            allowed = await strategy.hit(item, group, key)
            stats = await strategy.get_window_stats(item, group, key)
            return allowed, stats.reset_time, stats.remaining

        return await self.connector.run(take)

    async def free(self, limit: Limit, group: str, key: str) -> bool:
        """Whether a slot is free now, taking none; raises `RedisUnavailableError` as `hit`."""
        item = _item(limit.text)

        async def test(client: Redis) -> bool:
            return await self._strategy_for(client).test(item, group, key)

        return await self.connector.run(test)
