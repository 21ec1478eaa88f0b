from __future__ import annotations

import json
from typing import Any

import httpx
import pytest


def test_health_through_handler_and_app(dev_entry: Any) -> None:
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/api/health",
        "rawQueryString": "",
        "headers": {"host": "example.com"},
        "requestContext": {
            "http": {"method": "GET", "path": "/api/health", "sourceIp": "1.2.3.4"},
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }
    response = dev_entry.handler(event, None)
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "healthy", "backend_loaded": True}


@pytest.mark.anyio
async def test_health_through_asgi(dev_entry: Any) -> None:
    transport = httpx.ASGITransport(app=dev_entry.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.headers["x-request-id"]
