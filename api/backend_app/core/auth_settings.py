"""Rules for the auth settings, kept apart so `config.py` stays a list of fields.

`SECRET_KEY` has no random default: every instance and every cold start must verify the tokens
the others signed. In production a missing or short key fails settings loading, which the loader
turns into the fallback's diagnosis naming SECRET_KEY. In development a fixed, public, insecure
key is used (and /api/status warns), so `scripts/dev.sh` works without setup. That key, and every
key the docs show as an example, is public and refused in production.

An HMAC secret that is really key material (PEM, an SSH public key, DER raw or in base64) is
refused everywhere: python-jose through 3.5.0 lets such a public key act as the HMAC secret
(CVE-2026-85394), so a configuration where that could matter is never accepted.
"""

from __future__ import annotations

import base64
import binascii

from pydantic import SecretStr

from backend_app.db.url import DatabaseUrlError, parse_database_url

MIN_SECRET_KEY_BYTES = 32
# Public on purpose: anyone can read it here, so it must never sign a production token.
DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-deploy-0123456789"  # noqa: S105
# Keys printed in the docs as examples (tests/backend/test_settings.py checks every one the docs show).
PUBLIC_KEYS = frozenset({DEV_SECRET_KEY})
TEXT_KEY_MARKERS = ("-----BEGIN", "ssh-rsa ", "ssh-ed25519 ", "ecdsa-sha2-")
# The ASN.1 types key structures are made of (SEQUENCE, INTEGER, BIT/OCTET STRING, NULL, OID, [0], [1]).
DER_TAGS = frozenset({0x30, 0x02, 0x03, 0x04, 0x05, 0x06, 0xA0, 0xA1})


def _der_element(data: bytes, start: int) -> int | None:
    """The end of the DER element at `start`, or None when none is there."""
    if start + 2 > len(data) or data[start] not in DER_TAGS:
        return None
    first = data[start + 1]
    if first < 0x80:
        length, body = first, start + 2
    else:
        count = first & 0x7F
        if not 1 <= count <= 4 or start + 2 + count > len(data):
            return None
        length, body = int.from_bytes(data[start + 2 : start + 2 + count]), start + 2 + count
    end = body + length
    return end if end <= len(data) else None


def _is_der_key(data: bytes) -> bool:
    """A SEQUENCE filling `data` exactly, whose content is a run of key-structure elements."""
    if not data or data[0] != 0x30 or _der_element(data, 0) != len(data):
        return False
    position = 2 + (data[1] & 0x7F if data[1] >= 0x80 else 0)
    if position >= len(data):
        return False
    while position < len(data):
        end = _der_element(data, position)
        if end is None:
            return False
        position = end
    return True


def key_material_kind(secret: str) -> str | None:
    """ "PEM"/"SSH"/"DER" when `secret` is key material rather than a random string, else None."""
    if any(marker in secret for marker in TEXT_KEY_MARKERS):
        return "PEM" if "-----BEGIN" in secret else "SSH"
    # Bytes from the environment arrive as surrogate escapes; a str built in code may hold them as latin-1.
    raw = [secret.encode("utf-8", "surrogateescape")]
    if all(ord(char) < 256 for char in secret):
        raw.append(secret.encode("latin-1"))
    if any(_is_der_key(candidate) for candidate in raw):
        return "DER"
    compact = "".join(secret.split())
    for altchars in (b"+/", b"-_"):
        try:
            decoded = base64.b64decode(compact + "=" * (-len(compact) % 4), altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            continue
        if _is_der_key(decoded):
            return "DER"
    return None


def check_secret_key(value: SecretStr | None, field: str, environment: object) -> SecretStr | None:
    production = environment == "production"
    if value is None:
        if production and field == "secret_key":
            raise ValueError("required in production (at least 32 bytes, e.g. `openssl rand -hex 32`)")
        return value
    secret = value.get_secret_value()
    kind = key_material_kind(secret)
    if kind is not None:
        raise ValueError(f"is {kind} key material, not an HMAC secret: use a random string (`openssl rand -hex 32`)")
    if production and secret in PUBLIC_KEYS:
        raise ValueError("is a public example key (printed in the code or the docs): generate your own")
    if production and len(secret.encode()) < MIN_SECRET_KEY_BYTES:
        raise ValueError(f"must be at least {MIN_SECRET_KEY_BYTES} bytes in production")
    return value


def check_database_url(value: SecretStr | None) -> SecretStr | None:
    if value is not None:
        try:
            parse_database_url(value.get_secret_value())
        except DatabaseUrlError as exc:
            raise ValueError(str(exc)) from None  # the message never contains the URL
    return value
