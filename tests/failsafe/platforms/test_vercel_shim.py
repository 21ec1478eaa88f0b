"""The template under Vercel's real Python shim (vercel-runtime), driven over its IPC socket."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from scripts.localplatform.vercel import UnrecoverableError, VercelProcess
from tests.support.paths import ROOT
from tests.support.platforms import APP_ENV, DEBUG_LOGS, MISSING


def test_health_and_status_on_the_real_backend() -> None:
    with VercelProcess(ROOT, env=APP_ENV) as shim:
        health = shim.request("GET", "/api/health")
        status = shim.request("GET", "/api/status")
        again = shim.request("GET", "/api/health")
    assert health.status == 200
    assert health.json() == {"status": "healthy", "backend_loaded": True}
    assert again.status == 200
    body = status.json()
    assert body["platform"] == "vercel"
    assert body["backend_loaded"] is True
    assert body["environment"] == "production"
    assert body["cold_start"]["invocations"] == 2  # one instance served them all
    # The request id is Vercel's, and the access log line reached the platform for that request.
    assert health.header(
        "x-request-id",
    ) is not None and health.header("x-request-id").startswith("dev1::")
    assert any('"path": "/api/health"' in line for line in health.logs)


def test_lifespan_runs_once_per_instance() -> None:
    with VercelProcess(ROOT, env={**DEBUG_LOGS, **APP_ENV}) as shim:
        for _ in range(4):
            assert shim.request("GET", "/api/health").status == 200
        started = [line for line in shim.logs() if '"backend started"' in line]
    assert len(started) == 1


def test_broken_backend_answers_503_and_names_the_module(broken_project: Path) -> None:
    with VercelProcess(broken_project) as shim:
        health = shim.request("GET", "/api/health")
        status = shim.request("GET", "/api/status")
        other = shim.request("GET", "/api/anything")
        kinds = {message["type"] for message in shim.messages}
    assert health.status == 503
    assert health.json()["diagnosis"]["module"] == MISSING
    assert status.status == 200
    assert status.json()["platform"] == "vercel"
    assert status.json()["diagnosis"]["module"] == MISSING
    assert other.status == 503
    assert other.json()["error"]["code"] == "backend_unavailable"
    assert "unrecoverable-error" not in kinds


def test_the_harness_sees_unrecoverable_errors(broken_entrypoint: Path) -> None:
    """Control: without the failsafe loader the shim gives up with `unrecoverable-error`."""
    with pytest.raises(UnrecoverableError, match="unrecoverable-error") as failure:
        VercelProcess(broken_entrypoint).start()
    assert MISSING in str(failure.value)


def test_log_lines_reach_the_platform_with_their_level(broken_project: Path) -> None:
    """Each JSON line is an IPC `log` message with the record's level (not a level-less stderr stream)."""
    with VercelProcess(broken_project, env={"BACKEND_LOAD": "sometimes"}) as shim:
        shim.request("GET", "/api/health")  # 503 from the fallback: an ERROR access line
        shim.request("GET", "/api/status")  # 200: an INFO access line
        messages = [m["payload"] for m in shim.messages if m.get("type") == "log"]
    ours = []
    for payload in messages:
        text = base64.b64decode(payload["message"]).decode()
        if text.startswith('{"timestamp"'):
            ours.append((payload, json.loads(text)))
    levels = {"INFO": "info", "WARNING": "warn", "ERROR": "error"}
    assert {line["level"] for _, line in ours} == set(levels)  # the warning, the load failure, the access lines
    for payload, line in ours:
        assert payload.get("level") == levels[line["level"]], line
        assert "stream" not in payload
    access = {line["path"]: payload["level"] for payload, line in ours if line["message"] == "request"}
    assert access == {"/api/health": "error", "/api/status": "info"}
