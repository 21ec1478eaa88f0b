"""Password hashing with passlib, always in worker threads, never on the event loop.

Scheme, chosen by measurement on this 2-core machine (bench/hash_schemes.py; README, "Users and
auth"): argon2id with OWASP's parameters (m=19 MiB, t=2, p=1) hashed in ~29 ms and +19 MiB per
concurrent hash, against ~205 ms and no extra memory for bcrypt_sha256 at rounds=12; both
release the GIL. Neither truncates at 72 bytes the way plain bcrypt does. Plain bcrypt and
bcrypt_sha256 hashes (older deployments) still verify and are re-hashed on the next login.

The `CapacityLimiter` holds concurrent hashes to the number of cores this process may use
(`PASSWORD_HASH_CONCURRENCY` overrides): more threads would not hash faster, and each argon2
hash holds 19 MiB while it runs. The threads are this hasher's own, below the event loop's
priority, so a busy hasher does not slow every other request (`background_threads`).
"""

from __future__ import annotations

import os
import secrets
import warnings
from typing import Any

with warnings.catch_warnings():
    # passlib 1.7.4 imports the stdlib `crypt` (deprecated in 3.12, gone in 3.13, where passlib
    # copes); it does not matter here.
    warnings.filterwarnings("ignore", "'crypt' is deprecated", DeprecationWarning)
    # passlib finds its backends itself; importing them here names a missing one plainly.
    import argon2  # noqa: F401
    import bcrypt  # noqa: F401
    from passlib.context import CryptContext

from backend_app.core.background_threads import LowPriorityThreads

SCHEMES = ("argon2", "bcrypt_sha256", "bcrypt")  # the first hashes; the others verify, then re-hash
ARGON2_OPTIONS = {"argon2__type": "ID", "argon2__memory_cost": 19456, "argon2__time_cost": 2,
                  "argon2__parallelism": 1}  # fmt: skip


def machine_concurrency() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def build_context() -> Any:
    """The CryptContext with its backends loaded (bcrypt's runs its self-test), so none loads on a request."""
    with warnings.catch_warnings():
        # passlib reads `argon2.__version__` (deprecated by argon2-cffi) while loading its backend.
        warnings.filterwarnings("ignore", "Accessing argon2.__version__", DeprecationWarning)
        context = CryptContext(schemes=list(SCHEMES), deprecated=list(SCHEMES[1:]), **ARGON2_OPTIONS)
        for scheme in SCHEMES:
            context.handler(scheme).get_backend()
    return context


class PasswordHasher:
    def __init__(self, concurrency: int | None = None) -> None:
        self.concurrency = concurrency or machine_concurrency()
        self._threads = LowPriorityThreads(self.concurrency, "password-hash")
        self._context = build_context()
        self._dummy: str | None = None

    def _ctx(self) -> Any:
        return self._context

    async def hash(self, password: str) -> str:
        result: str = await self._threads.run(lambda: self._ctx().hash(password))
        return result

    async def verify_and_update(self, password: str, stored_hash: str) -> tuple[bool, str | None]:
        """(matches, a new hash when the stored one uses an outdated scheme or parameters)."""

        def work() -> tuple[bool, str | None]:
            try:
                ok, new_hash = self._ctx().verify_and_update(password, stored_hash)
            except (ValueError, TypeError):  # a malformed or unknown stored hash never matches
                return False, None
            return bool(ok), new_hash

        return await self._threads.run(work)

    async def dummy_verify(self, password: str) -> None:
        """Spend the time of a real verify, so an unknown email answers as slowly as a known one."""
        if self._dummy is None:
            self._dummy = await self.hash(secrets.token_urlsafe(24))
        await self.verify_and_update(password, self._dummy)
