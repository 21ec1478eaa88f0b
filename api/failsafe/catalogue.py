"""The error codes clients switch on, and the paths failsafe answers or treats apart.

Every error answer's `code`, whoever writes it (failsafe, the backend's `AppError` classes, the
OpenAPI responses, docs/errors.md's table), comes from `ERROR_CODES`; a code is a contract, so
a new one is added here first. Each entry carries the status it is answered with and the
message used when the writer has nothing more specific to say.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

HEALTH_PATH = "/api/health"
STATUS_PATH = "/api/status"
AUTH_PATH = "/api/auth"
# Answered by the backend and the fallback alike, and never rate limited: monitors poll them.
PROBE_PATHS = frozenset({HEALTH_PATH, STATUS_PATH})


class ErrorCode(NamedTuple):
    code: str
    status: int
    message: str


# Written by failsafe itself (the edge layer, the fallback, the Lambda entry); also by the backend.
UNSUPPORTED_EVENT = ErrorCode(
    "unsupported_event",
    400,
    "This function serves HTTP events from API Gateway, Function URLs and ALB, and warm-up pings.",
)
INVALID_BODY = ErrorCode("invalid_body", 400, "the body is marked base64 but is not valid base64")
CORS_ORIGIN_NOT_ALLOWED = ErrorCode("cors_origin_not_allowed", 400, "This origin is not allowed.")
METHOD_NOT_ALLOWED = ErrorCode("method_not_allowed", 405, "This method is not allowed on this path.")
PAYLOAD_TOO_LARGE = ErrorCode("payload_too_large", 413, "The request body is too large.")
RATE_LIMITED = ErrorCode("rate_limited", 429, "Too many requests; retry after the number of seconds in Retry-After.")
INTERNAL_ERROR = ErrorCode("internal_error", 500, "The server failed to handle this request.")
BACKEND_UNAVAILABLE = ErrorCode("backend_unavailable", 503, f"The backend failed to load; GET {STATUS_PATH} says why.")
TIMEOUT = ErrorCode("timeout", 504, "The request did not finish in time.")

# Written by the backend only.
BAD_REQUEST = ErrorCode("bad_request", 400, "The request failed.")
INVALID_JSON = ErrorCode("invalid_json", 400, "The request body is not valid JSON.")
UNAUTHORIZED = ErrorCode("unauthorized", 401, "The request failed.")
INVALID_CREDENTIALS = ErrorCode("invalid_credentials", 401, "The email or password is wrong.")
INVALID_TOKEN = ErrorCode("invalid_token", 401, "The token is missing, invalid, expired or revoked.")
FORBIDDEN = ErrorCode("forbidden", 403, "You are not allowed to do this.")
ACCOUNT_DISABLED = ErrorCode("account_disabled", 403, "This account is disabled.")
NOT_FOUND = ErrorCode("not_found", 404, "Not found.")
USER_NOT_FOUND = ErrorCode("user_not_found", 404, "No user has this id.")
EMAIL_TAKEN = ErrorCode("email_taken", 409, "An account with this email already exists.")
LAST_ADMIN = ErrorCode("last_admin", 409, "This is the last active admin: make another admin first.")
UNSUPPORTED_MEDIA_TYPE = ErrorCode("unsupported_media_type", 415, "The request failed.")
VALIDATION_ERROR = ErrorCode("validation_error", 422, "The request does not fit the schema.")
SERVICE_UNAVAILABLE = ErrorCode(
    "service_unavailable", 503, "A service this request needs is unavailable; try again shortly."
)
RATE_LIMIT_UNAVAILABLE = ErrorCode(
    "rate_limit_unavailable", 503, "The rate limiter this route needs is unavailable; try again shortly."
)
DATABASE_NOT_CONFIGURED = ErrorCode(
    "database_not_configured", 503, "No database is configured: set DATABASE_URL (see docs/configuration.md)."
)
DATABASE_UNAVAILABLE = ErrorCode("database_unavailable", 503, "The database is unavailable; try again shortly.")

ERROR_CODES: tuple[ErrorCode, ...] = (
    UNSUPPORTED_EVENT,
    INVALID_BODY,
    CORS_ORIGIN_NOT_ALLOWED,
    METHOD_NOT_ALLOWED,
    PAYLOAD_TOO_LARGE,
    RATE_LIMITED,
    INTERNAL_ERROR,
    BACKEND_UNAVAILABLE,
    TIMEOUT,
    BAD_REQUEST,
    INVALID_JSON,
    UNAUTHORIZED,
    INVALID_CREDENTIALS,
    INVALID_TOKEN,
    FORBIDDEN,
    ACCOUNT_DISABLED,
    NOT_FOUND,
    USER_NOT_FOUND,
    EMAIL_TAKEN,
    LAST_ADMIN,
    UNSUPPORTED_MEDIA_TYPE,
    VALIDATION_ERROR,
    SERVICE_UNAVAILABLE,
    RATE_LIMIT_UNAVAILABLE,
    DATABASE_NOT_CONFIGURED,
    DATABASE_UNAVAILABLE,
)
BY_CODE: Mapping[str, ErrorCode] = {error.code: error for error in ERROR_CODES}
# The one code without a status of its own: an `HTTPException` a route raised with a status that
# has no code above (409, 502, ...) is answered with that status and this code.
OTHER_HTTP_ERROR = "http_error"
