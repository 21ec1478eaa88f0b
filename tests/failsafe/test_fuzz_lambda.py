"""Property tests: whatever event arrives, `handler` answers in the right shape, below 500, never raising.

Events start from the real recorded fixtures and are broken the ways the platforms, a misconfigured
trigger or a hand-written test event break them: keys missing or of the wrong type, bodies that are
not JSON, too large or not base64, headers in odd casing, events that are not objects at all.
"""

from __future__ import annotations

import base64
import copy
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from failsafe.lambda_entry import LambdaEntry
from tests.support.callers import FIXTURES, make_caller
from tests.support.lambda_context import lambda_context
from tests.support.paths import EVENTS

# CI replays the same examples every run (no flaky builds); local runs explore new ones each time.
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI") == "true",
)
BASE_EVENTS = {kind: json.loads((EVENTS / path).read_text()) for kind, path in FIXTURES.items()}
# No recorded CloudFront event in tests/events: this is the viewer-request shape AWS documents.
BASE_EVENTS["edge"] = {
    "Records": [
        {
            "cf": {
                "config": {
                    "distributionDomainName": "d111111abcdef8.cloudfront.net",
                    "distributionId": "EDFDVBD6EXAMPLE",
                    "eventType": "viewer-request",
                    "requestId": "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
                },
                "request": {
                    "clientIp": "203.0.113.178",
                    "method": "GET",
                    "uri": "/api/health",
                    "querystring": "",
                    "headers": {
                        "host": [{"key": "Host", "value": "d111111abcdef8.cloudfront.net"}],
                        "user-agent": [{"key": "User-Agent", "value": "curl/7.66.0"}],
                    },
                },
            }
        }
    ]
}
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
PATHS = st.sampled_from(["/api/health", "/api/status", "/api/docs", "/api/openapi.json", "/api/nope", "/", ""]) | (
    st.text(max_size=30).map(lambda s: "/" + s)
)
METHODS = st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get", "BREW", ""])
BODIES = st.one_of(
    st.none(),
    st.text(max_size=200),
    st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()),
    st.sampled_from(["{", "not json", "=", "abc", "%%%", "YWJj=", "\x00\x01"]),
    st.integers(min_value=1, max_value=3).map(lambda n: "x" * (n * 1024 * 1024 + 1)),  # over the 1 MiB limit
)


def odd_case(name: str, flips: list[bool]) -> str:
    return "".join(c.upper() if flip else c for c, flip in zip(name, flips + [False] * len(name), strict=False))


@st.composite
def broken_events(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(sorted(BASE_EVENTS)))
    event: dict[str, Any] = copy.deepcopy(BASE_EVENTS[kind])
    path, method = draw(PATHS), draw(METHODS)
    if kind == "edge":
        return draw(broken_edge(event, path, method))
    if kind == "http":
        event["rawPath"] = path
        event["requestContext"]["http"].update(path=path, method=method)
    else:
        event.update(path=path, httpMethod=method)
    event["body"] = draw(BODIES)
    event["isBase64Encoded"] = draw(st.booleans())
    headers = {"Content-Type": "application/json", "Origin": "https://x.example", "Content-Length": "3"}
    flips = draw(st.lists(st.booleans(), max_size=16))
    event["headers"] = {odd_case(k.lower(), flips): v for k, v in headers.items()}
    for _ in range(draw(st.integers(0, 3))):  # drop keys, top-level or in requestContext
        target = draw(st.sampled_from([event, event.get("requestContext") or {}]))
        if isinstance(target, dict) and target:
            target.pop(draw(st.sampled_from(sorted(target))), None)
    for _ in range(draw(st.integers(0, 3))):  # replace values with anything JSON can hold
        target = draw(st.sampled_from([event, event.get("requestContext") or {}, event.get("headers") or {}]))
        if isinstance(target, dict) and target:
            target[draw(st.sampled_from(sorted(target)))] = draw(JSON_VALUES)
    return event


@st.composite
def broken_edge(draw: st.DrawFn, event: dict[str, Any], path: str, method: str) -> Any:
    request = event["Records"][0]["cf"]["request"]
    request.update(uri=path, method=method)
    body = draw(BODIES)
    if body is not None:
        request["body"] = {
            "data": body,
            "encoding": draw(st.sampled_from(["base64", "text"])),
            "inputTruncated": False,
            "action": "read-only",
        }
    flips = draw(st.lists(st.booleans(), max_size=16))
    request["headers"]["origin"] = [{"key": odd_case("origin", flips), "value": "https://x.example"}]
    for _ in range(draw(st.integers(0, 3))):
        candidates = [request, request.get("headers"), event["Records"][0]["cf"]]
        target = draw(st.sampled_from([c for c in candidates if isinstance(c, dict)]))
        if target:
            key = draw(st.sampled_from(sorted(target)))
            if draw(st.booleans()):
                target.pop(key)
            else:
                target[key] = draw(JSON_VALUES)
    return event


NOT_OBJECTS = JSON_VALUES.filter(lambda v: not isinstance(v, dict)) | st.just(b"raw bytes") | st.just(object())


def assert_answer(raw: Any) -> None:
    assert isinstance(raw, dict)
    if "status" in raw:  # CloudFront's shape: headers as key/value lists (Mangum's status is an int)
        assert isinstance(raw["status"], int) or raw["status"].isdigit()
        assert all(isinstance(v, list) and all("value" in i for i in v) for v in raw["headers"].values())
        raw = {**raw, "statusCode": int(raw["status"]), "headers": {}}
    status, text = raw["statusCode"], raw["body"]
    assert isinstance(status, int) and isinstance(text, str)
    body = base64.b64decode(text) if raw.get("isBase64Encoded") else text.encode()
    if status == 503:  # the fallback's own contract: "the backend did not load", never a crash
        document = json.loads(body) if body else {"backend_loaded": False}
        assert document.get("backend_loaded") is False or document["error"]["code"] == "backend_unavailable"
    else:
        assert 100 <= status < 500, status
    assert isinstance(raw.get("isBase64Encoded", False), bool)
    assert "headers" in raw or "multiValueHeaders" in raw
    for name, value in (raw.get("headers") or {}).items():
        assert isinstance(name, str) and isinstance(value, str)
    for name, values in (raw.get("multiValueHeaders") or {}).items():
        assert isinstance(name, str) and all(isinstance(v, str) for v in values)
    if 400 <= status < 500 and body:
        assert set(json.loads(body)["error"]) >= {"code", "message", "request_id"}


@pytest.fixture(scope="module", params=["backend", "fallback"])
def handler(request: pytest.FixtureRequest) -> LambdaEntry:
    return make_caller("rest", broken=request.param == "fallback").handler


@SETTINGS
@given(event=broken_events())
def test_broken_http_events(handler: LambdaEntry, event: Any) -> None:
    assert_answer(handler(event, lambda_context()))


@SETTINGS
@given(event=NOT_OBJECTS | st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=5))
def test_events_that_are_not_http_at_all(handler: LambdaEntry, event: Any) -> None:
    raw = handler(event, lambda_context())
    if isinstance(raw, dict) and raw.get("warmed"):
        return  # {"warmer": true} and scheduled pings are acknowledged, not answered
    assert_answer(raw)
    assert raw["statusCode"] == 400


@SETTINGS
@given(body=st.text(min_size=1, max_size=50).filter(lambda s: s.strip() != ""))
def test_bad_base64_is_a_400(handler: LambdaEntry, body: str) -> None:
    event = copy.deepcopy(BASE_EVENTS["http"])
    event.update(body=body + "=*", isBase64Encoded=True)
    raw = handler(event, lambda_context())
    assert_answer(raw)
    assert raw["statusCode"] == 400


def _holes() -> list[tuple[str, Any]]:
    """Events the fuzzer found crashing Mangum (a 500) before `lambda_events.validate` caught them."""
    rest, http, alb = (copy.deepcopy(BASE_EVENTS[k]) for k in ("rest", "http", "alb"))
    no_resource = {k: v for k, v in rest.items() if k not in ("resource", "version")}
    null_identity = copy.deepcopy(rest)
    null_identity["requestContext"]["identity"] = None
    bad_port = copy.deepcopy(rest)
    bad_port["headers"]["Host"] = "api.example.com:https"
    bad_forwarded = copy.deepcopy(alb)
    bad_forwarded["multiValueHeaders"]["x-forwarded-port"] = ["eighty"]
    null_headers = {**http, "headers": None}
    no_source_ip = copy.deepcopy(http)
    del no_source_ip["requestContext"]["http"]["sourceIp"]
    alb_no_headers = {k: v for k, v in alb.items() if k != "multiValueHeaders"}
    surrogate = copy.deepcopy(http)
    surrogate["headers"]["x-name"] = "\udc80"
    return [
        ("no resource", no_resource),
        ("identity null", null_identity),
        ("host port", bad_port),
        ("x-forwarded-port", bad_forwarded),
        ("v2 headers null", null_headers),
        ("no sourceIp", no_source_ip),
        ("alb without headers", alb_no_headers),
        ("lone surrogate", surrogate),
    ]


@pytest.mark.parametrize(("why", "event"), _holes(), ids=[why for why, _ in _holes()])
def test_found_holes_are_400s(handler: LambdaEntry, why: str, event: Any) -> None:
    raw = handler(event, lambda_context())
    assert_answer(raw)
    assert raw["statusCode"] == 400, why
    assert json.loads(raw["body"])["error"]["code"] == "unsupported_event"
