"""The per-account login limit, on top of the per-address limit the rate-limit middleware applies.

The middleware counts every /api/auth/ request per client address (`RATE_LIMIT_AUTH`); this adds
the same limit per account, so guessing one account's password from many addresses is slowed as
well. It runs before the password is checked: a refused attempt costs no hash.
"""

from __future__ import annotations

from typing import Any

from backend_app.core.config import Settings
from backend_app.services.ratelimit import RateLimiter
from backend_app.services.users import normalize_email


async def check_account_limit(state: Any, email: str) -> None:
    settings: Settings = state.settings
    limiter: RateLimiter | None = getattr(state, "rate_limiter", None)
    if limiter is None or not settings.rate_limit_enabled:
        return
    # Raises RateLimitedError (429) or RateLimitUnavailableError (503): both are AppErrors.
    await limiter.check("auth", settings.rate_limit_auth, "account:" + normalize_email(email))
