"""No answer is built from the Host header: a trailing slash is a 404 in the envelope, not a redirect."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend_app import create_app
from backend_app.core.config import load_settings
from failsafe.lambda_entry import LambdaEntry
from failsafe.loader import BackendGate
from tests.support.paths import EVENTS


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/api/users/me/", "/api/health/", "/api/auth/login/"])
async def test_a_trailing_slash_is_a_404_never_a_redirect_to_the_host_header(path: str, tmp_path: Path) -> None:
    settings = load_settings(
        environment="production",
        secret_key="x" * 43,
        database_url=f"sqlite:///{tmp_path}/a.db",
        rate_limit_enabled=False,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.example.com") as client:
        reply = await client.get(path, headers={"host": "evil.example"})
    assert reply.status_code == 404
    assert "location" not in reply.headers
    assert reply.json()["error"]["code"] == "not_found"


def test_behind_alb_the_host_header_never_reaches_a_location(tmp_path: Path) -> None:

    event: dict[str, Any] = json.loads((EVENTS / "powertools" / "albEvent.json").read_text())
    event["path"] = "/api/users/me/"
    event["headers"]["host"] = "evil.example"
    settings = load_settings(
        environment="development", rate_limit_enabled=False, database_url=f"sqlite:///{tmp_path}/a.db"
    )
    gate = BackendGate(factory=lambda: create_app(settings), environ={})
    handler = LambdaEntry(gate)
    try:
        reply = handler(event, None)
    finally:
        loop = handler._loop
        if loop is not None:
            if gate.loaded is not None and gate.loaded.lifespan is not None:
                loop.run_until_complete(gate.loaded.lifespan.shutdown())
            loop.close()
    headers = {k.lower(): v for k, v in (reply.get("headers") or {}).items()}
    assert reply["statusCode"] == 404 and "location" not in headers
    assert "evil.example" not in json.dumps(reply)
