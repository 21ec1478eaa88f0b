"""A standard-library Lambda-to-ASGI adapter, used when Mangum itself cannot be imported.

It serves REST, HTTP API, Function URL and ALB events (already validated by `lambda_events`)
well enough for the fallback app's answers to reach the caller in the right shape.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from failsafe.asgi import ASGIApp, Message
from failsafe.lambda_events import TEXT_MIME_TYPES, EventKind, response


def _headers(event: Mapping[str, Any], kind: EventKind) -> list[tuple[bytes, bytes]]:
    pairs: list[tuple[bytes, bytes]] = []
    multi = event.get("multiValueHeaders")
    if isinstance(multi, Mapping) and multi:
        for name, values in multi.items():
            pairs += [(name.lower().encode("latin-1", "replace"), v.encode("latin-1", "replace")) for v in values]
    else:
        for name, value in (event.get("headers") or {}).items():
            pairs.append((name.lower().encode("latin-1", "replace"), value.encode("latin-1", "replace")))
    cookies = event.get("cookies") if kind == "http" else None  # a field of payload 2.0 only, as Mangum reads it
    if cookies:
        pairs.append((b"cookie", "; ".join(cookies).encode("latin-1", "replace")))
    return pairs


def _query(event: Mapping[str, Any], kind: EventKind) -> bytes:
    if kind == "http":
        return str(event.get("rawQueryString") or "").encode()
    multi = event.get("multiValueQueryStringParameters")
    if isinstance(multi, Mapping) and multi:
        return urlencode([(k, v) for k, values in multi.items() for v in values]).encode()
    return urlencode(event.get("queryStringParameters") or {}).encode()


def build_scope(event: Mapping[str, Any], context: object, kind: EventKind) -> dict[str, Any]:
    request_context = event.get("requestContext") or {}
    if kind == "http":
        http = request_context["http"]
        method, path, source_ip = http["method"], http["path"], http.get("sourceIp") or "0.0.0.0"  # noqa: S104
    else:
        method, path = event["httpMethod"], event["path"]
        source_ip = ((request_context.get("identity") or {}).get("sourceIp")) or "0.0.0.0"  # noqa: S104
    headers = _headers(event, kind)
    host = next((v.decode("latin-1") for k, v in headers if k == b"host"), "lambda")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method.upper(),
        "scheme": "https",
        "path": path,
        "raw_path": None,
        "root_path": "",
        "query_string": _query(event, kind),
        "headers": headers,
        "server": (host, 443),
        "client": (source_ip, 0),
        "aws.event": event,
        "aws.context": context,
    }


def _body(event: Mapping[str, Any]) -> bytes:
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else str(body).encode("utf-8")


async def _run(app: ASGIApp, scope: dict[str, Any], body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    status, headers, chunks = 500, [], []
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # nothing more will ever arrive; the app stops waiting
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, headers, b"".join(chunks)


def serve(
    app: ASGIApp, loop: asyncio.AbstractEventLoop, event: Mapping[str, Any], context: object, kind: EventKind
) -> dict[str, Any]:
    status, headers, body = loop.run_until_complete(_run(app, build_scope(event, context, kind), _body(event)))
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    is_text = not body or content_type.startswith(TEXT_MIME_TYPES)
    return response(kind, event, status, body, headers, base64_body=not is_text)
