"""The backend's Settings: one parsing rule shared with failsafe, the limits, the services' values,
SECRET_KEY rules, DATABASE_URL forms, and what the fallback says when they are wrong.

A bad value is a settings error naming the variable, never showing the value.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from typing import Any

import ecdsa
import httpx
import pytest
from jose import jwk

from backend_app.core.auth_settings import DEV_SECRET_KEY, key_material_kind
from backend_app.core.config import Settings, SettingsError, load_settings
from backend_app.db.url import DatabaseUrlError, parse_database_url
from backend_app.main import create_app
from backend_app.services.container import services_of
from tests.backend.conftest import SECRET, make_settings
from tests.support.environment import scrub_environ
from tests.support.events import lambda_event
from tests.support.keys import rsa_keys
from tests.support.paths import ROOT
from tests.support.replies import lambda_reply
from tests.support.setting_values import BAD_LIMITS, ENVIRONMENTS, FALSE_VALUES, NOT_BOOLEAN, TRUE_VALUES


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    scrub_environ(monkeypatch, "ENVIRONMENT", "DEBUG", "CORS_ORIGINS", "DOCS_ENABLED", "LOG_LEVEL", "BACKEND_LOAD")


# The same values as failsafe's parsing (tests/failsafe/test_settings.py): one rule for every variable.
@pytest.mark.parametrize("raw", TRUE_VALUES)
def test_true_values(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", raw)
    assert load_settings().debug is True


@pytest.mark.parametrize("raw", FALSE_VALUES)
def test_false_values(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", raw)
    assert load_settings().debug is False


@pytest.mark.parametrize("raw", NOT_BOOLEAN)
def test_other_boolean_values_are_errors_naming_the_variable_only(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(SettingsError) as settings_error:
        load_settings()
    assert settings_error.value.variables == ["DEBUG"]
    assert "DEBUG" in str(settings_error.value) and f"'{raw}'" not in str(settings_error.value)


def test_empty_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "")
    monkeypatch.setenv("CORS_ORIGINS", "  ")
    monkeypatch.setenv("DOCS_ENABLED", "")
    monkeypatch.setenv("ENVIRONMENT", "development")  # where the docs default to on
    settings = load_settings()
    assert settings.debug is False and settings.cors_origins == [] and settings.docs_enabled is True


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example,,")
    assert load_settings().cors_origins == ["https://a.example", "https://b.example"]


@pytest.mark.parametrize(("env", "expected"), ENVIRONMENTS)
def test_environment_unset_means_production_everywhere(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.environment == expected
    assert settings.docs_enabled is (expected == "development")


def test_invalid_environment_is_a_settings_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "staging")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert error.value.variables == ["ENVIRONMENT"]


def test_settings_fields_have_units_in_timeout_names() -> None:
    for name in Settings.model_fields:
        if "timeout" in name:
            assert name.endswith(("_s", "_ms")), name


# The limits failsafe's stack applies too (tests/failsafe/test_settings.py: lenient there).
@pytest.mark.parametrize(("name", "value"), BAD_LIMITS)
def test_bad_limits_are_settings_errors_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert raised.value.variables == [name]


def test_good_limits_reach_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"MAX_BODY_BYTES": "4096", "REQUEST_TIMEOUT_S": "9.5", "CORS_MAX_AGE_S": "60"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert (settings.max_body_bytes, settings.request_timeout_s, settings.cors_max_age_s) == (4096, 9.5, 60)


# The services' settings.
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
def test_bad_service_values_name_the_variable(variable: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert error.value.variables == [variable]
    assert value not in str(error.value) and "hunter2" not in str(error.value)


def test_service_lists_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_FAIL_CLOSED", " auth, ,admin ")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::1")
    monkeypatch.setenv("REDIS_URL", "")  # empty = unset
    settings = load_settings()
    assert settings.rate_limit_fail_closed == ["auth", "admin"]
    assert settings.trusted_proxies == ["10.0.0.0/8", "2001:db8::1"]
    assert settings.redis_url is None
    assert settings.redis_connect_timeout_s + settings.redis_op_timeout_s < 1.0


# Users and auth.
@pytest.mark.parametrize("key", [None, "x" * 31])
def test_production_refuses_a_missing_or_short_secret_key(key: str | None) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(environment="production", secret_key=key, database_url="postgres://u@h/db")
    assert info.value.variables == ["SECRET_KEY"]


def test_production_accepts_32_bytes_and_development_has_a_fixed_default() -> None:
    assert load_settings(environment="production", secret_key="k" * 32).secret_key is not None
    dev = load_settings(environment="development", secret_key=None)
    assert dev.secret_key is None  # TokenCodec then signs with the public dev key, and /api/status warns


def test_previous_key_must_be_strong_too_and_rs256_needs_both_keys() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(environment="production", secret_key=SECRET, secret_key_previous="short")
    assert info.value.variables == ["SECRET_KEY_PREVIOUS"]
    with pytest.raises(SettingsError) as info:
        load_settings(environment="development", jwt_private_key="-----BEGIN RSA PRIVATE KEY-----")
    assert info.value.variables == ["JWT_PUBLIC_KEY"]


def test_fallback_names_secret_key_when_production_has_none(load_entry: Any) -> None:
    entry = load_entry({"ENVIRONMENT": "production", "SECRET_KEY": "", "DATABASE_URL": "postgres://u:pw@h/db"})
    status = lambda_reply(entry.handler(lambda_event("http", "GET", "/api/status"), None))
    assert status.status in (200, 503)
    diagnosis = status.json()["diagnosis"]
    assert diagnosis["type"] == "invalid_settings" and "SECRET_KEY" in diagnosis["hint"]
    assert "pw" not in status.text.replace("password", "")


@pytest.mark.parametrize(
    ("url", "dsn"),
    [
        ("postgres://u:Pw9z@db.example.com:5432/app", "postgresql://u:Pw9z@db.example.com:5432/app"),
        ("postgresql://u:Pw9z@h/app?sslmode=require", "postgresql://u:Pw9z@h/app?sslmode=require"),
        ("postgresql+asyncpg://u:Pw9z@h/app?ssl=true", "postgresql://u:Pw9z@h/app?sslmode=require"),
        (
            "postgres://u:Pw9z@pooler.example.com:6543/app?pgbouncer=true&sslmode=verify-full",
            "postgresql://u:Pw9z@pooler.example.com:6543/app?sslmode=verify-full",
        ),
    ],
)
def test_postgres_urls_providers_hand_out(url: str, dsn: str) -> None:
    target = parse_database_url(url)
    assert (target.kind, target.dsn) == ("postgresql", dsn)
    assert "Pw9z" not in target.display


def test_sqlite_urls_and_bad_urls() -> None:
    assert parse_database_url("sqlite:///data/app.db").dsn == "data/app.db"
    assert parse_database_url("sqlite:////abs/app.db").dsn == "/abs/app.db"
    for bad in ("mysql://u:secretpw@h/db", "not a url", "postgres://u:secretpw@h/db?sslmode=sometimes"):
        with pytest.raises(DatabaseUrlError) as info:
            parse_database_url(bad)
        assert "secretpw" not in str(info.value)
    with pytest.raises(SettingsError) as settings_info:
        load_settings(database_url="mysql://u:secretpw@h/db")
    assert settings_info.value.variables == ["DATABASE_URL"] and "secretpw" not in str(settings_info.value)


def documented_example_keys() -> set[str]:
    """Every literal `SECRET_KEY` value the docs and the README show."""
    pattern = re.compile(r"SECRET_KEY(?:_PREVIOUS)?\s*[=:]\s*[\"']?([A-Za-z0-9_.+/~-]{8,})")
    texts = [path.read_text() for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]]
    return {match for text in texts for match in pattern.findall(text)}


@pytest.mark.parametrize("field", ["secret_key", "secret_key_previous"])
def test_production_refuses_public_keys(field: str) -> None:
    for key in {DEV_SECRET_KEY, *documented_example_keys()}:
        values = {"secret_key": SECRET, field: key}
        with pytest.raises(SettingsError) as info:
            load_settings(environment="production", **values)
        assert info.value.variables == [field.upper()] and key not in str(info.value)
    assert load_settings(environment="development", secret_key=DEV_SECRET_KEY).secret_key is not None


def der_b64(pem: str) -> str:
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


def key_material() -> dict[str, str]:
    public, private = rsa_keys(1024)
    pkcs1 = public.save_pkcs1().decode()
    spki = jwk.construct(pkcs1, "RS256").to_pem(pem_format="PKCS8").decode()
    ec_public = ecdsa.SigningKey.generate(curve=ecdsa.NIST256p).get_verifying_key()
    return {
        "PEM public key (SPKI)": spki,
        "PEM public key (PKCS#1)": pkcs1,
        "PEM private key": private.save_pkcs1().decode(),
        "SSH public key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDx1dG9vbG9uZ2tleWZvcnRlc3Rpbmc= ops@example",
        "DER public key, base64": der_b64(spki),
        "DER public key, base64 on one line": der_b64(spki).replace("\n", ""),
        "DER public key, base64url": base64.urlsafe_b64encode(base64.b64decode(der_b64(spki))).decode(),
        "DER EC public key, raw bytes": ec_public.to_der().decode("utf-8", "surrogateescape"),
        "DER EC public key, base64": base64.b64encode(ec_public.to_der()).decode(),
    }


@pytest.mark.parametrize("environment", ["production", "development"])
def test_an_hmac_secret_that_is_key_material_is_refused(environment: str) -> None:
    """python-jose through 3.5.0 accepts a DER public key as an HMAC secret (CVE-2026-85394)."""
    for kind, material in key_material().items():
        for field in ("secret_key", "secret_key_previous"):
            with pytest.raises(SettingsError) as info:
                load_settings(environment=environment, **{"secret_key": SECRET, field: material})
            assert info.value.variables == [field.upper()], kind
            assert "key material" in str(info.value) and material not in str(info.value)


def test_random_secrets_are_never_mistaken_for_key_material() -> None:
    for _ in range(2000):
        for secret in (secrets.token_hex(32), secrets.token_urlsafe(32), base64.b64encode(os.urandom(32)).decode()):
            assert key_material_kind(secret) is None, secret


@pytest.mark.anyio
async def test_the_backend_s_status_warns_of_a_diagnostics_token_the_fallback_would_not_honour(tmp_path: Any) -> None:
    for token, warned in (("abc", True), ("d" * 32, False)):
        app = create_app(make_settings(f"sqlite:///{tmp_path}/diag.sqlite3", diagnostics_token=token))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            warnings = (await client.get("/api/status")).json()["warnings"]
        await services_of(app).stop()
        assert any("DIAGNOSTICS_TOKEN" in warning for warning in warnings) is warned
        assert token not in str(warnings)
