"""The errors of users and auth, subclasses of `AppError`.

AppError
├── EmailTakenError               409 email_taken
├── LastAdminError                409 last_admin
├── InvalidCredentialsError       401 invalid_credentials (unknown email and wrong password alike)
├── InvalidTokenError             401 invalid_token, with WWW-Authenticate: Bearer
├── AccountDisabledError          403 account_disabled
├── ForbiddenError                403 forbidden (core.errors)
├── UserNotFoundError             404 user_not_found
├── DatabaseNotConfiguredError    503 database_not_configured
└── DatabaseUnavailableError      503 database_unavailable
"""

from __future__ import annotations

from typing import Any

from backend_app.core.errors import AppError
from failsafe import catalogue


class EmailTakenError(AppError, error=catalogue.EMAIL_TAKEN): ...


class LastAdminError(AppError, error=catalogue.LAST_ADMIN): ...


class InvalidCredentialsError(AppError, error=catalogue.INVALID_CREDENTIALS): ...


class InvalidTokenError(AppError, error=catalogue.INVALID_TOKEN):
    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        # RFC 6750: a 401 for a bearer-protected resource names the scheme.
        self.headers.setdefault("WWW-Authenticate", 'Bearer error="invalid_token"')


class AccountDisabledError(AppError, error=catalogue.ACCOUNT_DISABLED): ...


class UserNotFoundError(AppError, error=catalogue.USER_NOT_FOUND): ...


class DatabaseNotConfiguredError(AppError, error=catalogue.DATABASE_NOT_CONFIGURED): ...


class DatabaseUnavailableError(AppError, error=catalogue.DATABASE_UNAVAILABLE): ...
