"""Failsafe's own reading of the environment: the same parsing rule as the backend's Settings
(tests/backend/test_settings.py holds it to the same values), the platform, failsafe's options (limits)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from backend_app.core.config import get_settings
from failsafe import envparse
from failsafe.loader import BackendGate
from failsafe.options import read_options
from failsafe.platform import default_environment, detect_platform
from tests.support.environment import scrub_environ
from tests.support.setting_values import BAD_LIMITS, ENVIRONMENTS, FALSE_VALUES, NOT_BOOLEAN, TRUE_VALUES


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    scrub_environ(monkeypatch, "ENVIRONMENT", "DEBUG", "CORS_ORIGINS", "DOCS_ENABLED", "LOG_LEVEL", "BACKEND_LOAD")


@pytest.mark.parametrize("raw", TRUE_VALUES)
def test_true_values(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", raw)
    assert envparse.get_bool("DEBUG", False) is True


@pytest.mark.parametrize("raw", FALSE_VALUES)
def test_false_values(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", raw)
    assert envparse.get_bool("DEBUG", True) is False


@pytest.mark.parametrize("raw", NOT_BOOLEAN)
def test_other_boolean_values_are_errors_naming_the_variable_only(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(envparse.EnvError) as stdlib_error:
        envparse.get_bool("DEBUG", False)
    assert "DEBUG" in str(stdlib_error.value) and f"'{raw}'" not in str(stdlib_error.value)


def test_empty_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "")
    monkeypatch.setenv("CORS_ORIGINS", "  ")
    assert envparse.get_list("CORS_ORIGINS") == [] and envparse.get_str("DEBUG") is None


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example,,")
    assert envparse.get_list("CORS_ORIGINS") == ["https://a.example", "https://b.example"]


@pytest.mark.parametrize(("env", "expected"), ENVIRONMENTS)
def test_environment_unset_means_production_everywhere(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert default_environment() == expected


def test_platform_detection() -> None:
    assert detect_platform({}) == "local"
    assert detect_platform({"VERCEL": "1"}) == "vercel"
    assert detect_platform({"AWS_LAMBDA_FUNCTION_NAME": "fn"}) == "lambda"


# MAX_BODY_BYTES, REQUEST_TIMEOUT_S and CORS_MAX_AGE_S: strict in the settings, lenient in failsafe.options,
# which the fallback needs.
@pytest.mark.parametrize(("name", "value"), BAD_LIMITS)
def test_bad_limits_keep_the_defaults_in_failsafe(name: str, value: str) -> None:
    options = read_options({name: value})
    assert (options.max_body_bytes, options.request_timeout_s, options.cors_max_age_s) == (1024 * 1024, 25.0, 600)


def test_good_limits_reach_failsafe() -> None:
    env = {"MAX_BODY_BYTES": "4096", "REQUEST_TIMEOUT_S": "9.5", "CORS_MAX_AGE_S": "60"}
    options = read_options(env)
    assert (options.max_body_bytes, options.request_timeout_s, options.cors_max_age_s) == (4096, 9.5, 60)


async def _post(gate: BackendGate, path: str, size: int) -> httpx.Response:
    transport = httpx.ASGITransport(app=gate)
    async with httpx.AsyncClient(transport=transport, base_url="https://api.example.com") as client:
        return await client.post(path, content=b"x" * size)


def test_bad_value_gives_the_diagnosed_fallback_with_default_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_BODY_BYTES", "a lot")
    get_settings.cache_clear()
    try:
        gate = BackendGate()  # the real import path: backend_app.create_app() -> get_settings()
        loaded = gate.ensure_loaded()
    finally:
        get_settings.cache_clear()
    assert loaded.backend is None and loaded.diagnosis is not None
    assert loaded.diagnosis.type == "invalid_settings" and "MAX_BODY_BYTES" in loaded.diagnosis.hint
    refused = asyncio.run(_post(gate, "/api/anything", 1024 * 1024 + 1))
    assert refused.status_code == 413
    assert json.loads(refused.content)["error"]["code"] == "payload_too_large"
    assert refused.headers["x-content-type-options"] == "nosniff"


def test_the_gate_reads_the_environment_once_and_its_parts_share_what_it_read() -> None:
    from failsafe.lambda_entry import LambdaEntry

    environ = {"MAX_BODY_BYTES": "100", "REQUEST_TIMEOUT_S": "2", "DEBUG": "on", "ENVIRONMENT": "development"}
    gate = BackendGate(factory=_broken, environ=environ)
    entry = LambdaEntry(gate)
    environ.update(MAX_BODY_BYTES="999", REQUEST_TIMEOUT_S="9", DEBUG="off")  # too late: read already
    loaded = gate.ensure_loaded()
    layer: Any = loaded.app
    assert (layer.body_limit.max_bytes, layer.deadline.timeout_s) == (100, 2.0)
    assert layer.app.options is gate.options and entry.gate.options.debug is True
    assert not gate.options.production


def _broken() -> Any:
    raise ModuleNotFoundError("No module named 'nothere'", name="nothere")
