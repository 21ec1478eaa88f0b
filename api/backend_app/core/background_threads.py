"""Worker threads for CPU-heavy work, scheduled below the event loop, behind an anyio limit.

Why a lower priority: on 2 cores, two argon2 threads hashing flat out (~30 ms of CPU per login,
against ~2.5 ms on the event loop) compete for CPU with the event-loop thread on equal terms, so
a health check waits for the scheduler behind them: bench/auth_login_load.py measured health
p99 at 5-7x its idle p99 with 8 clients logging in, and 2.0x (1.7-2.6x) with the hashing
threads at nice +10, while logins/s stayed within the noise of raw verifies/s. The kernel now
runs the loop as soon as it wakes; hashing gets whatever CPU the loop (and any other process at
the usual priority) leaves. Nice values are per thread on Linux; elsewhere (macOS development
machines) the threads keep their priority.

Why our own threads, not anyio's worker pool: a thread can lower its priority but, without
CAP_SYS_NICE (Lambda has none), never raise it back, and anyio's workers also run Starlette's
`run_in_threadpool` (sync dependencies such as `get_auth` on every auth request, file
responses), which must not inherit a lowered priority. So the threads here are created for this
work and only ever run it; anyio still decides how many run at once (`CapacityLimiter`), and an
anyio cancellation waits for the thread to finish, as in `anyio.to_thread.run_sync` (a plain
asyncio cancellation, e.g. the request deadline, stops waiting at once in both).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio

T = TypeVar("T")

# Added to the nice value the thread starts with (the OS caps it at 19). Measured, loaded/idle
# health p99, medians of 4 interleaved runs each: +0 6.8x, +5 3.5x, +10 2.0x, +19 1.7x (within
# the noise of +10). +10 rather than +19 (reasoned, not measured): a lowered thread holding the
# GIL for passlib's few Python lines keeps the loop waiting until it runs again, and against
# other busy processes a +19 thread gets ~1.5% of a core, a +10 one ~10%.
NICE_INCREMENT = 10


def lower_this_thread(increment: int = NICE_INCREMENT) -> bool:
    """Lower the calling thread's (never the process's) priority; False where that is not possible."""
    if not sys.platform.startswith("linux") or increment <= 0:
        return False  # PRIO_PROCESS with a thread id means a thread on Linux only
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + increment))
    except OSError:  # a sandbox that forbids it: the work still runs, at the usual priority
        return False
    return True


class LowPriorityThreads:
    """At most `size` calls at once, each in one of `size` threads that lowered their priority at start."""

    def __init__(self, size: int, name: str, increment: int = NICE_INCREMENT) -> None:
        self.size, self._name, self._increment = size, name, increment
        self._executor: ThreadPoolExecutor | None = None  # threads start on first use, not at import
        self._executor_lock = threading.Lock()
        self._limiter: anyio.CapacityLimiter | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def limiter(self) -> anyio.CapacityLimiter:
        loop = asyncio.get_running_loop()  # a limiter belongs to one event loop
        if self._limiter is None or self._loop is not loop:
            self._limiter, self._loop = anyio.CapacityLimiter(self.size), loop
        return self._limiter

    def _pool(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    self.size, thread_name_prefix=self._name, initializer=lower_this_thread, initargs=(self._increment,)
                )
            return self._executor

    async def run(self, func: Callable[[], T]) -> T:
        async with self.limiter():
            future = self._pool().submit(func)
            # As anyio.to_thread.run_sync: the caller's slot is held until the thread has finished,
            # so a cancelled request never leaves more than `size` hashes running.
            with anyio.CancelScope(shield=True):
                result = await asyncio.wrap_future(future)
        return result
