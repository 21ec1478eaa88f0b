"""The middleware stack that wraps whichever app answers: the backend or the fallback.

Both get the same request ids, logs, security headers, CORS, limits and base-path handling from
the same code, so the fallback behaves like the backend in every way a client can see. Order,
outermost first, and why:

    SecurityHeaders   every response, the request middleware's last-resort 500 included
    RequestContext    request id, one log line per request (sees the 413/504 statuses below)
    CORS              so a browser can read the 413 and 504 answers too
    Deadline          504 `timeout` before the platform's own gateway error
    BodyLimit         413 `payload_too_large`
    Prefix            stage / API_BASE_PATH -> root_path
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from failsafe import envparse
from failsafe.asgi import ASGIApp
from failsafe.logs import get_logger
from failsafe.middleware.body_limit import DEFAULT_MAX_BODY_BYTES, BodyLimitMiddleware
from failsafe.middleware.cors import CORSMiddleware
from failsafe.middleware.deadline import DEFAULT_REQUEST_TIMEOUT_S, DeadlineMiddleware
from failsafe.middleware.security_headers import SecurityHeadersMiddleware
from failsafe.platform import Platform, default_environment, detect_platform
from failsafe.prefix import PrefixMiddleware
from failsafe.requests import RequestContextMiddleware

log = get_logger("stack")
DEFAULT_CORS_MAX_AGE_S = 600


def _positive(name: str, env: Mapping[str, str], default: float) -> float:
    """Lenient: a bad value is the settings' error to report; the fallback keeps the default."""
    raw = envparse.get_str(name, env)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value > 0 and value != float("inf"):
        return value
    log.warning("%s must be a positive number; using %g", name, default)
    return default


@dataclass(frozen=True)
class StackOptions:
    platform: Platform = "local"
    production: bool = False
    cors_origins: list[str] = field(default_factory=list)
    cors_origin_regex: str | None = None
    cors_max_age_s: int = DEFAULT_CORS_MAX_AGE_S
    api_base_path: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StackOptions:
        """Reads the environment leniently: a bad value here is reported by the settings instead."""
        env = os.environ if environ is None else environ
        platform = detect_platform(env)
        try:
            production = default_environment(env) == "production"
        except envparse.EnvError:
            production = platform != "local"
        max_age = envparse.get_str("CORS_MAX_AGE_S", env)
        return cls(
            platform=platform,
            production=production,
            cors_origins=envparse.get_list("CORS_ORIGINS", env),
            cors_origin_regex=envparse.get_str("CORS_ORIGIN_REGEX", env),
            cors_max_age_s=int(max_age) if max_age is not None and max_age.isdigit() else DEFAULT_CORS_MAX_AGE_S,
            api_base_path=envparse.get_str("API_BASE_PATH", env),
            max_body_bytes=int(_positive("MAX_BODY_BYTES", env, DEFAULT_MAX_BODY_BYTES)),
            request_timeout_s=_positive("REQUEST_TIMEOUT_S", env, DEFAULT_REQUEST_TIMEOUT_S),
        )


def build_stack(app: ASGIApp, options: StackOptions) -> ASGIApp:
    inner: ASGIApp = PrefixMiddleware(app, options.api_base_path)
    inner = BodyLimitMiddleware(inner, max(1, options.max_body_bytes))
    inner = DeadlineMiddleware(inner, options.request_timeout_s)
    try:
        inner = CORSMiddleware(inner, options.cors_origins, options.cors_origin_regex, options.cors_max_age_s)
    except re.error:
        # The settings report an invalid CORS_ORIGIN_REGEX; the fallback must still answer.
        log.warning("CORS_ORIGIN_REGEX is not a valid regular expression; CORS is off")
    inner = RequestContextMiddleware(inner, options.platform)
    return SecurityHeadersMiddleware(inner, production=options.production)
