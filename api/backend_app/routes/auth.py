"""Register, log in, refresh and log out."""

from __future__ import annotations

from typing import Any

import python_multipart  # noqa: F401  (Starlette's form parser for the login form: a missing one fails the load)
from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from backend_app.core.auth_errors import (
    AccountDisabledError,
    EmailTakenError,
    InvalidCredentialsError,
    InvalidTokenError,
)
from backend_app.core.openapi import errors_of
from backend_app.deps import AuthDep, CurrentSession, LoginLimitDep
from backend_app.schemas.auth import Credentials, LoginCredentials, RefreshRequest, TokenResponse
from backend_app.schemas.users import UserOut
from backend_app.services.auth import TokenPair
from failsafe.catalogue import AUTH_PATH

router = APIRouter(prefix=AUTH_PATH, tags=["auth"])

_LOGIN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": LoginCredentials.model_json_schema()},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {
                        "username": {"type": "string", "description": "the email"},
                        "password": {"type": "string"},
                    },
                }
            },
        },
    }
}


def _tokens(pair: TokenPair) -> TokenResponse:
    return TokenResponse(access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in)


@router.post("/register", status_code=201, summary="Create an account", responses=errors_of(EmailTakenError))
async def register(body: Credentials, auth: AuthDep) -> UserOut:
    """201 with the new user; 409 `email_taken` when the address has an account (which reveals it)."""
    return UserOut.of(await auth.register(body.email, body.password))


async def _login_body(request: Request) -> LoginCredentials:
    # JSON for programs, the OAuth2 password form (username = email) for the docs' Authorize button.
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/x-www-form-urlencoded" or content_type == "multipart/form-data":
            form = await request.form()
            return LoginCredentials(email=str(form.get("username") or ""), password=str(form.get("password") or ""))
        return LoginCredentials.model_validate_json(await request.body())
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            raise RequestValidationError([{"type": "json_invalid", "loc": ("body",), "msg": "invalid"}]) from None
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None


@router.post(
    "/login",
    openapi_extra=_LOGIN_BODY,
    summary="Log in for an access and a refresh token",
    responses=errors_of(InvalidCredentialsError, AccountDisabledError),
)
async def login(request: Request, auth: AuthDep, login_limit: LoginLimitDep) -> TokenResponse:
    """401 `invalid_credentials` for a wrong password and an unknown email alike."""
    body = await _login_body(request)
    async with login_limit.attempt(request.scope, body.email):  # normalised by the schema
        return _tokens(await auth.login(body.email, body.password))


@router.post(
    "/refresh",
    summary="Trade a refresh token for a new pair",
    responses=errors_of(InvalidTokenError, AccountDisabledError),
)
async def refresh(body: RefreshRequest, auth: AuthDep) -> TokenResponse:
    """Rotation: the refresh token sent here stops working."""
    return _tokens(await auth.refresh(body.refresh_token))


@router.post("/logout", status_code=204, summary="End this login's session", responses=errors_of(AccountDisabledError))
async def logout(session: CurrentSession, auth: AuthDep) -> Response:
    """The access and refresh tokens of this login stop working, on every instance."""
    await auth.logout(*session)
    return Response(status_code=204)
