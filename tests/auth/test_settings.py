"""Auth settings: SECRET_KEY rules, DATABASE_URL forms, and what the fallback says when they are wrong."""

from __future__ import annotations

from typing import Any

import pytest

from backend_app.core.config import SettingsError, load_settings
from backend_app.db.url import DatabaseUrlError, parse_database_url
from tests.auth.conftest import SECRET
from tests.auth.events import Reply, event


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
    status = Reply(entry.handler(event("http", "GET", "/api/status"), None))
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
        ("postgres://u:Pw9z@pooler.example.com:6543/app?pgbouncer=true&sslmode=verify-full",
         "postgresql://u:Pw9z@pooler.example.com:6543/app?sslmode=verify-full"),
    ],
)  # fmt: skip
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
