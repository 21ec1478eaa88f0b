"""Wire users and auth into an app: the database, the password hasher and the token codec.

No I/O: the database connects on first use. The routers are in `backend_app.routes.ROUTERS`.
"""

from __future__ import annotations

from fastapi import FastAPI

from backend_app.core.config import Settings
from backend_app.core.passwords import PasswordHasher
from backend_app.core.tokens import TokenCodec
from backend_app.services.auth import AuthService
from backend_app.services.database import DatabaseService

DEV_KEY_WARNING = "SECRET_KEY is not set: tokens are signed with a public development key (never deploy this)"


def install_auth(app: FastAPI, settings: Settings) -> None:
    database = DatabaseService(settings)
    app.state.database = database
    app.state.auth = AuthService(database, PasswordHasher(settings.password_hash_concurrency), TokenCodec(settings))
    app.state.services.register("database", database.status)
    app.state.services.add_warnings(database.warnings)
    if settings.secret_key is None:
        app.state.services.add_warnings(lambda: [DEV_KEY_WARNING])
