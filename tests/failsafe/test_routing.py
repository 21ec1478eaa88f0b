"""Stages, base paths, HEAD, and the error envelope through `app` and `handler`."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from backend_app import create_app
from backend_app.core.config import load_settings
from failsafe.lambda_entry import LambdaEntry
from failsafe.loader import BackendGate
from tests.support.events import lambda_event
from tests.support.lambda_context import REQUEST_ID, lambda_context

JSON = {"content-type": "application/json"}


class Item(BaseModel):
    name: str
    count: int


def build(environ: dict[str, str] | None = None, **settings: Any) -> tuple[BackendGate, LambdaEntry, FastAPI]:
    environ = {"ENVIRONMENT": "development", **(environ or {})}  # explicit: unset means production
    app = create_app(load_settings(docs_enabled=True, environment=environ["ENVIRONMENT"], **settings))

    @app.post("/api/items")
    async def create_item(item: Item) -> Item:
        return item

    @app.get("/api/explode")
    async def explode() -> None:
        raise RuntimeError("route failed")

    gate = BackendGate(factory=lambda: app, environ=environ)
    return gate, LambdaEntry(gate), app


def invoke(entry: LambdaEntry, event: dict[str, Any]) -> tuple[int, Any, dict[str, Any]]:
    response = entry(event, lambda_context())
    body = response["body"]
    if response["isBase64Encoded"]:
        body = base64.b64decode(body).decode()
    try:
        parsed = json.loads(body) if body else None
    except json.JSONDecodeError:
        parsed = body
    return response["statusCode"], parsed, response


@pytest.mark.parametrize(
    ("fmt", "stage"), [("rest", "prod"), ("rest", "dev"), ("http", "prod"), ("http", None), ("url", None)]
)
def test_routes_answer_under_stages(fmt: str, stage: str | None) -> None:
    _, entry, _ = build()
    status, body, _ = invoke(entry, lambda_event(fmt, "GET", "/api/health", stage=stage))
    assert status == 200 and body["status"] == "healthy"
    status, body, _ = invoke(entry, lambda_event(fmt, "GET", "/api/docs", stage=stage))
    assert status == 200
    prefix = f"/{stage}" if stage else ""
    assert f"'{prefix}/api/openapi.json'" in body  # the docs page fetches the schema under the stage
    assert f"'{prefix}/api/docs/oauth2-redirect'" in body  # ...and sends OAuth2 logins back under it
    status, page, _ = invoke(entry, lambda_event(fmt, "GET", "/api/docs/oauth2-redirect", stage=stage))
    assert status == 200 and "<script>" in page
    status, schema, _ = invoke(entry, lambda_event(fmt, "GET", "/api/openapi.json", stage=stage))
    assert status == 200 and "/api/health" in schema["paths"]


def test_api_base_path_is_stripped_on_segment_boundaries() -> None:
    _, entry, _ = build(environ={"API_BASE_PATH": "/v1"})
    assert invoke(entry, lambda_event("http", "GET", "/v1/api/health"))[0] == 200
    status, body, _ = invoke(entry, lambda_event("http", "GET", "/v1/api/docs"))
    assert status == 200 and "'/v1/api/openapi.json'" in body
    assert invoke(entry, lambda_event("http", "GET", "/api/health"))[0] == 200  # the platform URL keeps working
    assert invoke(entry, lambda_event("http", "GET", "/v1beta/api/health"))[0] == 404  # unlike a plain prefix match
    status, body, _ = invoke(entry, lambda_event("rest", "GET", "/v1/api/status", stage="prod"))
    assert status == 200 and body["backend_loaded"] is True


@pytest.mark.parametrize("path", ["/api/health", "/api/status"])
@pytest.mark.parametrize("fmt", ["rest", "http", "alb"])
def test_head_answers_without_body(path: str, fmt: str) -> None:
    _, entry, _ = build()
    status, body, _ = invoke(entry, lambda_event(fmt, "HEAD", path))
    assert status == 200 and body is None


@pytest.mark.anyio
async def test_error_envelope_through_asgi() -> None:
    gate, _, _ = build()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=gate, raise_app_exceptions=False), base_url="http://t"
    ) as client:
        cases = {
            404: await client.get("/api/nope"),
            405: await client.delete("/api/health"),
            400: await client.post("/api/items", content=b"{not json", headers={"content-type": "application/json"}),
            422: await client.post("/api/items", json={"name": "x", "count": "many", "password": "hunter2secret"}),
            500: await client.get("/api/explode"),
        }
    codes = {
        404: "not_found",
        405: "method_not_allowed",
        400: "invalid_json",
        422: "validation_error",
        500: "internal_error",
    }
    for status, response in cases.items():
        assert response.status_code == status
        error = response.json()["error"]
        assert error["code"] == codes[status]
        assert error["request_id"] == response.headers["x-request-id"]
    details = cases[422].json()["error"]["details"]
    assert [d["field"] for d in details] == ["body.count"]
    assert "hunter2secret" not in cases[422].text and "many" not in cases[422].text
    assert "route failed" not in cases[500].text


def test_error_envelope_through_handler(capsys: pytest.CaptureFixture[str]) -> None:
    _, entry, _ = build()
    status, body, _ = invoke(entry, lambda_event("http", "GET", "/api/explode"))
    assert status == 500 and body["error"]["code"] == "internal_error"
    assert body["error"]["request_id"] == REQUEST_ID
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    failures = [line for line in lines if line["level"] == "ERROR" and "traceback" in line]
    assert failures and "RuntimeError: route failed" in failures[0]["traceback"]
    assert failures[0]["request_id"] == REQUEST_ID
    status, body, _ = invoke(entry, lambda_event("rest", "POST", "/api/items", body='{"name": 1}'))
    assert status == 422 and body["error"]["code"] == "validation_error"
    event = lambda_event("alb", "POST", "/api/items", body=b'{"name": "a", "count": 2}', headers=JSON)
    status, body, _ = invoke(entry, event)
    assert status == 200 and body == {"name": "a", "count": 2}


def test_one_json_log_line_per_request_without_header_values(capsys: pytest.CaptureFixture[str]) -> None:
    _, entry, _ = build()
    capsys.readouterr()
    secret_header = "Bearer very-secret-token-value"
    invoke(
        entry,
        lambda_event("http", "GET", "/api/health", headers={"authorization": secret_header, "cookie": "sid=abc123"}),
    )
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert len(lines) == 1
    line = lines[0]
    for field in (
        "timestamp",
        "level",
        "message",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
        "cold_start",
        "platform",
    ):
        assert field in line
    assert line["status"] == 200 and line["path"] == "/api/health"
    assert "very-secret-token-value" not in err and "abc123" not in err


@pytest.mark.anyio
async def test_request_ids_are_the_templates_own(capsys: pytest.CaptureFixture[str]) -> None:
    vercel_id = "fra1::iad1::abc12345-1700000000000"
    gate, _, _ = build()
    on_vercel, _, _ = build(environ={"VERCEL": "1"})
    capsys.readouterr()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gate), base_url="http://t") as client:
        spoofed_vercel = await client.get("/api/health", headers={"x-vercel-id": vercel_id})
        incoming = await client.get("/api/health", headers={"x-request-id": "client-req-0001"})
        malformed = await client.get("/api/health", headers={"x-request-id": "<script>"})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=on_vercel), base_url="http://t") as client:
        vercel = await client.get("/api/health", headers={"x-vercel-id": vercel_id, "x-request-id": "client-req-0002"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    # Off Vercel, x-vercel-id is a client header like any other; a client's x-request-id is never ours.
    assert spoofed_vercel.headers["x-request-id"] != vercel_id and len(spoofed_vercel.headers["x-request-id"]) == 32
    assert incoming.headers["x-request-id"] != "client-req-0001" and len(incoming.headers["x-request-id"]) == 32
    assert malformed.headers["x-request-id"] != "<script>" and len(malformed.headers["x-request-id"]) == 32
    assert vercel.headers["x-request-id"] == vercel_id
    # A well-formed client id is logged beside ours; a malformed one is not logged at all.
    by_id = {line["request_id"]: line for line in lines if line["message"] == "request"}
    assert by_id[incoming.headers["x-request-id"]]["client_request_id"] == "client-req-0001"
    assert by_id[vercel_id]["client_request_id"] == "client-req-0002"
    assert "client_request_id" not in by_id[malformed.headers["x-request-id"]]
    assert "<script>" not in json.dumps(lines)


@pytest.mark.anyio
async def test_a_405_lists_every_method_of_the_path_not_only_the_first_routes() -> None:
    _, _, app = build()
    router = APIRouter(prefix="/api/items")  # included routers are nested routes in FastAPI

    @router.get("")
    async def list_items() -> list[Item]:
        return []

    app.include_router(router)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        refused = await client.put("/api/items", json={"name": "x", "count": 1})
        listed = await client.get("/api/items")
    assert refused.status_code == 405 and refused.json()["error"]["code"] == "method_not_allowed"
    assert refused.headers["allow"] == "GET, POST"
    assert listed.status_code == 200
