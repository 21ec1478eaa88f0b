"""normalise stored emails (NFKC, case-folded, one form of the domain); stop on collisions

Revision ID: 0002_normalise_emails
Revises: 0001_users
Create Date: 2026-12-01

The same plan as the SQLite start-up (api/backend_app/db/stored_emails.py). When two accounts
would share an address, nothing changes and the error lists them: which one is the owner is for
the operator to decide. Downgrading keeps the normalised addresses (the old spellings are gone).
"""

import sqlalchemy as sa
from alembic import op

from backend_app.db.stored_emails import plan_normalisation

revision = "0002_normalise_emails"
down_revision = "0001_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    # No registration or change may slip in a spelling the plan did not see (reads still run).
    connection.execute(sa.text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))
    rows = connection.execute(sa.text("SELECT id, email FROM users ORDER BY created_at")).all()
    plan = plan_normalisation((str(user_id), email) for user_id, email in rows)
    for user_id, email in plan.changes:
        connection.execute(sa.text("UPDATE users SET email = :email WHERE id = :id"), {"email": email, "id": user_id})
    if plan.refused:
        ids = ", ".join(user_id for user_id, _ in plan.refused)
        print(f"warning: {len(plan.refused)} stored email(s) hold characters refused now; they cannot log in: {ids}")


def downgrade() -> None:
    pass
