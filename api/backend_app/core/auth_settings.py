"""Rules for the auth settings, kept apart so `config.py` stays a list of fields.

`SECRET_KEY` has no random default: every instance and every cold start must verify the tokens
the others signed. In production a missing or short key fails settings loading, which the loader
turns into the fallback's diagnosis naming SECRET_KEY. In development a fixed, public, insecure
key is used (and /api/status warns), so `scripts/dev.sh` works without setup.
"""

from __future__ import annotations

from pydantic import SecretStr

from backend_app.db.url import DatabaseUrlError, parse_database_url

MIN_SECRET_KEY_BYTES = 32
# Public on purpose: anyone can read it here, so it must never sign a production token.
DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-deploy-0123456789"  # noqa: S105


def check_secret_key(value: SecretStr | None, field: str, environment: object) -> SecretStr | None:
    production = environment == "production"
    if value is None:
        if production and field == "secret_key":
            raise ValueError("required in production (at least 32 bytes, e.g. `openssl rand -hex 32`)")
        return value
    if production and len(value.get_secret_value().encode()) < MIN_SECRET_KEY_BYTES:
        raise ValueError(f"must be at least {MIN_SECRET_KEY_BYTES} bytes in production")
    return value


def check_database_url(value: SecretStr | None) -> SecretStr | None:
    if value is not None:
        try:
            parse_database_url(value.get_secret_value())
        except DatabaseUrlError as exc:
            raise ValueError(str(exc)) from None  # the message never contains the URL
    return value
