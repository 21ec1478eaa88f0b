"""The signed-in user's own account."""

from __future__ import annotations

from fastapi import APIRouter, Response

from backend_app.deps import Auth, CurrentUser
from backend_app.schemas.users import PasswordChange, UserOut

router = APIRouter(prefix="/api/users", tags=["users"])


@router.get("/me", summary="Who am I")
async def me(user: CurrentUser) -> UserOut:
    return UserOut.of(user)


@router.patch("/me/password", status_code=204, summary="Change my password")
async def change_password(body: PasswordChange, user: CurrentUser, auth: Auth) -> Response:
    """Needs the current password; every token issued before (on every device) stops working."""
    await auth.change_password(user, body.current_password, body.new_password)
    return Response(status_code=204)
