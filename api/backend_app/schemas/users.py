"""What the API shows of a user. The request bodies live in `schemas.auth` and `schemas.admin`.

Kept apart so GET /api/users/me, the first authenticated request of many clients, imports one
model and not the eight of every auth route (~7 ms under -X importtime).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from backend_app.stores.users import User


class UserOut(BaseModel):
    id: str
    email: str
    role: Literal["user", "admin"]
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, email=user.email, role=user.role, active=user.is_active, created_at=user.created_at)
