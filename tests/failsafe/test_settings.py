"""One parsing rule for every variable, in the settings and in the stdlib fallback."""

from __future__ import annotations

import pytest

from backend_app.core.config import Settings, SettingsError, load_settings
from failsafe import envparse
from failsafe.platform import default_environment, detect_platform


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VERCEL", "AWS_LAMBDA_FUNCTION_NAME", "ENVIRONMENT", "DEBUG", "CORS_ORIGINS", "DOCS_ENABLED",
                 "LOG_LEVEL", "BACKEND_LOAD"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("raw", ["true", "TRUE", "1", "yes", "On", " on "])
def test_true_values(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", raw)
    assert envparse.get_bool("DEBUG", False) is True
    assert load_settings().debug is True


@pytest.mark.parametrize("raw", ["false", "False", "0", "no", "OFF"])
def test_false_values(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", raw)
    assert envparse.get_bool("DEBUG", True) is False
    assert load_settings().debug is False


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "t", "enabled"])
def test_other_boolean_values_are_errors_naming_the_variable_only(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(envparse.EnvError) as stdlib_error:
        envparse.get_bool("DEBUG", False)
    with pytest.raises(SettingsError) as settings_error:
        load_settings()
    assert settings_error.value.variables == ["DEBUG"]
    for error in (stdlib_error.value, settings_error.value):
        assert "DEBUG" in str(error) and f"'{raw}'" not in str(error)


def test_empty_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "")
    monkeypatch.setenv("CORS_ORIGINS", "  ")
    monkeypatch.setenv("DOCS_ENABLED", "")
    monkeypatch.setenv("ENVIRONMENT", "development")  # where the docs default to on
    settings = load_settings()
    assert settings.debug is False and settings.cors_origins == [] and settings.docs_enabled is True
    assert envparse.get_list("CORS_ORIGINS") == [] and envparse.get_str("DEBUG") is None


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example,,")
    assert load_settings().cors_origins == ["https://a.example", "https://b.example"]
    assert envparse.get_list("CORS_ORIGINS") == ["https://a.example", "https://b.example"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "production"), ({"VERCEL": "1"}, "production"), ({"AWS_LAMBDA_FUNCTION_NAME": "f"}, "production"),
     ({"ENVIRONMENT": "development"}, "development"), ({"VERCEL": "1", "ENVIRONMENT": "development"}, "development"),
     ({"ENVIRONMENT": "Production"}, "production")],
)  # fmt: skip
def test_environment_unset_means_production_everywhere(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert default_environment() == expected
    settings = load_settings()
    assert settings.environment == expected
    assert settings.docs_enabled is (expected == "development")


def test_platform_detection() -> None:
    assert detect_platform({}) == "local"
    assert detect_platform({"VERCEL": "1"}) == "vercel"
    assert detect_platform({"AWS_LAMBDA_FUNCTION_NAME": "fn"}) == "lambda"


def test_invalid_environment_is_a_settings_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "staging")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert error.value.variables == ["ENVIRONMENT"]


def test_settings_fields_have_units_in_timeout_names() -> None:
    for name in Settings.model_fields:
        if "timeout" in name:
            assert name.endswith(("_s", "_ms")), name
