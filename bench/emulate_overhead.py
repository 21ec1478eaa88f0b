"""What `emulate.py serve` adds to a request, against uvicorn serving the same app directly.

    .venv/bin/python bench/emulate_overhead.py [--requests 200] [--rounds 5]

Starts four servers on this project (uvicorn `api.index:app`; the emulator as Lambda HTTP API in
process; as Lambda through awslambdaric; as Vercel through vercel-runtime), then sends
`GET /api/health` over one keep-alive connection each, round after round, interleaved so drifting
load on the machine hits every server alike. Prints the median per server and its ratio to uvicorn.
"""

from __future__ import annotations

import argparse
import http.client
import json
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

# Development, as the figures in bench/RESULTS.md were measured: production wants a SECRET_KEY
# and a database before health answers 200. The emulator passes the function only its --env.
ENVIRONMENT = "development"
EMULATE = [sys.executable, str(ROOT / "scripts" / "emulate.py"), "serve", "--env", f"ENVIRONMENT={ENVIRONMENT}"]
SERVERS = {
    "uvicorn (baseline)": [sys.executable, "-m", "uvicorn", "api.index:app", "--log-level", "warning", "--port"],
    "lambda http inproc": [*EMULATE, "--platform", "lambda", "--format", "http", "--port"],
    "lambda http ric": [*EMULATE, "--platform", "lambda", "--format", "http", "--runtime", "ric", "--port"],
    "vercel shim": [*EMULATE, "--platform", "vercel", "--port"],
}


def wait_ready(port: int) -> int:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/api/health")  # also pays the cold start before timing
            conn.getresponse().read()
            conn.close()
            return port
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on {port} did not answer")


def timed(port: int, count: int) -> list[float]:
    """`count` requests on one fresh keep-alive connection (servers close idle ones between rounds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/api/health")
    conn.getresponse().read()  # connect outside the timing
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        conn.request("GET", "/api/health")
        response = conn.getresponse()
        response.read()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, response.status
    conn.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    processes, connections = [], {}
    project = Path(tempfile.mkdtemp(prefix="emulate-bench-"))
    shutil.copytree(ROOT / "api", project / "api", ignore=shutil.ignore_patterns("__pycache__"))
    config = ROOT / "vercel.json"  # Vercel routes /api/* to the function only through this rewrite
    rewrite = {"rewrites": [{"source": "/api/(.*)", "destination": "/api/index"}]}
    (project / "vercel.json").write_text(config.read_text() if config.is_file() else json.dumps(rewrite))
    try:
        for name, argv in SERVERS.items():
            port = free_port()
            command = [*argv, str(port)] + (["--project-root", str(project)] if argv[:5] == EMULATE else [])
            env = {**os.environ, "ENVIRONMENT": ENVIRONMENT}
            processes.append(subprocess.Popen(command, cwd=project, env=env, stderr=subprocess.DEVNULL))
            connections[name] = wait_ready(port)
        samples: dict[str, list[float]] = {name: [] for name in SERVERS}
        for _ in range(args.rounds):
            for name, port in connections.items():
                samples[name] += timed(port, args.requests // args.rounds)
        baseline = statistics.median(samples["uvicorn (baseline)"])
        for name, values in samples.items():
            median = statistics.median(values)
            print(f"{name:20} median {median * 1000:8.0f} us  {median / baseline:5.2f}x of uvicorn")
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
