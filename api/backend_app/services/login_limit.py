"""The per-account login limit, on top of the per-client limit the rate-limit middleware applies.

Uses the shared limiter (`app.state.rate_limiter`, issue 4) when the app has one; an app without
it logs in unlimited per account (the per-client middleware limit is then absent too).
"""

from __future__ import annotations

from typing import Any

from backend_app.services.users import normalize_email


async def check_account_limit(state: Any, email: str) -> None:
    limiter = getattr(state, "rate_limiter", None)
    limit = getattr(state.settings, "rate_limit_auth", None)
    if limiter is None or not limit:
        return
    # Raises RateLimitedError (429) or RateLimitUnavailableError (503): both are AppErrors.
    await limiter.check("auth", limit, "account:" + normalize_email(email))
