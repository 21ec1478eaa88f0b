"""Dependencies of the routes, as `Annotated` aliases.

The services of the container (`services.container`): `SettingsDep`, `StatusDep`, `CacheDep`,
`RateLimiterDep`, `LoginLimitDep`, `DatabaseDep`, `AuthDep`, `UserAdminDep`. The caller:
`CurrentSession`, `CurrentUser`, `AdminUser`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from backend_app.core.auth_errors import InvalidTokenError
from backend_app.core.config import Settings
from backend_app.core.errors import ForbiddenError
from backend_app.core.tokens import Claims
from backend_app.services.auth import AuthService
from backend_app.services.container import ServiceContainer, services_of
from backend_app.services.database import DatabaseService
from backend_app.services.login_limit import LoginLimit
from backend_app.services.ratelimit import RateLimiter
from backend_app.services.redis_cache import CacheService
from backend_app.services.status import StatusRegistry
from backend_app.services.user_admin import UserAdminService
from backend_app.stores.users import User
from failsafe.catalogue import AUTH_PATH


def _from_container[T](part: Callable[[ServiceContainer], T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency that hands a route one part of the app's service container."""

    # async: FastAPI runs a plain `def` dependency in a worker thread, a thread hop per request.
    async def dependency(request: Request) -> T:
        return part(services_of(request.app))

    return dependency


SettingsDep = Annotated[Settings, Depends(_from_container(lambda services: services.settings))]
StatusDep = Annotated[StatusRegistry, Depends(_from_container(lambda services: services.status))]
CacheDep = Annotated[CacheService, Depends(_from_container(lambda services: services.cache))]
RateLimiterDep = Annotated[RateLimiter, Depends(_from_container(lambda services: services.rate_limiter))]
LoginLimitDep = Annotated[LoginLimit, Depends(_from_container(lambda services: services.login_limit))]
DatabaseDep = Annotated[DatabaseService, Depends(_from_container(lambda services: services.database))]
AuthDep = Annotated[AuthService, Depends(_from_container(lambda services: services.auth))]
UserAdminDep = Annotated[UserAdminService, Depends(_from_container(lambda services: services.user_admin))]

# auto_error=False: a missing token gets our error envelope, not FastAPI's {"detail": ...}.
# The tokenUrl makes the docs' Authorize button post the OAuth2 password form to our login.
bearer = OAuth2PasswordBearer(tokenUrl=f"{AUTH_PATH}/login", auto_error=False)


async def current_session(auth: AuthDep, token: Annotated[str | None, Depends(bearer)]) -> tuple[User, Claims]:
    if not token:
        raise InvalidTokenError("This route needs a bearer token.", headers={"WWW-Authenticate": "Bearer"})
    return await auth.current_user(token)


CurrentSession = Annotated[tuple[User, Claims], Depends(current_session)]


async def current_user(session: CurrentSession) -> User:
    return session[0]


CurrentUser = Annotated[User, Depends(current_user)]


async def admin_user(user: CurrentUser) -> User:
    if not user.is_admin:
        raise ForbiddenError("This route is for admins.")
    return user


AdminUser = Annotated[User, Depends(admin_user)]
