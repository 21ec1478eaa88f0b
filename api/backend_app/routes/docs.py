"""The Swagger pages, under a Content-Security-Policy that names their inline scripts by hash.

FastAPI's docs page starts swagger-ui with an inline <script> whose text depends on the stage
prefix (`root_path`), and its OAuth2 redirect page is one inline script. A policy with
'unsafe-inline' would let any script that found its way into the page run as well; instead these
routes build FastAPI's own pages, hash each inline script (CSP's 'sha256-...' sources, which every
current browser supports) and send the policy with the page; the hardening layer keeps a policy
the app set. They replace the routes FastAPI adds for `docs_url`, which would also put the redirect
page at `/docs/oauth2-redirect`, outside `/api`, where Vercel's routing never sends it.

swagger-ui's script, stylesheet and icon come from the pinned `fastapi-offline` package and are
served under /api/docs/ by these routes, not from a CDN: the page works offline and behind a
firewall, and its policy names no other origin. Should the script still not load (a proxy that
strips it, a broken install), a second inline script puts that, and where the schema is, on the
page instead of leaving it blank.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse

DOCS_URL, OPENAPI_URL = "/api/docs", "/api/openapi.json"
REDIRECT_URL = DOCS_URL + "/oauth2-redirect"
ASSETS = Path(fastapi_offline.__file__).parent / "static"
# File in ASSETS, served at /api/docs/<file> -> its media type.
ASSET_FILES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon.png": "image/png",
}
# The files change only with the package's pin; a day in caches spares a reload the 1.5 MB script.
ASSET_CACHE = "public, max-age=86400"
# An inline script is a <script> without attributes in FastAPI's pages (swagger-ui's file carries src=).
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def docs_csp(script_hashes: Iterable[str]) -> str:
    """The Swagger pages' policy; `script_hashes` are the base64 sha256 digests of their inline scripts.

    Inline styles stay allowed: swagger-ui sets style attributes from its own script, and a style
    cannot run code. Its icons are data: URLs; the page fetches the schema from its own origin.
    The hardening layer keeps this policy, as it keeps any header the app set.
    """
    inline = " ".join(f"'sha256-{digest}'" for digest in script_hashes)
    return (
        f"default-src 'none'; script-src 'self' {inline}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def with_script_hashes(page: HTMLResponse) -> HTMLResponse:
    """`page` with a policy that allows exactly its inline scripts (hashed as the browser does: UTF-8 text)."""
    scripts = _INLINE_SCRIPT.findall(page.body)
    page.headers["content-security-policy"] = docs_csp(b64_sha256(script) for script in scripts)
    return page


def _js_string(text: str) -> str:
    # A JSON string that cannot end the <script> element it sits in (the prefix comes from the platform).
    return json.dumps(text).replace("<", "\\u003c")


def with_load_check(page: HTMLResponse, script_url: str, openapi_url: str) -> HTMLResponse:
    """`page` with a last script that says on the page, visibly, when swagger-ui's script did not load."""
    message = (
        f"The API docs could not load: swagger-ui's script ({script_url}) did not load (blocked, or missing "
        f"from the deployment). The OpenAPI schema is at {openapi_url}."
    )
    check = (
        '<script>if (typeof SwaggerUIBundle === "undefined") {'
        f' const box = document.getElementById("swagger-ui"); box.textContent = {_js_string(message)};'
        ' box.setAttribute("role", "alert"); box.style.cssText = "font: 16px sans-serif; margin: 2em; color: #a40000";'
        " }</script>"
    )
    # Last on the page: swagger-ui's start-up script has thrown its ReferenceError by then, and an
    # error in one script does not stop the next.
    body = bytes(page.body).decode("utf-8").replace("</body>", check + "\n</body>", 1)
    return HTMLResponse(body, status_code=page.status_code)


def install_docs(app: FastAPI) -> None:
    """Serve the docs page, its OAuth2 redirect page and swagger-ui's files (create the app with `docs_url=None`)."""
    missing = [name for name in ASSET_FILES if not (ASSETS / name).is_file()]
    if missing:  # a broken install fails the load, with the diagnosis, instead of a blank page later
        raise RuntimeError(f"fastapi-offline's swagger-ui files are missing from {ASSETS}: {', '.join(missing)}")

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")  # a stage or API_BASE_PATH in front
        script_url = f"{root}{DOCS_URL}/swagger-ui-bundle.js"
        page = get_swagger_ui_html(
            openapi_url=root + OPENAPI_URL,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=root + REDIRECT_URL,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
            swagger_js_url=script_url,
            swagger_css_url=f"{root}{DOCS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_URL}/favicon.png",
        )
        return with_script_hashes(with_load_check(page, script_url, root + OPENAPI_URL))

    async def oauth2_redirect(_request: Request) -> HTMLResponse:
        return with_script_hashes(get_swagger_ui_oauth2_redirect_html())

    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_route(REDIRECT_URL, oauth2_redirect, include_in_schema=False)
    for name, media_type in ASSET_FILES.items():
        app.add_route(f"{DOCS_URL}/{name}", asset_route(ASSETS / name, media_type), include_in_schema=False)


def asset_route(path: Path, media_type: str) -> Callable[[Request], Awaitable[FileResponse]]:
    async def asset(_request: Request) -> FileResponse:
        return FileResponse(path, media_type=media_type, headers={"cache-control": ASSET_CACHE})

    return asset
