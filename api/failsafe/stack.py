"""The stack that wraps whichever app answers: the backend or the fallback.

Both get the same request ids, logs, security headers, CORS, limits and base-path handling from
the same code (`failsafe.edge`, one ASGI layer), so the fallback behaves like the backend in every
way a client can see. The options are read from the environment here, leniently: a bad value is
the settings' error to report, and the fallback must answer whatever the environment holds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from failsafe import envparse
from failsafe.asgi import ASGIApp
from failsafe.edge import EdgeMiddleware
from failsafe.logs import get_logger
from failsafe.middleware.body_limit import DEFAULT_MAX_BODY_BYTES, BodyLimit
from failsafe.middleware.cors import CORSPolicy
from failsafe.middleware.deadline import DEFAULT_REQUEST_TIMEOUT_S, Deadline
from failsafe.middleware.security_headers import api_headers
from failsafe.platform import Platform, default_environment, detect_platform
from failsafe.prefix import PathPrefix

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
        except envparse.EnvError:  # the settings report the bad value; meanwhile the safe choice
            production = True
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
    cors: CORSPolicy | None = None
    try:
        cors = CORSPolicy(options.cors_origins, options.cors_origin_regex, options.cors_max_age_s)
    except re.error:
        # The settings report an invalid CORS_ORIGIN_REGEX; the fallback must still answer.
        log.warning("CORS_ORIGIN_REGEX is not a valid regular expression; CORS is off")
    return EdgeMiddleware(
        app,
        platform=options.platform,
        security=api_headers(production=options.production),
        cors=cors,
        deadline=Deadline(options.request_timeout_s),
        body_limit=BodyLimit(max(1, options.max_body_bytes)),
        prefix=PathPrefix(options.api_base_path),
    )
