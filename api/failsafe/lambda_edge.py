"""Lambda@Edge (CloudFront) events: the fields Mangum reads unchecked, and answers in CloudFront's shape.

Mangum's edge reader indexes `Records[0].cf.request` and its headers (`[{"key", "value"}]` lists)
without checks, so a malformed event would be a 500 that CloudFront shows as a 502. An answer the
entry builds itself must be in CloudFront's shape too (`status` as a string, headers as lists of
key/value objects), not API Gateway's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, NoReturn

from failsafe.catalogue import UNSUPPORTED_EVENT
from failsafe.lambda_events import EventError, check_base64, is_text


def _fail(what: str) -> NoReturn:
    raise EventError(UNSUPPORTED_EVENT, f"malformed Lambda@Edge event: {what}")


def _check(condition: bool, what: str) -> None:
    if not condition:
        _fail(what)


def _port_ok(headers: Mapping[str, Any]) -> bool:
    host = headers.get("host", [{}])[0].get("value", "")
    if ":" in host:
        parts = host.split(":")
        return len(parts) == 2 and parts[1].isdigit()
    port = headers.get("x-forwarded-port", [{}])[0].get("value", "80")
    return isinstance(port, str) and port.isdigit()


def validate(event: Mapping[str, Any]) -> None:
    records = event.get("Records")
    if not (isinstance(records, list) and records and isinstance(records[0], Mapping)):
        _fail("Records")
    cf = records[0].get("cf")
    request = cf.get("request") if isinstance(cf, Mapping) else None
    if not isinstance(request, Mapping):
        _fail("cf.request must be an object")
    headers = request.get("headers")
    if not isinstance(headers, Mapping):
        _fail("cf.request.headers must be an object")
    for name, values in headers.items():
        _check(is_text(name) and isinstance(values, list) and bool(values), "headers must map names to lists")
        _check(all(isinstance(v, Mapping) and is_text(v.get("value")) for v in values), "header values")
    _check(_port_ok(headers), "the Host header or X-Forwarded-Port has a bad port")
    _check(is_text(request.get("clientIp")), "cf.request.clientIp")
    _check(is_text(request.get("method")) and bool(request.get("method")), "cf.request.method")
    _check(is_text(request.get("uri")) and str(request.get("uri")).startswith("/"), "cf.request.uri")
    _check(is_text(request.get("querystring")), "cf.request.querystring")
    body = request.get("body", {})
    if not isinstance(body, Mapping):
        _fail("cf.request.body must be an object")
    data, encoding = body.get("data"), body.get("encoding", "")
    _check(data is None or is_text(data), "cf.request.body.data")
    _check(isinstance(encoding, str), "cf.request.body.encoding")
    if encoding == "base64" and data:
        check_base64(data)


def json_response(status: int, payload: object, headers: list[tuple[str, str]]) -> dict[str, Any]:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    pairs = [("content-type", "application/json"), *headers]
    return {
        "status": str(status),
        "statusDescription": phrase,
        "headers": {name.lower(): [{"key": name, "value": value}] for name, value in pairs},
        "body": json.dumps(payload, separators=(",", ":")),
        "isBase64Encoded": False,
    }
