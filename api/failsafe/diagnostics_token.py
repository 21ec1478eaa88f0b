"""`DIAGNOSTICS_TOKEN`: who may see the fallback's traceback. Standard library only.

A short token can be guessed (13 unthrottled requests found `abc`), so one under
`MIN_TOKEN_CHARS` is not honoured at all, and says so once in the log and in `/api/status`.
Wrong tokens are limited per client address (`MAX_WRONG` in `WINDOW_S`, per instance): once a
client reaches the limit, its requests sending a token get 429 until the window has moved on,
while everyone else's token is still checked. A limit for all clients together let eleven
wrong guesses hold the real token off for everyone; spreading guesses over addresses gains
nothing against a token of 32 characters or more. The address is the one the platform vouches
for (`client_key`); the traceback is in the ERROR log line anyway.
"""

from __future__ import annotations

import collections
import hmac
import threading
import time
from collections.abc import Callable

from failsafe.asgi import Scope
from failsafe.logs import get_logger

log = get_logger("diagnostics")
MIN_TOKEN_CHARS = 32
MAX_WRONG = 10
WINDOW_S = 60.0
MAX_CLIENTS = 10_000  # clients remembered at once: memory stays bounded whatever the addresses
SHORT_TOKEN_WARNING = (
    f"DIAGNOSTICS_TOKEN is shorter than {MIN_TOKEN_CHARS} characters and is not honoured: "
    "a short token can be guessed (use e.g. `openssl rand -hex 32`)"
)


def token_warnings(token: str | None) -> list[str]:
    return [SHORT_TOKEN_WARNING] if token and len(token) < MIN_TOKEN_CHARS else []


def client_key(scope: Scope) -> str:
    """The client's address as the platform gave it: API Gateway's `sourceIp`, Vercel's, the peer.

    Behind ALB the scope holds the whole `X-Forwarded-For`; its last hop is the one ALB appended.
    """
    client = scope.get("client")
    address = str(client[0]) if client and client[0] else ""
    return address.rsplit(",", 1)[-1].strip()


class DiagnosticsToken:
    def __init__(self, token: str | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.warnings = token_warnings(token)
        if self.warnings:
            log.warning(SHORT_TOKEN_WARNING)
        self._token = token.encode() if token and not self.warnings else None
        self._clock = clock
        self._wrong: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def limited(self, client: str) -> float | None:
        """Seconds until `client`'s token is checked again, or None when it is checked now."""
        now = self._clock()
        with self._lock:
            wrong = self._wrong.get(client)
            if wrong is None:
                return None
            while wrong and wrong[0] <= now - WINDOW_S:
                wrong.popleft()
            if len(wrong) < MAX_WRONG:
                return None
            return max(1.0, wrong[0] + WINDOW_S - now)

    def matches(self, sent: str, client: str) -> bool:
        """Whether `sent` is the token; a wrong one counts against `client`'s limit (check `limited` first)."""
        if self._token is None:
            return False  # nothing to guess
        # Constant-time comparison: the token guards tracebacks, so do not leak it by timing.
        if hmac.compare_digest(sent.encode(), self._token):
            return True
        now = self._clock()
        with self._lock:
            if client not in self._wrong and len(self._wrong) >= MAX_CLIENTS:
                self._forget(now)
            self._wrong.setdefault(client, collections.deque()).append(now)
        return False

    def _forget(self, now: float) -> None:
        """Drop the clients whose window has passed; the oldest one too, if that frees nothing."""
        for client in [c for c, wrong in self._wrong.items() if not wrong or wrong[-1] <= now - WINDOW_S]:
            del self._wrong[client]
        if len(self._wrong) >= MAX_CLIENTS:
            del self._wrong[next(iter(self._wrong))]
