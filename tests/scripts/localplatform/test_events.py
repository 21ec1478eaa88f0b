"""The event builders make events the handler serves as API Gateway, ALB and Function URLs send them."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from scripts.localplatform import events


@pytest.mark.parametrize("fmt", events.FORMATS)
def test_each_format_reaches_health(fmt: events.Format, dev_entry: Any) -> None:
    response = dev_entry.handler(events.build_event(fmt, "GET", "/api/health"), None)
    assert response["statusCode"] == 200
    assert json.loads(events.decoded_body(response))["status"] == "healthy"


@pytest.mark.parametrize("fmt", ["rest", "http"])
def test_a_named_stage_is_where_api_gateway_puts_it(fmt: events.Format, dev_entry: Any) -> None:
    event = events.build_event(fmt, "GET", "/api/health", stage="v1")
    if fmt == "rest":
        assert event["path"] == "/api/health"
        assert event["requestContext"]["path"] == "/v1/api/health"
    else:
        assert event["rawPath"] == "/v1/api/health"
    assert dev_entry.handler(event, None)["statusCode"] == 200


def test_query_headers_cookies_and_source_ip() -> None:
    event = events.build_event(
        "http",
        "get",
        "/api/x?a=1&a=2&b=c%20d",
        headers=[("X-Thing", "1"), ("Cookie", "s=1; t=2")],
        source_ip="198.51.100.1",
    )
    assert event["requestContext"]["http"]["method"] == "GET"
    assert event["rawQueryString"] == "a=1&a=2&b=c%20d"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "c d"}
    assert event["headers"]["x-thing"] == "1"
    assert event["cookies"] == ["s=1", "t=2"]
    assert event["requestContext"]["http"]["sourceIp"] == "198.51.100.1"
    rest = events.build_event("rest", "GET", "/api/x?a=1&a=2")
    assert rest["multiValueQueryStringParameters"] == {"a": ["1", "2"]}
    assert rest["queryStringParameters"] == {"a": "2"}


@pytest.mark.parametrize("fmt", events.FORMATS)
def test_binary_bodies_travel_base64(fmt: events.Format) -> None:
    raw = bytes(range(256))
    event = events.build_event(fmt, "POST", "/api/upload", body=raw)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == raw
    text = events.build_event(fmt, "POST", "/api/upload", body='{"a": 1}')
    assert text["isBase64Encoded"] is False
    assert text["body"] == '{"a": 1}'
