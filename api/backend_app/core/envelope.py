"""The error envelope as pydantic models: what the OpenAPI schema says every error body looks like."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")  # e.g. `status_url` from the fallback

    code: str
    message: str
    request_id: str | None
    details: Any = None


class ErrorEnvelope(BaseModel):
    error: ErrorDetail
