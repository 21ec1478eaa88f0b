"""MAX_BODY_BYTES, REQUEST_TIMEOUT_S and CORS_MAX_AGE_S: strict in the settings, lenient in the stack."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from backend_app.core.config import SettingsError, get_settings, load_settings
from failsafe.loader import BackendGate
from failsafe.stack import StackOptions


@pytest.mark.parametrize(
    ("name", "value"),
    [("MAX_BODY_BYTES", "1MB"), ("MAX_BODY_BYTES", "0"), ("REQUEST_TIMEOUT_S", "-1"), ("REQUEST_TIMEOUT_S", "inf"),
     ("REQUEST_TIMEOUT_S", "soon"), ("CORS_MAX_AGE_S", "-5")],
)  # fmt: skip
def test_bad_values_are_settings_errors_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert raised.value.variables == [name]
    # ...and the stack, which the fallback needs, keeps its default instead of failing.
    options = StackOptions.from_env({name: value})
    assert (options.max_body_bytes, options.request_timeout_s, options.cors_max_age_s) == (1024 * 1024, 25.0, 600)


def test_good_values_reach_settings_and_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"MAX_BODY_BYTES": "4096", "REQUEST_TIMEOUT_S": "9.5", "CORS_MAX_AGE_S": "60"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert (settings.max_body_bytes, settings.request_timeout_s, settings.cors_max_age_s) == (4096, 9.5, 60)
    options = StackOptions.from_env(env)
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
