"""A Lambda handler that answers with the event it got: what the emulator's gateway sent.

Copied into a project copy's api/ as `echo.py`; `?respond=` picks a response shape to translate back.
"""

import base64
import json
from typing import Any


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    respond = query.get("respond")
    if respond == "raise":
        raise RuntimeError("the handler raised")
    if respond == "big":  # 7 MB of text: over Lambda's 6 MB response limit
        return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "x" * 7_000_000}
    if respond == "binary":
        body = base64.b64encode(bytes(range(256))).decode()
        return {
            "statusCode": 200,
            "headers": {"content-type": "application/octet-stream"},
            "body": body,
            "isBase64Encoded": True,
        }
    response: dict[str, Any] = {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(event),
    }
    if "version" in event:  # HTTP API payload 2.0 / Function URL: cookies travel in their own list
        response["cookies"] = ["first=1; Path=/", "second=2; Path=/"]
    else:
        response["multiValueHeaders"] = {"Set-Cookie": ["first=1; Path=/", "second=2; Path=/"]}
    return response
