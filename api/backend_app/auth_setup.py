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
from backend_app.middleware.lazy_routes import LazyRoutesMiddleware, RouteGroups
from backend_app.services.auth import AuthService
from backend_app.services.database import DatabaseService

DEV_KEY_WARNING = "SECRET_KEY is not set: tokens are signed with a public development key (never deploy this)"
# In the order the routes are listed (OpenAPI, docs).
ROUTE_MODULES = ("backend_app.routes.auth", "backend_app.routes.users", "backend_app.routes.password",
                 "backend_app.routes.admin")  # fmt: skip
# Paths that one module alone can serve: a cold GET /api/users/me declares no pydantic field, so
# it skips pydantic.v1 and the other routers' models (tests/auth/test_cold_imports.py).
ALONE = {"/api/users/me": "backend_app.routes.users"}


def install_auth(app: FastAPI, settings: Settings) -> None:
    database = DatabaseService(settings)
    app.state.database = database
    app.state.auth = AuthService(database, PasswordHasher(settings.password_hash_concurrency), TokenCodec(settings))
    app.state.services.register("database", database.status)
    app.state.services.add_warnings(database.warnings)
    if settings.secret_key is None:
        app.state.services.add_warnings(lambda: [DEV_KEY_WARNING])
    app.add_middleware(LazyRoutesMiddleware, groups=RouteGroups(app, ROUTE_MODULES, ALONE))
