"""Run in a subprocess: import api.index, drive `app` (ASGI) and `handler` (4 event shapes).

Prints one JSON document with every response, so one process per failure kind checks every
entry point. Standard library only: it must work when FastAPI or Mangum is not importable.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from pathlib import Path
from typing import Any

# Run as a script: with the project root on the path, tests.support is importable (standard library only).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.events import lambda_event
from tests.support.lambda_context import lambda_context

PATHS = ["/api/health", "/api/status", "/api/anything"]


async def call_asgi(app: Any, method: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 443),
    }
    out: dict[str, Any] = {"headers": {}, "body": b""}
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            out["headers"] = {k.decode(): v.decode() for k, v in message.get("headers", [])}
        else:
            out["body"] += message.get("body", b"")

    await app(scope, receive, send)
    body = out["body"].decode()
    return {"status": out["status"], "headers": out["headers"], "body": json.loads(body) if body else None}


def decode_lambda(response: dict[str, Any]) -> dict[str, Any]:
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return {"status": response["statusCode"], "raw": response, "body": json.loads(body) if body else None}


def main() -> None:
    root = Path(sys.argv[1])
    headers = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    sys.path.insert(0, str(root))
    import api.index as entry

    at_import = sorted(m for m in ("fastapi", "mangum", "backend_app") if m in sys.modules)
    results: dict[str, Any] = {"asgi": {}, "lambda": {}, "modules_at_import": at_import}
    for path in PATHS:
        results["asgi"][path] = asyncio.run(call_asgi(entry.app, "GET", path, headers))
    for fmt in ("rest", "http", "alb", "url"):
        results["lambda"][fmt] = {
            path: decode_lambda(entry.handler(lambda_event(fmt, "GET", path, headers=headers), lambda_context()))
            for path in PATHS
        }
    results["modules"] = sorted(m for m in ("fastapi", "mangum", "backend_app") if m in sys.modules)
    results["opentelemetry_sdk"] = sorted(m for m in sys.modules if m.startswith("opentelemetry.sdk"))
    print("RESULT " + json.dumps(results))


if __name__ == "__main__":
    main()
