"""Password attempts are limited per account and address (`RATE_LIMIT_AUTH`) and per account
(`RATE_LIMIT_ACCOUNT`); the middleware's per-address limit still applies to /api/auth/ as a whole."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from scripts.localplatform.events import Format
from tests.backend.conftest import PASSWORD, SECRET
from tests.support.events import lambda_event
from tests.support.replies import Reply, bearer, lambda_reply
from tests.support.servers import instance

Call = Callable[..., Reply]


@pytest.fixture
def call_with(tmp_path: Any, load_entry: Any) -> Callable[[dict[str, str]], Call]:
    def start(limits: dict[str, str]) -> Call:
        env = {
            "ENVIRONMENT": "production",
            "SECRET_KEY": SECRET,
            "REDIS_URL": "",
            "DATABASE_URL": f"sqlite:///{tmp_path}/limits.sqlite3",
            "RATE_LIMIT_DEFAULT": "1000/minute",
        }
        entry = load_entry({**env, **limits})

        def call(kind: Format, method: str, path: str, body: dict[str, str], ip: str, **kw: Any) -> Reply:
            return lambda_reply(
                entry.handler(lambda_event(kind, method, path, json_body=body, source_ip=ip, **kw), None)
            )

        return call

    return start


def _login(call: Call, kind: Format, email: str, password: str, ip: str) -> Reply:
    return call(kind, "POST", "/api/auth/login", {"email": email, "password": password}, ip)


def _register(call: Call, kind: Format, email: str) -> None:
    assert call(kind, "POST", "/api/auth/register", {"email": email, "password": PASSWORD}, "192.0.2.200").status == 201


@pytest.mark.parametrize("kind", ["http", "rest"])
def test_guesses_from_many_addresses_do_not_lock_the_owner_out(kind: Format, call_with: Any) -> None:
    call = call_with({"RATE_LIMIT_AUTH": "10/minute", "RATE_LIMIT_ACCOUNT": "100/hour"})
    _register(call, kind, "ann@example.com")
    for i in range(11):
        assert _login(call, kind, "ann@example.com", "wrong guess", f"203.0.113.{i}").status == 401
    assert _login(call, kind, "ann@example.com", PASSWORD, "198.51.100.99").status == 200


@pytest.mark.parametrize("kind", ["http", "rest"])
def test_one_address_guessing_one_account_is_locked(kind: Format, call_with: Any, capsys: Any) -> None:
    call = call_with({"RATE_LIMIT_AUTH": "3/minute", "RATE_LIMIT_ACCOUNT": "100/hour"})
    _register(call, kind, "ann@example.com")
    capsys.readouterr()
    for _ in range(3):
        assert _login(call, kind, "ANN@example.com", "wrong guess", "203.0.113.1").status == 401
    limited = _login(call, kind, "ann@example.com", PASSWORD, "203.0.113.1")
    assert (limited.status, limited.code) == (429, "rate_limited")
    assert int(limited.headers["retry-after"]) > 0
    assert limited.json()["error"]["details"]["setting"] == "RATE_LIMIT_AUTH"
    warnings = [
        json.loads(line)
        for line in capsys.readouterr().err.splitlines()
        if line.startswith("{") and '"WARNING"' in line
    ]
    assert len(warnings) == 1 and "RATE_LIMIT_AUTH" in warnings[0]["message"]
    assert "ann@example.com" not in warnings[0]["message"]
    # The owner from another address still gets in.
    assert _login(call, kind, "ann@example.com", PASSWORD, "203.0.113.2").status == 200


@pytest.mark.parametrize("kind", ["http", "rest"])
def test_guessing_spread_over_addresses_meets_the_account_ceiling(kind: Format, call_with: Any, capsys: Any) -> None:
    call = call_with({"RATE_LIMIT_AUTH": "10/minute", "RATE_LIMIT_ACCOUNT": "5/hour"})
    capsys.readouterr()
    # An unknown email is counted the same way: a 429 tells nothing about which accounts exist.
    email = "nobody@example.com"
    for i in range(5):
        assert _login(call, kind, email, "wrong guess", f"203.0.113.{i}").status == 401
    for i in range(5):  # every address that guessed wrong is held back by the ceiling now
        limited = _login(call, kind, email, "wrong guess", f"203.0.113.{i}")
        assert (limited.status, limited.code) == (429, "rate_limited")
        assert "over 5/hour (RATE_LIMIT_ACCOUNT)" in limited.json()["error"]["message"]
    # A further guess needs an address that has not guessed yet, and uses it up.
    assert _login(call, kind, email, "wrong guess", "203.0.113.50").status == 401
    assert _login(call, kind, email, "wrong guess", "203.0.113.50").status == 429
    warnings = [line for line in capsys.readouterr().err.splitlines() if '"WARNING"' in line]
    assert len(warnings) == 1 and "RATE_LIMIT_ACCOUNT" in warnings[0]


@pytest.mark.parametrize("kind", ["http", "rest"])
def test_the_owner_gets_in_during_a_guessing_run_from_many_addresses(kind: Format, call_with: Any) -> None:
    """1,000 wrong passwords from 50 addresses: the owner's first try, and their password change, succeed."""
    call = call_with({"RATE_LIMIT_AUTH": "10/minute", "RATE_LIMIT_ACCOUNT": "100/hour"})
    _register(call, kind, "ann@example.com")
    token = _login(call, kind, "ann@example.com", PASSWORD, "198.51.100.7").json()["access_token"]
    statuses = [_login(call, kind, "ann@example.com", f"guess {n}", f"203.0.113.{n % 50}").status for n in range(1000)]
    # Bounded: one wrong password per address, then up to the ceiling; everything else is refused unhashed.
    assert statuses.count(401) == 100 and statuses.count(429) == 900
    assert _login(call, kind, "ann@example.com", PASSWORD, "198.51.100.8").status == 200
    change = {"current_password": PASSWORD, "new_password": "another good password"}
    changed = call(kind, "PATCH", "/api/users/me/password", change, "198.51.100.7", headers=bearer(token))
    assert changed.status == 204
    # An address that guessed wrong stays held back by the ceiling, even with the right password.
    assert _login(call, kind, "ann@example.com", "another good password", "203.0.113.1").status == 429
    assert _login(call, kind, "ann@example.com", "another good password", "198.51.100.9").status == 200


@pytest.mark.parametrize("kind", ["http", "rest"])
def test_wrong_current_passwords_count_like_wrong_logins(kind: Format, call_with: Any) -> None:
    call = call_with({"RATE_LIMIT_AUTH": "3/minute", "RATE_LIMIT_ACCOUNT": "100/hour"})
    _register(call, kind, "ann@example.com")
    token = _login(call, kind, "ann@example.com", PASSWORD, "203.0.113.1").json()["access_token"]
    change = {"current_password": "wrong guess", "new_password": "another good password"}
    replies = [
        call(kind, "PATCH", "/api/users/me/password", change, "203.0.113.1", headers=bearer(token)) for _ in range(3)
    ]
    # The login above took one of the three slots of this account and address.
    assert [r.status for r in replies] == [401, 401, 429]
    assert replies[2].code == "rate_limited"
    assert _login(call, kind, "ann@example.com", PASSWORD, "203.0.113.1").status == 429


def test_one_address_trying_many_accounts_meets_the_per_address_limit(call_with: Any) -> None:
    call = call_with({"RATE_LIMIT_AUTH": "3/minute", "RATE_LIMIT_ACCOUNT": "100/hour"})
    for i in range(3):
        _login(call, "http", f"nobody{i}@example.com", "whatever1", "203.0.113.9")
    by_address = _login(call, "http", "someone@example.com", "whatever1", "203.0.113.9")
    assert (by_address.status, by_address.code) == (429, "rate_limited")


def test_under_uvicorn_strangers_cannot_lock_the_owner_out(tmp_path: Any) -> None:
    """The review's reproduction, self-hosted behind a proxy: 100 wrong passwords from 10 addresses."""
    env = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": SECRET,
        "REDIS_URL": "",
        "DATABASE_URL": f"sqlite:///{tmp_path}/limits.sqlite3",
        "TRUSTED_PROXIES": "127.0.0.1",
        "RATE_LIMIT_AUTH": "10/minute",
        "RATE_LIMIT_ACCOUNT": "100/hour",
    }
    with instance(env) as url, httpx.Client(base_url=url) as client:

        def login(password: str, ip: str) -> httpx.Response:
            body = {"email": "ann@example.com", "password": password}
            return client.post("/api/auth/login", json=body, headers={"x-forwarded-for": ip})

        credentials = {"email": "ann@example.com", "password": PASSWORD}
        assert (
            client.post("/api/auth/register", json=credentials, headers={"x-forwarded-for": "192.0.2.1"}).status_code
            == 201
        )
        token = login(PASSWORD, "198.51.100.7").json()["access_token"]
        statuses = [login(f"guess {n}", f"203.0.113.{n % 10}").status_code for n in range(100)]
        assert set(statuses) == {401}  # every guess checked: 10 per address, 100 for the account
        assert login(PASSWORD, "198.51.100.8").status_code == 200
        change = {"current_password": PASSWORD, "new_password": "another good password"}
        headers = {"x-forwarded-for": "198.51.100.7", **bearer(token)}
        assert client.patch("/api/users/me/password", json=change, headers=headers).status_code == 204
        assert login("another good password", "203.0.113.3").status_code == 429  # a guessing address is held back
