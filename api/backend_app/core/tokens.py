"""JWTs: HS256 with `SECRET_KEY`, or RS256 when a key pair is set; never both, never anything else.

The one module that uses python-jose (`core.jose_loading` imports it): swapping the library
(PyJWT, joserfc) changes this file alone (docs/security.md). python-jose 3.5.0 is covered by
advisories that this module keeps out of reach rather than trusts the library to handle:

- one algorithm per configuration, and only that one is passed to decode: an RS256 deployment
  refuses HS256 tokens whatever key signed them; no EC algorithm is ever offered (ecdsa's timing
  side channel, CVE-2024-23342);
- only a configured key verifies, chosen by its fingerprint (`kid`); an HMAC secret that parses as
  key material is refused by the settings (CVE-2026-85394, `auth_settings.key_material_kind`);
- a `crit` header (an extension we would have to understand), a non-numeric `exp`/`nbf`/`iat`
  (jose converts strings with `int()`), one that is infinite, negative or past year 9999 (it
  would overflow a datetime), and an `iat` in the future beyond `LEEWAY_S` are refused.

Anything else wrong (alg none, tampered, expired, the wrong type, issuer or audience) is
`InvalidTokenError` too.
"""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from typing import Any, Literal, NamedTuple

from jose import JWTError

from backend_app.core.auth_errors import InvalidTokenError
from backend_app.core.auth_settings import DEV_SECRET_KEY
from backend_app.core.config import Settings
from backend_app.core.jose_loading import jwt_module

TokenType = Literal["access", "refresh"]
Algorithm = Literal["HS256", "RS256"]
REQUIRED = ("sub", "exp", "iat", "jti", "iss", "aud", "typ", "sid", "ver")
NUMERIC_DATES = ("exp", "iat", "nbf")
LEEWAY_S = 30  # clock skew between instances that an `iat` may run ahead by
MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second a datetime holds


class Claims(NamedTuple):
    sub: str
    jti: str
    sid: str  # the login session both tokens of a login belong to; logout revokes it
    ver: int  # the user's token_version when issued
    typ: TokenType
    exp: int


def _kid(material: str) -> str:
    # A fingerprint, not the key: the header is readable by anyone holding a token.
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def _numeric(value: object) -> bool:
    """A date a datetime can hold: an infinite or huge one would overflow where it is used (a 500)."""
    return type(value) in (int, float) and math.isfinite(value) and 0 <= value <= MAX_TIMESTAMP  # type: ignore[arg-type, operator]


class TokenCodec:
    def __init__(self, settings: Settings) -> None:
        self.issuer, self.audience = settings.jwt_issuer, settings.jwt_audience
        self.ttl = {"access": settings.access_token_ttl_s, "refresh": settings.refresh_token_ttl_s}
        self.algorithm: Algorithm
        if settings.jwt_private_key is not None and settings.jwt_public_key is not None:
            self.algorithm = "RS256"
            public = settings.jwt_public_key
            self._sign_key, self._kid = settings.jwt_private_key.get_secret_value(), _kid(public)
            self._verify = {self._kid: public}
        else:
            self.algorithm = "HS256"
            secret = settings.secret_key.get_secret_value() if settings.secret_key else DEV_SECRET_KEY
            self._sign_key, self._kid = secret, _kid(secret)
            self._verify = {self._kid: secret}
            if settings.secret_key_previous is not None:  # rotation: tokens of the old key still verify
                previous = settings.secret_key_previous.get_secret_value()
                self._verify[_kid(previous)] = previous
        self._jwt = jwt_module(self.algorithm)  # jose with this algorithm's key backend only

    def issue(self, typ: TokenType, sub: str, ver: int, sid: str) -> tuple[str, Claims]:
        now = int(time.time())
        claims = Claims(sub=sub, jti=uuid.uuid4().hex, sid=sid, ver=ver, typ=typ, exp=now + self.ttl[typ])
        payload = {
            "sub": sub,
            "iat": now,
            "exp": claims.exp,
            "jti": claims.jti,
            "sid": sid,
            "ver": ver,
            "typ": typ,
            "iss": self.issuer,
            "aud": self.audience,
        }
        token: str = self._jwt.encode(payload, self._sign_key, algorithm=self.algorithm, headers={"kid": self._kid})
        return token, claims

    def decode(self, token: str, expected: TokenType) -> Claims:
        try:
            header = self._jwt.get_unverified_header(token)
            if header.get("alg") != self.algorithm or "crit" in header:
                raise InvalidTokenError()
            key = self._verify[str(header.get("kid"))]
            options = {f"require_{name}": True for name in ("sub", "exp", "iat", "jti", "iss", "aud")}
            payload: dict[str, Any] = self._jwt.decode(
                token, key, algorithms=[self.algorithm], audience=self.audience, issuer=self.issuer, options=options
            )
        except (JWTError, KeyError, ValueError, TypeError, AttributeError, OverflowError):  # jose: int(inf)
            raise InvalidTokenError() from None
        if any(name not in payload for name in REQUIRED) or payload["typ"] != expected:
            raise InvalidTokenError()
        if not all(_numeric(payload[name]) for name in NUMERIC_DATES if name in payload):
            raise InvalidTokenError()
        if payload["iat"] > time.time() + LEEWAY_S:
            raise InvalidTokenError()
        if type(payload["ver"]) is not int or not isinstance(payload["sub"], str):
            raise InvalidTokenError()
        return Claims(
            str(payload["sub"]), str(payload["jti"]), str(payload["sid"]), payload["ver"], expected, int(payload["exp"])
        )
