"""The signed-in user's own account: who am I. The password change is in `routes.password`."""

from __future__ import annotations

from fastapi import APIRouter

from backend_app.core.auth_errors import AccountDisabledError
from backend_app.core.openapi import errors_of
from backend_app.deps import CurrentUser
from backend_app.schemas.users import UserOut

router = APIRouter(prefix="/api/users", tags=["users"], responses=errors_of(AccountDisabledError))


@router.get("/me", summary="Who am I")
async def me(user: CurrentUser) -> UserOut:
    return UserOut.of(user)
