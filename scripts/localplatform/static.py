"""Files from public/, served as the platforms' static hosting serves them."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from scripts.localplatform.gateway import Headers, HttpResponse

TEXT_TYPES = ("application/javascript", "application/json", "image/svg+xml")


def public_file(public: Path | None, path: str) -> Path | None:
    """The file under public/ for a URL path (a directory means its index.html); None outside or missing."""
    if public is None:
        return None
    root = public.resolve()
    candidate = (root / path.split("?", 1)[0].lstrip("/")).resolve()
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_relative_to(root) and candidate.is_file() else None


def static_response(file: Path, head: bool, extra: Headers | None = None) -> HttpResponse:
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in TEXT_TYPES:
        kind += "; charset=utf-8"
    body = b"" if head else file.read_bytes()
    headers = [("Content-Type", kind), ("Cache-Control", "public, max-age=0, must-revalidate"), *(extra or [])]
    return HttpResponse(200, headers, body)
