"""Bodies of the admin routes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from backend_app.schemas.body import StrictBody
from backend_app.schemas.users import UserOut


class UserPage(BaseModel):
    items: list[UserOut]
    total: int
    limit: int
    offset: int


class UserUpdate(StrictBody):
    # strict: `"active": 0` is not `false` (found by the schemathesis fuzz)
    model_config = ConfigDict(extra="forbid", strict=True)
    role: Literal["user", "admin"] | None = None
    active: bool | None = None
