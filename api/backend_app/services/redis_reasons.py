"""Why Redis failed, in words for /api/status: never the URL, the host or the password.

redis-py wraps socket errors in its own `ConnectionError` whose message names host and port, so
the reason is read from the exception types along the `__cause__`/`__context__` chain instead.
Imported with the connector, so only when `REDIS_URL` is set.
"""

from __future__ import annotations

import socket
import ssl

from redis import exceptions as redis_exc


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 8:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def describe(exc: BaseException, timeout_s: float) -> str:
    chain = _chain(exc)
    for error in chain:
        if isinstance(error, redis_exc.AuthenticationError | redis_exc.AuthenticationWrongNumberOfArgsError):
            return "authentication failed"
        if isinstance(error, redis_exc.ResponseError) and str(error).startswith(("WRONGPASS", "NOAUTH")):
            return "authentication failed"
        if isinstance(error, socket.gaierror):
            return "host name not resolved"
        if isinstance(error, ConnectionRefusedError):
            return "connection refused"
        if isinstance(error, ssl.SSLError):
            return "TLS handshake failed"
    for error in chain:
        if isinstance(error, TimeoutError | redis_exc.TimeoutError | socket.timeout):
            return f"timed out after {timeout_s:g}s"
    if isinstance(exc, redis_exc.ConnectionError) and str(exc).startswith("Connection closed by server"):
        return "connection closed by the server"
    if isinstance(exc, redis_exc.ResponseError):
        return "Redis answered with an error"
    if isinstance(exc, redis_exc.ConnectionError | OSError):
        return f"connection failed ({type(exc).__name__})"
    return f"failed ({type(exc).__name__})"
