"""The cache: one interface, Redis when it answers, memory (TTL, size bound) otherwise."""

from __future__ import annotations

import asyncio
import time

import pytest
from pydantic import SecretStr

from backend_app.services.cache import MemoryCache
from backend_app.services.redis_cache import CacheService, RedisCache
from backend_app.services.redis_client import RedisConnector
from tests.support.sockets import free_port

pytestmark = pytest.mark.anyio


def _service(url: str | None, prefix: str, max_items: int = 100) -> CacheService:
    connector = RedisConnector(SecretStr(url), 0.5, 0.5, 30) if url else None
    return CacheService(RedisCache(connector, prefix) if connector else None, MemoryCache(max_items))


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest, key_prefix: str) -> CacheService:
    url = request.getfixturevalue("shared_redis") if request.param == "redis" else None
    service = _service(url, key_prefix)
    yield service
    if service.redis is not None:
        await service.redis.connector.aclose()


async def test_get_set_delete_and_counters(cache: CacheService) -> None:
    assert await cache.get("missing") is None
    await cache.set("greeting", "héllo", ttl_s=30)
    assert await cache.get("greeting") == "héllo"
    await cache.delete("greeting")
    assert await cache.get("greeting") is None
    assert [await cache.incr("hits", ttl_s=30) for _ in range(3)] == [1, 2, 3]
    assert await cache.incr("hits", ttl_s=30, amount=10) == 13


async def test_entries_and_counters_expire(cache: CacheService) -> None:
    await cache.set("short", "v", ttl_s=0.05)
    assert await cache.incr("window", ttl_s=0.05) == 1
    deadline = time.monotonic() + 5
    while await cache.get("short") is not None:  # poll: expiry is Redis's (or the clock's) business
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    assert await cache.incr("window", ttl_s=30) == 1  # a new counter after expiry


async def test_memory_cache_keeps_its_size_bound() -> None:
    memory = MemoryCache(max_items=3)
    for key in "abcd":
        await memory.set(key, key, ttl_s=60)
    await memory.get("b")  # recently used: kept
    await memory.set("e", "e", ttl_s=60)
    assert len(memory) == 3
    assert [await memory.get(k) for k in "abcde"] == [None, "b", None, "d", "e"]


async def test_redis_down_falls_back_to_memory(key_prefix: str) -> None:
    service = _service(f"redis://127.0.0.1:{free_port()}/0", key_prefix)
    await service.set("k", "v", ttl_s=30)
    assert await service.get("k") == "v"
    assert await service.incr("n", ttl_s=30) == 1
    assert len(service.memory) == 2
    assert service.redis is not None and service.redis.connector.view().state == "open"
