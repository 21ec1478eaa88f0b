"""What the repositories see of a database, whichever driver is behind it.

    DatabaseError
    ├── DatabaseUnavailable   cannot connect, timed out, connection lost (-> 503)
    ├── SchemaMissing         tables absent: migrations were not run (-> 503)
    └── UniqueViolation       an INSERT/UPDATE hit a unique constraint (the caller decides)

SQL is written once with `$1, $2` placeholders (asyncpg's style); the SQLite driver rewrites
them to `?` with the arguments in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

Row = Mapping[str, Any]
Kind = Literal["postgresql", "sqlite"]


class DatabaseError(Exception):
    pass


class DatabaseUnavailable(DatabaseError):
    pass


class SchemaMissing(DatabaseError):
    pass


class UniqueViolation(DatabaseError):
    pass


class Connection(Protocol):
    async def fetch_one(self, sql: str, *args: Any) -> Row | None: ...

    async def fetch_all(self, sql: str, *args: Any) -> list[Row]: ...

    async def execute(self, sql: str, *args: Any) -> int:
        """Run a statement; return the number of rows it changed."""
        ...


class Database(Protocol):
    kind: Kind

    def transaction(self, *, read_only: bool = False) -> AbstractAsyncContextManager[Connection]:
        """One unit of work: committed when the block ends, rolled back when it raises.

        `read_only`: statements run in autocommit instead, each on its own consistent snapshot:
        no BEGIN and COMMIT round trips (two of a login's three on PostgreSQL or SQLite) and, on
        SQLite, no write lock, so a read never waits behind a writer. For blocks whose reads need
        no snapshot shared between statements.
        """
        ...

    async def close(self) -> None: ...


def as_datetime(value: Any) -> datetime:
    """A timestamp column as an aware datetime: asyncpg returns one, SQLite the text it stored."""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)
