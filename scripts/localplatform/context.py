"""Lambda's context object for a handler called in this process (`emulate.py`, the tests, the benchmarks).

It carries the fields the template and Mangum read, with the types the real runtime client gives
them (`memory_limit_in_mb` is a string there), and a remaining time that counts down from the
function's timeout as Lambda's does.
"""

from __future__ import annotations

import time
import uuid

from scripts.localplatform.events import ACCOUNT


class LocalContext:
    """What awslambdaric passes as `context`, for one invocation."""

    def __init__(
        self,
        function_name: str = "local-function",
        memory_mb: int = 512,
        timeout_s: float = 30.0,
        *,
        request_id: str | None = None,
    ) -> None:
        self.aws_request_id = request_id or str(uuid.uuid4())
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = str(memory_mb)
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function_name}"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
