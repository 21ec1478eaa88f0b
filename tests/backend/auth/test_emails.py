"""One account per address, however it is spelled; text a database refuses is a 422, on both databases."""

from __future__ import annotations

import httpx
import pytest

from backend_app.services.container import services_of
from tests.backend.conftest import PASSWORD

pytestmark = pytest.mark.anyio


async def _register(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/auth/register", json={"email": email, "password": password})


def _fields(reply: httpx.Response) -> list[str]:
    return [d["field"] for d in reply.json()["error"]["details"]]


async def test_look_alike_emails_do_not_make_second_accounts(client: httpx.AsyncClient) -> None:
    assert (await _register(client, "dup@example.com")).status_code == 201
    for same in ("DUP@Example.COM", "\uff44up@example.com", "dup@\uff45xample.com"):
        reply = await _register(client, same)
        assert (reply.status_code, reply.json()["error"]["code"]) == (409, "email_taken"), same
    for refused in (
        "dup@example.com.",
        "d\u200bup@example.com",
        "dup\u2060@example.com",
        "d\u00adup@example.com",
        "dup@exa\u200dmple.com",
        "d\u202eup@example.com",
    ):
        reply = await _register(client, refused)
        assert (reply.status_code, _fields(reply)) == (422, ["body.email"]), refused
        assert refused not in reply.text
    # The fullwidth spelling logs in to the one account.
    login = await client.post("/api/auth/login", json={"email": "\uff24UP@example.com", "password": PASSWORD})
    assert login.status_code == 200


async def test_an_idn_domain_is_one_address_in_either_form(client: httpx.AsyncClient) -> None:
    created = await _register(client, "ann@B\u00fccher.example")
    assert created.status_code == 201 and created.json()["email"] == "ann@b\u00fccher.example"
    assert (await _register(client, "ann@xn--bcher-kva.example")).status_code == 409
    login = await client.post("/api/auth/login", json={"email": "ann@xn--bcher-kva.example", "password": PASSWORD})
    assert login.status_code == 200


async def test_a_nul_byte_in_an_email_is_a_422_naming_the_field(client: httpx.AsyncClient) -> None:
    # On PostgreSQL this was an unauthenticated 500 (CharacterNotInRepertoireError, logged at ERROR).
    register = await _register(client, "a\u0000b@example.com")
    assert (register.status_code, _fields(register)) == (422, ["body.email"])
    login = await client.post("/api/auth/login", json={"email": "ann\u0000@example.com", "password": PASSWORD})
    assert (login.status_code, _fields(login)) == (422, ["body.email"])
    form = await client.post("/api/auth/login", data={"username": "ann\u0000@example.com", "password": PASSWORD})
    assert (form.status_code, _fields(form)) == (422, ["body.email"])


async def test_passwords_are_nfkc_normalised(client: httpx.AsyncClient) -> None:
    # U+FB01 is the ligature "fi"; U+FF30 is a fullwidth "P": the same password on another keyboard.
    assert (await _register(client, "ann@example.com", "\ufb01nal \uff30assword")).status_code == 201
    login = await client.post("/api/auth/login", json={"email": "ann@example.com", "password": "final Password"})
    assert login.status_code == 200
    token = login.json()["access_token"]
    change = {"current_password": "\ufb01nal Password", "new_password": "cafe\u0301 1234"}  # e + combining acute
    changed = await client.patch("/api/users/me/password", headers={"authorization": f"Bearer {token}"}, json=change)
    assert changed.status_code == 204
    login = await client.post("/api/auth/login", json={"email": "ann@example.com", "password": "caf\u00e9 1234"})
    assert login.status_code == 200


async def test_a_hash_of_the_password_as_typed_still_logs_in_and_is_renewed(client: httpx.AsyncClient) -> None:
    auth = services_of(client.app).auth  # type: ignore[attr-defined]
    assert (await _register(client, "old@example.com")).status_code == 201
    typed = "\ufb01nal password"  # hashed as typed by an older version
    async with auth.database.transaction() as conn:
        await conn.execute(
            "UPDATE users SET password_hash = $1 WHERE email = $2", await auth.hasher.hash(typed), "old@example.com"
        )
    assert (
        await client.post("/api/auth/login", json={"email": "old@example.com", "password": typed})
    ).status_code == 200
    # Now stored in the NFKC form: the plain spelling works too.
    plain = await client.post("/api/auth/login", json={"email": "old@example.com", "password": "final password"})
    assert plain.status_code == 200


async def test_unknown_and_known_emails_cost_the_same_hashes(client: httpx.AsyncClient) -> None:
    hasher = services_of(client.app).auth.hasher  # type: ignore[attr-defined]
    assert (await _register(client, "ann@example.com")).status_code == 201
    calls: list[str] = []
    verify = hasher.verify_and_update

    async def counted_verify(*args: object, **kwargs: object) -> object:
        calls.append("verify")  # dummy_verify verifies through this method too
        return await verify(*args, **kwargs)

    hasher.verify_and_update = counted_verify
    counts = []
    for email in ("ann@example.com", "nobody@example.com"):
        for password in ("wrong password", "wrong \ufb01 password"):  # ASCII, and one NFKC changes
            calls.clear()
            reply = await client.post("/api/auth/login", json={"email": email, "password": password})
            assert reply.status_code == 401
            counts.append(len(calls))
    assert counts[:2] == counts[2:] == [1, 2]
