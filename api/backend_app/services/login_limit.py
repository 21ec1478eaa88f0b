"""Password guesses against one account: login and the password change share these limits.

Two counters, each taken before the password is checked (a refused attempt costs no hash, and
concurrent guesses cannot all pass a check that only counts afterwards):

- per account and client address (`core.client_ip`), `RATE_LIMIT_AUTH` (10/minute by default): one address guessing
  one account is slowed at once, and guesses from elsewhere do not lock the owner out;
- per account across all addresses, `RATE_LIMIT_ACCOUNT` (100/hour by default): guessing spread
  over many addresses is still slowed, while a handful of requests cannot lock the owner out.

Unknown emails are counted the same way, so a 429 reveals nothing about which accounts exist.
The attempt that takes a counter's last slot logs one WARNING: the account is locked from then on
until the window frees a slot. The per-address limit of the rate-limit middleware still applies
to /api/auth/ as a whole.
"""

from __future__ import annotations

import hashlib

from backend_app.core.client_ip import ClientAddressResolver
from backend_app.core.config import Settings
from backend_app.services.ratelimit import RateLimiter
from failsafe.asgi import Scope
from failsafe.logs import get_logger

log = get_logger("auth")
_LOCKED = "password attempts locked for account %s from client %s: %s (%s) reached; a slot frees in %d s"


def _account_key(email: str) -> str:
    # A digest, not the address: the key shows up in Redis and in the WARNING line.
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


class LoginLimit:
    def __init__(self, settings: Settings, limiter: RateLimiter, client_address: ClientAddressResolver) -> None:
        self.settings = settings
        self.limiter = limiter
        self.client_address = client_address

    async def take(self, scope: Scope, email: str) -> None:
        """Take a slot for one password attempt on `email` (normalised); RateLimitedError (429) when none is left."""
        settings = self.settings
        if not settings.rate_limit_enabled:
            return
        account = _account_key(email)
        client = self.client_address(scope)
        checks = (
            ("RATE_LIMIT_AUTH", settings.rate_limit_auth, f"account:{account}|client:{client}"),
            ("RATE_LIMIT_ACCOUNT", settings.rate_limit_account, f"account:{account}"),
        )
        for setting, limit, key in checks:
            # Raises RateLimitedError (429) or RateLimitUnavailableError (503): both are AppErrors.
            decision = await self.limiter.check("auth", limit, key, setting)
            if decision.remaining == 0:
                log.warning(_LOCKED, account, client, setting, limit, decision.reset_after_s)
