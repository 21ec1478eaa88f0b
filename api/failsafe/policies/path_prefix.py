"""Routes answer under an API Gateway stage and under `API_BASE_PATH`.

API Gateway hides or shows the stage depending on the API kind: a REST API keeps `/{stage}` in
`requestContext.path` only, an HTTP API with a named stage puts it into `rawPath`. Both become
`root_path` here, with `path` carrying the prefix too (as the ASGI spec and uvicorn do), so the
app routes on the rest and the docs link to the prefixed schema. Matching is per path segment:
unlike Mangum's `api_gateway_base_path`, `/v1` never strips `/v1beta`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from failsafe.asgi import Scope


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def stage_prefix(event: Mapping[str, Any], path: str) -> str:
    """The prefix API Gateway put in front of the routes for this event, or ''."""
    context = event.get("requestContext")
    if not isinstance(context, Mapping):
        return ""
    stage = context.get("stage")
    if not isinstance(stage, str) or not stage or stage == "$default":
        return ""
    if event.get("version") == "2.0":
        prefix = "/" + stage
        return prefix if _under(path, prefix) else ""
    # REST: requestContext.path = '/{stage}' + path (or a custom-domain mapping) + the resource path.
    full = context.get("path")
    if isinstance(full, str) and full.endswith(path) and len(full) > len(path) and path.startswith("/"):
        prefix = full[: len(full) - len(path)].rstrip("/")
        return prefix if prefix.startswith("/") else ""
    return ""


class PathPrefix:
    def __init__(self, base_path: str | None) -> None:
        cleaned = "/" + (base_path or "").strip("/")
        self.base_path = "" if cleaned == "/" else cleaned

    def rewrite(self, scope: Scope) -> Scope:
        """`scope` itself when nothing changes, else a copy with `path` and `root_path` set."""
        path: str = scope.get("path") or "/"
        root: str = scope.get("root_path") or ""
        event = scope.get("aws.event")
        if isinstance(event, Mapping):
            stage = stage_prefix(event, path)
            if stage and not _under(path, stage):
                path = stage + path  # REST: the stage is not in `path`; make it so.
            root = root or stage
        if self.base_path and _under(path[len(root) :] or "/", self.base_path):
            root += self.base_path
        if root != (scope.get("root_path") or "") or path != scope.get("path"):
            scope = dict(scope)
            scope["path"] = path
            scope["raw_path"] = path.encode("utf-8")
            scope["root_path"] = root
        return scope
