"""Dependencies of the routes, as `Annotated` aliases: `Auth`, `CurrentUser`, `AdminUser`, ..."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from backend_app.core.auth_errors import InvalidTokenError
from backend_app.core.errors import ForbiddenError
from backend_app.core.tokens import Claims
from backend_app.services.auth import AuthService
from backend_app.services.users import User

# auto_error=False: a missing token gets our error envelope, not FastAPI's {"detail": ...}.
# The tokenUrl makes the docs' Authorize button post the OAuth2 password form to our login.
bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/login", auto_error=False)


async def get_auth(request: Request) -> AuthService:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a thread hop per request.
    auth: AuthService = request.app.state.auth
    return auth


Auth = Annotated[AuthService, Depends(get_auth)]


async def current_session(auth: Auth, token: Annotated[str | None, Depends(bearer)]) -> tuple[User, Claims]:
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
