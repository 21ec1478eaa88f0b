"""A bad value for a service setting is a settings error that names the variable, not the value."""

from __future__ import annotations

import pytest

from backend_app.core.config import SettingsError, load_settings


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RATE_LIMIT_DEFAULT", "lots/fortnight"),
        ("RATE_LIMIT_AUTH", "5/minute;100/hour"),
        ("RATE_LIMIT_ACCOUNT", "100 an hour"),
        ("TRUSTED_PROXIES", "10.0.0.0/8,not-an-ip"),
        ("REDIS_URL", "http://:hunter2-secret@cache.example:6379"),
        ("REDIS_OP_TIMEOUT_S", "-2.5"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert error.value.variables == [variable]
    assert value not in str(error.value) and "hunter2" not in str(error.value)


def test_lists_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_FAIL_CLOSED", " auth, ,admin ")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::1")
    monkeypatch.setenv("REDIS_URL", "")  # empty = unset
    settings = load_settings()
    assert settings.rate_limit_fail_closed == ["auth", "admin"]
    assert settings.trusted_proxies == ["10.0.0.0/8", "2001:db8::1"]
    assert settings.redis_url is None
    assert settings.redis_connect_timeout_s + settings.redis_op_timeout_s < 1.0
