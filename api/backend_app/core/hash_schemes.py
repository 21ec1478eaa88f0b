"""The password hash schemes a deployment loads: argon2id always, bcrypt only when told to verify old hashes.

A new deployment only ever stores argon2id hashes. bcrypt hashes (plain bcrypt and passlib's
bcrypt_sha256) come from older deployments or other systems, so verifying them is opt-in with
`PASSWORD_LEGACY_BCRYPT=true`, like the database driver. Measured on the Lambda zip's import +
first request, what that spares every other cold start: ~80 M instructions (~27 ms) for
libpass's bcrypt self-test, and ~37 M instructions and ~1.1 MiB for passlib itself, which only
the multi-scheme context needs.

- setting off: `Argon2Context`, argon2-cffi alone (the library passlib's argon2 handler calls),
  with the same parameters and the same PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$...`);
- setting on: libpass's `CryptContext` over argon2, bcrypt_sha256 and bcrypt, imported with the load.

Both verify-and-update alike: (matches, a new argon2id hash when the stored one is outdated);
an unknown or malformed hash raises ValueError. With the setting off, a stored bcrypt hash is
refused before it gets here (`core.passwords`: 401 `invalid_credentials`, a WARNING names the account).
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ARGON2 = "argon2"  # hashes every new password
LEGACY_BCRYPT = ("bcrypt_sha256", "bcrypt")  # verify, then re-hash to argon2id
LEGACY_BCRYPT_MODULES = ("bcrypt", "passlib.handlers.argon2", "passlib.handlers.bcrypt", "passlib.context")
TIME_COST, MEMORY_COST_KIB, PARALLELISM = 2, 19456, 1  # OWASP's minimum for argon2id
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$", "$2x$", "$bcrypt-sha256$")


class HashContext(Protocol):
    def hash(self, secret: str) -> str: ...

    def verify_and_update(self, secret: str, stored_hash: str) -> tuple[bool, str | None]: ...


class Argon2Context:
    def __init__(self) -> None:
        self._hasher = argon2.PasswordHasher(TIME_COST, MEMORY_COST_KIB, PARALLELISM, type=argon2.Type.ID)

    def hash(self, secret: str) -> str:
        return self._hasher.hash(secret)

    def verify_and_update(self, secret: str, stored_hash: str) -> tuple[bool, str | None]:
        try:
            self._hasher.verify(stored_hash, secret)
        except VerifyMismatchError:
            return False, None
        except (InvalidHashError, VerificationError) as exc:
            raise ValueError("not an argon2 hash this deployment can verify") from exc
        return True, self.hash(secret) if self._hasher.check_needs_rehash(stored_hash) else None


def schemes(legacy_bcrypt: bool) -> tuple[str, ...]:
    return (ARGON2, *LEGACY_BCRYPT) if legacy_bcrypt else (ARGON2,)


def is_bcrypt_hash(stored_hash: str) -> bool:
    return stored_hash.startswith(BCRYPT_PREFIXES)


def legacy_context() -> Any:
    """libpass's CryptContext over argon2id and both bcrypt schemes, with every backend loaded now."""
    modules = [importlib.import_module(name) for name in LEGACY_BCRYPT_MODULES]
    names = schemes(legacy_bcrypt=True)
    context = modules[-1].CryptContext(
        schemes=list(names),
        deprecated=list(names[1:]),
        argon2__type="ID",
        argon2__time_cost=TIME_COST,
        argon2__memory_cost=MEMORY_COST_KIB,
        argon2__parallelism=PARALLELISM,
    )
    for scheme in names:
        context.handler(scheme).get_backend()  # libpass would otherwise find (and self-test) it on a request
    return context


def build_context(legacy_bcrypt: bool = False) -> HashContext:
    context: HashContext = legacy_context() if legacy_bcrypt else Argon2Context()
    return context
