"""The FastAPI backend. Build it with `create_app()`; nothing heavy happens at import.

No module in this package binds a top-level `app`: Vercel would deploy each one as a function.
"""

from backend_app.main import create_app

__all__ = ["create_app"]
