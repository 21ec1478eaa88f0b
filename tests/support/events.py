"""Events for a handler a test calls itself, made by the emulator's builder (scripts/localplatform/events.py).

Recorded AWS events (tests/events) are the other source: tests/support/callers.py puts a request into them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from scripts.localplatform.events import Format, build_event

HOST = "api.example.com"


def lambda_event(
    fmt: Format,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: str | bytes | None = None,
    json_body: Any = None,
    form: str | None = None,
    query: Mapping[str, str] | None = None,
    stage: str | None = None,
    source_ip: str | None = None,
) -> dict[str, Any]:
    """The event `fmt` sends for `method path` to host api.example.com: a bytes body travels
    base64-encoded; `json_body` and `form` are the body with its Content-Type; `query` joins the path."""
    pairs = [("host", HOST), *(headers or {}).items()]
    if json_body is not None:
        body = json.dumps(json_body)
        pairs.append(("content-type", "application/json"))
    elif form is not None:
        body = form
        pairs.append(("content-type", "application/x-www-form-urlencoded"))
    if query:
        path = f"{path}?{urlencode(query)}"
    extra = {"source_ip": source_ip} if source_ip is not None else {}
    base64_body = isinstance(body, bytes)
    return build_event(fmt, method, path, headers=pairs, body=body, base64_body=base64_body, stage=stage, **extra)
