"""Auth settings: SECRET_KEY rules, DATABASE_URL forms, and what the fallback says when they are wrong."""

from __future__ import annotations

import base64
import os
import re
import secrets
from typing import Any

import ecdsa
import httpx
import pytest
import rsa
from jose import jwk

from backend_app.core.auth_settings import DEV_SECRET_KEY, key_material_kind
from backend_app.core.config import SettingsError, load_settings
from backend_app.db.url import DatabaseUrlError, parse_database_url
from backend_app.main import create_app
from tests.backend.conftest import SECRET, make_settings
from tests.backend.events import Reply, event
from tests.conftest import ROOT


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
    public, private = rsa.newkeys(1024)
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
        await app.state.database.close()
        assert any("DIAGNOSTICS_TOKEN" in warning for warning in warnings) is warned
        assert token not in str(warnings)
