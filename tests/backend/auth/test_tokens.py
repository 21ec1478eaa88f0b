"""Tokens: every forged, foreign, stale or misused token is refused; key rotation keeps old tokens valid."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from typing import Any

import ecdsa  # python-jose's dependency: only this test signs with it
import httpx
import pytest
from jose import jwt

from backend_app.core.auth_errors import InvalidTokenError
from backend_app.core.tokens import TokenCodec, _kid
from tests.backend.conftest import PASSWORD, SECRET, make_settings, register_and_login
from tests.support.callers import make_caller
from tests.support.keys import rsa_pem_pair
from tests.support.paths import API

OTHER = "another-secret-key-that-is-long-enough-0123456789"


def codec(**overrides: Any) -> TokenCodec:
    return TokenCodec(make_settings(None, **overrides))


def payload(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "sub": "u1",
        "iat": now,
        "exp": now + 60,
        "jti": "j",
        "sid": "s",
        "ver": 0,
        "typ": "access",
        "iss": "serverless-fastapi-template",
        "aud": "serverless-fastapi-template",
    }
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
        pytest.param(
            lambda: jwt.encode(payload(), SECRET, algorithm="HS512", headers={"kid": _kid(SECRET)}),
            id="other-algorithm",
        ),
        pytest.param(
            lambda: jwt.encode(payload(), OTHER, algorithm="HS256", headers={"kid": _kid(SECRET)}), id="other-key"
        ),
        pytest.param(
            lambda: jwt.encode(payload(exp=int(time.time()) - 5), SECRET, headers={"kid": _kid(SECRET)}), id="expired"
        ),
        pytest.param(
            lambda: jwt.encode(payload(typ="refresh"), SECRET, headers={"kid": _kid(SECRET)}), id="wrong-type"
        ),
        pytest.param(
            lambda: jwt.encode(payload(iss="someone-else"), SECRET, headers={"kid": _kid(SECRET)}), id="wrong-issuer"
        ),
        pytest.param(
            lambda: jwt.encode(payload(aud="other-app"), SECRET, headers={"kid": _kid(SECRET)}), id="wrong-audience"
        ),
        pytest.param(lambda: jwt.encode(payload(jti=None), SECRET, headers={"kid": _kid(SECRET)}), id="no-jti"),
        pytest.param(lambda: jwt.encode(payload(), SECRET), id="no-kid"),
        pytest.param(lambda: codec().issue("access", "u1", 0, "s")[0][:-4] + "abcd", id="tampered-signature"),
        pytest.param(
            lambda: ".".join(
                [
                    (t := codec().issue("access", "u1", 0, "s")[0]).split(".")[0],
                    b64(payload(sub="admin")),
                    t.split(".")[2],
                ]
            ),
            id="tampered-payload",
        ),
        pytest.param(lambda: "not.a.jwt", id="garbage"),
    ],
)
def test_refused_tokens(forge: Any) -> None:
    with pytest.raises(InvalidTokenError):
        codec().decode(forge(), "access")


def test_rotation_keeps_tokens_of_the_previous_key_valid_only_while_it_is_listed() -> None:
    old_token, _ = codec(secret_key=OTHER).issue("access", "u1", 0, "s")
    assert codec(secret_key=SECRET, secret_key_previous=OTHER).decode(old_token, "access").sub == "u1"
    with pytest.raises(InvalidTokenError):
        codec(secret_key=SECRET).decode(old_token, "access")


def test_rs256_and_no_algorithm_confusion_with_its_public_key() -> None:
    public_pem, private_pem = rsa_pem_pair()
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


def test_rs256_mode_accepts_no_hs256_token_whatever_key_signed_it() -> None:
    public_pem, private_pem = rsa_pem_pair()
    rs = codec(jwt_private_key=private_pem, jwt_public_key=public_pem, secret_key=SECRET, secret_key_previous=OTHER)
    assert rs.algorithm == "RS256"
    for key in (SECRET, OTHER):  # the keys HS256 mode would verify with
        forged = jwt.encode(payload(), key, algorithm="HS256", headers={"kid": _kid(key)})
        with pytest.raises(InvalidTokenError):
            rs.decode(forged, "access")
    # and an HS256 deployment's own tokens stop working when it switches to RS256
    with pytest.raises(InvalidTokenError):
        rs.decode(codec(secret_key=SECRET).issue("access", "u1", 0, "s")[0], "access")


def test_hs256_mode_accepts_no_rs256_token() -> None:
    public_pem, private_pem = rsa_pem_pair()
    rs_token, _ = codec(jwt_private_key=private_pem, jwt_public_key=public_pem).issue("access", "u1", 0, "s")
    with pytest.raises(InvalidTokenError):
        codec(secret_key=SECRET).decode(rs_token, "access")


def test_no_ec_algorithm_is_offered() -> None:
    ec_pem = ecdsa.SigningKey.generate(curve=ecdsa.NIST256p).to_pem().decode()
    es_token = jwt.encode(payload(), ec_pem, algorithm="ES256", headers={"kid": _kid(SECRET)})
    with pytest.raises(InvalidTokenError):
        codec().decode(es_token, "access")
    public_pem, private_pem = rsa_pem_pair()
    assert {codec().algorithm, codec(jwt_private_key=private_pem, jwt_public_key=public_pem).algorithm} == {
        "HS256",
        "RS256",
    }


def signed(claims: dict[str, Any], **headers: Any) -> str:
    return jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": _kid(SECRET), **headers})


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda: signed(payload(), crit=["exp"]), id="crit-header"),
        pytest.param(lambda: signed(payload(exp=str(int(time.time()) + 3600))), id="exp-as-string"),
        pytest.param(lambda: signed(payload(iat=str(int(time.time())))), id="iat-as-string"),
        pytest.param(lambda: signed(payload(nbf=str(int(time.time()) - 10))), id="nbf-as-string"),
        pytest.param(lambda: signed(payload(exp=True)), id="exp-as-boolean"),
        pytest.param(lambda: signed(payload(iat=int(time.time()) + 3600)), id="iat-an-hour-ahead"),
    ],
)
def test_jose_s_lenient_corners_are_refused(forge: Any) -> None:
    with pytest.raises(InvalidTokenError):
        codec().decode(forge(), "access")


def test_an_iat_within_the_leeway_and_a_numeric_nbf_are_accepted() -> None:
    now = int(time.time())
    assert codec().decode(signed(payload(iat=now + 5, nbf=now - 1)), "access").sub == "u1"


def test_one_module_imports_jose() -> None:
    """Swapping the JWT library is a change to core/tokens.py alone (docs/security.md says how)."""
    importers = sorted(
        str(path.relative_to(API))
        for path in API.rglob("*.py")
        if re.search(r"^\s*(import jose|from jose\b)", path.read_text(), re.MULTILINE)
    )
    assert importers == ["backend_app/core/tokens.py"]


@pytest.mark.anyio
async def test_reusing_a_spent_refresh_token_ends_every_token_of_its_login(
    client: httpx.AsyncClient, capfd: pytest.CaptureFixture[str]
) -> None:
    stolen = await register_and_login(client, "reuse@example.com")
    other_login = await client.post("/api/auth/login", json={"email": "reuse@example.com", "password": PASSWORD})
    rotated = (await client.post("/api/auth/refresh", json={"refresh_token": stolen["refresh_token"]})).json()
    capfd.readouterr()
    reused = await client.post("/api/auth/refresh", json={"refresh_token": stolen["refresh_token"]})
    assert reused.status_code == 401 and reused.json()["error"]["code"] == "invalid_token"
    # the pair it was rotated into is dead too, whoever holds it
    me = await client.get("/api/users/me", headers={"authorization": f"Bearer {rotated['access_token']}"})
    assert me.status_code == 401
    assert (await client.post("/api/auth/refresh", json={"refresh_token": rotated["refresh_token"]})).status_code == 401
    # one WARNING names the account, never a token
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    warnings = [line for line in lines if line["level"] == "WARNING" and "reused" in line["message"]]
    me_id = await client.get("/api/users/me", headers={"authorization": f"Bearer {other_login.json()['access_token']}"})
    assert len(warnings) == 1 and me_id.json()["id"] in warnings[0]["message"]
    assert stolen["refresh_token"] not in str(lines) and rotated["refresh_token"] not in str(lines)
    # another login of the same account keeps working
    assert me_id.status_code == 200


HUGE = 10**30  # past any date a datetime can hold
OUT_OF_RANGE = [
    pytest.param({"exp": float("inf")}, id="exp-infinity"),
    pytest.param({"exp": HUGE}, id="exp-overflow"),
    pytest.param({"iat": float("-inf")}, id="iat-minus-infinity"),
    pytest.param({"iat": -HUGE}, id="iat-overflow"),
    pytest.param({"nbf": float("-inf")}, id="nbf-minus-infinity"),
    pytest.param({"nbf": -HUGE}, id="nbf-overflow"),
]


@pytest.mark.parametrize("dates", OUT_OF_RANGE)
@pytest.mark.parametrize("entry", ["asgi", "http"])
def test_dates_out_of_range_are_a_401_even_when_signed(entry: str, dates: dict[str, Any], tmp_path: Any) -> None:
    caller = make_caller(entry, database_url=f"sqlite:///{tmp_path}/t.sqlite3", secret_key=SECRET)
    json_type = {"content-type": "application/json"}
    credentials = json.dumps({"email": "ann@example.com", "password": PASSWORD}).encode()
    assert caller.request("POST", "/api/auth/register", json_type, credentials).status == 201
    claims = jwt.get_unverified_claims(
        caller.request("POST", "/api/auth/login", json_type, credentials).json()["access_token"]
    )
    access = signed({**claims, **dates})
    refresh = signed({**claims, "typ": "refresh", **dates})
    me = caller.request("GET", "/api/users/me", {"authorization": f"Bearer {access}"})
    assert (me.status, me.code) == (401, "invalid_token")
    body = json.dumps({"refresh_token": refresh}).encode()
    refreshed = caller.request("POST", "/api/auth/refresh", json_type, body)
    assert (refreshed.status, refreshed.code) == (401, "invalid_token")
