"""uvicorn's h11 protocol with a deadline for each request's headers.

Selected with `--http scripts.header_timeout:H11WithHeaderTimeout`.

uvicorn (0.54) starts its `--timeout-keep-alive` timer only after a response, and any byte that
arrives cancels it: a connection that sends part of a request line and headers, or one byte of
them every few seconds, stays open for as long as the client likes (seen for 45 s and more), one
file descriptor and one slot of `--limit-concurrency` each. Here the headers of every request
(the first of a connection too) must arrive whole within `--timeout-keep-alive` seconds of the
connection opening or of the previous response; otherwise the connection is closed without an
answer, as uvicorn closes an idle keep-alive connection. A request whose headers have arrived is
not timed here: the app's `REQUEST_TIMEOUT_S` bounds it.

Used by the self-hosted command (docs/getting-started.md) and `scripts/dev.sh`; the deployed
functions never run uvicorn's protocol (Lambda) or run the platform's own (Vercel).
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class H11WithHeaderTimeout(H11Protocol):
    _headers_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_arrived()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:  # a request line and all its headers were read
            self._headers_arrived()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._await_headers()

    def _await_headers(self) -> None:
        self._headers_arrived()
        self._headers_deadline = self.loop.call_later(self.timeout_keep_alive, self._headers_too_slow)

    def _headers_arrived(self) -> None:
        if self._headers_deadline is not None:
            self._headers_deadline.cancel()
            self._headers_deadline = None

    def _headers_too_slow(self) -> None:
        self._headers_deadline = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.transport.close()
