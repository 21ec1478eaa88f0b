"""Pure ASGI middleware shared by the backend and the fallback app (standard library only)."""
