"""Bodies of the auth routes and of the password change.

Emails are checked by shape (one @, a dot in the domain, at most 254 characters) and arrive
normalised (`core.emails`: NFKC, case-folded, one form of the domain; control and invisible
characters and a trailing dot are a 422): the `email-validator` package would add imports to
every cold start for little gain; an address is proven by mail, not by syntax. Passwords are 8 to
128 characters: longer is refused so a huge input cannot turn into a CPU attack on the hasher.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from backend_app.core.emails import normalize_email
from backend_app.schemas.body import StrictBody

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(normalize_email),
]
Password = Annotated[str, Field(min_length=8, max_length=128)]


class Credentials(StrictBody):
    email: Email
    password: Password


class LoginCredentials(BaseModel):
    # Login checks no password length: a rule changed later must not lock out existing users,
    # and an unknown length must not answer differently from a wrong password.
    email: Annotated[str, Field(max_length=254), AfterValidator(normalize_email)]
    password: Annotated[str, Field(max_length=128)]


class RefreshRequest(BaseModel):
    refresh_token: Annotated[str, Field(max_length=4096)]


class PasswordChange(BaseModel):
    current_password: Annotated[str, Field(max_length=128)]
    new_password: Password


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int
