"""The backend's services in one typed container, built from `Settings` in one place.

`ServiceContainer(settings)` does no I/O: clients connect on first use, and it imports the
driver of the configured database only (and redis-py only with `REDIS_URL`). The lifespan calls
`start` once per container (one Redis probe, bounded by its timeouts, never raises) and `stop`
once at shutdown. `create_app` keeps the container on `app.state.services`; routes reach its
parts through the `Annotated` dependencies of `backend_app.deps` (`AuthDep`, `CacheDep`, ...),
scripts and tests through `services_of(app)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette

from backend_app.core.client_ip import ClientAddressResolver
from backend_app.core.config import Settings
from backend_app.core.passwords import PasswordHasher
from backend_app.core.tokens import TokenCodec
from backend_app.services.auth import AuthService
from backend_app.services.cache import MemoryCache
from backend_app.services.database import DatabaseService
from backend_app.services.login_limit import LoginLimit
from backend_app.services.ratelimit import RateLimiter
from backend_app.services.redis_cache import CacheService, RedisCache
from backend_app.services.redis_status import RedisStatus
from backend_app.services.status import StatusRegistry
from backend_app.services.user_admin import UserAdminService
from failsafe.diagnostics_token import token_warnings
from failsafe.logs import get_logger
from failsafe.platform import detect_platform

if TYPE_CHECKING:  # redis-py and the connector are imported only when REDIS_URL is set
    from backend_app.services.redis_client import RedisConnector

DEV_KEY_WARNING = "SECRET_KEY is not set: tokens are signed with a public development key (never deploy this)"
log = get_logger("services")


class ServiceContainer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis = redis = _redis_connector(settings)
        prefix = settings.redis_key_prefix
        memory = MemoryCache(settings.memory_cache_max_items)
        self.cache = CacheService(RedisCache(redis, prefix) if redis is not None else None, memory)
        self.rate_limiter = RateLimiter(redis, prefix, settings.rate_limit_fail_closed)
        # The rate-limit middleware and the login limit key on the same address.
        self.client_address = ClientAddressResolver(settings.trusted_proxies, on_vercel=detect_platform() == "vercel")
        self.login_limit = LoginLimit(settings, self.rate_limiter, self.client_address)
        self.database = DatabaseService(settings)
        hasher = PasswordHasher(settings.password_hash_concurrency, settings.password_legacy_bcrypt)
        self.auth = AuthService(self.database, hasher, TokenCodec(settings))
        self.user_admin = UserAdminService(self.database)
        self.status = self._status_registry()

    def _status_registry(self) -> StatusRegistry:
        """What /api/health and /api/status report: each service's state and every warning."""
        registry = StatusRegistry()
        # Only the fallback reads DIAGNOSTICS_TOKEN; a token it would not honour is said while all is well.
        token = self.settings.diagnostics_token
        short_token = token_warnings(token.get_secret_value() if token else None)
        registry.add_warnings(lambda: short_token)
        shared = RedisStatus(self.settings, self.redis)
        registry.register("cache", shared.status)
        registry.register("rate_limiter", shared.status)
        registry.add_warnings(shared.warnings)
        registry.add_recheck(shared.recheck)
        registry.register("database", self.database.status)
        registry.add_warnings(self.database.warnings)
        if self.settings.secret_key is None:
            registry.add_warnings(lambda: [DEV_KEY_WARNING])
        return registry

    async def start(self) -> None:
        """Probe Redis once, within its timeouts; a failure leaves the cache and rate limiter on memory."""
        if self.redis is not None:
            answered = await self.redis.ping()
            log.info("redis %s at start-up", "answered" if answered else "unavailable")

    async def stop(self) -> None:
        if self.redis is not None:
            try:
                await self.redis.aclose()
            except Exception:
                log.warning("closing the Redis client failed")
        await self.database.close()


def _redis_connector(settings: Settings) -> RedisConnector | None:
    if settings.redis_url is None:
        return None
    from backend_app.services.redis_client import RedisConnector

    return RedisConnector(
        settings.redis_url, settings.redis_connect_timeout_s, settings.redis_op_timeout_s, settings.redis_retry_after_s
    )


def services_of(app: Starlette) -> ServiceContainer:
    """The container `create_app` built for `app`."""
    services: ServiceContainer = app.state.services
    return services
