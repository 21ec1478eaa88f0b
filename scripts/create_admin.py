"""Create the first admin, or make an existing user an admin.

    DATABASE_URL=... .venv/bin/python scripts/create_admin.py admin@example.com   # password on stdin
    ADMIN_PASSWORD=... DATABASE_URL=... .venv/bin/python scripts/create_admin.py admin@example.com

The password is read from stdin (prompted without echo on a terminal) or `ADMIN_PASSWORD`,
never from the command line, where `ps` and shell history would show it. Settings (the
database) come from the environment, exactly as the app reads them.
"""

from __future__ import annotations

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


def read_password() -> str:
    if os.environ.get("ADMIN_PASSWORD"):
        return os.environ["ADMIN_PASSWORD"]
    if sys.stdin.isatty():
        return getpass.getpass("Password for the admin: ")
    return sys.stdin.readline().rstrip("\r\n")


async def create_admin(email: str, password: str) -> str:
    settings = load_settings()
    Credentials(email=email, password=password)  # same rules as registration
    database = DatabaseService(settings)
    auth = AuthService(database, PasswordHasher(settings.password_hash_concurrency), TokenCodec(settings))
    try:
        try:
            user = await auth.register(email, password, role="admin")
            return f"created admin {user.email} ({user.id})"
        except EmailTakenError:
            async with database.transaction() as conn:
                existing = await auth.users.by_email(conn, email)
                assert existing is not None
                await auth.users.update(conn, existing.id, "admin", True)
            return f"{existing.email} already had an account: it is an admin now (password unchanged)"
    finally:
        await database.close()


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(asyncio.run(create_admin(argv[0], read_password())))
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
