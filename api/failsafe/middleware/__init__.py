"""The hardening concerns shared by the backend and the fallback app (standard library only), one per
module; `failsafe.edge` runs them as one ASGI layer."""
