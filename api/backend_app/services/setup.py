"""Build the optional services from settings (no I/O), start them once, report their status.

`build_services` runs inside `create_app`; `start` runs in the lifespan (once per container,
bounded by the Redis timeouts, never raises); the status providers read the breaker only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend_app.core.config import Settings
from backend_app.services.cache import MemoryCache
from backend_app.services.ratelimit import RateLimiter
from backend_app.services.redis_cache import CacheService, RedisCache
from backend_app.services.registry import ServiceRegistry, ServiceStatus
from failsafe.logs import get_logger

if TYPE_CHECKING:  # redis-py and the connector are imported only when REDIS_URL is set
    from backend_app.services.redis_client import RedisConnector

PER_INSTANCE = ("rate limits are counted per instance: the rate limiter runs on memory "
                "(REDIS_URL is unset or Redis is unavailable)")  # fmt: skip
log = get_logger("services")


class Services:
    def __init__(self, settings: Settings, connector: RedisConnector | None, cache: CacheService,
                 rate_limiter: RateLimiter) -> None:  # fmt: skip
        self.settings = settings
        self.connector = connector
        self.cache = cache
        self.rate_limiter = rate_limiter

    def status(self) -> ServiceStatus:
        """What cache and rate limiter run on now; reads the breaker, no I/O."""
        if self.connector is None:
            return ServiceStatus("memory", "memory", healthy=True, shared=False, detail="REDIS_URL is not set")
        view = self.connector.view()
        if view.state == "open":
            detail = (f"Redis {view.detail}; using memory until it answers "
                      f"(next try within {self.settings.redis_retry_after_s:g}s)")  # fmt: skip
            return ServiceStatus("memory", "redis", healthy=False, shared=False, detail=detail)
        note = "not contacted yet" if view.state == "unknown" else None
        return ServiceStatus("redis", "redis", healthy=True, shared=True, latency_ms=view.latency_ms, detail=note)

    def warnings(self) -> list[str]:
        if not self.settings.rate_limit_enabled:
            return ["rate limiting is off (RATE_LIMIT_ENABLED=false)"]
        return [PER_INSTANCE] if self.status().backend == "memory" else []

    def register(self, registry: ServiceRegistry) -> None:
        registry.register("cache", self.status)
        registry.register("rate_limiter", self.status)
        registry.add_warnings(self.warnings)

    async def start(self) -> None:
        """Probe Redis once, within its timeouts; a failure leaves the services on memory."""
        if self.connector is not None:
            answered = await self.connector.ping()
            log.info("redis %s at start-up", "answered" if answered else "unavailable")

    async def stop(self) -> None:
        if self.connector is not None:
            try:
                await self.connector.aclose()
            except Exception:
                log.warning("closing the Redis client failed")


def build_services(settings: Settings) -> Services:
    connector = None
    if settings.redis_url is not None:
        from backend_app.services.redis_client import RedisConnector

        connector = RedisConnector(settings.redis_url, settings.redis_connect_timeout_s,
                                   settings.redis_op_timeout_s, settings.redis_retry_after_s)  # fmt: skip
    prefix = settings.redis_key_prefix
    redis_cache = RedisCache(connector, prefix) if connector is not None else None
    cache = CacheService(redis_cache, MemoryCache(settings.memory_cache_max_items))
    limiter = RateLimiter(connector, prefix, settings.rate_limit_fail_closed)
    return Services(settings, connector, cache, limiter)
