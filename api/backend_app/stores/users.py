"""The users store: SQL for the `users` and `revoked_tokens` tables, one dialect for both.

Each method takes a `Connection` from `DatabaseService.transaction()`, so a caller can put
several calls into one unit of work. Rows become `User` here, which evens out what the drivers
return (uuid objects and aware datetimes from asyncpg; text and integers from SQLite).
"""

# ruff: noqa: S608  -- the only interpolated name is the constant _COLUMNS; values go as parameters.
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal, NamedTuple

from backend_app.core.emails import normalize_email
from backend_app.db.base import Connection, Row, as_datetime

Role = Literal["user", "admin"]
_COLUMNS = "id, email, password_hash, role, is_active, token_version, created_at"
_INSERT = (
    "INSERT INTO users (id, email, password_hash, role, is_active, token_version, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, TRUE, 0, $5, $5)"
)
# Deactivating (is_active = FALSE) also ends every token the user holds.
_UPDATE = (
    "UPDATE users SET role = COALESCE($2, role), is_active = COALESCE($3, is_active), updated_at = $4, "
    "token_version = token_version + CASE WHEN $3 = FALSE THEN 1 ELSE 0 END "
    f"WHERE id = $1 RETURNING {_COLUMNS}"
)


class User(NamedTuple):
    id: str
    email: str
    password_hash: str
    role: Role
    is_active: bool
    token_version: int
    created_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _user(row: Row) -> User:
    return User(
        id=str(row["id"]),
        email=row["email"],
        password_hash=row["password_hash"],
        role=row["role"],
        is_active=bool(row["is_active"]),
        token_version=int(row["token_version"]),
        created_at=as_datetime(row["created_at"]),
    )


def _valid_id(user_id: str) -> str | None:
    try:
        return str(uuid.UUID(user_id))
    except ValueError:
        return None  # PostgreSQL would reject a malformed uuid; SQLite would just not find it


class UserStore:
    async def create(self, conn: Connection, email: str, password_hash: str, role: Role = "user") -> User:
        user = User(
            id=str(uuid.uuid4()),
            email=normalize_email(email),
            password_hash=password_hash,
            role=role,
            is_active=True,
            token_version=0,
            created_at=datetime.now(UTC),
        )
        await conn.execute(_INSERT, user.id, user.email, password_hash, role, user.created_at)
        return user

    async def by_email(self, conn: Connection, email: str) -> User | None:
        row = await conn.fetch_one(f"SELECT {_COLUMNS} FROM users WHERE email = $1", normalize_email(email))
        return _user(row) if row else None

    async def by_id(self, conn: Connection, user_id: str) -> User | None:
        valid = _valid_id(user_id)
        row = await conn.fetch_one(f"SELECT {_COLUMNS} FROM users WHERE id = $1", valid) if valid else None
        return _user(row) if row else None

    async def by_id_unless_revoked(self, conn: Connection, user_id: str, session_id: str) -> User | None:
        """The user, or None when the user is gone or the session was revoked: one round trip."""
        valid = _valid_id(user_id)
        if valid is None:
            return None
        row = await conn.fetch_one(
            f"SELECT {_COLUMNS} FROM users WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $2)",
            valid,
            session_id,
        )
        return _user(row) if row else None

    async def set_password_hash(self, conn: Connection, user_id: str, password_hash: str, *, bump: bool) -> None:
        """Store a new hash; `bump` also ends every token issued so far (a password change)."""
        await conn.execute(
            "UPDATE users SET password_hash = $2, token_version = token_version + $3, updated_at = $4 WHERE id = $1",
            user_id,
            password_hash,
            1 if bump else 0,
            datetime.now(UTC),
        )

    async def update(self, conn: Connection, user_id: str, role: Role | None, is_active: bool | None) -> User | None:
        valid = _valid_id(user_id)
        if valid is None:
            return None
        row = await conn.fetch_one(_UPDATE, valid, role, is_active, datetime.now(UTC))
        return _user(row) if row else None

    async def lock_active_admins(self, conn: Connection) -> int:
        """Lock the rows of every active admin until the unit of work ends; return how many there are.

        A no-op UPDATE rather than SELECT ... FOR UPDATE, which SQLite lacks: on PostgreSQL it takes
        the row locks, so two admins demoting each other at once are decided one after the other
        (the second re-reads the first's change); SQLite's BEGIN IMMEDIATE already serialises writers.
        """
        return await conn.execute("UPDATE users SET token_version = token_version WHERE role = 'admin' AND is_active")

    async def page(self, conn: Connection, limit: int, offset: int) -> tuple[list[User], int]:
        rows = await conn.fetch_all(
            f"SELECT {_COLUMNS} FROM users ORDER BY created_at, id LIMIT $1 OFFSET $2", limit, offset
        )
        total = await conn.fetch_one("SELECT COUNT(*) AS n FROM users")
        return [_user(row) for row in rows], int(total["n"]) if total else 0

    async def revoke(self, conn: Connection, token_id: str, user_id: str, expires_at: datetime) -> None:
        """Record a revoked session or used refresh token; UniqueViolation when it already is."""
        await conn.execute("DELETE FROM revoked_tokens WHERE expires_at < $1", datetime.now(UTC))
        await conn.execute(
            "INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3)", token_id, user_id, expires_at
        )
