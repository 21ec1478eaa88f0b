"""Passwords: no 72-byte truncation, legacy bcrypt re-hashed, constant-time unknown emails, off the loop."""

from __future__ import annotations

import statistics
import threading
import time
from typing import Any

import httpx
import pytest

from backend_app.core.passwords import PasswordHasher, build_context, machine_concurrency

pytestmark = pytest.mark.anyio


async def stored_hash(client: httpx.AsyncClient, email: str) -> str:
    async with client.app.state.database.transaction() as conn:  # type: ignore[attr-defined]
        row = await conn.fetch_one("SELECT password_hash FROM users WHERE email = $1", email)
    assert row is not None
    return str(row["password_hash"])


async def test_passwords_sharing_their_first_72_bytes_are_different(client: httpx.AsyncClient) -> None:
    password = "p" * 72 + "the part plain bcrypt would ignore"[:28]
    variant = "p" * 72 + "X" * 28
    assert len(password) == 100 and password.encode()[:72] == variant.encode()[:72]
    assert (
        await client.post("/api/auth/register", json={"email": "long@example.com", "password": password})
    ).status_code == 201
    wrong = await client.post("/api/auth/login", json={"email": "long@example.com", "password": variant})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_credentials"
    right = await client.post("/api/auth/login", json={"email": "long@example.com", "password": password})
    assert right.status_code == 200


async def test_legacy_bcrypt_hash_verifies_and_is_rehashed_on_login(client: httpx.AsyncClient) -> None:
    await client.post("/api/auth/register", json={"email": "old@example.com", "password": "placeholder-pw"})
    legacy = build_context().handler("bcrypt").using(rounds=4).hash("password from 2019")  # an older deployment's
    async with client.app.state.database.transaction() as conn:  # type: ignore[attr-defined]
        await conn.execute("UPDATE users SET password_hash = $1 WHERE email = $2", legacy, "old@example.com")
    assert (await stored_hash(client, "old@example.com")).startswith("$2b$")
    login = await client.post("/api/auth/login", json={"email": "old@example.com", "password": "password from 2019"})
    assert login.status_code == 200
    assert (await stored_hash(client, "old@example.com")).startswith("$argon2id$")
    again = await client.post("/api/auth/login", json={"email": "old@example.com", "password": "password from 2019"})
    assert again.status_code == 200


@pytest.mark.parametrize(("length", "status"), [(7, 422), (8, 201), (128, 201), (129, 422), (10_000, 422)])
async def test_password_length_limits(client: httpx.AsyncClient, length: int, status: int) -> None:
    response = await client.post(
        "/api/auth/register", json={"email": f"len{length}@example.com", "password": "a" * length}
    )
    assert response.status_code == status
    if status == 422:
        assert [d["field"] for d in response.json()["error"]["details"]] == ["body.password"]


async def test_unknown_email_takes_as_long_as_a_wrong_password(client: httpx.AsyncClient, database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("timing is measured once, on SQLite; the database does not change the hashing")
    await client.post("/api/auth/register", json={"email": "known@example.com", "password": "right password"})
    await client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "warm up the dummy"})
    known, unknown = [], []
    for _ in range(9):  # interleaved, so machine noise falls on both alike
        for email, samples in (("known@example.com", known), ("nobody@example.com", unknown)):
            started = time.perf_counter()
            response = await client.post("/api/auth/login", json={"email": email, "password": "wrong password"})
            samples.append(time.perf_counter() - started)
            assert response.status_code == 401
    ratio = statistics.median(unknown) / statistics.median(known)
    # Without the dummy verify an unknown email answers ~30x faster (no hash at all).
    assert 0.5 < ratio < 2.0, f"unknown/known login time ratio {ratio:.2f}"


async def test_hashing_runs_in_worker_threads_within_the_limit() -> None:
    hasher = PasswordHasher()
    assert hasher.concurrency == machine_concurrency()
    threads: set[int] = set()
    original = hasher._ctx

    def spy() -> Any:
        threads.add(threading.get_ident())
        return original()

    hasher._ctx = spy  # type: ignore[method-assign]
    stored = await hasher.hash("a password")
    assert await hasher.verify_and_update("a password", stored) == (True, None)
    assert threads and threading.get_ident() not in threads
    assert hasher._limit().total_tokens == machine_concurrency()
