"""The cache interface and its in-memory implementation (TTL and a size bound).

Cache (Protocol)      get / set / delete / incr, every entry with a TTL
├── MemoryCache       this instance only; least recently used entries go first when full
├── RedisCache        shared by every instance (services/redis_cache.py)
└── CacheService      Redis while it answers, memory otherwise (services/redis_cache.py)
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Protocol


class Cache(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, ttl_s: float) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def incr(self, key: str, ttl_s: float, amount: int = 1) -> int:
        """Add `amount` to a counter; a new counter lives `ttl_s` from its first increment."""
        ...


class MemoryCache:
    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self._items: OrderedDict[str, tuple[float, str | int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def _live(self, key: str) -> str | int | None:
        entry = self._items.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= time.monotonic():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    def _store(self, key: str, value: str | int, expires: float) -> None:
        self._items[key] = (expires, value)
        self._items.move_to_end(key)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)

    async def get(self, key: str) -> str | None:
        value = self._live(key)
        return None if value is None else str(value)

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        self._store(key, value, time.monotonic() + ttl_s)

    async def delete(self, key: str) -> None:
        self._items.pop(key, None)

    async def incr(self, key: str, ttl_s: float, amount: int = 1) -> int:
        current = self._live(key)
        if current is None:
            self._store(key, amount, time.monotonic() + ttl_s)
            return amount
        try:
            total = int(current) + amount
        except ValueError:
            raise ValueError("the value at this key is not a counter") from None
        self._store(key, total, self._items[key][0])
        return total
