"""Where the code runs: the platform, the environment it is deployed as, and its version."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from failsafe import envparse

Platform = Literal["vercel", "lambda", "local"]
Environment = Literal["production", "development"]


def detect_platform(environ: Mapping[str, str] | None = None) -> Platform:
    env = os.environ if environ is None else environ
    if envparse.get_str("VERCEL", env):
        return "vercel"
    if envparse.get_str("AWS_LAMBDA_FUNCTION_NAME", env):
        return "lambda"
    return "local"


def default_environment(environ: Mapping[str, str] | None = None) -> Environment:
    """`ENVIRONMENT` when set, else production wherever the code runs.

    A container or VM running `uvicorn api.index:app` is a deployment too: guessing development
    off the two platforms served the docs and signed tokens with the public development key.
    Development is asked for explicitly (`scripts/dev.sh`, the tests, the docs' local commands).
    """
    env = os.environ if environ is None else environ
    raw = envparse.get_str("ENVIRONMENT", env)
    if raw is None:
        return "production"
    value = raw.lower()
    if value == "production":
        return "production"
    if value == "development":
        return "development"
    raise envparse.EnvError("ENVIRONMENT", "production or development")


def detect_version(environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    for name in ("VERCEL_GIT_COMMIT_SHA", "AWS_LAMBDA_FUNCTION_VERSION", "GIT_SHA"):
        value = envparse.get_str(name, env)
        if value:
            return value
    return None
