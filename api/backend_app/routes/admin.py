"""User administration, for admins only (403 `forbidden` for everyone else)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from backend_app.core.auth_errors import AccountDisabledError, LastAdminError, UserNotFoundError
from backend_app.core.errors import ForbiddenError
from backend_app.core.openapi import errors_of
from backend_app.deps import AdminUser, UserAdminDep
from backend_app.schemas.admin import UserPage, UserUpdate
from backend_app.schemas.users import UserOut

router = APIRouter(prefix="/api/admin", tags=["admin"], responses=errors_of(ForbiddenError, AccountDisabledError))
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]


@router.get("/users", summary="List users, oldest first")
async def list_users(_: AdminUser, user_admin: UserAdminDep, limit: Limit = 50, offset: Offset = 0) -> UserPage:
    users, total = await user_admin.page(limit, offset)
    return UserPage(items=[UserOut.of(u) for u in users], total=total, limit=limit, offset=offset)


@router.patch(
    "/users/{user_id}",
    summary="Change a user's role or active flag",
    responses=errors_of(UserNotFoundError, LastAdminError),
)
async def update_user(user_id: uuid.UUID, body: UserUpdate, admin: AdminUser, user_admin: UserAdminDep) -> UserOut:
    """Deactivating a user ends all of their tokens at once. The last active admin cannot be
    demoted or deactivated (409 `last_admin`); an admin cannot demote or deactivate themself (403)."""
    # A UUID, not a string: upper case, no hyphens or `urn:uuid:` name the same user.
    return UserOut.of(await user_admin.update(admin, user_id, body.role, body.active))
