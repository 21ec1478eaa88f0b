"""The one error envelope: `{"error": {"code", "message", "request_id", "details"?}}`.

Both apps, the edge layer and the Lambda entry render errors through `error_body`, so a client
parses one shape whatever failed; the codes come from `failsafe.catalogue`. The request id comes
from the context of the current request unless the caller knows it (the Lambda entry's own
answers are made before any request context exists).
"""

from __future__ import annotations

from typing import Any

from failsafe.asgi import Send, send_json
from failsafe.request_id import request_id_var


def error_body(
    code: str, message: str, details: Any = None, *, request_id: str | None = None, **extra: Any
) -> dict[str, Any]:
    error: dict[str, Any] = {
        "code": code,
        "message": message,
        "request_id": request_id if request_id is not None else request_id_var.get(),
    }
    if details is not None:
        error["details"] = details
    error.update(extra)
    return {"error": error}


async def send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    *,
    details: Any = None,
    headers: list[tuple[bytes, bytes]] | None = None,
    head: bool = False,
    **extra: Any,
) -> None:
    await send_json(send, status, error_body(code, message, details, **extra), extra_headers=headers or (), head=head)
