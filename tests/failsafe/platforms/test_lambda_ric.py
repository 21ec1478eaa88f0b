"""The template under AWS's real Lambda runtime client (awslambdaric), task root api/, index.handler."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.localplatform.ric import InitError, RicProcess
from tests.support.paths import ROOT
from tests.support.platforms import APP_ENV, DEBUG_LOGS, MISSING, health_event, lines_with


def test_health_over_several_invocations_in_one_process_starts_up_once() -> None:
    with RicProcess(ROOT / "api", env={**DEBUG_LOGS, **APP_ENV}) as runtime:
        runtime.wait_initialized()  # init ran (the backend loaded) before any event arrived
        assert runtime.api.init_error is None
        for _ in range(3):
            response = runtime.invoke(health_event())
            assert response["statusCode"] == 200
            assert json.loads(response["body"]) == {"status": "healthy", "backend_loaded": True}
        status = json.loads(runtime.invoke(health_event(path="/api/status"))["body"])
        output = runtime.output()
    assert status["platform"] == "lambda"
    assert status["cold_start"]["invocations"] == 4  # one process served all four
    assert len(lines_with(output, '"backend started"')) == 1
    assert "Runtime." not in output


@pytest.mark.parametrize("fmt", ["rest", "http", "alb", "url"])
def test_every_event_source_reaches_health(fmt: str) -> None:
    with RicProcess(ROOT / "api", env=APP_ENV) as runtime:
        response = runtime.invoke(health_event(fmt))  # type: ignore[arg-type]
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["status"] == "healthy"


def test_broken_backend_answers_503_with_diagnosis_not_an_import_error(broken_project: Path) -> None:
    with RicProcess(broken_project / "api") as runtime:
        health = runtime.invoke(health_event())
        status = runtime.invoke(health_event(path="/api/status"))
        output = runtime.output()
        assert runtime.api.init_error is None
    assert health["statusCode"] == 503
    diagnosis = json.loads(health["body"])["diagnosis"]
    assert diagnosis["type"] == "missing_dependency"
    assert diagnosis["module"] == MISSING
    assert MISSING.replace("_", "-") in diagnosis["hint"]
    assert json.loads(status["body"])["diagnosis"]["module"] == MISSING
    assert "Runtime.ImportModuleError" not in output
    assert lines_with(output, '"backend_load_failed"')  # the ERROR line log alarms read


def test_events_that_are_not_http_get_an_answer_through_the_runtime() -> None:
    with RicProcess(ROOT / "api", env=APP_ENV) as runtime:
        rejected = runtime.invoke({})
        warmed = runtime.invoke({"warmer": True})
        scheduled = runtime.invoke({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}})
    assert rejected["statusCode"] == 400
    assert json.loads(rejected["body"])["error"]["code"] == "unsupported_event"
    assert warmed == {"warmed": True, "backend_loaded": True}
    assert scheduled == {"warmed": True, "backend_loaded": True}


def test_the_harness_sees_import_failures_as_lambda_reports_them(broken_entrypoint: Path) -> None:
    """Control: without the failsafe loader the same mistake is a Runtime.ImportModuleError."""
    with RicProcess(broken_entrypoint / "api") as runtime, pytest.raises(InitError) as failure:
        runtime.invoke(health_event(), timeout_s=30)
    assert failure.value.error_type == "Runtime.ImportModuleError"
    assert MISSING in json.dumps(failure.value.body)
