"""The request id: which one a request gets, and the context that holds it while it is served."""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Mapping

from failsafe.asgi import Scope
from failsafe.platform import Platform

# The id of the request being served: error bodies and log lines carry it.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")


def request_id_for(scope: Scope, headers: Mapping[bytes, str], platform: Platform) -> str:
    """The template's own id: Lambda's request id, else Vercel's on Vercel, else a new one.

    Never a value the client chose: the id ties an error answer to its log lines, and a client
    could otherwise make its requests share an id with someone else's (or fill the logs with
    look-alikes). Off Vercel, `x-vercel-id` is just another client header.
    """
    context = scope.get("aws.context")
    aws_id = getattr(context, "aws_request_id", None)
    if isinstance(aws_id, str) and aws_id:
        return aws_id
    if platform == "vercel":
        value = headers.get(b"x-vercel-id")
        if value and _WELL_FORMED_ID.fullmatch(value):
            return value
    return uuid.uuid4().hex


def client_request_id(headers: Mapping[bytes, str]) -> str | None:
    """A well-formed `x-request-id` the client sent: logged beside ours, so a caller can find its request."""
    value = headers.get(b"x-request-id")
    return value if value and _WELL_FORMED_ID.fullmatch(value) else None
