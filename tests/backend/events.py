"""API Gateway events for driving `api.index.handler`: HTTP API (v2) and REST API (v1)."""

from __future__ import annotations

import json
from typing import Any, Literal

Kind = Literal["http", "rest"]


def event(kind: Kind, method: str, path: str, *, body: Any = None, headers: dict[str, str] | None = None,
          form: str | None = None, query: dict[str, str] | None = None,
          source_ip: str = "198.51.100.7") -> dict[str, Any]:  # fmt: skip
    hdrs = {"host": "api.example.com", "x-forwarded-for": source_ip, **(headers or {})}
    raw = None
    if body is not None:
        raw, hdrs["content-type"] = json.dumps(body), "application/json"
    elif form is not None:
        raw, hdrs["content-type"] = form, "application/x-www-form-urlencoded"
    qs = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    if kind == "http":
        return {
            "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": qs, "headers": hdrs,
            "queryStringParameters": query,
            "requestContext": {"http": {"method": method, "path": path, "sourceIp": source_ip,
                                        "protocol": "HTTP/1.1", "userAgent": "pytest"},
                               "stage": "$default", "requestId": "req-1", "domainName": "api.example.com"},
            "body": raw, "isBase64Encoded": False,
        }  # fmt: skip
    return {
        "resource": "/{proxy+}", "path": path, "httpMethod": method, "headers": hdrs,
        "multiValueHeaders": {k: [v] for k, v in hdrs.items()},
        "queryStringParameters": query, "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()}
        or None,
        "requestContext": {"resourcePath": "/{proxy+}", "httpMethod": method, "path": "/prod" + path, "stage": "prod",
                           "identity": {"sourceIp": source_ip}, "requestId": "req-1"},
        "pathParameters": {"proxy": path.lstrip("/")}, "body": raw, "isBase64Encoded": False,
    }  # fmt: skip


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
