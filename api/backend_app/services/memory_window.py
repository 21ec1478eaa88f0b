"""The per-instance rate limit: a moving window in memory, with the standard library only.

The same rule as the `limits` library's moving window, which the shared limit counts in Redis: a
hit is allowed while fewer than `amount` hits of its key were allowed in the last `window_s`
seconds, so there is no burst at a window's edge. Without `REDIS_URL` nothing else needs `limits`
(it imports all of its storages, with packaging, wrapt and deprecated: measured on the bytecode
tree, 5.6% of a bare FastAPI + Mangum app's whole import and first request, ~11 ms of its ~204),
and this one class is all the memory fallback used of it.

Keys whose window has passed are swept every `SWEEP_EVERY` hits, so memory follows the clients
seen in the last window, not every client ever seen.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from backend_app.core.limits_syntax import Limit

SWEEP_EVERY = 1024


class MemoryWindow:
    def __init__(self) -> None:
        self._hits: dict[tuple[str, str, int, int], deque[float]] = {}  # (group, key, amount, window_s) -> hits
        self._lock = threading.Lock()  # two threads' event loops may share one limiter
        self._until_sweep = SWEEP_EVERY

    def hit(self, limit: Limit, group: str, key: str) -> tuple[bool, float, int]:
        """Take a slot: (allowed, when the oldest counted hit leaves the window (epoch s), slots left)."""
        now = time.time()
        with self._lock:
            self._until_sweep -= 1
            if self._until_sweep <= 0:
                self._sweep(now)
            hits = self._hits.setdefault((group, key, limit.amount, limit.window_s), deque())
            while hits and hits[0] <= now - limit.window_s:
                hits.popleft()
            allowed = len(hits) < limit.amount
            if allowed:
                hits.append(now)
            reset_at = (hits[0] if hits else now) + limit.window_s
            return allowed, reset_at, limit.amount - len(hits)

    def free(self, limit: Limit, group: str, key: str) -> bool:
        """Whether a slot is free now, taking none."""
        now = time.time()
        with self._lock:
            hits = self._hits.get((group, key, limit.amount, limit.window_s), ())
            return sum(1 for hit in hits if hit > now - limit.window_s) < limit.amount

    def _sweep(self, now: float) -> None:
        self._until_sweep = SWEEP_EVERY
        expired = [slot for slot, hits in self._hits.items() if not hits or hits[-1] <= now - slot[3]]
        for slot in expired:
            del self._hits[slot]

    def __len__(self) -> int:
        return len(self._hits)
