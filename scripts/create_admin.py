"""Create the first admin; on an existing account, only when told to (`--existing`).

    DATABASE_URL=... .venv/bin/python scripts/create_admin.py admin@example.com   # password on stdin
    ADMIN_PASSWORD=... DATABASE_URL=... .venv/bin/python scripts/create_admin.py admin@example.com
    ... scripts/create_admin.py --existing ops@example.com               # make it admin, new password
    ... scripts/create_admin.py --existing --keep-role ann@example.com   # a new password, nothing else

An existing account is refused by default (exit 1): whoever registered the address first would
otherwise become admin and keep their own password. `--existing` makes it an active admin, sets
the password given here and ends every token the account holds; with `--keep-role` it only sets
the password and ends the tokens, which is how an operator sets a new password for any account.
It prints what it did.

The password is read from stdin (prompted without echo on a terminal) or `ADMIN_PASSWORD`,
never from the command line, where `ps` and shell history would show it. Settings (the
database) come from the environment, exactly as the app reads them.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))

from backend_app.core.auth_errors import EmailTakenError
from backend_app.core.config import SettingsError, load_settings
from backend_app.core.errors import AppError
from backend_app.core.passwords import PasswordHasher
from backend_app.core.tokens import TokenCodec
from backend_app.schemas.auth import Credentials
from backend_app.services.auth import AuthService
from backend_app.services.database import DatabaseService


class Refused(Exception):
    """The account exists and no flag said to change it."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="create_admin.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("email")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="if the account exists: make it an active admin, set this password, end its tokens",
    )
    parser.add_argument(
        "--keep-role", action="store_true", help="with --existing: only set the password and end the tokens"
    )
    args = parser.parse_args(argv)
    if args.keep_role and not args.existing:
        parser.error("--keep-role goes with --existing")
    return args


def read_password() -> str:
    if os.environ.get("ADMIN_PASSWORD"):
        return os.environ["ADMIN_PASSWORD"]
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\r\n")


async def create_admin(email: str, password: str, *, existing: bool, keep_role: bool) -> str:
    settings = load_settings()
    email = Credentials(email=email, password=password).email  # same rules as registration, normalised
    database = DatabaseService(settings)
    auth = AuthService(
        database,
        PasswordHasher(settings.password_hash_concurrency, settings.password_legacy_bcrypt),
        TokenCodec(settings),
    )
    try:
        try:
            user = await auth.register(email, password, role="admin")
            return f"created admin {user.email} ({user.id})"
        except EmailTakenError:
            if not existing:
                raise Refused(
                    f"{email} already has an account: nothing changed. It may not be yours (anyone can register an "
                    "address). To make it an admin with the password given here and end its sessions, run again "
                    "with --existing; to only set its password, with --existing --keep-role."
                ) from None
        before, after = await auth.reset_account(email, password, make_admin=not keep_role)
    finally:
        await database.close()
    done = ["password set", "every token it held revoked"]
    if after.role != before.role:
        done.insert(0, f"role {before.role} -> {after.role}")
    if after.is_active != before.is_active:
        done.insert(0, "reactivated")
    return f"{after.email} ({after.id}), existing account: " + ", ".join(done) + f"; role now {after.role}"


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        print(asyncio.run(create_admin(args.email, read_password(), existing=args.existing, keep_role=args.keep_role)))
    except Refused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except SettingsError as exc:
        print(f"invalid settings: {', '.join(exc.variables)}", file=sys.stderr)
        return 1
    except AppError as exc:
        print(f"failed: {exc.code}: {exc.detail_message}", file=sys.stderr)
        return 1
    except ValueError as exc:  # pydantic's ValidationError: a bad email or password length
        print(f"invalid email or password: {exc.__class__.__name__}", file=sys.stderr)
        for error in getattr(exc, "errors", list)():
            print(f"  {error['loc'][0]}: {error['msg']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
