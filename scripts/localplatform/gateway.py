"""What API Gateway (REST, HTTP API), an ALB or a Function URL does between a client and the function.

`Gateway.event` turns an HTTP request into the event that source sends (through `events.build_event`:
stage prefix, cookies, multi-value headers and query strings, base64 bodies); `Gateway.response`
turns the function's return value back into HTTP, and the gateway's own answers (a path outside
the stage, a function that raised or returned nonsense) look as they do on AWS.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from scripts.localplatform import events

Headers = list[tuple[str, str]]
# What each source answers when the function raised, timed out or returned something that is not a response.
FUNCTION_FAILED: dict[str, tuple[int, str]] = {
    "rest": (502, '{"message": "Internal server error"}'),
    "http": (500, '{"message":"Internal Server Error"}'),
    "url": (502, '{"Message":"Internal Server Error"}'),
    "alb": (502, "<html><body><h1>502 Bad Gateway</h1></body></html>"),
}


@dataclass
class HttpResponse:
    status: int
    headers: Headers = field(default_factory=list)
    body: bytes = b""


class Gateway:
    def __init__(self, fmt: events.Format, stage: str | None = None) -> None:
        self.fmt = fmt
        # REST APIs are always reached through a stage; an HTTP API only through a named one.
        self.stage = (stage or "prod") if fmt == "rest" else (stage if fmt == "http" and stage != "$default" else None)

    @property
    def prefix(self) -> str:
        return f"/{self.stage}" if self.stage else ""

    def route(self, target: str) -> str | None:
        """The request target without the stage prefix; None when it is outside the stage."""
        if not self.stage:
            return target
        path, sep, query = target.partition("?")
        if path == self.prefix or path.startswith(self.prefix + "/"):
            return (path[len(self.prefix) :] or "/") + sep + query
        return None

    def event(self, method: str, target: str, headers: Headers, body: bytes, client_ip: str) -> dict[str, Any]:
        route = self.route(target)
        if route is None:
            raise ValueError(f"{target} is outside the stage {self.prefix}: check route() first")
        forwarded = [("X-Forwarded-For", client_ip), ("X-Forwarded-Proto", "http")]
        return events.build_event(
            self.fmt,
            method,
            route,
            headers=[*headers, *forwarded],
            body=body or None,
            stage=self.stage,
            source_ip=client_ip,
        )

    def _own_headers(self) -> Headers:
        if self.fmt == "http":
            return [("Apigw-Requestid", uuid.uuid4().hex[:16])]
        if self.fmt in ("rest", "url"):
            return [("x-amzn-RequestId", str(uuid.uuid4()))]
        return []

    def outside_stage(self) -> HttpResponse:
        if self.fmt == "rest":
            headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", "ForbiddenException")]
            return HttpResponse(403, headers + self._own_headers(), b'{"message":"Forbidden"}')
        return HttpResponse(
            404, [("Content-Type", "application/json"), *self._own_headers()], b'{"message":"Not Found"}'
        )

    def too_large(self) -> HttpResponse:
        """An event over Lambda's payload limit: the gateway answers 413 without invoking."""
        body = b'{"message":"Request Entity Too Large"}'
        return HttpResponse(413, [("Content-Type", "application/json"), *self._own_headers()], body)

    def function_failed(self) -> HttpResponse:
        status, body = FUNCTION_FAILED[self.fmt]
        kind = "text/html" if self.fmt == "alb" else "application/json"
        headers = [("Content-Type", kind), *self._own_headers()]
        if self.fmt == "rest":
            headers.append(("x-amzn-ErrorType", "InternalServerErrorException"))
        return HttpResponse(status, headers, body.encode())

    def response(self, result: Any) -> HttpResponse:
        """The function's return value as HTTP; anything that is not a proxy response is a failure."""
        if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
            if self.fmt == "http":
                # HTTP API (payload 2.0) answers JSON without a statusCode as a 200 with that JSON as body.
                return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(result).encode())
            return self.function_failed()
        headers: Headers = []
        multi = result.get("multiValueHeaders") or {}
        for name, values in multi.items():
            headers += [(name, str(value)) for value in values]
        for name, value in (result.get("headers") or {}).items():
            if name not in multi:
                headers.append((name, str(value)))
        headers += [("Set-Cookie", cookie) for cookie in result.get("cookies") or []]
        if self.fmt == "rest":
            headers = [(remapped(name), value) for name, value in headers]
        return HttpResponse(result["statusCode"], headers + self._own_headers(), events.decoded_body(result))


# Response headers of a Lambda proxy integration that a REST API renames, so the client sees
# `x-amzn-Remapped-WWW-Authenticate` (AWS's "important notes" for REST APIs; the header most
# clients look for on a 401). HTTP APIs with payload 2.0, Function URLs and ALB pass them as sent.
REST_REMAPPED = frozenset({"www-authenticate"})


def remapped(name: str) -> str:
    return f"x-amzn-Remapped-{name}" if name.lower() in REST_REMAPPED else name
