"""Lambda events as API Gateway (REST v1, HTTP API v2), ALB and Function URLs send them.

Shapes follow the AWS samples in ../shared/events. Stages behave as on AWS: a REST event keeps
`/{stage}` in `requestContext.path` only, an HTTP API event with a named stage carries it in
`rawPath`. Bodies that are not UTF-8 text (or when asked) travel base64-encoded.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal, NamedTuple
from urllib.parse import parse_qsl, quote, urlencode

Format = Literal["rest", "http", "alb", "url"]
FORMATS: tuple[Format, ...] = ("rest", "http", "alb", "url")
ACCOUNT = "123456789012"
HOSTS = {
    "rest": "abcdef1234.execute-api.us-east-1.amazonaws.com",
    "http": "abcdef1234.execute-api.us-east-1.amazonaws.com",
    "alb": "local-alb-123456789.us-east-1.elb.amazonaws.com",
    "url": "abcdef1234.lambda-url.us-east-1.on.aws",
}


def _split(path: str) -> tuple[str, list[tuple[str, str]]]:
    path, _, query = path.partition("?")
    return (path if path.startswith("/") else "/" + path), parse_qsl(query, keep_blank_values=True)


def _body(body: bytes | str | None, base64_body: bool | None) -> tuple[str | None, bool]:
    if body is None or body in (b"", ""):
        return None, False
    raw = body.encode() if isinstance(body, str) else body
    if base64_body is None:
        try:
            raw.decode("utf-8")
            base64_body = False
        except UnicodeDecodeError:
            base64_body = True
    return (base64.b64encode(raw).decode() if base64_body else raw.decode("utf-8")), base64_body


def _multi(pairs: Sequence[tuple[str, str]], lower: bool = False) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name.lower() if lower else name, []).append(value)
    return out


class _Request(NamedTuple):
    """One request, parsed once, for the builder of each event shape."""

    method: str  # upper-case
    route: str  # the path without the query
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: str | None  # as the event carries it: text, or base64 when `encoded`
    encoded: bool


def build_event(
    fmt: Format,
    method: str = "GET",
    path: str = "/",
    *,
    headers: Sequence[tuple[str, str]] = (),
    body: bytes | str | None = None,
    base64_body: bool | None = None,
    stage: str | None = None,
    source_ip: str = "203.0.113.7",
) -> dict[str, Any]:
    """An event for `method path?query` with the given headers and body (`stage`: REST/HTTP API)."""
    route, query = _split(path)
    header_pairs = list(headers)
    if not any(name.lower() == "host" for name, _ in header_pairs):
        header_pairs.insert(0, ("Host", HOSTS[fmt]))
    request = _Request(method.upper(), route, query, header_pairs, *_body(body, base64_body))
    if fmt in ("http", "url"):
        return _v2(fmt, request, stage, source_ip)
    if fmt == "alb":
        return _alb(request)
    return _rest(request, stage or "prod", source_ip)


def _v2(fmt: Format, request: _Request, stage: str | None, source_ip: str) -> dict[str, Any]:
    route, query, headers = request.route, request.query, request.headers
    stage = "$default" if fmt == "url" or not stage else stage
    raw_path = route if stage == "$default" else f"/{stage}{route}"
    multi = _multi([(k, v) for k, v in headers if k.lower() != "cookie"], lower=True)
    cookies = [c.strip() for k, v in headers if k.lower() == "cookie" for c in v.split(";") if c.strip()]
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": urlencode(query, quote_via=quote),
        "headers": {name: ",".join(values) for name, values in multi.items()},
        "requestContext": {
            "accountId": "anonymous" if fmt == "url" else ACCOUNT,
            "apiId": "abcdef1234",
            "domainName": multi["host"][0],
            "domainPrefix": multi["host"][0].split(".")[0],
            "http": {
                "method": request.method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": ",".join(multi.get("user-agent", ["emulate"])),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": stage,
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": request.encoded,
    }
    if query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in _multi(query).items()}
    if cookies:
        event["cookies"] = cookies
    if request.body is not None:
        event["body"] = request.body
    return event


def _rest(request: _Request, stage: str, source_ip: str) -> dict[str, Any]:
    route, method = request.route, request.method
    multi_headers = _multi(request.headers)
    multi_query = _multi(request.query)
    return {
        "resource": "/{proxy+}",
        "path": route,
        "httpMethod": method,
        "headers": {k: v[-1] for k, v in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": route.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": "abcdef1234",
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/{stage}{route}",
            "stage": stage,
            "protocol": "HTTP/1.1",
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(time.time() * 1000),
            "identity": {"sourceIp": source_ip, "userAgent": multi_headers.get("User-Agent", ["emulate"])[-1]},
        },
        "body": request.body,
        "isBase64Encoded": request.encoded,
    }


def _alb(request: _Request) -> dict[str, Any]:
    return {
        "requestContext": {
            "elb": {"targetGroupArn": f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/local/0123456789"}
        },
        "httpMethod": request.method,
        "path": request.route,
        # ALB passes query values as sent (still URL-encoded) and lower-cases header names.
        "queryStringParameters": {k: quote(v, safe="") for k, v in request.query},
        "headers": {k.lower(): v for k, v in request.headers},
        "body": request.body or "",
        "isBase64Encoded": request.encoded,
    }


def decoded_body(response: Mapping[str, Any]) -> bytes:
    """The body of a Lambda proxy response, base64-decoded when it says so."""
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode("utf-8")
