"""The schema declares every status an operation can answer, in the envelope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI
from fastapi.security import OAuth2PasswordBearer

from backend_app.core.config import load_settings
from backend_app.core.errors import ForbiddenError, NotFoundError, ServiceUnavailableError
from backend_app.core.openapi import COMMON_RESPONSES, complete_openapi, errors_of
from backend_app.main import create_app

ENVELOPE = {"$ref": "#/components/schemas/ErrorEnvelope"}
bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/login", auto_error=False)


def add_routes(app: FastAPI) -> None:
    @app.get("/api/private", responses=errors_of(ForbiddenError, NotFoundError))
    async def private(token: Annotated[str | None, Depends(bearer)]) -> dict[str, bool]:
        return {"ok": token is not None}


def test_every_operation_declares_the_statuses_any_request_can_meet() -> None:
    app = create_app(load_settings(docs_enabled=True))
    add_routes(app)
    complete_openapi(app)
    schema = app.openapi()
    components = schema["components"]["schemas"]
    assert components["ErrorEnvelope"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert set(components["ErrorDetail"]["required"]) == {"code", "message", "request_id"}
    paths: dict[str, Any] = schema["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            declared = operation["responses"]
            for status in COMMON_RESPONSES:
                assert declared[str(status)]["content"]["application/json"]["schema"] == ENVELOPE, (method, path)
    private = paths["/api/private"]["get"]["responses"]
    assert {"401", "403", "404"} <= set(private)
    assert "`forbidden`" in private["403"]["description"] and "`not_found`" in private["404"]["description"]
    assert "401" not in paths["/api/health"]["get"]["responses"]  # no token needed, none declared
    assert app.openapi() is app.openapi()  # built once


def test_errors_of_joins_codes_that_share_a_status() -> None:
    class OtherUnavailable(ServiceUnavailableError):
        code = "other_unavailable"

    responses = errors_of(ServiceUnavailableError, OtherUnavailable, NotFoundError)
    assert list(responses) == [404, 503]
    assert "`service_unavailable`" in responses[503]["description"]
    assert "`other_unavailable`" in responses[503]["description"]
