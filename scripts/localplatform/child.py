"""What the runtimes run in a child process (`ric`, `vercel`) share: what they inherit, how they stop."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping

# Passed through from this process; everything else the child sees is set by its runtime or by `env`.
PASSTHROUGH = ("PATH", "HOME", "TMPDIR", "LANG", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CI")


def inherited(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The variables of `environ` a child runtime keeps."""
    return {name: environ[name] for name in PASSTHROUGH if name in environ}


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM, the platforms' way to end an instance (the app's lifespan shutdown runs); SIGKILL after 10 s."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
