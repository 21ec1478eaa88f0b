"""The Swagger pages, under a Content-Security-Policy that names their inline scripts by hash.

FastAPI's docs page starts swagger-ui with an inline <script> whose text depends on the stage
prefix (`root_path`), and its OAuth2 redirect page is one inline script. A policy with
'unsafe-inline' would let any script that found its way into the page run as well; instead these
routes build FastAPI's own pages, hash each inline script (CSP's 'sha256-...' sources, which every
current browser supports) and send the policy with the page; `failsafe.edge` keeps a policy the
app set. They replace the routes FastAPI adds for `docs_url`, which would also put the redirect
page at `/docs/oauth2-redirect`, outside `/api`, where Vercel's routing never sends it.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse

from failsafe.middleware.security_headers import docs_csp

DOCS_URL, OPENAPI_URL = "/api/docs", "/api/openapi.json"
REDIRECT_URL = DOCS_URL + "/oauth2-redirect"
# An inline script is a <script> without attributes in FastAPI's pages (the CDN ones carry src=).
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def with_script_hashes(page: HTMLResponse) -> HTMLResponse:
    """`page` with a policy that allows exactly its inline scripts (hashed as the browser does: UTF-8 text)."""
    scripts = _INLINE_SCRIPT.findall(page.body)
    page.headers["content-security-policy"] = docs_csp(b64_sha256(script) for script in scripts)
    return page


def install_docs(app: FastAPI) -> None:
    """Serve the docs page and its OAuth2 redirect page (create the app with `docs_url=None`)."""

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")  # a stage or API_BASE_PATH in front
        page = get_swagger_ui_html(
            openapi_url=root + OPENAPI_URL, title=f"{app.title} - Swagger UI", oauth2_redirect_url=root + REDIRECT_URL,
            init_oauth=app.swagger_ui_init_oauth, swagger_ui_parameters=app.swagger_ui_parameters,
        )  # fmt: skip
        return with_script_hashes(page)

    async def oauth2_redirect(_request: Request) -> HTMLResponse:
        return with_script_hashes(get_swagger_ui_oauth2_redirect_html())

    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_route(REDIRECT_URL, oauth2_redirect, include_in_schema=False)
