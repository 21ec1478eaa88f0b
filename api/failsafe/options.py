"""Failsafe's options, read from the environment once, when the gate is built, and passed on.

The gate hands them to the hardening layer, the fallback and the Lambda entry, none of which
reads the environment itself (the `envparse` and `platform` helpers default to `os.environ` for
the backend's settings). They are read leniently: a bad value falls back to its default and
is noted in `warnings` (the gate logs them), because the fallback must answer whatever the
environment holds; the backend's settings (`backend_app.core.config`) read the same variables
strictly, take their defaults from the constants below, and report a bad value as the diagnosis.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final, Literal, NamedTuple

from failsafe import envparse
from failsafe.diagnosis import secret_values
from failsafe.platform import Environment, Platform, default_environment, detect_platform, detect_version
from failsafe.trace_context import tracing_requested

BackendLoad = Literal["eager", "lazy"]

DEFAULT_DEBUG = False
DEFAULT_LOG_LEVEL: Final = "INFO"
DEFAULT_BACKEND_LOAD: BackendLoad = "eager"
DEFAULT_STARTUP_TIMEOUT_S = 5.0
# Why these values: policies/body_limit.py (below every platform's cap) and policies/deadline.py
# (below API Gateway's 29 s and the template's Vercel maxDuration, 30 s).
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_REQUEST_TIMEOUT_S = 25.0
DEFAULT_CORS_MAX_AGE_S = 600
DEFAULT_METRICS_NAMESPACE: Final = "ServerlessFastAPI"


class Options(NamedTuple):
    platform: Platform = "local"
    environment: Environment = "production"
    debug: bool = DEFAULT_DEBUG
    log_level: str = DEFAULT_LOG_LEVEL  # any case; logs.configure takes an unknown level as INFO
    backend_load: BackendLoad = DEFAULT_BACKEND_LOAD
    startup_timeout_s: float = DEFAULT_STARTUP_TIMEOUT_S
    cors_origins: tuple[str, ...] = ()
    cors_origin_regex: str | None = None
    cors_max_age_s: int = DEFAULT_CORS_MAX_AGE_S
    api_base_path: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S
    diagnostics_token: str | None = None
    tracing: bool = False  # failsafe.trace_context: each request's trace id in its log lines
    metrics_emf: bool = False  # failsafe.emf: the access line as an embedded-metric-format record, on Lambda
    metrics_namespace: str = DEFAULT_METRICS_NAMESPACE
    version: str | None = None
    secrets: tuple[str, ...] = ()  # values of secret-looking variables, masked in diagnoses and logs
    warnings: tuple[str, ...] = ()  # what was read leniently, for the log

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def lazy(self) -> bool:
        return self.backend_load == "lazy"


def read_options(environ: Mapping[str, str] | None = None) -> Options:
    env = os.environ if environ is None else environ
    warnings: list[str] = []

    def positive(name: str, default: float) -> float:
        raw = envparse.get_str(name, env)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if value > 0 and value != float("inf"):
            return value
        warnings.append(f"{name} must be a positive number; using {default:g}")
        return default

    try:
        environment = default_environment(env)
    except envparse.EnvError:  # the settings report the bad value; meanwhile the safe choice
        environment = "production"
    try:
        debug = envparse.get_bool("DEBUG", DEFAULT_DEBUG, env)
    except envparse.EnvError:
        debug = DEFAULT_DEBUG
    mode = (envparse.get_str("BACKEND_LOAD", env) or DEFAULT_BACKEND_LOAD).lower()
    backend_load: BackendLoad = "lazy" if mode == "lazy" else "eager"
    if mode not in ("eager", "lazy"):
        warnings.append("BACKEND_LOAD must be eager or lazy; loading eagerly")
    try:
        startup_timeout_s = float(envparse.get_str("STARTUP_TIMEOUT_S", env) or DEFAULT_STARTUP_TIMEOUT_S)
    except ValueError:
        startup_timeout_s = DEFAULT_STARTUP_TIMEOUT_S
    max_age = envparse.get_str("CORS_MAX_AGE_S", env)
    try:
        metrics_emf = envparse.get_bool("METRICS_EMF", False, env)
    except envparse.EnvError:
        metrics_emf = False
    return Options(
        platform=detect_platform(env),
        environment=environment,
        debug=debug,
        log_level=envparse.get_str("LOG_LEVEL", env) or DEFAULT_LOG_LEVEL,
        backend_load=backend_load,
        startup_timeout_s=startup_timeout_s,
        cors_origins=tuple(envparse.get_list("CORS_ORIGINS", env)),
        cors_origin_regex=envparse.get_str("CORS_ORIGIN_REGEX", env),
        cors_max_age_s=int(max_age) if max_age is not None and max_age.isdigit() else DEFAULT_CORS_MAX_AGE_S,
        api_base_path=envparse.get_str("API_BASE_PATH", env),
        max_body_bytes=int(positive("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)),
        request_timeout_s=positive("REQUEST_TIMEOUT_S", DEFAULT_REQUEST_TIMEOUT_S),
        diagnostics_token=envparse.get_str("DIAGNOSTICS_TOKEN", env),
        tracing=tracing_requested(env),
        metrics_emf=metrics_emf,
        metrics_namespace=envparse.get_str("METRICS_NAMESPACE", env) or DEFAULT_METRICS_NAMESPACE,
        version=detect_version(env),
        secrets=secret_values(env),
        warnings=tuple(warnings),
    )
