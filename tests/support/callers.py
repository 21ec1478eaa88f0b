"""One way to call the template through every entry: ASGI `app`, and `handler` with REST, HTTP API
and ALB events built from the recorded AWS events in tests/events, on the backend or the fallback."""

from __future__ import annotations

import asyncio
import base64
import copy
import importlib
import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from backend_app.core.config import load_settings
from backend_app.main import create_app
from failsafe.lambda_entry import LambdaEntry
from failsafe.loader import BackendGate
from scripts.localplatform.context import LocalContext
from tests.support.lambda_context import lambda_context
from tests.support.paths import EVENTS, ROOT
from tests.support.replies import Reply, lambda_reply

FIXTURES = {
    "rest": "powertools/apiGatewayProxyEvent.json",
    "http": "powertools/apiGatewayProxyV2Event.json",
    "alb": "powertools/albMultiValueHeadersEvent.json",
}
ENTRIES = ("asgi", "rest", "http", "alb")
assert ROOT.is_dir()


def real_event(kind: str, method: str, path: str, headers: Mapping[str, str], body: bytes | None) -> dict[str, Any]:
    """A recorded event of that kind with this request's method, path, headers and body put in
    (and the Content-Length a client sends; drop it from the event to test a body without one)."""
    event: dict[str, Any] = copy.deepcopy(json.loads((EVENTS / FIXTURES[kind]).read_text()))
    headers = {"host": "api.example.com", **({"content-length": str(len(body))} if body else {}), **headers}
    encoded = base64.b64encode(body).decode() if body else None
    event["body"], event["isBase64Encoded"] = encoded, bool(body)
    if kind == "http":
        event.update(rawPath=path, rawQueryString="", headers=dict(headers), cookies=[], queryStringParameters=None)
        event["requestContext"]["http"].update(method=method, path=path)
    elif kind == "rest":
        event.update(path=path, resource="/{proxy+}", httpMethod=method, headers=dict(headers))
        event.update(multiValueHeaders={k: [v] for k, v in headers.items()}, queryStringParameters=None)
        event["multiValueQueryStringParameters"] = None
        event["requestContext"].update(path=path, httpMethod=method, stage="$default")
    else:
        event.update(path=path, httpMethod=method, multiValueHeaders={k: [v] for k, v in headers.items()})
    return event


async def _asgi(app: Any, method: str, path: str, headers: Mapping[str, str], body: Any) -> Reply:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://api.example.com") as client:
        response = await client.request(method, path, headers=dict(headers), content=body)
    return Reply(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content)


@dataclass
class Caller:
    """`request()` goes through one entry of one gate; `context` is what Lambda would pass.

    ASGI requests share one event loop per caller, as a server's do, so clients the backend opens
    (Redis) live on one loop and `close()` shuts them down with the backend's lifespan."""

    entry: str
    gate: BackendGate
    handler: LambdaEntry
    loop: asyncio.AbstractEventLoop | None = None

    def close(self) -> None:
        if self.loop is not None:
            self.loop.run_until_complete(self.gate.shutdown())
            self.loop.close()
        self.handler.close()

    def request(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        context: LocalContext | None = None,
    ) -> Reply:
        headers = dict(headers or {})
        if self.entry == "asgi":
            self.loop = self.loop or asyncio.new_event_loop()
            return self.loop.run_until_complete(_asgi(self.gate, method, path, headers, body))
        event = real_event(self.entry, method, path, headers, body)
        return lambda_reply(self.handler(event, context or lambda_context()))


def backend_factory(**settings: Any) -> Callable[[], Any]:
    """The real backend (docs on), plus any routes a test adds with `extra(app)`."""
    extra = settings.pop("extra", None)

    def factory() -> Any:
        app = create_app(load_settings(docs_enabled=True, **settings))
        if extra is not None:
            extra(app)
        return app

    return factory


def broken_factory() -> Any:
    """Fails the way a missing dependency does, for real: the module does not exist."""
    importlib.import_module("backend_app.routes.not_deployed")
    raise AssertionError("unreachable")


OPEN_CALLERS: list[Caller] = []


def crash_route(app: Any) -> None:
    """An extra route that raises: what a bug in a user's route looks like."""
    from fastapi import FastAPI

    assert isinstance(app, FastAPI)

    @app.get("/api/crash")
    async def crash() -> None:
        raise RuntimeError("boom")


def make_caller(entry: str, env: Mapping[str, str] | None = None, *, broken: bool = False, **settings: Any) -> Caller:
    """Development unless `env` says otherwise, for the edge and the settings alike (unset is production)."""
    environ = {"ENVIRONMENT": "development", **(env or {})}
    settings.setdefault("environment", environ["ENVIRONMENT"])
    gate = BackendGate(broken_factory if broken else backend_factory(**settings), environ=environ)
    gate.ensure_loaded()
    caller = Caller(entry, gate, LambdaEntry(gate))
    OPEN_CALLERS.append(caller)
    return caller


@pytest.fixture(autouse=True)
def close_callers() -> Iterator[None]:
    """Each test's backends are shut down after it (their lifespan closes what it opened)."""
    yield
    while OPEN_CALLERS:
        OPEN_CALLERS.pop().close()


@pytest.fixture(params=ENTRIES)
def entry(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["backend", "fallback"])
def which(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A body sent without Content-Length (httpx streams it chunked)."""
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b"x" * piece
