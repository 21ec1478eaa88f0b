"""PostgreSQL through asyncpg: a small pool per event loop, safe behind transaction poolers.

- `statement_cache_size=0`: PgBouncer, Supavisor and Neon's pooler (transaction mode) hand each
  transaction to any server connection, where a named prepared statement may not exist.
- Frozen and thawed containers: a connection idle for longer than `PING_AFTER_IDLE_S` may have
  been cut while the instance was frozen, so it is pinged (bounded by the connect timeout) before
  use and replaced when the ping fails. Pools never outlive their event loop.
- Every wait is bounded: connect by `DATABASE_CONNECT_TIMEOUT_S`, each statement by
  `DATABASE_OP_TIMEOUT_S`; failures become `DatabaseUnavailable`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from backend_app.db.base import Connection, DatabaseUnavailable, Kind, Row, SchemaMissing, UniqueViolation

PING_AFTER_IDLE_S = 10.0
_UNAVAILABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InvalidAuthorizationSpecificationError,
    asyncpg.InvalidCatalogNameError,
)


class _PgConnection:
    def __init__(self, conn: Any, op_timeout_s: float) -> None:
        self._conn = conn
        self._timeout = op_timeout_s

    async def fetch_one(self, sql: str, *args: Any) -> Row | None:
        row = await self._conn.fetchrow(sql, *args, timeout=self._timeout)
        return dict(row) if row is not None else None

    async def fetch_all(self, sql: str, *args: Any) -> list[Row]:
        return [dict(row) for row in await self._conn.fetch(sql, *args, timeout=self._timeout)]

    async def execute(self, sql: str, *args: Any) -> int:
        status: str = await self._conn.execute(sql, *args, timeout=self._timeout)
        last = status.rsplit(" ", 1)[-1]  # "UPDATE 1", "INSERT 0 1", "DELETE 3"
        return int(last) if last.isdigit() else 0


class PostgresDatabase:
    kind: Kind = "postgresql"

    def __init__(self, dsn: str, connect_timeout_s: float, op_timeout_s: float, pool_max_size: int) -> None:
        self._dsn = dsn
        self._connect_timeout = connect_timeout_s
        self._op_timeout = op_timeout_s
        self._max_size = pool_max_size
        self._pool: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._last_used = 0.0

    async def _current_pool(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._pool is None or self._loop is not loop:
            # min_size=0: creating the pool opens no connection; a request that needs one does.
            self._pool = await asyncpg.create_pool(
                self._dsn,
                min_size=0,
                max_size=self._max_size,
                statement_cache_size=0,
                timeout=self._connect_timeout,
                command_timeout=self._op_timeout,
                max_inactive_connection_lifetime=60.0,
            )
            self._loop = loop
        return self._pool

    async def _acquire(self) -> Any:
        pool = await self._current_pool()
        async with asyncio.timeout(self._connect_timeout):
            conn = await pool.acquire()
        if time.time() - self._last_used > PING_AFTER_IDLE_S:
            try:
                await conn.execute("SELECT 1", timeout=self._connect_timeout)
            except _UNAVAILABLE:
                await pool.release(conn)
                await pool.expire_connections()
                async with asyncio.timeout(self._connect_timeout):
                    conn = await pool.acquire()
        return conn

    @asynccontextmanager
    async def transaction(self, *, read_only: bool = False) -> AsyncIterator[Connection]:
        try:
            conn = await self._acquire()
        except _UNAVAILABLE as exc:
            raise DatabaseUnavailable(f"cannot connect to PostgreSQL ({type(exc).__name__})") from exc
        pool = self._pool
        try:
            if read_only:  # autocommit: no BEGIN and COMMIT round trips around the reads
                yield _PgConnection(conn, self._op_timeout)
            else:
                async with conn.transaction():
                    yield _PgConnection(conn, self._op_timeout)
            self._last_used = time.time()
        except asyncpg.UniqueViolationError as exc:
            raise UniqueViolation(exc.constraint_name or "unique") from exc
        except asyncpg.UndefinedTableError as exc:
            raise SchemaMissing("tables are missing: run the migrations (scripts/migrate.py)") from exc
        except _UNAVAILABLE as exc:
            raise DatabaseUnavailable(f"PostgreSQL failed during a query ({type(exc).__name__})") from exc
        finally:
            try:
                await pool.release(conn)
            except _UNAVAILABLE:
                pass  # a broken connection is dropped by the pool

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None and self._loop is asyncio.get_running_loop():
            await pool.close()
