"""Errors: one root `AppError`, one renderer, the envelope of `failsafe.errors`.

    AppError                      status_code, code, message (class level, from failsafe.catalogue)
    ├── NotFoundError             404 not_found
    ├── ForbiddenError            403 forbidden
    └── ServiceUnavailableError   503 service_unavailable

Later modules subclass `AppError` for their own codes, naming the code's catalogue entry:
`class EmailTakenError(AppError, error=catalogue.EMAIL_TAKEN): ...`. Handlers below map FastAPI's
and Starlette's own errors into the same envelope, and never put a submitted value (a password, a
token) into `details`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.routing import Match

from failsafe import catalogue
from failsafe.catalogue import ErrorCode
from failsafe.errors import error_body

# The code of an HTTPException (Starlette's 404 and 405, a route's own) by its status.
HTTP_CODES = {
    error.status: error.code
    for error in (
        catalogue.BAD_REQUEST,
        catalogue.UNAUTHORIZED,
        catalogue.FORBIDDEN,
        catalogue.NOT_FOUND,
        catalogue.METHOD_NOT_ALLOWED,
        catalogue.PAYLOAD_TOO_LARGE,
        catalogue.UNSUPPORTED_MEDIA_TYPE,
        catalogue.RATE_LIMITED,
    )
}
# A 422 lists this many errors (`details_omitted` counts the rest), each cut to these lengths:
# an object of 111,000 unknown keys answered 10 MB, over what Lambda or Vercel can return.
MAX_DETAILS = 10
MAX_FIELD_CHARS = 100
MAX_MESSAGE_CHARS = 200
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class AppError(Exception):
    status_code: ClassVar[int] = catalogue.INTERNAL_ERROR.status
    code: ClassVar[str] = catalogue.INTERNAL_ERROR.code
    message: ClassVar[str] = catalogue.INTERNAL_ERROR.message

    def __init_subclass__(cls, error: ErrorCode | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if error is not None:
            cls.status_code, cls.code, cls.message = error.status, error.code, error.message

    def __init__(self, message: str | None = None, *, details: Any = None, headers: dict[str, str] | None = None):
        self.detail_message = message or self.message
        self.details = details
        self.headers = headers or {}
        super().__init__(self.detail_message)


class NotFoundError(AppError, error=catalogue.NOT_FOUND): ...


class ForbiddenError(AppError, error=catalogue.FORBIDDEN): ...


class ServiceUnavailableError(AppError, error=catalogue.SERVICE_UNAVAILABLE): ...


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def _catalogued(error: ErrorCode, details: Any = None) -> JSONResponse:
    return error_response(error.status, error.code, error.message, details)


async def _app_error(_: Request, exc: AppError) -> Response:
    return error_response(exc.status_code, exc.code, exc.detail_message, exc.details, exc.headers)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    code = HTTP_CODES.get(exc.status_code, catalogue.OTHER_HTTP_ERROR)
    message = exc.detail if isinstance(exc.detail, str) else "The request failed."
    if exc.status_code == 404:
        message = "No route matches this path."
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on this path."
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    return error_response(exc.status_code, code, message, headers=headers or None)


def _allowed_methods(request: Request) -> str:
    """Every method a route on this path takes. Starlette's own 405 names the first matching route's
    only (a resource with GET and POST on one path answered a PUT with `Allow: POST`); asking each
    route whether it fully matches keeps routers included as FastAPI nests them."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in METHODS
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    )


async def _validation_error(_: Request, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        return _catalogued(catalogue.INVALID_JSON)
    # A few field paths and messages: never `input`, which may be a password or a token, and no
    # more than a few short lines of anything a client chose (an unknown key is part of a path).
    details = [
        {
            "field": _short(".".join(str(p) for p in error.get("loc", ())), MAX_FIELD_CHARS),
            "message": _short(str(error.get("msg", "")), MAX_MESSAGE_CHARS),
            "type": _short(str(error.get("type", "")), MAX_FIELD_CHARS),
        }
        for error in errors[:MAX_DETAILS]
    ]
    error = catalogue.VALIDATION_ERROR
    body = error_body(error.code, error.message, details)
    if len(errors) > MAX_DETAILS:
        body["error"]["details_omitted"] = len(errors) - MAX_DETAILS
    return JSONResponse(body, status_code=error.status)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


async def _unhandled(_: Request, exc: Exception) -> Response:
    # Starlette re-raises after this; the request middleware logs the traceback with the id.
    return _catalogued(catalogue.INTERNAL_ERROR)


def install_error_handlers(app: FastAPI) -> None:
    # FastAPI's decorator, called directly: each handler is typed with the exception it is registered for.
    app.exception_handler(AppError)(_app_error)
    app.exception_handler(StarletteHTTPException)(_http_error)
    app.exception_handler(RequestValidationError)(_validation_error)
    app.exception_handler(Exception)(_unhandled)
