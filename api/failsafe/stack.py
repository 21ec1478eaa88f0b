"""The middleware stack that wraps whichever app answers: the backend or the fallback.

Both get the same request ids, logs, CORS and base-path handling from the same code, so the
fallback behaves like the backend in every way a client can see.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from failsafe import envparse
from failsafe.asgi import ASGIApp
from failsafe.logs import get_logger
from failsafe.middleware.cors import CORSMiddleware
from failsafe.platform import Platform, detect_platform
from failsafe.prefix import PrefixMiddleware
from failsafe.requests import RequestContextMiddleware

log = get_logger("stack")


@dataclass(frozen=True)
class StackOptions:
    platform: Platform = "local"
    cors_origins: list[str] = field(default_factory=list)
    cors_origin_regex: str | None = None
    api_base_path: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StackOptions:
        """Reads the environment leniently: a bad value here is reported by the settings instead."""
        env = os.environ if environ is None else environ
        return cls(
            platform=detect_platform(env),
            cors_origins=envparse.get_list("CORS_ORIGINS", env),
            cors_origin_regex=envparse.get_str("CORS_ORIGIN_REGEX", env),
            api_base_path=envparse.get_str("API_BASE_PATH", env),
        )


def build_stack(app: ASGIApp, options: StackOptions) -> ASGIApp:
    inner: ASGIApp = PrefixMiddleware(app, options.api_base_path)
    try:
        inner = CORSMiddleware(inner, options.cors_origins, options.cors_origin_regex)
    except re.error:
        # The settings report an invalid CORS_ORIGIN_REGEX; the fallback must still answer.
        log.warning("CORS_ORIGIN_REGEX is not a valid regular expression; CORS is off")
    return RequestContextMiddleware(inner, options.platform)
