"""User administration, for admins only (403 `forbidden` for everyone else)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from backend_app.core.auth_errors import AccountDisabledError, UserNotFoundError
from backend_app.core.errors import ForbiddenError
from backend_app.core.openapi import errors_of
from backend_app.deps import AdminUser, Auth
from backend_app.schemas.admin import UserPage, UserUpdate
from backend_app.schemas.users import UserOut

router = APIRouter(prefix="/api/admin", tags=["admin"], responses=errors_of(ForbiddenError, AccountDisabledError))


@router.get("/users", summary="List users, oldest first")
async def list_users(
    _: AdminUser, auth: Auth,
    limit: Annotated[int, Query(ge=1, le=100)] = 50, offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> UserPage:  # fmt: skip
    async with auth.database.transaction() as conn:
        users, total = await auth.users.page(conn, limit, offset)
    return UserPage(items=[UserOut.of(u) for u in users], total=total, limit=limit, offset=offset)


@router.patch("/users/{user_id}", summary="Change a user's role or active flag", responses=errors_of(UserNotFoundError))
async def update_user(user_id: str, body: UserUpdate, admin: AdminUser, auth: Auth) -> UserOut:
    """Deactivating a user ends all of their tokens at once."""
    if user_id == admin.id and (body.role == "user" or body.active is False):
        # An admin locking themself out could leave no admin at all.
        raise ForbiddenError("Admins cannot demote or deactivate themselves.")
    async with auth.database.transaction() as conn:
        user = await auth.users.update(conn, user_id, body.role, body.active)
    if user is None:
        raise UserNotFoundError()
    return UserOut.of(user)
