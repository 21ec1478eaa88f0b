"""Build API Gateway / ALB / Function URL events for tests (stdlib only: used in subprocesses)."""

from __future__ import annotations

import base64
from typing import Any


def make_event(
    fmt: str,
    path: str,
    method: str = "GET",
    *,
    headers: dict[str, str] | None = None,
    body: str | bytes | None = None,
    stage: str | None = None,
    query: str = "",
) -> dict[str, Any]:
    headers = {"host": "api.example.com", **(headers or {})}
    encoded = isinstance(body, bytes)
    text = base64.b64encode(body).decode() if isinstance(body, bytes) else body
    if fmt in ("http", "url"):
        stage_name = stage or "$default"
        raw_path = f"/{stage}{path}" if stage else path
        domain = "abc.lambda-url.us-east-1.on.aws" if fmt == "url" else "abc.execute-api.us-east-1.amazonaws.com"
        return {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": raw_path,
            "rawQueryString": query,
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "abc",
                "domainName": domain,
                "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9",
                         "userAgent": "test"},
                "requestId": "req-http",
                "stage": stage_name,
                "timeEpoch": 1700000000000,
            },
            "body": text,
            "isBase64Encoded": encoded,
        }  # fmt: skip
    if fmt == "rest":
        stage_name = stage or "prod"
        return {
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "pathParameters": {"proxy": path.lstrip("/")},
            "stageVariables": None,
            "requestContext": {
                "accountId": "123456789012",
                "resourcePath": "/{proxy+}",
                "httpMethod": method,
                "path": f"/{stage_name}{path}",
                "stage": stage_name,
                "requestId": "req-rest",
                "identity": {"sourceIp": "203.0.113.9"},
            },
            "body": text,
            "isBase64Encoded": encoded,
        }
    if fmt == "alb":
        return {
            "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/t/1"}},
            "httpMethod": method,
            "path": path,
            "queryStringParameters": {},
            "headers": headers,
            "body": text or "",
            "isBase64Encoded": encoded,
        }
    raise ValueError(fmt)


class FakeContext:
    """Stands in for Lambda's context object (AWS itself cannot run here)."""

    def __init__(self, request_id: str = "11111111-2222-3333-4444-555555555555") -> None:
        self.aws_request_id = request_id
        self.function_name = "template"
        self.memory_limit_in_mb = 512

    def get_remaining_time_in_millis(self) -> int:
        return 30_000
