"""The template's API plus public/ on one origin, under a strict CSP (run by uvicorn, cwd = a project copy).

Stands in for Vercel, which serves public/ and rewrites /api/* to the function on the same origin.
"""

from __future__ import annotations

import os

from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from api.index import app as api

# As strict as a production header can be for this page; ?api= needs the API's origin in connect-src.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    f"connect-src 'self' {os.environ.get('CSP_CONNECT', '')}; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
).encode()
static = StaticFiles(directory="public", html=True)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan" or scope["path"].startswith("/api/"):
        await api(scope, receive, send)
        return

    async def with_csp(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), (b"content-security-policy", CSP)]
        await send(message)

    await static(scope, receive, with_csp)
