"""Events mixed from the recorded AWS shapes: the validator and Mangum read each one as the same kind,
and `handler` answers every one below 500, with the backend and with the fallback.

A validator that reads an event as one kind while Mangum serves it as another lets a malformed
field through unchecked (a Lambda@Edge record carrying `requestContext` and `version` went to
Mangum's HTTP API reader: a 500). So the property is checked where it matters: whatever passes
`lambda_events.validate` is an event Mangum's own handler choice agrees with.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mangum.adapter import HANDLERS

from failsafe import lambda_edge, lambda_events
from failsafe.lambda_entry import LambdaEntry
from tests.failsafe.test_fuzz_lambda import BASE_EVENTS, assert_answer
from tests.support.callers import make_caller
from tests.support.lambda_context import lambda_context
from tests.support.paths import EVENTS

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=os.environ.get("CI") == "true",
)
RECORDED = [json.loads(path.read_text()) for path in sorted(EVENTS.rglob("*.json"))] + [BASE_EVENTS["edge"]]
# Mangum's handler class for each kind the validator lets through.
MANGUM_HANDLER = {
    "alb": {"ALB"},
    "http": {"HTTPGateway"},
    "rest": {"APIGateway", "HTTPGateway"},
    "edge": {"LambdaAtEdge"},
}
# Values that headers, cookies and context fields took in events that once crashed.
ODD_VALUES = st.sampled_from(
    [None, "", "2.0", "1.0", "/{proxy+}", "x", 5, ["a", 1], [], {}, ["a=b"], "a=b", {"elb": {}}, {"http": {}}]
)
PORTS = st.sampled_from(["443", "80", "eighty", " 8080", "1_0", ""])
HOSTS = st.sampled_from(["api.example.com", "api.example.com:443", "api.example.com:80", "a:b:c", "[::1]:443"])


@st.composite
def mixed_events(draw: st.DrawFn) -> dict[str, Any]:
    """A recorded event, with keys of another recorded event grafted on and header values doubled."""
    event: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(RECORDED)))
    donor: dict[str, Any] = draw(st.sampled_from(RECORDED))
    for key in draw(st.lists(st.sampled_from(sorted(donor)), max_size=3, unique=True)):
        event[key] = copy.deepcopy(donor[key])
    for key in draw(
        st.lists(st.sampled_from(["version", "resource", "cookies", "httpMethod", "requestContext"]), max_size=3)
    ):
        event[key] = draw(ODD_VALUES)
    context = event.get("requestContext")
    if isinstance(context, dict) and draw(st.booleans()):
        context[draw(st.sampled_from(["elb", "http", "identity", "resourceId"]))] = draw(ODD_VALUES)
    for field in ("headers", "multiValueHeaders"):
        if isinstance(event.get(field), dict) and draw(st.booleans()):
            name = draw(st.sampled_from(["Host", "host", "X-Forwarded-Port", "x-forwarded-port"]))
            value = draw(HOSTS if name.lower() == "host" else PORTS)
            extra = draw(HOSTS if name.lower() == "host" else PORTS)
            event[field][name] = [value, extra] if field == "multiValueHeaders" else value
    return event


@pytest.fixture(scope="module", params=["backend", "fallback"])
def handler(request: pytest.FixtureRequest) -> LambdaEntry:
    return make_caller("rest", broken=request.param == "fallback").handler


@SETTINGS
@given(event=mixed_events())
def test_mixed_shapes_are_answered_below_500(handler: LambdaEntry, event: dict[str, Any]) -> None:
    assert_answer(handler(event, lambda_context()))


@SETTINGS
@given(event=mixed_events())
def test_what_the_validator_passes_mangum_reads_as_the_same_kind(event: dict[str, Any]) -> None:
    kind = lambda_events.classify(event)
    try:
        if kind in ("warmup", "unsupported"):
            return
        lambda_events.validate(event, kind)
        if kind == "edge":
            lambda_edge.validate(event)
    except lambda_events.EventError:
        return
    # Mangum's own choice, in its order (`Mangum.infer` without building an adapter and its loop).
    config: Any = {"api_gateway_base_path": "/", "text_mime_types": [], "exclude_headers": []}
    chosen = next((h.__name__ for h in HANDLERS if h.infer(event, lambda_context(), config)), None)
    assert chosen in MANGUM_HANDLER[kind], (kind, chosen)


def _found() -> list[tuple[str, dict[str, Any], bool]]:
    """The shapes a review found ending in a 500: (why, event, only with the backend failed to load)."""
    rest, alb = copy.deepcopy(BASE_EVENTS["rest"]), copy.deepcopy(BASE_EVENTS["alb"])
    two_ports, two_hosts = copy.deepcopy(rest), copy.deepcopy(rest)
    two_ports["multiValueHeaders"]["X-Forwarded-Port"] = ["443", "80"]
    two_hosts["multiValueHeaders"]["Host"] = ["a.example.com:443", "b.example.com:80"]
    edge_version = {**copy.deepcopy(BASE_EVENTS["edge"]), "requestContext": {"stage": "x"}, "version": "1.0"}
    edge_resource = {**copy.deepcopy(BASE_EVENTS["edge"]), "requestContext": {}, "resource": "/{proxy+}"}
    return [
        ("two X-Forwarded-Port values", two_ports, False),
        ("two Host values with ports", two_hosts, False),
        ("edge record with version", edge_version, False),
        ("edge record with resource", edge_resource, False),
        ("REST cookies not a list", {**rest, "cookies": "a=b"}, True),
        ("ALB cookies of numbers", {**alb, "cookies": [1, 2]}, True),
    ]


@pytest.mark.parametrize(("why", "event", "fallback"), _found(), ids=[why for why, *_ in _found()])
def test_found_shapes_are_400s_in_the_envelope(
    why: str, event: dict[str, Any], fallback: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = make_caller("rest", broken=fallback).handler
    capsys.readouterr()  # the fallback's load logs its own ERROR
    raw = handler(event, lambda_context())
    assert raw["statusCode"] == 400, why
    assert json.loads(raw["body"])["error"]["code"] == "unsupported_event"
    assert '"ERROR"' not in capsys.readouterr().err
