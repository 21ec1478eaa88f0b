"""The environment a test runs the template in: this one, less what would change its behaviour behind
the test's back. One rule (`scrubbed`), for a child process (`clean_environ`) and for this one
(`scrub_environ`)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import pytest

# Set on the platforms: they change the detected platform, and with it defaults and log format.
PLATFORM_PREFIXES = ("VERCEL", "AWS_")
# The variables that change what the template answers; a test that needs one sets it.
APP_VARIABLES = ("DEBUG", "ENVIRONMENT", "DIAGNOSTICS_TOKEN", "BACKEND_LOAD", "CORS_ORIGINS", "API_BASE_PATH")


def scrubbed(environ: Mapping[str, str], *names: str, prefixes: Sequence[str] = ()) -> dict[str, str]:
    """`environ` without the platforms' variables, `names`, and the variables starting with `prefixes`."""
    dropped = (*PLATFORM_PREFIXES, *prefixes)
    return {k: v for k, v in environ.items() if k not in names and not k.startswith(dropped)}


def clean_environ(*names: str, prefixes: Sequence[str] = (), **values: str) -> dict[str, str]:
    """The environment for a child process: this one scrubbed, without pytest's own (PYTEST_*), plus `values`."""
    return scrubbed(os.environ, *names, prefixes=("PYTEST", *prefixes)) | values


def development_environ(**values: str) -> dict[str, str]:
    """A child's environment with none of the app's variables, in development unless `values` says otherwise."""
    # Explicit, as scripts/dev.sh does: unset means production.
    return clean_environ(*APP_VARIABLES, ENVIRONMENT="development") | values


def scrub_environ(monkeypatch: pytest.MonkeyPatch, *names: str, prefixes: Sequence[str] = ()) -> None:
    """Remove from this process's environment, until the test ends, what `scrubbed` leaves out."""
    kept = scrubbed(os.environ, *names, prefixes=prefixes)
    for name in os.environ.keys() - kept.keys():
        monkeypatch.delenv(name)
