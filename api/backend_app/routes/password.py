"""The signed-in user's password change (the rest of the account is in `routes.users`)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from backend_app.core.auth_errors import AccountDisabledError, InvalidCredentialsError
from backend_app.core.openapi import errors_of
from backend_app.deps import AuthDep, CurrentUser, LoginLimitDep
from backend_app.schemas.auth import PasswordChange

router = APIRouter(prefix="/api/users", tags=["users"], responses=errors_of(AccountDisabledError))


@router.patch(
    "/me/password", status_code=204, summary="Change my password", responses=errors_of(InvalidCredentialsError)
)
async def change_password(
    request: Request, body: PasswordChange, user: CurrentUser, auth: AuthDep, login_limit: LoginLimitDep
) -> Response:
    """Needs the current password; every token issued before (on every device) stops working.

    Each attempt counts against the same per-account limits as a login (`services.login_limit`).
    """
    async with login_limit.attempt(request.scope, user.email):
        await auth.change_password(user, body.current_password, body.new_password)
    return Response(status_code=204)
