"""Wire users and auth (issue 5) into an app: services and state now, routers on first use.

No I/O and no driver, passlib or jose import here; the routers (and the pydantic fields FastAPI
builds for them) are added by `LazyRoutesMiddleware` on the first request that is not health or
status: see that module for the measured reason.
"""

from __future__ import annotations

from fastapi import FastAPI

from backend_app.core.config import Settings
from backend_app.core.passwords import PasswordHasher
from backend_app.core.tokens import TokenCodec
from backend_app.middleware.lazy_routes import LazyRoutesMiddleware
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
    app.add_middleware(LazyRoutesMiddleware, install=lambda: include_auth_routes(app))


def include_auth_routes(app: FastAPI) -> None:
    from backend_app.routes import admin, auth, users

    for module in (auth, users, admin):
        app.include_router(module.router)
