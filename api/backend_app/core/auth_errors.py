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


class EmailTakenError(AppError):
    status_code = 409
    code = "email_taken"
    message = "An account with this email already exists."


class LastAdminError(AppError):
    status_code = 409
    code = "last_admin"
    message = "This is the last active admin: make another admin first."


class InvalidCredentialsError(AppError):
    status_code = 401
    code = "invalid_credentials"
    message = "The email or password is wrong."


class InvalidTokenError(AppError):
    status_code = 401
    code = "invalid_token"
    message = "The token is missing, invalid, expired or revoked."

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        # RFC 6750: a 401 for a bearer-protected resource names the scheme.
        self.headers.setdefault("WWW-Authenticate", 'Bearer error="invalid_token"')


class AccountDisabledError(AppError):
    status_code = 403
    code = "account_disabled"
    message = "This account is disabled."


class UserNotFoundError(AppError):
    status_code = 404
    code = "user_not_found"
    message = "No user has this id."


class DatabaseNotConfiguredError(AppError):
    status_code = 503
    code = "database_not_configured"
    message = "No database is configured: set DATABASE_URL (see docs/configuration.md)."


class DatabaseUnavailableError(AppError):
    status_code = 503
    code = "database_unavailable"
    message = "The database is unavailable; try again shortly."
