"""Bring emails stored under an older rule to today's form (`core.emails.normalize_email`).

One plan for both databases: the Alembic migration `0002_normalise_emails` (PostgreSQL) and the
SQLite start-up (`db/sqlite.py`, `PRAGMA user_version`) apply it. Two accounts whose addresses
become the same would break the UNIQUE constraint, and which one is the real owner is a human
decision: the plan then changes nothing and says which accounts collide.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from backend_app.core.emails import EmailError, normalize_email


class EmailCollisionError(Exception):
    """Stored emails that become one address; the message lists them (for the operator, not a response)."""


class EmailPlan(NamedTuple):
    changes: list[tuple[str, str]]  # (user id, new email)
    refused: list[tuple[str, str]]  # (user id, stored email) that today's rule refuses: kept as stored


def plan_normalisation(rows: Iterable[tuple[str, str]]) -> EmailPlan:
    """`rows` are (id, email); raises `EmailCollisionError` when two would share an address."""
    by_address: dict[str, list[tuple[str, str]]] = {}
    refused: list[tuple[str, str]] = []
    for user_id, email in rows:
        try:
            address = normalize_email(email)
        except EmailError:
            refused.append((user_id, email))
            address = email
        by_address.setdefault(address, []).append((user_id, email))
    collisions = {address: group for address, group in by_address.items() if len(group) > 1}
    if collisions:
        lines = [
            f"  {address}: " + ", ".join(f"{email!r} (id {user_id})" for user_id, email in group)
            for address, group in sorted(collisions.items())
        ]
        raise EmailCollisionError(
            f"{len(collisions)} email address(es) would belong to more than one account once normalised "
            "(NFKC, case-folded, one form of the domain); nothing was changed. Change or delete all but one "
            "account of each, then run this again:\n" + "\n".join(lines)
        )
    changes = [(group[0][0], address) for address, group in by_address.items() if group[0][1] != address]
    return EmailPlan(changes, refused)
