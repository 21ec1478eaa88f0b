"""User administration: the page of users and an admin's change of a role or active flag.

The routes check that the caller is an admin (`deps.AdminUser`); the rules that protect the
admins themselves are here, inside the unit of work that changes the user.
"""

from __future__ import annotations

import uuid

from backend_app.core.auth_errors import LastAdminError, UserNotFoundError
from backend_app.core.errors import ForbiddenError
from backend_app.services.database import DatabaseService
from backend_app.stores.users import Role, User, UserStore


class UserAdminService:
    def __init__(self, database: DatabaseService) -> None:
        self.database = database
        self.users = UserStore()

    async def page(self, limit: int, offset: int) -> tuple[list[User], int]:
        """Users oldest first, and how many there are."""
        async with self.database.transaction() as conn:
            return await self.users.page(conn, limit, offset)

    async def update(self, actor: User, user_id: uuid.UUID, role: Role | None, active: bool | None) -> User:
        """Change a user's role or active flag; deactivation ends all of the user's tokens.

        The last active admin cannot be demoted or deactivated (`LastAdminError`), and an admin
        cannot demote or deactivate themself (`ForbiddenError`).
        """
        demotes = role == "user" or active is False
        async with self.database.transaction() as conn:
            if demotes:
                # Counted under lock: two admins demoting each other at once cannot leave none.
                admins = await self.users.lock_active_admins(conn)
                target = await self.users.by_id(conn, str(user_id))
                if target is None:
                    raise UserNotFoundError()
                if target.is_admin and target.is_active and admins <= 1:
                    raise LastAdminError()
                if user_id == uuid.UUID(actor.id):
                    # One admin of several may not lock themself out either: another admin decides that.
                    raise ForbiddenError("Admins cannot demote or deactivate themselves.")
            user = await self.users.update(conn, str(user_id), role, active)
        if user is None:
            raise UserNotFoundError()
        return user
