"""The one error the Redis connector raises; standard library only, so the memory fallbacks need no redis-py."""

from __future__ import annotations


class RedisUnavailableError(Exception):
    """Redis could not serve this call; `reason` is safe to show."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
