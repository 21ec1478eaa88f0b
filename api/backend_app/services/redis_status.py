"""What the cache and the rate limiter run on now: Redis while it answers, memory otherwise.

Read from the Redis breaker, no I/O, so /api/health and /api/status stay as fast as a hello-world
route. Loaded with or without `REDIS_URL` (without it, both run on memory and say so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend_app.core.config import Settings
from backend_app.services.status import ServiceStatus

if TYPE_CHECKING:  # redis-py and the connector are imported only when REDIS_URL is set
    from backend_app.services.redis_client import RedisConnector

PER_INSTANCE = (
    "rate limits are counted per instance: the rate limiter runs on memory (REDIS_URL is unset or Redis is unavailable)"
)


class RedisStatus:
    def __init__(self, settings: Settings, connector: RedisConnector | None) -> None:
        self.settings = settings
        self.connector = connector

    def status(self) -> ServiceStatus:
        if self.connector is None:
            return ServiceStatus("memory", "memory", healthy=True, shared=False, detail="REDIS_URL is not set")
        view = self.connector.view()
        if view.state == "open":
            detail = (
                f"Redis {view.detail}; using memory until it answers "
                f"(next try within {self.settings.redis_retry_after_s:g}s)"
            )
            return ServiceStatus("memory", "redis", healthy=False, shared=False, detail=detail)
        note = "not contacted yet" if view.state == "unknown" else None
        return ServiceStatus("redis", "redis", healthy=True, shared=True, latency_ms=view.latency_ms, detail=note)

    async def recheck(self) -> None:
        """Probe Redis once its retry time has passed, so a status read sees it back without waiting for
        a request that uses it. Bounded by the connector's timeouts; the breaker lets one probe run at a time."""
        if self.connector is not None and self.connector.breaker.due():
            await self.connector.ping()

    def warnings(self) -> list[str]:
        if not self.settings.rate_limit_enabled:
            return ["rate limiting is off (RATE_LIMIT_ENABLED=false)"]
        return [PER_INSTANCE] if self.status().backend == "memory" else []
