"""How long `emulate.py serve` takes to its first healthy answer: deployed mode cold and warm, and in-venv.

    .venv/bin/python bench/emulate_start.py [--rounds 3]

For each platform path (Lambda HTTP API in process, Lambda through awslambdaric, Vercel's shim),
the time from starting the emulator to the first `GET /api/health` 200 (the function's cold start
included): in the deployed mode with an empty package cache (the first start after a change of
api/requirements.txt, the Python or the machine: pip installs and compiles the packages), a
restart with nothing changed (the cache is reused; the code is copied and compiled again), and
the `--in-venv` mode. Rounds are interleaved; medians, and the ratio to the in-venv start.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.sockets import free_port  # noqa: E402

EMULATE = [sys.executable, str(ROOT / "scripts" / "emulate.py"), "serve", "--env", "ENVIRONMENT=development"]
PLATFORMS = {
    "lambda http inproc": ["--platform", "lambda", "--format", "http"],
    "lambda http ric": ["--platform", "lambda", "--format", "http", "--runtime", "ric"],
    "vercel shim": ["--platform", "vercel"],
}


def healthy_after(argv: list[str], cache: Path, project: Path) -> float:
    """Seconds from starting the emulator to its first 200 on /api/health."""
    port = free_port()
    env = {**os.environ, "EMULATE_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    command = [*argv, "--port", str(port), "--project-root", str(project)]
    process = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 900:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                conn.request("GET", "/api/health")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            if process.poll() is not None:
                raise SystemExit(f"{' '.join(argv)} exited with {process.returncode}")
            time.sleep(0.05)
        raise SystemExit(f"{' '.join(argv)} never answered 200")
    finally:
        process.terminate()
        process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="emulate-start-"))
    project = work / "project"
    shutil.copytree(ROOT / "api", project / "api", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "vercel.json", project / "vercel.json")
    try:
        caches = {name: work / f"cache-{index}" for index, name in enumerate(PLATFORMS)}
        first = {name: healthy_after([*EMULATE, *argv], caches[name], project) for name, argv in PLATFORMS.items()}
        warm: dict[str, list[float]] = {name: [] for name in PLATFORMS}
        venv: dict[str, list[float]] = {name: [] for name in PLATFORMS}
        for _ in range(args.rounds):
            for name, argv in PLATFORMS.items():
                warm[name].append(healthy_after([*EMULATE, *argv], caches[name], project))
                venv[name].append(healthy_after([*EMULATE, *argv, "--in-venv"], caches[name], project))
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'':20} {'first start':>12} {'restart':>12} {'in-venv':>12}   restart/in-venv")
        for name in PLATFORMS:
            restart, baseline = statistics.median(warm[name]), statistics.median(venv[name])
            print(f"{name:20} {first[name]:11.1f}s {restart:11.2f}s {baseline:11.2f}s   {restart / baseline:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
