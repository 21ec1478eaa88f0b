"""The per-instance moving window: the `limits` library's rule, without the library."""

from __future__ import annotations

import time

import pytest
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from backend_app.core.limits_syntax import parse_limit
from backend_app.services import memory_window
from backend_app.services.memory_window import MemoryWindow


def test_allows_the_amount_then_refuses_until_the_oldest_hit_leaves_the_window() -> None:
    window, limit = MemoryWindow(), parse_limit("3 per 1 second")
    started = time.time()
    taken = [window.hit(limit, "g", "k") for _ in range(4)]
    assert [allowed for allowed, _, _ in taken] == [True, True, True, False]
    assert [remaining for _, _, remaining in taken] == [2, 1, 0, 0]
    assert started + 1 <= taken[-1][1] <= time.time() + 1  # the first hit leaves the window then
    assert window.hit(limit, "g", "other")[0]  # keys do not share a window
    assert window.hit(limit, "other", "k")[0]  # nor groups
    time.sleep(max(0.0, taken[0][1] - time.time()) + 0.05)
    assert window.hit(limit, "g", "k")[:1] == (True,)


def test_the_same_verdicts_as_the_librarys_moving_window() -> None:
    window, library = MemoryWindow(), MovingWindowRateLimiter(MemoryStorage())
    limit = parse_limit("5/minute")
    ours = [window.hit(limit, "g", "k") for _ in range(7)]
    theirs = [library.hit(parse("5/minute"), "g", "k") for _ in range(7)]
    assert [allowed for allowed, _, _ in ours] == theirs
    stats = library.get_window_stats(parse("5/minute"), "g", "k")
    assert ours[-1][2] == stats.remaining == 0
    assert abs(ours[-1][1] - stats.reset_time) < 1


def test_keys_whose_window_passed_are_swept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory_window, "SWEEP_EVERY", 50)
    window, short, long = MemoryWindow(), parse_limit("1 per 1 second"), parse_limit("1/hour")
    for client in range(40):
        window.hit(short, "g", f"client-{client}")
    window.hit(long, "g", "stays")
    assert len(window) == 41
    time.sleep(1.05)
    for _ in range(10):  # the sweep runs on the 50th hit
        window.hit(long, "g", "stays")
    assert len(window) == 1
