"""users and revoked_tokens (the same tables as api/backend_app/db/schema.py for SQLite)

Revision ID: 0001_users
Revises:
Create Date: 2026-11-23
"""

from alembic import op

revision = "0001_users"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE users (
            id uuid PRIMARY KEY,
            email text NOT NULL UNIQUE,
            password_hash text NOT NULL,
            role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
            is_active boolean NOT NULL DEFAULT true,
            token_version integer NOT NULL DEFAULT 0,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        )
        """
    )
    op.execute(
        """
        CREATE TABLE revoked_tokens (
            jti text PRIMARY KEY,
            user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            expires_at timestamptz NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at)")


def downgrade() -> None:
    op.execute("DROP TABLE revoked_tokens")
    op.execute("DROP TABLE users")
