"""`DIAGNOSTICS_TOKEN`: who may see the fallback's traceback. Standard library only.

A short token can be guessed (13 unthrottled requests found `abc`), so one under
`MIN_TOKEN_CHARS` is not honoured at all, and says so once in the log and in `/api/status`.
Wrong tokens are limited per instance, from every client together (`MAX_WRONG` in
`WINDOW_S`): the fallback trusts no client address, and a limit that an attacker can spread
over addresses would not slow guessing. Once the limit is reached, every request sending a
token gets 429 until the window has moved on; the traceback is in the ERROR log line anyway.
"""

from __future__ import annotations

import collections
import hmac
import threading
import time
from collections.abc import Callable

from failsafe.logs import get_logger

log = get_logger("diagnostics")
MIN_TOKEN_CHARS = 32
MAX_WRONG = 10
WINDOW_S = 60.0
SHORT_TOKEN_WARNING = (
    f"DIAGNOSTICS_TOKEN is shorter than {MIN_TOKEN_CHARS} characters and is not honoured: "
    "a short token can be guessed (use e.g. `openssl rand -hex 32`)"
)


def token_warnings(token: str | None) -> list[str]:
    return [SHORT_TOKEN_WARNING] if token and len(token) < MIN_TOKEN_CHARS else []


class DiagnosticsToken:
    def __init__(self, token: str | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.warnings = token_warnings(token)
        if self.warnings:
            log.warning(SHORT_TOKEN_WARNING)
        self._token = token.encode() if token and not self.warnings else None
        self._clock = clock
        self._wrong: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def limited(self) -> float | None:
        """Seconds until a token is checked again, or None when it is checked now."""
        now = self._clock()
        with self._lock:
            while self._wrong and self._wrong[0] <= now - WINDOW_S:
                self._wrong.popleft()
            if len(self._wrong) < MAX_WRONG:
                return None
            return max(1.0, self._wrong[0] + WINDOW_S - now)

    def matches(self, sent: str) -> bool:
        """Whether `sent` is the token; a wrong one counts against the limit (check `limited` first)."""
        if self._token is None:
            return False  # nothing to guess
        # Constant-time comparison: the token guards tracebacks, so do not leak it by timing.
        if hmac.compare_digest(sent.encode(), self._token):
            return True
        with self._lock:
            self._wrong.append(self._clock())
        return False
