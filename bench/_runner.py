"""Shared by the benchmarks: fresh probe processes, interleaved, and medians with ratios."""

from __future__ import annotations

import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = ROOT / "bench" / "_probe.py"
# A key production accepts; the benchmarks sign and check their tokens with it.
SECRET = "bench-secret-key-0123456789abcdef0123456789"

# Both apps run as deployed on Lambda: the production configuration, Lambda's variables.
ENV = {
    **{name: value for name, value in os.environ.items() if name != "REDIS_URL"},
    "ENVIRONMENT": "production",
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_REGION": "us-east-1",
    "PYTHONDONTWRITEBYTECODE": "",
    # Production refuses to start auth without a key, and reports degraded without a database;
    # health never contacts this URL.
    "SECRET_KEY": os.environ.get("SECRET_KEY") or SECRET,
    "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgresql://bench@127.0.0.1:5432/bench",
}


def probe(
    app: str, mode: str, count: int = 0, *, python: str = sys.executable, env: dict[str, str] | None = None
) -> dict[str, float]:
    """One fresh process. Its stderr (the template's JSON log lines) goes to a file: a pipe that
    this process drains only when the scheduler lets it would block the writer and time the
    machine's load instead of the template."""
    with tempfile.TemporaryFile() as log:
        result = subprocess.run(
            [python, str(PROBE), app, mode, str(count)],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=ENV if env is None else env,
            cwd=ROOT,
            check=False,
        )
        if result.returncode != 0:
            log.seek(0)
            raise SystemExit(f"probe {app} {mode} failed:\n{log.read().decode(errors='replace')}")
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def instructions(app: str, mode: str, *, python: str = sys.executable, env: dict[str, str] | None = None) -> int | None:
    """Instructions one fresh process of `probe` executes, by valgrind's cachegrind without cache
    simulation: the same count run after run whatever else loads the machine, unlike wall or CPU
    time. None when valgrind is not installed."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    with tempfile.TemporaryDirectory(prefix="bench-cachegrind-") as tmp:
        log = Path(tmp) / "valgrind.log"
        args = [valgrind, "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={Path(tmp) / 'out'}"]
        args += [f"--log-file={log}", python, str(PROBE), app, mode, "0"]
        done = subprocess.run(args, capture_output=True, text=True, env=ENV if env is None else env, cwd=ROOT)
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        found = re.search(r"I\s+refs:\s+([\d,]+)", text)
        if done.returncode != 0 or found is None:
            raise SystemExit(f"cachegrind on {app} {mode} failed:\n{done.stderr[-3000:]}{text[-2000:]}")
    return int(found.group(1).replace(",", ""))


def lambda_environ(**settings: str) -> dict[str, str]:
    """Lambda's variables, `settings`, and nothing of this machine's Python setup (as a function sees it)."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return {
        **keep,
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_REGION": "us-east-1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        **settings,
    }


def interleaved(apps: list[str], mode: str, runs: int, count: int = 0) -> dict[str, list[dict[str, float]]]:
    """`runs` rounds; each round runs every app once, in a shuffled order, so drift hits all alike."""
    return rounds({app: partial(probe, app, mode, count) for app in apps}, runs)


def rounds(cases: dict[str, Callable[[], dict[str, float]]], runs: int) -> dict[str, list[dict[str, float]]]:
    """`runs` rounds of every case (one sample each), in an order shuffled per round (seeded, so
    reruns repeat it). Not rotated: a rotation gives each case the same predecessor in every round;
    run that way, the template's /api/health case, always right after the Vercel shim, measured
    slower than its /api/users/me case, which does more, in two runs out of two."""
    labels = list(cases)
    samples: dict[str, list[dict[str, float]]] = {label: [] for label in labels}
    order = random.Random(len(labels) * 1000 + runs)
    for _ in range(runs):
        for label in order.sample(labels, len(labels)):
            samples[label].append(cases[label]())
    return samples


def median(samples: list[dict[str, float]], key: str) -> float:
    return statistics.median(sample[key] for sample in samples)


def verdict(ratio: float, target: float, *, at_most: bool) -> str:
    ok = ratio <= target if at_most else ratio >= target
    return f"{'OK' if ok else 'MISSED'} (target {'<=' if at_most else '>='} {target}x)"


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}"


def paired_ratios(a: list[dict[str, float]], b: list[dict[str, float]], key: str) -> str:
    """Median and quartiles of per-round ratios a/b: robust to load that drifts between rounds."""
    ratios = sorted(x[key] / y[key] for x, y in zip(a, b, strict=True))
    if len(ratios) < 4:
        return f"per-round ratios {', '.join(f'{r:.2f}' for r in ratios)}"
    q1, q2, q3 = statistics.quantiles(ratios, n=4)
    return f"per-round ratio median {q2:.2f}x (quartiles {q1:.2f}-{q3:.2f})"
