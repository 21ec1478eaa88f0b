"""What `api.index.handler` answered, read the same way for every event shape; the bearer header."""

from __future__ import annotations

import json
from typing import Any


class Reply:
    """A handler response, read the same way for both event kinds."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.status = int(raw["statusCode"])
        headers = {k.lower(): v for k, v in (raw.get("headers") or {}).items()}
        for k, values in (raw.get("multiValueHeaders") or {}).items():
            headers.setdefault(k.lower(), values[-1])
        self.headers = headers
        self.text = raw.get("body") or ""

    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def code(self) -> str | None:
        body = self.json() if self.text else {}
        return body.get("error", {}).get("code") if isinstance(body, dict) else None


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}
