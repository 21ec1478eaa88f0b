"""JWTs with python-jose: HS256 with `SECRET_KEY` (RS256 when a key pair is set), key rotation by `kid`.

Every decode passes one explicit algorithm (the one the `kid` names), the issuer and the
audience, and requires every claim we rely on; anything else (alg none, another algorithm,
another key, expired, tampered, the wrong type) is `InvalidTokenError`.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any, Literal, NamedTuple

from jose import JWTError, jwt

from backend_app.core.auth_errors import InvalidTokenError
from backend_app.core.auth_settings import DEV_SECRET_KEY
from backend_app.core.config import Settings

TokenType = Literal["access", "refresh"]
REQUIRED = ("sub", "exp", "iat", "jti", "iss", "aud", "typ", "sid", "ver")


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


class TokenCodec:
    def __init__(self, settings: Settings) -> None:
        self.issuer, self.audience = settings.jwt_issuer, settings.jwt_audience
        self.ttl = {"access": settings.access_token_ttl_s, "refresh": settings.refresh_token_ttl_s}
        secret = settings.secret_key.get_secret_value() if settings.secret_key else DEV_SECRET_KEY
        self._verify: dict[str, tuple[str, str]] = {_kid(secret): ("HS256", secret)}
        if settings.secret_key_previous is not None:
            previous = settings.secret_key_previous.get_secret_value()
            self._verify[_kid(previous)] = ("HS256", previous)
        if settings.jwt_private_key is not None and settings.jwt_public_key is not None:
            self._sign = ("RS256", settings.jwt_private_key.get_secret_value(), _kid(settings.jwt_public_key))
            self._verify[self._sign[2]] = ("RS256", settings.jwt_public_key)
        else:
            self._sign = ("HS256", secret, _kid(secret))

    def issue(self, typ: TokenType, sub: str, ver: int, sid: str) -> tuple[str, Claims]:
        now = int(time.time())
        claims = Claims(sub=sub, jti=uuid.uuid4().hex, sid=sid, ver=ver, typ=typ, exp=now + self.ttl[typ])
        payload = {"sub": sub, "iat": now, "exp": claims.exp, "jti": claims.jti, "sid": sid, "ver": ver,
                   "typ": typ, "iss": self.issuer, "aud": self.audience}  # fmt: skip
        alg, key, kid = self._sign
        return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid}), claims

    def decode(self, token: str, expected: TokenType) -> Claims:
        try:
            header = jwt.get_unverified_header(token)
            alg, key = self._verify[str(header.get("kid"))]
            options = {f"require_{name}": True for name in ("sub", "exp", "iat", "jti", "iss", "aud")}
            payload: dict[str, Any] = jwt.decode(
                token, key, algorithms=[alg], audience=self.audience, issuer=self.issuer, options=options
            )
        except (JWTError, KeyError, ValueError, TypeError, AttributeError):
            raise InvalidTokenError() from None
        if any(name not in payload for name in REQUIRED) or payload["typ"] != expected:
            raise InvalidTokenError()
        if not isinstance(payload["ver"], int) or not isinstance(payload["sub"], str):
            raise InvalidTokenError()
        return Claims(str(payload["sub"]), str(payload["jti"]), str(payload["sid"]), payload["ver"], expected,
                      int(payload["exp"]))  # fmt: skip
