"""Minimal ASGI types and helpers, so the failsafe path needs no Starlette."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
RawHeaders = list[tuple[bytes, bytes]]

JSON_TYPE = b"application/json"


def header(scope: Scope, name: bytes) -> str | None:
    """First value of a request header (name in lower case), decoded as latin-1 like HTTP does."""
    return headers_named(scope, frozenset((name,))).get(name)


def headers_named(scope: Scope, names: frozenset[bytes]) -> dict[bytes, str]:
    """The first value of each of `names` (lower case) present, in one pass over the headers."""
    found: dict[bytes, str] = {}
    for key, value in scope.get("headers") or ():
        name = key.lower()
        if name in names and name not in found:
            found[name] = bytes(value).decode("latin-1")
    return found


def route_path(scope: Scope) -> str:
    """The path the app routes on: `path` without the `root_path` prefix (stage or base path)."""
    path: str = scope.get("path") or "/"
    root: str = scope.get("root_path") or ""
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root) :] or "/"
    return path


def json_bytes(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


async def send_json(
    send: Send,
    status: int,
    payload: object,
    *,
    extra_headers: Iterable[tuple[bytes, bytes]] = (),
    head: bool = False,
) -> None:
    body = json_bytes(payload)
    headers: RawHeaders = [
        (b"content-type", JSON_TYPE),
        (b"content-length", str(len(body)).encode()),
        *extra_headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else body})
