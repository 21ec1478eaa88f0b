"""The access line as a CloudWatch embedded-metric-format record (METRICS_EMF, on Lambda), checked
against the format's published JSON schema and the rules of its specification the schema cannot
express (what the references point at)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from failsafe.emf import UNMATCHED_ROUTE
from failsafe.hardening import harden
from failsafe.options import Options
from scripts.localplatform import events
from scripts.localplatform.ric import RicProcess
from tests.failsafe.test_access_log import only_our_handler
from tests.support.paths import ROOT
from tests.support.platforms import APP_ENV
from tests.support.unavailable import unavailable

SCHEMA = json.loads((Path(__file__).parent / "cloudwatch_emf_schema.json").read_text())


def check_emf(record: dict[str, Any]) -> None:
    """Valid by the schema, and by the specification's rules on the members it references."""
    try:
        import jsonschema_rs
    except ImportError:
        unavailable("jsonschema-rs is not installed: `pip install -r requirements-dev.txt`")
    # The published schema names no draft; its `$id`s ("#/properties/_aws") are draft-07's form.
    jsonschema_rs.Draft7Validator(SCHEMA).validate(record)
    for directive in record["_aws"]["CloudWatchMetrics"]:
        assert len(directive["Metrics"]) <= 100
        for metric in directive["Metrics"]:
            value = record[metric["Name"]]  # a member of the root node
            assert isinstance(value, int | float) and not isinstance(value, bool), metric
        for dimension_set in directive["Dimensions"]:
            assert len(dimension_set) <= 9
            for name in dimension_set:
                assert isinstance(record[name], str) and record[name], name


def access_lines(output: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith('{"timestamp"')]
    return [line for line in lines if line["message"] == "request"]


def test_access_lines_are_emf_records_under_the_real_lambda_runtime() -> None:
    env = {**APP_ENV, "METRICS_EMF": "true", "METRICS_NAMESPACE": "TemplateTest"}
    with RicProcess(ROOT / "api", env=env) as runtime:
        for path in ("/api/health", "/api/no-such-route/12345", "/api/status"):
            runtime.invoke(events.build_event("http", "GET", path))
        lines = access_lines(runtime.output())
    assert [(line["route"], line["status_class"], line["cold_starts"]) for line in lines] == [
        ("/api/health", "2xx", 1),
        (UNMATCHED_ROUTE, "4xx", 0),  # unknown paths collapse into one value
        ("/api/status", "2xx", 0),
    ]
    for line in lines:
        check_emf(line)
        assert {d["Namespace"] for d in line["_aws"]["CloudWatchMetrics"]} == {"TemplateTest"}
        assert line["path"] and line["status"] and line["level"] == "INFO"  # still the access line


def item_app() -> FastAPI:
    app = FastAPI()

    @app.get("/api/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    return app


def served_line(options: Options, path: str, monkeypatch: pytest.MonkeyPatch, capfd: Any) -> dict[str, Any]:
    only_our_handler(monkeypatch)
    capfd.readouterr()

    async def call() -> None:
        transport = httpx.ASGITransport(app=harden(item_app(), options))
        async with httpx.AsyncClient(transport=transport, base_url="https://api.example.com") as client:
            await client.get(path)

    asyncio.run(call())
    (line,) = access_lines(capfd.readouterr().err)
    return line


def test_the_route_dimension_is_the_template_never_the_path(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    line = served_line(Options(platform="lambda", metrics_emf=True), "/api/items/42", monkeypatch, capfd)
    check_emf(line)
    assert line["route"] == "/api/items/{item_id}"
    assert line["path"] == "/api/items/42"


@pytest.mark.parametrize("options", [Options(platform="lambda"), Options(platform="vercel", metrics_emf=True)])
def test_off_by_default_and_off_lambda(
    options: Options, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    line = served_line(options, "/api/items/42", monkeypatch, capfd)
    assert not {"_aws", "route", "status_class", "cold_starts"} & line.keys()
