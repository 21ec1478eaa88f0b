"""Passwords: no 72-byte truncation, legacy bcrypt re-hashed, constant-time unknown emails, off the loop.

Off the loop means in the hasher's own threads, below the event loop's priority, within its limit.
"""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import sys
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.to_thread
import httpx
import pytest

from backend_app.core.background_threads import NICE_INCREMENT, LowPriorityThreads
from backend_app.core.hash_schemes import build_context
from backend_app.core.passwords import PasswordHasher, machine_concurrency
from backend_app.main import create_app
from backend_app.services.container import services_of
from tests.backend.conftest import make_settings

pytestmark = pytest.mark.anyio


async def stored_hash(client: httpx.AsyncClient, email: str) -> str:
    async with services_of(client.app).database.transaction() as conn:  # type: ignore[attr-defined]
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


@pytest.fixture
async def legacy_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A deployment that verifies bcrypt hashes of an older one (PASSWORD_LEGACY_BCRYPT=true)."""
    app = create_app(make_settings(database_url, password_legacy_bcrypt=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        client.app = app  # type: ignore[attr-defined]
        yield client
    await services_of(app).stop()


async def test_legacy_bcrypt_hash_verifies_and_is_rehashed_on_login(legacy_client: httpx.AsyncClient) -> None:
    client = legacy_client
    await client.post("/api/auth/register", json={"email": "old@example.com", "password": "placeholder-pw"})
    legacy = (
        build_context(legacy_bcrypt=True).handler("bcrypt").using(rounds=4).hash("password from 2019")
    )  # an older deployment's
    async with services_of(client.app).database.transaction() as conn:  # type: ignore[attr-defined]
        await conn.execute("UPDATE users SET password_hash = $1 WHERE email = $2", legacy, "old@example.com")
    assert (await stored_hash(client, "old@example.com")).startswith("$2b$")
    login = await client.post("/api/auth/login", json={"email": "old@example.com", "password": "password from 2019"})
    assert login.status_code == 200
    assert (await stored_hash(client, "old@example.com")).startswith("$argon2id$")
    again = await client.post("/api/auth/login", json={"email": "old@example.com", "password": "password from 2019"})
    assert again.status_code == 200


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_an_old_bcrypt_hash_refuses_every_password_over_72_bytes(legacy_client: httpx.AsyncClient) -> None:
    """Plain bcrypt saw only the first 72 bytes: a longer variant must not log in and replace the hash."""
    client = legacy_client
    real = "q" * 72 + "-the real tail"
    variant = "q" * 72 + "-an attacker's"
    registered = await client.post("/api/auth/register", json={"email": "trunc@example.com", "password": "placeholder"})
    account = registered.json()["id"]
    legacy = (
        build_context(legacy_bcrypt=True).handler("bcrypt").using(rounds=4).hash(real[:72])
    )  # what plain bcrypt stored
    async with services_of(client.app).database.transaction() as conn:  # type: ignore[attr-defined]
        await conn.execute("UPDATE users SET password_hash = $1 WHERE email = $2", legacy, "trunc@example.com")
    records = Records()
    logger = logging.getLogger("app.passwords")
    logger.addHandler(records)
    try:
        for password in (variant, real):
            login = await client.post("/api/auth/login", json={"email": "trunc@example.com", "password": password})
            assert login.status_code == 401 and login.json()["error"]["code"] == "invalid_credentials"
    finally:
        logger.removeHandler(records)
    assert await stored_hash(client, "trunc@example.com") == legacy  # not re-hashed from a variant
    warnings = [r for r in records.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and all(account in r.getMessage() for r in warnings)
    assert all("create_admin.py" in r.getMessage() for r in warnings)
    assert real not in str([r.getMessage() for r in warnings])
    # The first 72 bytes alone are still the password that hash holds.
    short = await client.post("/api/auth/login", json={"email": "trunc@example.com", "password": real[:72]})
    assert short.status_code == 200


async def test_without_the_setting_a_bcrypt_hash_is_a_wrong_password_and_a_warning(client: httpx.AsyncClient) -> None:
    registered = await client.post("/api/auth/register", json={"email": "b@example.com", "password": "placeholder"})
    account = registered.json()["id"]
    for scheme in ("bcrypt", "bcrypt_sha256"):
        legacy = build_context(legacy_bcrypt=True).handler(scheme).using(rounds=4).hash("password from 2019")
        async with services_of(client.app).database.transaction() as conn:  # type: ignore[attr-defined]
            await conn.execute("UPDATE users SET password_hash = $1 WHERE email = $2", legacy, "b@example.com")
        records = Records()
        logger = logging.getLogger("app.passwords")
        logger.addHandler(records)
        try:
            login = await client.post(
                "/api/auth/login", json={"email": "b@example.com", "password": "password from 2019"}
            )
        finally:
            logger.removeHandler(records)
        assert login.status_code == 401 and login.json()["error"]["code"] == "invalid_credentials"
        assert await stored_hash(client, "b@example.com") == legacy
        [warning] = [r.getMessage() for r in records.records if r.levelno == logging.WARNING]
        assert account in warning and "PASSWORD_LEGACY_BCRYPT=true" in warning


def test_argon2_hashes_verify_alike_with_and_without_legacy_bcrypt() -> None:
    """A deployment can turn PASSWORD_LEGACY_BCRYPT on or off: each context verifies the other's hashes."""
    default, legacy = build_context(), build_context(legacy_bcrypt=True)
    for made_by, checked_by in ((default, legacy), (legacy, default)):
        stored = made_by.hash("a password")
        assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert checked_by.verify_and_update("a password", stored) == (True, None)
        assert checked_by.verify_and_update("another password", stored) == (False, None)
    weaker = legacy.handler("argon2").using(time_cost=1).hash("a password")
    ok, new_hash = default.verify_and_update("a password", weaker)
    assert ok and new_hash is not None and new_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    with pytest.raises(ValueError):
        default.verify_and_update("a password", "not a hash")


def test_the_hashing_backends_load_without_an_error_or_a_warning() -> None:
    # passlib 1.7.4 logged "(trapped) error reading bcrypt version" with bcrypt >= 4.1 and failed
    # its own self-test with bcrypt 5; warnings are errors under pytest's settings here.
    records = Records()
    logger = logging.getLogger("passlib")
    logger.addHandler(records)
    try:
        context = build_context(legacy_bcrypt=True)
    finally:
        logger.removeHandler(records)
    assert [r.getMessage() for r in records.records if r.levelno >= logging.WARNING] == []
    assert context.verify("a password", context.hash("a password"))


@pytest.mark.parametrize(("length", "status"), [(7, 422), (8, 201), (128, 201), (129, 422), (10_000, 422)])
async def test_password_length_limits(client: httpx.AsyncClient, length: int, status: int) -> None:
    response = await client.post(
        "/api/auth/register", json={"email": f"len{length}@example.com", "password": "a" * length}
    )
    assert response.status_code == status
    if status == 422:
        assert [d["field"] for d in response.json()["error"]["details"]] == ["body.password"]


async def test_unknown_email_takes_as_long_as_a_wrong_password(tmp_path: Any) -> None:
    # Timed once, on SQLite: the database does not change the hashing.
    app = create_app(make_settings(f"sqlite:///{tmp_path}/timing.sqlite3"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        await client.post("/api/auth/register", json={"email": "known@example.com", "password": "right password"})
        await client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "warm up the dummy"})
        known, unknown = [], []
        for _ in range(15):  # interleaved, so machine noise falls on both alike
            for email, samples in (("known@example.com", known), ("nobody@example.com", unknown)):
                started = time.perf_counter()
                response = await client.post("/api/auth/login", json={"email": email, "password": "wrong password"})
                samples.append(time.perf_counter() - started)
                assert response.status_code == 401
    await services_of(app).stop()
    # The median of each interleaved pair's ratio: a burst of load from a parallel test falls on one
    # pair, not on the whole sample.
    ratio = statistics.median(u / k for u, k in zip(unknown, known, strict=True))
    # Without the dummy verify an unknown email answers ~30x faster (no hash at all).
    assert 0.5 < ratio < 2.0, f"unknown/known login time ratio {ratio:.2f}"


LINUX = sys.platform.startswith("linux")  # nice values are per thread there only


def nice_of_this_thread() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) if LINUX else 0


async def test_hashing_runs_in_its_own_lower_priority_threads_within_the_limit() -> None:
    hasher = PasswordHasher()
    assert hasher.concurrency == machine_concurrency()
    seen: list[tuple[int, int]] = []  # (thread, its nice value) of every hash and verify
    original = hasher._ctx

    def spy() -> Any:
        seen.append((threading.get_ident(), nice_of_this_thread()))
        return original()

    hasher._ctx = spy  # type: ignore[method-assign]
    loop_nice = nice_of_this_thread()
    stored = await hasher.hash("a password")
    assert await hasher.verify_and_update("a password", stored) == (True, None)
    assert seen and threading.get_ident() not in {thread for thread, _ in seen}
    assert hasher._threads.limiter().total_tokens == machine_concurrency()
    if LINUX:
        assert {nice for _, nice in seen} == {min(19, loop_nice + NICE_INCREMENT)}
    # Only the hashing threads were lowered: not the event loop, not anyio's shared workers.
    assert nice_of_this_thread() == loop_nice
    assert await anyio.to_thread.run_sync(nice_of_this_thread) == loop_nice


async def test_no_more_calls_run_at_once_than_the_limit() -> None:
    threads = LowPriorityThreads(2, "test-limit")
    running, most = 0, 0
    lock, two_ran = threading.Lock(), threading.Event()

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            if running == 2:
                two_ran.set()
        two_ran.wait(5)  # however slow the machine, two do overlap
        time.sleep(0.02)  # and a third would have had time to start
        with lock:
            running -= 1

    await asyncio.gather(*(threads.run(work) for _ in range(6)))
    assert most == 2


async def test_a_cancelled_caller_holds_its_slot_until_its_thread_is_done() -> None:
    # As with anyio.to_thread.run_sync: cancelling a login never leaves an extra hash running.
    threads = LowPriorityThreads(1, "test-cancel")
    release, finished = threading.Event(), threading.Event()

    def work() -> None:
        release.wait(5)
        finished.set()

    asyncio.get_running_loop().call_later(0.2, release.set)
    started = time.perf_counter()
    with anyio.move_on_after(0.02) as scope:
        await threads.run(work)
    assert scope.cancel_called and finished.is_set() and time.perf_counter() - started >= 0.2
    assert threads.limiter().borrowed_tokens == 0
