"""Lambda's context for a handler a test calls itself: the emulator's `LocalContext`, with a request id
the test knows (the id the envelope, the access line and `x-request-id` carry)."""

from __future__ import annotations

from scripts.localplatform.context import LocalContext

REQUEST_ID = "0f0e0d0c-1111-2222-3333-444455556666"


def lambda_context(request_id: str = REQUEST_ID, *, timeout_s: float = 30.0) -> LocalContext:
    """The context of one invocation; its remaining time counts down from `timeout_s`."""
    return LocalContext("template", timeout_s=timeout_s, request_id=request_id)
