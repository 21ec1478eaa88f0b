"""The statuses every operation can answer, declared once so the OpenAPI schema tells the truth.

Besides what a route itself returns, any request can meet the middleware (413 body limit, 429 rate
limit, 504 deadline), the error handlers (400 invalid JSON, 422 validation, 500) and, in front of the app,
the fallback (503). Each of them answers in the one envelope, described here as `ErrorEnvelope`;
it replaces FastAPI's default 422 schema, which describes a body this template never sends.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

from backend_app.core.errors import AppError


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")  # e.g. `status_url` from the fallback

    code: str
    message: str
    request_id: str | None
    details: Any = None


class ErrorEnvelope(BaseModel):
    error: ErrorDetail


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorEnvelope, "description": description}


COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("`invalid_json`: the body is not JSON"),
    413: _error("`payload_too_large`: the body is over MAX_BODY_BYTES"),
    422: _error("`validation_error`: the request does not fit the schema; `details` lists the fields"),
    429: _error("`rate_limited`: over the per-address limit; `Retry-After` says when to retry"),
    500: _error("`internal_error`: a bug; the log has the traceback under the request id"),
    503: _error("`backend_unavailable`, `service_unavailable` or `rate_limit_unavailable`: see GET /api/status"),
    504: _error("`timeout`: the request ran past REQUEST_TIMEOUT_S"),
}


UNAUTHORIZED = {
    "description": "`unauthorized` / `invalid_token`: a missing, expired or revoked bearer token",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
}


def declare_auth_statuses(app: FastAPI) -> None:
    """Operations that need a bearer token can answer 401 without declaring it themselves."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()  # FastAPI caches it in app.openapi_schema; the changes below stay there
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if isinstance(operation, dict) and operation.get("security"):
                    operation.setdefault("responses", {}).setdefault("401", UNAUTHORIZED)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def errors_of(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route from the `AppError` classes it raises, one entry per status."""
    described: dict[int, list[str]] = {}
    for error in errors:
        described.setdefault(error.status_code, []).append(f"`{error.code}`: {error.message}")
    return {status: _error("; ".join(texts)) for status, texts in sorted(described.items())}
