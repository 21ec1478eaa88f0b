"""Password hashing (argon2-cffi; libpass for legacy bcrypt), always in worker threads, never on the event loop.

Schemes (`core.hash_schemes`), chosen by measurement on this 2-core machine (bench/hash_schemes.py, figures in
bench/RESULTS.md): argon2id with OWASP's parameters (m=19 MiB, t=2, p=1) hashed in ~29 ms and +19 MiB per
concurrent hash, against ~205 ms and no extra memory for bcrypt_sha256 at rounds=12; both
release the GIL. Neither truncates at 72 bytes the way plain bcrypt does. Plain bcrypt and
bcrypt_sha256 hashes (older deployments) verify with `PASSWORD_LEGACY_BCRYPT=true` and are
re-hashed on the next login; without it they never match, and a WARNING names the account.

A plain bcrypt hash only ever saw the first 72 bytes of its password, so any longer password
sharing those bytes would match it (and be re-hashed, locking the owner out). Against such a hash
a password over 72 bytes never matches: the account's owner needs a new password from an
operator (`scripts/create_admin.py EMAIL --existing --keep-role`), and a WARNING names the account.

The `CapacityLimiter` holds concurrent hashes to the number of cores this process may use
(`PASSWORD_HASH_CONCURRENCY` overrides): more threads would not hash faster, and each argon2
hash holds 19 MiB while it runs. The threads are this hasher's own, below the event loop's
priority, so a busy hasher does not slow every other request (`background_threads`).
"""

from __future__ import annotations

import os
import secrets

from backend_app.core.background_threads import LowPriorityThreads
from backend_app.core.hash_schemes import HashContext, build_context, is_bcrypt_hash
from failsafe.logs import get_logger

log = get_logger("passwords")

BCRYPT_LIMIT_BYTES = 72
PLAIN_BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$", "$2x$")  # bcrypt_sha256 hashes start "$bcrypt-sha256$"


def machine_concurrency() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def truncated_by_bcrypt(password: str, stored_hash: str) -> bool:
    """True when plain bcrypt would compare only a prefix of `password` with `stored_hash`."""
    return stored_hash.startswith(PLAIN_BCRYPT_PREFIXES) and len(password.encode()) > BCRYPT_LIMIT_BYTES


class PasswordHasher:
    def __init__(self, concurrency: int | None = None, legacy_bcrypt: bool = False) -> None:
        self.concurrency = concurrency or machine_concurrency()
        self.legacy_bcrypt = legacy_bcrypt
        self._threads = LowPriorityThreads(self.concurrency, "password-hash")
        self._context = build_context(legacy_bcrypt)
        self._dummy: str | None = None

    def _ctx(self) -> HashContext:
        return self._context

    async def hash(self, password: str) -> str:
        result: str = await self._threads.run(lambda: self._ctx().hash(password))
        return result

    async def verify_and_update(
        self, password: str, stored_hash: str, account: str | None = None
    ) -> tuple[bool, str | None]:
        """(matches, a new hash when the stored one uses an outdated scheme or parameters).

        `account` (the user id) is named in the warning when a plain bcrypt hash is refused.
        """
        if not self.legacy_bcrypt and is_bcrypt_hash(stored_hash):
            log.warning(
                "account %s has a bcrypt password hash, which this deployment does not verify: "
                "set PASSWORD_LEGACY_BCRYPT=true to verify it (and re-hash it to argon2id at the next login)",
                account,
            )
            await self.dummy_verify(password)  # answers as slowly as a real verify
            return False, None
        if truncated_by_bcrypt(password, stored_hash):
            log.warning(
                "a password over %d bytes was refused for account %s: its plain bcrypt hash only holds the first %d; "
                "an operator sets a new password with scripts/create_admin.py --existing --keep-role",
                BCRYPT_LIMIT_BYTES,
                account,
                BCRYPT_LIMIT_BYTES,
            )
            await self.dummy_verify(password)  # answers as slowly as a real verify
            return False, None

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
