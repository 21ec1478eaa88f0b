"""What each candidate library costs a cold start: import time in a fresh process, and bundle size.

Run: .venv/bin/python bench/import_cost.py [repeats]
Prints the median wall time of `import ...` in a fresh interpreter (so nothing is cached in
the process), the ratio to FastAPI + Mangum measured in the same run, and the installed size of
each distribution with its runtime dependencies.
"""

from __future__ import annotations

import importlib.metadata
import statistics
import subprocess
import sys
from pathlib import Path

CANDIDATES = {
    "fastapi + mangum (baseline)": "import fastapi, mangum",
    "sqlalchemy + ext.asyncio + asyncpg dialect": (
        "import sqlalchemy, sqlalchemy.ext.asyncio, sqlalchemy.dialects.postgresql.asyncpg"
    ),
    "asyncpg": "import asyncpg",
    "aiosqlite": "import aiosqlite",
    "asyncpg + aiosqlite": "import asyncpg, aiosqlite",
    "passlib CryptContext + bcrypt": "import passlib.context, passlib.handlers.bcrypt, bcrypt",
    "argon2-cffi": "import argon2",
    "python-jose (jwt)": "import jose.jwt",
    "python-multipart": "import python_multipart",
}
DISTRIBUTIONS = {
    "SQLAlchemy (+greenlet)": ["SQLAlchemy", "greenlet"],
    "asyncpg": ["asyncpg"],
    "aiosqlite": ["aiosqlite"],
    "passlib + bcrypt": ["passlib", "bcrypt"],
    "argon2-cffi (+bindings, cffi, pycparser)": ["argon2-cffi", "argon2-cffi-bindings", "cffi", "pycparser"],
    "python-jose (+ecdsa, rsa, pyasn1)": ["python-jose", "ecdsa", "rsa", "pyasn1"],
    "fastapi + mangum + starlette + pydantic(+core)": ["fastapi", "mangum", "starlette", "pydantic", "pydantic-core"],
}
PROBE = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def import_seconds(stmt: str) -> float:
    out = subprocess.run([sys.executable, "-c", PROBE.format(stmt=stmt)], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"`{stmt}` failed:\n{out.stderr}")
    return float(out.stdout.strip())


def dist_bytes(name: str) -> int:
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return 0
    total = 0
    for file in dist.files or []:
        path = Path(str(dist.locate_file(file)))
        if path.is_file():
            total += path.stat().st_size
    return total


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    samples: dict[str, list[float]] = {label: [] for label in CANDIDATES}
    for _ in range(repeats):  # interleaved, so machine noise hits every candidate alike
        for label, stmt in CANDIDATES.items():
            samples[label].append(import_seconds(stmt))
    base = statistics.median(samples["fastapi + mangum (baseline)"])
    print(f"import time, median of {repeats} fresh processes (ratio to fastapi + mangum)")
    for label, values in samples.items():
        median = statistics.median(values)
        print(f"  {label:48s} {median * 1000:7.1f} ms  {median / base:5.2f}x")
    print("installed size")
    for label, names in DISTRIBUTIONS.items():
        print(f"  {label:48s} {sum(dist_bytes(n) for n in names) / 1e6:7.1f} MB")


if __name__ == "__main__":
    main()
