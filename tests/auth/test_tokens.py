"""Tokens: every forged, foreign, stale or misused token is refused; key rotation keeps old tokens valid."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import pytest
import rsa
from jose import jwt

from backend_app.core.auth_errors import InvalidTokenError
from backend_app.core.tokens import TokenCodec, _kid
from tests.auth.conftest import SECRET, make_settings, register_and_login

OTHER = "another-secret-key-that-is-long-enough-0123456789"


def codec(**overrides: Any) -> TokenCodec:
    return TokenCodec(make_settings(None, **overrides))


def payload(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"sub": "u1", "iat": now, "exp": now + 60, "jti": "j", "sid": "s", "ver": 0, "typ": "access",
              "iss": "serverless-fastapi-template", "aud": "serverless-fastapi-template"}  # fmt: skip
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_token_round_trips_with_every_claim() -> None:
    token, claims = codec().issue("access", "u1", 3, "s1")
    decoded = codec().decode(token, "access")
    assert decoded == claims
    assert set(jwt.get_unverified_claims(token)) >= {"sub", "exp", "iat", "jti", "iss", "aud", "typ"}
    assert jwt.get_unverified_header(token)["kid"] == _kid(SECRET)


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda: f"{b64({'alg': 'none', 'kid': _kid(SECRET)})}.{b64(payload())}.", id="alg-none"),
        pytest.param(lambda: jwt.encode(payload(), SECRET, algorithm="HS512", headers={"kid": _kid(SECRET)}),
                     id="other-algorithm"),
        pytest.param(lambda: jwt.encode(payload(), OTHER, algorithm="HS256", headers={"kid": _kid(SECRET)}),
                     id="other-key"),
        pytest.param(lambda: jwt.encode(payload(exp=int(time.time()) - 5), SECRET, headers={"kid": _kid(SECRET)}),
                     id="expired"),
        pytest.param(lambda: jwt.encode(payload(typ="refresh"), SECRET, headers={"kid": _kid(SECRET)}),
                     id="wrong-type"),
        pytest.param(lambda: jwt.encode(payload(iss="someone-else"), SECRET, headers={"kid": _kid(SECRET)}),
                     id="wrong-issuer"),
        pytest.param(lambda: jwt.encode(payload(aud="other-app"), SECRET, headers={"kid": _kid(SECRET)}),
                     id="wrong-audience"),
        pytest.param(lambda: jwt.encode(payload(jti=None), SECRET, headers={"kid": _kid(SECRET)}), id="no-jti"),
        pytest.param(lambda: jwt.encode(payload(), SECRET), id="no-kid"),
        pytest.param(lambda: codec().issue("access", "u1", 0, "s")[0][:-4] + "abcd", id="tampered-signature"),
        pytest.param(
            lambda: ".".join([(t := codec().issue("access", "u1", 0, "s")[0]).split(".")[0],
                              b64(payload(sub="admin")), t.split(".")[2]]),
            id="tampered-payload",
        ),
        pytest.param(lambda: "not.a.jwt", id="garbage"),
    ],
)  # fmt: skip
def test_refused_tokens(forge: Any) -> None:
    with pytest.raises(InvalidTokenError):
        codec().decode(forge(), "access")


def test_rotation_keeps_tokens_of_the_previous_key_valid_only_while_it_is_listed() -> None:
    old_token, _ = codec(secret_key=OTHER).issue("access", "u1", 0, "s")
    assert codec(secret_key=SECRET, secret_key_previous=OTHER).decode(old_token, "access").sub == "u1"
    with pytest.raises(InvalidTokenError):
        codec(secret_key=SECRET).decode(old_token, "access")


def test_rs256_and_no_algorithm_confusion_with_its_public_key() -> None:
    public, private = rsa.newkeys(2048)
    public_pem, private_pem = public.save_pkcs1().decode(), private.save_pkcs1().decode()
    rs = codec(jwt_private_key=private_pem, jwt_public_key=public_pem)
    token, _ = rs.issue("access", "u1", 0, "s")
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert rs.decode(token, "access").sub == "u1"
    # The classic confusion attack: HMAC-sign with the public key (jose itself refuses to, so by hand).
    signing_input = f"{b64({'alg': 'HS256', 'kid': _kid(public_pem)})}.{b64(payload())}"
    mac = hmac.new(public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    confused = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    with pytest.raises(InvalidTokenError):
        rs.decode(confused, "access")


@pytest.mark.anyio
async def test_a_refused_token_is_a_401_with_www_authenticate(client: httpx.AsyncClient) -> None:
    tokens = await register_and_login(client, "tok@example.com")
    forged = f"{b64({'alg': 'none', 'kid': _kid(SECRET)})}.{b64(payload())}."
    for token in (forged, tokens["refresh_token"]):
        response = await client.get("/api/users/me", headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"
        assert response.headers["www-authenticate"].startswith("Bearer")
