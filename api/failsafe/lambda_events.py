"""Lambda event shapes: which source sent an event, whether it is well formed, how to answer it.

Mangum serves REST (v1), HTTP API (v2), Function URL and ALB events but crashes on anything
else (a scheduled ping, VPC Lattice, WebSocket) and on malformed fields (a 502 for bad base64).
Everything is checked here first, so the handler answers each case with a clear 4xx in the shape
the source expects instead of raising.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Literal, NoReturn, TypeGuard

from failsafe.catalogue import INVALID_BODY, UNSUPPORTED_EVENT, ErrorCode

EventKind = Literal["rest", "http", "alb", "edge", "warmup", "unsupported"]
# Bodies of these types travel as text, all others base64-encoded. Mangum's `text_mime_types`
# replaces its defaults, so the list names JSON too; the stdlib adapter uses the same list.
TEXT_MIME_TYPES = (
    "text/",
    "application/json",
    "application/problem+json",
    "application/javascript",
    "application/xml",
    "application/vnd.api+json",
    "application/vnd.oai.openapi",
)


class EventError(ValueError):
    """The event cannot be served; `error` is the code of the 400 answer."""

    def __init__(self, error: ErrorCode, message: str) -> None:
        self.error = error
        super().__init__(message)


def classify(event: object) -> EventKind:
    if not _is_map(event):
        return "unsupported"
    if event.get("warmer") is True or (
        event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"
    ):
        return "warmup"
    # The order in which Mangum picks its handler (ALB, HTTP API, REST, Lambda@Edge), so an event
    # validated as one kind is never served by Mangum as another.
    if "requestContext" in event:
        context = event["requestContext"]
        if not _is_map(context) or any(key in context for key in ("connectionId", "eventType", "messageId")):
            return "unsupported"  # not an object (Mangum tests `"elb" in` it), or API Gateway WebSocket
        if "elb" in context:
            return "alb"
        if "version" in event:  # Mangum's HTTP API handler: payload 2.0, or 1.0 read like REST
            return "http" if event["version"] == "2.0" else "rest"
        if "resource" in event or "httpMethod" in event:
            return "rest"
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], Mapping) and "cf" in records[0]:
        return "edge"
    return "unsupported"


# This runs on every invocation: checks are inline `if not ...: _fail(...)` (no message is built
# unless one fails) and dicts skip the slower ABC `isinstance(x, Mapping)` (measured 9 -> 3 us).
def _fail(what: str) -> NoReturn:
    raise EventError(UNSUPPORTED_EVENT, f"malformed HTTP event: {what}")


def _is_map(value: object) -> TypeGuard[Mapping[str, Any]]:
    return type(value) is dict or isinstance(value, Mapping)


def is_text(value: object) -> bool:
    """A string Mangum can encode: JSON can carry lone surrogates, which UTF-8 cannot."""
    if type(value) is not str and not isinstance(value, str):
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _str_map(value: object, name: str, *, multi: bool = False, required: bool = False) -> None:
    if value is None and not required:
        return
    if not _is_map(value):
        _fail(f"{name} must be an object")
    for key, item in value.items():
        if multi:
            good = type(key) is str and type(item) is list and all(type(v) is str for v in item)
            if good and not (key.isascii() and all(v.isascii() for v in item)):
                good = is_text(key) and all(is_text(v) for v in item)
        else:
            good = type(key) is str and type(item) is str
            if good and not (key.isascii() and item.isascii()):
                good = is_text(key) and is_text(item)
        if not good:
            _fail(f"{name} values must be {'lists of strings' if multi else 'strings'}")


def _path(value: object, name: str) -> None:
    if not (is_text(value) and str(value).startswith("/")):
        _fail(f"{name} must be a path starting with '/'")


def _method(value: object, name: str) -> None:
    if not (is_text(value) and value):
        _fail(f"{name} must be a non-empty string")


def _host_headers(event: Mapping[str, Any], kind: EventKind) -> None:
    """Mangum turns Host and X-Forwarded-Port into the server port with int(); a bad one would be a 500.

    Checked on the values Mangum reads: REST and payload 1.0 join a multi-value header with ", "
    (two X-Forwarded-Port values are "443, 80"), ALB keeps the last value, keys in any case.
    """
    single = event.get("headers") if kind != "alb" or "multiValueHeaders" not in event else None
    seen: dict[str, str] = {}
    for name, value in (single or {}).items():
        if len(name) in (4, 16):  # "host", "x-forwarded-port": skip the lower() for the rest
            seen[name.lower()] = value
    multi = event.get("multiValueHeaders") if kind != "http" else None
    for name, values in (multi or {}).items():
        if len(name) in (4, 16) and values:
            seen[name.lower()] = values[-1] if kind == "alb" else ", ".join(values)
    host = seen.get("host", "")
    if ":" in host:
        if not (host.count(":") == 1 and _is_int(host.split(":")[1])):
            _fail("the Host header has a bad port")
    elif not _is_int(seen.get("x-forwarded-port", "80")):
        _fail("X-Forwarded-Port must be a number")


def _is_int(value: str) -> bool:
    try:
        int(value)
    except ValueError:
        return False
    return True


def _validate_http(event: Mapping[str, Any], context: Mapping[str, Any]) -> None:
    http = context.get("http")
    if not _is_map(http):
        _fail("requestContext.http must be an object")
    _method(http.get("method"), "requestContext.http.method")
    _path(http.get("path"), "requestContext.http.path")
    if not is_text(http.get("sourceIp")):
        _fail("requestContext.http.sourceIp must be a string")
    if not is_text(event.get("rawQueryString", "")):
        _fail("rawQueryString must be a string")
    _str_map(event.get("headers", {}), "headers", required=True)  # Mangum reads v2 headers without a None check
    _str_map(event.get("queryStringParameters"), "queryStringParameters")


def _validate_v1(event: Mapping[str, Any], context: Mapping[str, Any], kind: EventKind) -> None:
    """REST (and HTTP API payload 1.0) and ALB: the fields Mangum reads without checking them."""
    if kind == "rest":
        # Mangum picks its REST reader by `resource` (or `version`, for HTTP API payload 1.0).
        if "resource" not in event and "version" not in event:
            _fail("resource is missing")
    _method(event.get("httpMethod"), "httpMethod")
    _path(event.get("path"), "path")
    alb_single = kind == "alb" and "multiValueHeaders" not in event
    _str_map(event.get("headers", {} if not alb_single else None), "headers", required=alb_single)
    _str_map(event.get("multiValueHeaders", {}), "multiValueHeaders", multi=True, required=kind == "alb")
    _str_map(event.get("queryStringParameters"), "queryStringParameters")
    _str_map(event.get("multiValueQueryStringParameters"), "multiValueQueryStringParameters", multi=True)
    identity = context.get("identity", {})  # present-but-null crashes Mangum's .get("identity", {}).get(...)
    if not _is_map(identity):
        _fail("requestContext.identity must be an object")
    source_ip = identity.get("sourceIp")
    if not (source_ip is None or is_text(source_ip)):
        _fail("requestContext.identity.sourceIp")


def validate(event: Mapping[str, Any], kind: EventKind) -> None:
    """Raise `EventError` unless Mangum (or the stdlib adapter) can serve the event."""
    if kind == "edge":
        return
    context = event.get("requestContext")
    if not _is_map(context):
        _fail("requestContext must be an object")
    if kind == "http":
        _validate_http(event, context)
    else:
        _validate_v1(event, context, kind)
    _host_headers(event, kind)
    cookies = event.get("cookies")  # read in payload 2.0 only, refused wherever it is malformed
    if not (cookies is None or (type(cookies) is list and all(is_text(c) for c in cookies))):
        _fail("cookies must be a list of strings")
    body = event.get("body")
    if not (body is None or is_text(body)):
        _fail("body must be a string")
    encoded = event.get("isBase64Encoded", False)
    if not (encoded is None or type(encoded) is bool):
        _fail("isBase64Encoded must be a boolean")
    if encoded and body:
        check_base64(body)


def check_base64(data: str) -> None:
    """Mangum decodes a body marked base64 unchecked: `binascii.Error` would be a 502."""
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise EventError(INVALID_BODY, INVALID_BODY.message) from None


def response(
    kind: EventKind,
    event: object,
    status: int,
    body: bytes,
    headers: list[tuple[str, str]],
    *,
    base64_body: bool = False,
) -> dict[str, Any]:
    """An answer in the shape the event's source expects (API Gateway REST when unknown)."""
    text = base64.b64encode(body).decode() if base64_body else body.decode("utf-8")
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    cookies: list[str] = []
    for name, value in headers:
        if kind == "http" and name.lower() == "set-cookie":
            cookies.append(value)
            continue
        multi.setdefault(name, []).append(value)
        single[name] = ", ".join(multi[name]) if name.lower() != "set-cookie" else value
    out: dict[str, Any] = {"statusCode": status, "body": text, "isBase64Encoded": base64_body}
    if kind == "http":
        out["headers"] = single
        if cookies:
            out["cookies"] = cookies
    elif kind == "alb":
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
        out["statusDescription"] = f"{status} {phrase}".strip()
        if isinstance(event, Mapping) and "multiValueHeaders" in event:
            out["multiValueHeaders"] = multi
        else:
            out["headers"] = single
    else:
        out["headers"] = single
        out["multiValueHeaders"] = multi
    return out


def json_response(
    kind: EventKind, event: object, status: int, payload: object, headers: list[tuple[str, str]]
) -> dict[str, Any]:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return response(kind, event, status, body, [("content-type", "application/json"), *headers])
