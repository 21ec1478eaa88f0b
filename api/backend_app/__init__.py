"""The FastAPI backend. Build it with `create_app()`; nothing heavy happens at import.

No module in this package binds a top-level `app`: Vercel would deploy each one as a function.
"""

from backend_app.core import library_internals

library_internals.skip_pydantic_v1_probe()  # before the routes modules declare their routes

from backend_app.main import create_app  # noqa: E402

__all__ = ["create_app"]
