"""The statuses every operation can answer, declared once so the OpenAPI schema tells the truth.

Besides what a route itself returns, any request can meet the middleware (413 body limit, 429 rate
limit, 504 deadline), the error handlers (400 invalid JSON, 422 validation, 500) and, in front of
the app, the fallback (503). Each of them answers in the one envelope, `ErrorEnvelope`; it
replaces FastAPI's default 422 schema, which describes a body this template never sends.

The codes and statuses come from `failsafe.catalogue`. The responses point at the envelope's
schema by reference and `complete_openapi` adds it once, so it is written in one place instead of
once per operation.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from backend_app.core.envelope import ErrorEnvelope
from backend_app.core.errors import AppError
from failsafe import catalogue
from failsafe.catalogue import ErrorCode

REF_TEMPLATE = "#/components/schemas/{model}"
ENVELOPE_REF = {"$ref": REF_TEMPLATE.format(model="ErrorEnvelope")}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ENVELOPE_REF}}}


def _described(when: str, *errors: ErrorCode) -> tuple[int, dict[str, Any]]:
    """The response of `errors`, which share a status: their codes, then when they are answered."""
    codes = [f"`{error.code}`" for error in errors]
    names = codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} or {codes[-1]}"
    return errors[0].status, _error(f"{names}: {when}")


COMMON_RESPONSES: dict[int | str, dict[str, Any]] = dict(
    [
        _described("the body is not JSON", catalogue.INVALID_JSON),
        _described("the body is over MAX_BODY_BYTES", catalogue.PAYLOAD_TOO_LARGE),
        _described("the request does not fit the schema; `details` lists the fields", catalogue.VALIDATION_ERROR),
        _described(
            "over the per-address limit, or password attempts on one account over RATE_LIMIT_AUTH (per address) "
            "or RATE_LIMIT_ACCOUNT; `Retry-After` says when to retry",
            catalogue.RATE_LIMITED,
        ),
        _described("a bug; the log has the traceback under the request id", catalogue.INTERNAL_ERROR),
        _described(
            f"see GET {catalogue.STATUS_PATH}",
            catalogue.BACKEND_UNAVAILABLE,
            catalogue.SERVICE_UNAVAILABLE,
            catalogue.RATE_LIMIT_UNAVAILABLE,
        ),
        _described("the request ran past REQUEST_TIMEOUT_S", catalogue.TIMEOUT),
    ]
)
UNAUTHORIZED = _described(
    "a missing, expired or revoked bearer token", catalogue.UNAUTHORIZED, catalogue.INVALID_TOKEN
)[1]


def errors_of(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route from the `AppError` classes it raises, one entry per status."""
    described: dict[int, list[str]] = {}
    for error in errors:
        described.setdefault(error.status_code, []).append(f"`{error.code}`: {error.message}")
    return {status: _error("; ".join(texts)) for status, texts in sorted(described.items())}


def complete_openapi(app: FastAPI) -> None:
    """Add the envelope's schema, and 401 to every operation that needs a bearer token."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()  # FastAPI caches it in app.openapi_schema; the changes below stay there
        envelope = ErrorEnvelope.model_json_schema(ref_template=REF_TEMPLATE)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(envelope.pop("$defs", {}))
        components["ErrorEnvelope"] = envelope
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if isinstance(operation, dict) and operation.get("security"):
                    operation.setdefault("responses", {}).setdefault("401", UNAUTHORIZED)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
