"""The `database` service: which database this instance uses, opened on first use, and its state.

Building it does no I/O; it imports the driver of the configured database only (asyncpg for
PostgreSQL, aiosqlite for SQLite), so a missing driver fails the load, and a deployment never
needs the other one. The choice, from the settings:

- `DATABASE_URL` set: PostgreSQL (or an SQLite URL);
- unset in development: an SQLite file in `DATA_DIR`;
- unset in production: none (auth answers 503 `database_not_configured`, health is degraded),
  unless `ALLOW_EPHEMERAL_DATABASE` opts into an SQLite file in /tmp, lost with the instance.

Its status is the outcome of the last real use (health reads it without I/O), so a database
that went down shows as degraded from the first request that found it down.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from backend_app.core.auth_errors import DatabaseNotConfiguredError, DatabaseUnavailableError
from backend_app.core.config import Settings
from backend_app.db.base import Connection, Database, DatabaseUnavailable, SchemaMissing
from backend_app.db.url import DatabaseTarget, parse_database_url
from backend_app.services.status import ServiceStatus
from failsafe.logs import get_logger

log = get_logger("database")


def choose_target(settings: Settings) -> tuple[DatabaseTarget | None, list[str]]:
    if settings.database_url is not None:
        sslmode = "require" if settings.is_production else None  # see db/url.py
        return parse_database_url(settings.database_url.get_secret_value(), default_sslmode=sslmode), []
    if not settings.is_production:
        path = os.path.join(settings.data_dir, "app.sqlite3")
        return DatabaseTarget("sqlite", path, f"sqlite:{path}"), []
    if settings.allow_ephemeral_database:
        path = os.path.join(tempfile.gettempdir(), "serverless-fastapi-app.sqlite3")
        warning = "ALLOW_EPHEMERAL_DATABASE: users live in an SQLite file in /tmp, lost with this instance"
        return DatabaseTarget("sqlite", path, "sqlite:/tmp (ephemeral)"), [warning]
    return None, ["DATABASE_URL is not set: register, login and every user route answer 503"]


def open_database(target: DatabaseTarget, settings: Settings) -> Database:
    """The `Database` for `target`, with its driver imported; no connection yet."""
    if target.is_postgres:
        from backend_app.db.postgres import PostgresDatabase

        return PostgresDatabase(
            target.dsn,
            settings.database_connect_timeout_s,
            settings.database_op_timeout_s,
            settings.database_pool_max_size,
        )
    from backend_app.db.sqlite import SqliteDatabase

    return SqliteDatabase(target.dsn, settings.database_op_timeout_s)


class DatabaseService:
    def __init__(self, settings: Settings) -> None:
        self.target, self._warnings = choose_target(settings)
        self._db = open_database(self.target, settings) if self.target is not None else None
        self._healthy = self.target is not None
        self._detail: str | None = None if self.target else "DATABASE_URL is not set"
        self._latency_ms: float | None = None

    @asynccontextmanager
    async def transaction(self, *, read_only: bool = False) -> AsyncIterator[Connection]:
        """A unit of work (`Database.transaction`); raises 503 errors when there is no database or it is unreachable."""
        if self._db is None:
            raise DatabaseNotConfiguredError()
        started = time.perf_counter()
        try:
            async with self._db.transaction(read_only=read_only) as conn:
                yield conn
        except (DatabaseUnavailable, SchemaMissing) as exc:
            self._healthy, self._detail = False, str(exc)
            log.error("database unavailable: %s", exc, extra={"event": "database_unavailable"})
            raise DatabaseUnavailableError() from exc
        self._healthy, self._detail = True, None
        self._latency_ms = round((time.perf_counter() - started) * 1000, 3)

    def status(self) -> ServiceStatus:
        kind = self.target.kind if self.target else "none"
        return ServiceStatus(
            backend=kind if self._healthy else "none",
            configured=kind,
            healthy=self._healthy,
            shared=kind == "postgresql",
            latency_ms=self._latency_ms,
            detail=self._detail,
        )

    def warnings(self) -> list[str]:
        return list(self._warnings)

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
