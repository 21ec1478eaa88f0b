"""Run in a subprocess: import the entry as Lambda does, send a request to every route, print what was imported.

    python load_probe.py API_DIR ADMIN_EMAIL PASSWORD

Prints one JSON line: the modules right after the import, right after the load (the import, or
the first request with BACKEND_LOAD=lazy), after every route, and each request's status. The
settings come from the environment. Standard library only, besides what the entry imports.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# Run as a script: with the project root on the path, the tests' helpers are importable (standard library only).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.events import lambda_event
from tests.support.replies import Reply, bearer, lambda_reply

USER = "load-probe@example.com"


def main() -> None:
    api, admin_email, password = sys.argv[1:4]
    sys.path.insert(0, api)
    import index

    imported = sorted(sys.modules)
    statuses: dict[str, int] = {}

    def call(method: str, path: str, *, body: Any = None, **options: Any) -> Reply:
        reply = lambda_reply(index.handler(lambda_event("http", method, path, json_body=body, **options), None))
        statuses.setdefault(f"{method} {path}", reply.status)
        return reply

    if index.app.lazy:
        call("GET", "/api/health")
    loaded = sorted(sys.modules)
    built = count_route_builds()
    for method in ("GET", "HEAD"):
        call(method, "/api/health")
        call(method, "/api/status")
    call("POST", "/api/auth/register", body={"email": USER, "password": password})
    tokens = call("POST", "/api/auth/login", body={"email": USER, "password": password}).json()
    call("POST", "/api/auth/login", form=f"username={USER}&password={password.replace(' ', '+')}")
    tokens = call("POST", "/api/auth/refresh", body={"refresh_token": tokens["refresh_token"]}).json()
    me = call("GET", "/api/users/me", headers=bearer(tokens["access_token"])).json()
    call(
        "PATCH",
        "/api/users/me/password",
        headers=bearer(tokens["access_token"]),
        body={"current_password": password, "new_password": password + "!"},
    )
    admin = call("POST", "/api/auth/login", body={"email": admin_email, "password": password}).json()
    call("GET", "/api/admin/users", headers=bearer(admin["access_token"]), query={"limit": "5"})
    call("PATCH", f"/api/admin/users/{me['id']}", headers=bearer(admin["access_token"]), body={"active": True})
    call("POST", "/api/auth/logout", headers=bearer(admin["access_token"]))
    call("GET", "/api/users/me", headers=bearer("not-a-token"))
    call("GET", "/api/openapi.json")
    call("GET", "/api/docs")
    call("GET", "/api/docs/oauth2-redirect")
    call("GET", "/api/docs/swagger-ui-bundle.js")
    call("GET", "/api/no-such-route")
    after = sorted(sys.modules)
    print(json.dumps({"imported": imported, "loaded": loaded, "after": after, "statuses": statuses, "built": built}))


def count_route_builds() -> list[str]:
    """From now on, the path of every route whose handler FastAPI builds (`APIRoute.get_route_handler`,
    FastAPI's documented hook for custom route classes, called once per route built)."""
    from fastapi.routing import APIRoute

    built: list[str] = []
    original = APIRoute.get_route_handler

    def spy(route: APIRoute) -> Any:
        built.append(route.path)
        return original(route)

    APIRoute.get_route_handler = spy  # type: ignore[method-assign]
    return built


if __name__ == "__main__":
    main()
