"""`RedisCache` (shared) and `CacheService`: Redis while it answers, memory otherwise.

Entries written to memory while Redis was down are not copied back: a cache may forget, and
counters kept in memory count for this instance only (status says `shared: false` meanwhile).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from backend_app.services.cache import MemoryCache
from backend_app.services.redis_errors import RedisUnavailableError

if TYPE_CHECKING:  # for types only: redis-py and the connector are imported with REDIS_URL alone
    from redis.asyncio import Redis

    from backend_app.services.redis_client import RedisConnector

# INCRBY, and PEXPIRE only when this call created the key: one round trip, atomic.
_INCR_WITH_TTL = "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) if v == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return v"  # noqa: E501


def _ms(ttl_s: float) -> int:
    return max(1, math.ceil(ttl_s * 1000))


class RedisCache:
    def __init__(self, connector: RedisConnector, prefix: str) -> None:
        self.connector = connector
        self.prefix = f"{prefix}:cache:"

    async def get(self, key: str) -> str | None:
        async def op(client: Redis) -> bytes | str | None:
            return await client.get(self.prefix + key)

        raw = await self.connector.run(op)
        return raw.decode("utf-8") if isinstance(raw, bytes) else raw

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        async def op(client: Redis) -> None:
            await client.set(self.prefix + key, value.encode("utf-8"), px=_ms(ttl_s))

        await self.connector.run(op)

    async def delete(self, key: str) -> None:
        async def op(client: Redis) -> None:
            await client.delete(self.prefix + key)

        await self.connector.run(op)

    async def incr(self, key: str, ttl_s: float, amount: int = 1) -> int:
        async def op(client: Redis) -> int:
            return int(await client.eval(_INCR_WITH_TTL, 1, self.prefix + key, amount, _ms(ttl_s)))

        return await self.connector.run(op)


class CacheService:
    """The `Cache` routes use (`deps.CacheDep`)."""

    def __init__(self, redis: RedisCache | None, memory: MemoryCache) -> None:
        self.redis = redis
        self.memory = memory

    async def get(self, key: str) -> str | None:
        if self.redis is not None:
            try:
                return await self.redis.get(key)
            except RedisUnavailableError:
                pass
        return await self.memory.get(key)

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        if self.redis is not None:
            try:
                return await self.redis.set(key, value, ttl_s)
            except RedisUnavailableError:
                pass
        await self.memory.set(key, value, ttl_s)

    async def delete(self, key: str) -> None:
        # Both: an entry may have been written to memory during an outage.
        await self.memory.delete(key)
        if self.redis is not None:
            try:
                await self.redis.delete(key)
            except RedisUnavailableError:
                pass

    async def incr(self, key: str, ttl_s: float, amount: int = 1) -> int:
        if self.redis is not None:
            try:
                return await self.redis.incr(key, ttl_s, amount)
            except RedisUnavailableError:
                pass
        return await self.memory.incr(key, ttl_s, amount)
