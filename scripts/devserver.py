"""What `scripts/dev.sh` serves: `public/` at / as Vercel serves it, every other path to the app.

A file in `public/` wins, with the headers `vercel.json` gives its path (the emulator's
`VercelRoutes`, so the status page gets the same policy as deployed); anything else goes to
`api.index:app`, which answers its own 404 envelope. Each request is logged once, as one JSON
line: the app logs its own, this logs the static ones the same way (uvicorn's access log is off).
Development only: it is never part of a deployment.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from scripts.localplatform.static import static_response
from scripts.localplatform.vercelconfig import VercelRoutes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "api"))  # the entry as Lambda imports it, index.py at the top
from index import app as backend  # noqa: E402

from failsafe.access_log import log_request  # noqa: E402
from failsafe.asgi import Receive, Scope, Send  # noqa: E402

ROUTES = VercelRoutes.load(ROOT)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http" and not scope["path"].startswith("/api/"):
        found = ROUTES.static_file(scope["path"])
        if found is not None and scope["method"] in ("GET", "HEAD"):
            started = time.perf_counter()
            response = static_response(found, scope["method"] == "HEAD", ROUTES.headers_for(scope["path"]))
            headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.headers]
            await send({"type": "http.response.start", "status": response.status, "headers": headers})
            await send({"type": "http.response.body", "body": response.body})
            log_request(scope, response.status, started, cold=False, platform="local", failed=False)
            return
    await backend(scope, receive, send)
