"""What a Lambda handler answered, read the same way for every event shape (and for ASGI); the bearer header."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def code(self) -> str | None:
        """The envelope's error code, if the body is one."""
        body = self.json() if self.body else {}
        return body.get("error", {}).get("code") if isinstance(body, dict) else None


def lambda_reply(raw: Mapping[str, Any]) -> Reply:
    """A handler's response (REST, HTTP API, ALB or Function URL shape), base64 bodies decoded."""
    headers: dict[str, str] = {}
    for name, values in (raw.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ", ".join(values)
    for name, value in (raw.get("headers") or {}).items():
        headers.setdefault(name.lower(), value)
    body = raw.get("body") or ""
    data = base64.b64decode(body) if raw.get("isBase64Encoded") else body.encode()
    return Reply(int(raw["statusCode"]), headers, data)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}
