"""Every real event shape AWS sends: served in its own response shape, or refused with a 400."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import api.index as entry
from failsafe.lambda_events import classify
from tests.support.events import lambda_event
from tests.support.lambda_context import REQUEST_ID, lambda_context
from tests.support.paths import EVENTS

HTTP_FIXTURES = sorted(p for p in EVENTS.glob("*/*.json"))
OTHER_FIXTURES = sorted(EVENTS.glob("*/other/*.json"))


def test_fixtures_are_present() -> None:
    # Without the fixtures the parametrised tests below would test nothing.
    assert len(HTTP_FIXTURES) >= 20 and len(OTHER_FIXTURES) >= 5


def assert_shape(kind: str, response: dict[str, Any], event: dict[str, Any] | None = None) -> None:
    assert isinstance(response["statusCode"], int)
    assert isinstance(response["body"], str) and isinstance(response["isBase64Encoded"], bool)
    assert isinstance(response.get("headers", {}), dict)
    if kind == "rest":
        assert isinstance(response["multiValueHeaders"], dict)
    elif kind == "alb":
        # ALB answers with the header style of the request: multi-value only when it was enabled.
        style = "multiValueHeaders" if event and "multiValueHeaders" in event else "headers"
        assert isinstance(response[style], dict) and "cookies" not in response
        if "statusDescription" in response:
            assert response["statusDescription"].split(" ")[0] == str(response["statusCode"])
    elif kind == "http":
        assert "multiValueHeaders" not in response and "statusDescription" not in response


@pytest.mark.parametrize("path", HTTP_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_http_fixture_is_served_in_its_shape(path: Path) -> None:
    event = json.loads(path.read_text())
    kind = classify(event)
    assert kind in ("rest", "http", "alb")
    response = entry.handler(event, lambda_context())
    assert response["statusCode"] < 500, response
    assert_shape(kind, response, event)
    assert response.get("headers", {}).get("x-request-id") or response.get("multiValueHeaders", {}).get("x-request-id")


@pytest.mark.parametrize("path", OTHER_FIXTURES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_non_http_fixture_gets_unsupported_event(path: Path) -> None:
    response = entry.handler(json.loads(path.read_text()), lambda_context())
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "unsupported_event"


@pytest.mark.parametrize("event", [{}, [], [1, 2], "text", None, 42, {"Records": []}, {"requestContext": {}}])
def test_unknown_events_get_400_unsupported_event(event: object) -> None:
    response = entry.handler(event, lambda_context())
    body = json.loads(response["body"])
    assert response["statusCode"] == 400
    assert body["error"]["code"] == "unsupported_event"
    assert body["error"]["request_id"] == REQUEST_ID


@pytest.mark.parametrize(
    "event",
    [{"warmer": True}, {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}, "id": "x"}],
)
def test_warm_up_pings_are_acknowledged(event: dict[str, Any]) -> None:
    assert entry.handler(event, lambda_context()) == {"warmed": True, "backend_loaded": True}


@pytest.mark.parametrize("fmt", ["rest", "http", "alb", "url"])
def test_malformed_base64_body_is_400_invalid_body(fmt: str) -> None:
    event = lambda_event(fmt, "POST", "/api/health", body="not base64!!")
    event["isBase64Encoded"] = True
    response = entry.handler(event, lambda_context())
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "invalid_body"


@pytest.mark.parametrize("fmt", ["rest", "http", "alb", "url"])
def test_wrongly_typed_fields_are_refused_not_crashed(fmt: str) -> None:
    event = lambda_event(fmt, "GET", "/api/health")
    event["headers"] = {"host": 5}
    response = entry.handler(event, lambda_context())
    assert response["statusCode"] == 400
    assert "headers" in json.loads(response["body"])["error"]["message"]


def test_request_id_is_lambdas(capsys: pytest.CaptureFixture[str]) -> None:
    response = entry.handler(
        lambda_event("http", "GET", "/api/health"), lambda_context("abcdef12-aaaa-bbbb-cccc-000000000001")
    )
    assert response["headers"]["x-request-id"] == "abcdef12-aaaa-bbbb-cccc-000000000001"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    request_lines = [line for line in lines if line.get("message") == "request"]
    assert request_lines[-1]["request_id"] == "abcdef12-aaaa-bbbb-cccc-000000000001"
