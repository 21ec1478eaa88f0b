"""Password guesses against one account: login and the password change share these limits.

- Per account and client address (`core.client_ip`), `RATE_LIMIT_AUTH` (10/minute by default),
  counting attempts: one address guessing one account is slowed at once.
- Per account, `RATE_LIMIT_ACCOUNT` (100/hour by default), counting wrong passwords from every
  address together. It holds back only addresses that have themselves sent a wrong password for
  this account within its window: an address that has not is let through to the password check.
  So a stranger's guesses, from any number of addresses, cannot keep the owner out (OWASP's
  authentication guidance and NIST SP 800-63B 5.2.2 ask for throttling that is no denial of
  service), while guessing stays bounded: once the ceiling is reached, each further guess needs
  an address (an IPv6 /64) that has not yet guessed this account in the window.

Both are taken before the password is checked, so a refused attempt costs no hash. Unknown
emails are counted the same way, so a 429 reveals nothing about which accounts exist. The attempt
that takes a counter's last slot logs one WARNING. The per-address limit of the rate-limit
middleware still applies to /api/auth/ as a whole. docs/security.md says why this design.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from backend_app.core.auth_errors import InvalidCredentialsError
from backend_app.core.client_ip import ClientAddressResolver
from backend_app.core.config import Settings
from backend_app.core.limits_syntax import parse_limit
from backend_app.services.ratelimit import RateLimitDecision, RateLimiter
from failsafe.asgi import Scope
from failsafe.logs import get_logger

log = get_logger("auth")
_LOCKED = "password attempts locked for account %s from client %s: %s (%s) reached; a slot frees in %d s"
GROUP = "auth"


def _account_key(email: str) -> str:
    # A digest, not the address: the key shows up in Redis and in the WARNING line.
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


class LoginLimit:
    def __init__(self, settings: Settings, limiter: RateLimiter, client_address: ClientAddressResolver) -> None:
        self.settings = settings
        self.limiter = limiter
        self.client_address = client_address
        # One mark per account and address that sent a wrong password, kept as long as the ceiling counts it.
        self._failed_mark = f"1 per {parse_limit(settings.rate_limit_account).window_s} seconds"

    @asynccontextmanager
    async def attempt(self, scope: Scope, email: str) -> AsyncIterator[None]:
        """One password attempt on `email` (normalised): the block checks the password.

        Refused before the block with RateLimitedError (429) when no slot is left; the block's
        `InvalidCredentialsError` is counted as a wrong password, then passed on.
        """
        settings = self.settings
        if not settings.rate_limit_enabled:
            yield
            return
        account = _account_key(email)
        client = self.client_address(scope)
        pair = f"account:{account}|client:{client}"
        # Raises RateLimitedError (429) or RateLimitUnavailableError (503): both are AppErrors.
        warn = _Warn(account, client)
        per_pair, ceiling = settings.rate_limit_auth, settings.rate_limit_account
        warn(await self.limiter.check(GROUP, per_pair, pair, "RATE_LIMIT_AUTH"), "RATE_LIMIT_AUTH", per_pair)
        has_failed = not await self.limiter.free(GROUP, self._failed_mark, f"{pair}|failed")
        if has_failed:  # this address guessed wrong before: it meets the account's ceiling
            decision = await self.limiter.check(GROUP, ceiling, f"account:{account}", "RATE_LIMIT_ACCOUNT")
            warn(decision, "RATE_LIMIT_ACCOUNT", ceiling)
        try:
            yield
        except InvalidCredentialsError:
            if not has_failed:  # counted above otherwise
                decision = await self.limiter.take(GROUP, ceiling, f"account:{account}")
                if decision.allowed:
                    warn(decision, "RATE_LIMIT_ACCOUNT", ceiling)
            await self.limiter.take(GROUP, self._failed_mark, f"{pair}|failed")
            raise


class _Warn:
    """The WARNING of the attempt that takes a counter's last slot: the account is locked from then on."""

    def __init__(self, account: str, client: str) -> None:
        self.account, self.client = account, client

    def __call__(self, decision: RateLimitDecision, setting: str, limit: str) -> None:
        if decision.remaining == 0:
            log.warning(_LOCKED, self.account, self.client, setting, limit, decision.reset_after_s)
