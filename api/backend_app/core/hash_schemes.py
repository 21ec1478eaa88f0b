"""The password hash schemes a deployment loads: argon2id always, bcrypt only when told to verify old hashes.

A new deployment only ever stores argon2id hashes. bcrypt hashes (plain bcrypt and passlib's
bcrypt_sha256) come from older deployments or other systems, so verifying them is opt-in with
`PASSWORD_LEGACY_BCRYPT=true`, like the database driver: the bcrypt package and passlib's
bcrypt handlers are imported with the load only then. Loading them costs every cold start
~80 M instructions (~27 ms) for libpass's bcrypt self-test, measured on the Lambda zip.

With the setting off, a stored bcrypt hash never matches: the login answers as a wrong password
does (401 `invalid_credentials`) and a WARNING names the account and the setting (docs/security.md).
"""

from __future__ import annotations

import importlib

# Imported with the backend, so a missing backend is the loader's diagnosis, not a failed login;
# passlib would otherwise find its backends itself on first use.
import argon2  # noqa: F401
import passlib.handlers.argon2  # noqa: F401
from passlib.context import CryptContext

ARGON2 = "argon2"  # hashes every new password
LEGACY_BCRYPT = ("bcrypt_sha256", "bcrypt")  # verify, then re-hash to argon2id
LEGACY_BCRYPT_MODULES = ("bcrypt", "passlib.handlers.bcrypt")
ARGON2_OPTIONS = {"argon2__type": "ID", "argon2__memory_cost": 19456, "argon2__time_cost": 2, "argon2__parallelism": 1}
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$", "$2x$", "$bcrypt-sha256$")


def schemes(legacy_bcrypt: bool) -> tuple[str, ...]:
    return (ARGON2, *LEGACY_BCRYPT) if legacy_bcrypt else (ARGON2,)


def is_bcrypt_hash(stored_hash: str) -> bool:
    return stored_hash.startswith(BCRYPT_PREFIXES)


def build_context(legacy_bcrypt: bool = False) -> CryptContext:
    """The CryptContext with its backends loaded, so none loads on a request."""
    names = schemes(legacy_bcrypt)
    if legacy_bcrypt:
        for module in LEGACY_BCRYPT_MODULES:
            importlib.import_module(module)
    context = CryptContext(schemes=list(names), deprecated=list(names[1:]), **ARGON2_OPTIONS)
    for scheme in names:
        context.handler(scheme).get_backend()
    return context
