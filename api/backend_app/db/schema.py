"""The schema the embedded SQLite database creates for itself.

PostgreSQL gets the same tables from the migrations in `migrations/versions/` (run from a
developer machine or CI, never from inside the function); change both together.

Emails are stored normalised (`core.emails`: NFKC, case-folded, one form of the domain), so the
UNIQUE constraint is what makes two concurrent registrations of one address end in one row;
`PRAGMA user_version` says which later migrations an older file has had (`db/sqlite.py`).
`token_version` invalidates every token of a user at once (password change); `revoked_tokens`
holds ids of ended sessions and of used refresh tokens until they would have expired anyway.
"""

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    is_active BOOLEAN NOT NULL DEFAULT 1,
    token_version INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS revoked_tokens (
    jti TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS revoked_tokens_expires_at ON revoked_tokens (expires_at);
"""
