"""`emulate.py serve`: a local HTTP server that hands each request to the function as the platform would.

`--platform lambda` turns the request into an API Gateway REST/HTTP API, ALB or Function URL event
(`gateway.Gateway`) for `index.handler`, in this process or through awslambdaric (`--runtime ric`,
with Lambda's REPORT lines). `--platform vercel` routes as Vercel does (`vercelconfig`: public/,
vercel.json rewrites and headers) and forwards to the real `vercel-runtime` shim over its IPC
protocol. Both serve `public/` (on Lambda it stands in for wherever the status page is hosted).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol

from scripts.localplatform import isolation, settings_check
from scripts.localplatform.gateway import Headers, HttpResponse

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"}


class Platform(Protocol):
    name: str

    def handle(self, method: str, target: str, headers: Headers, body: bytes, client_ip: str) -> HttpResponse: ...

    def close(self) -> None: ...


def make_handler(platform: Platform, log: Any) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "emulate"
        # Headers and body leave in two writes; with Nagle on, a keep-alive client's delayed ACK
        # added ~40 ms to every request (bench/emulate_overhead.py: median 44 ms -> 0.6 ms in process).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per request is written below, with the status and duration

        def _serve(self) -> None:
            started = time.perf_counter()
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                response = HttpResponse(411, [("Content-Type", "text/plain")], b"send a Content-Length\n")
            else:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = list(self.headers.items())
                response = platform.handle(self.command, self.path, headers, body, self.client_address[0])
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            elapsed = (time.perf_counter() - started) * 1000
            log.write(f"{platform.name}: {self.command} {self.path} -> {response.status} ({elapsed:.1f} ms)\n")
            log.flush()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

    return Handler


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM too, so the function's child process is stopped with the server


def serve(platform: Platform, host: str, port: int, log: Any = sys.stderr) -> None:
    server = ThreadingHTTPServer((host, port), make_handler(platform, log))
    server.daemon_threads = True
    log.write(f"serving {platform.name} on http://{host}:{server.server_address[1]} (Ctrl-C stops)\n")
    log.flush()
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        platform.close()


def add_arguments(parser: argparse.ArgumentParser, root: Path) -> None:
    parser.add_argument("--platform", choices=("lambda", "vercel"), required=True)
    parser.add_argument(
        "--format",
        choices=("http", "rest", "alb", "url"),
        default="http",
        help="lambda: the event source (default: http)",
    )
    parser.add_argument("--stage", help="lambda: the API Gateway stage (rest: default prod; http: default $default)")
    runtime_help = (
        "lambda: inproc (default: a minimal runtime loop; with --in-venv, in this process), or awslambdaric "
        "with Lambda's REPORT lines"
    )
    parser.add_argument("--runtime", choices=("inproc", "ric"), default="inproc", help=runtime_help)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--project-root", type=Path, default=root, help="the project (api/, public/, vercel.json)")
    parser.add_argument("--handler", default="index.handler", help="lambda: the handler in api/")
    parser.add_argument("--memory-mb", type=int, default=512, help="lambda: reported as Memory Size")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a variable for the function (repeat); only these and --env-file reach it",
    )
    parser.add_argument("--env-file", type=Path, help="NAME=VALUE lines for the function (# comments)")
    add_mode_arguments(parser)
    parser.add_argument(
        "--tree",
        type=Path,
        help="deployed mode: run this built tree as it is (Lambda: a task root; Vercel: api/ and _vendor/)",
    )


def add_mode_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--in-venv",
        action="store_true",
        help="run api/ with the development venv's packages (fast restarts; blind to a missing requirement) "
        "instead of the deployed tree",
    )
    parser.add_argument(
        "--python",
        default=isolation.default_python(),
        help="deployed mode: the runtime's Python version (default: this one's)",
    )


def start_deployed(
    args: argparse.Namespace, root: Path, platform: isolation.Platform, tree: Path | None = None
) -> isolation.DeployedFunction | None:
    """The deployed function of `root`/api (packages cached), or of `tree`, a tree built elsewhere, run
    as it is; None in --in-venv mode. Says which mode either way."""
    if args.in_venv:
        sys.stderr.write(f"emulate: {isolation.VENV_MODE}\n")
        return None
    sys.stderr.write("emulate: building the function's tree (packages are cached: rebuilt when the pins change)\n")
    sys.stderr.flush()
    function = isolation.build(root / "api", platform, args.runtime, args.python, tree)
    sys.stderr.write(f"emulate: {function.describe()}\n")
    sys.stderr.flush()
    return function


def function_env(args: argparse.Namespace) -> dict[str, str]:
    env: dict[str, str] = {}
    lines = args.env_file.read_text(encoding="utf-8").splitlines() if args.env_file else []
    for item in [*lines, *args.env]:
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        name, sep, value = item.removeprefix("export ").partition("=")
        if not sep:
            raise SystemExit(f"--env wants NAME=VALUE, got {item!r}")
        env[name.strip()] = value.strip().strip("'\"")
    return env


def warn_invalid_settings(
    platform: str, runtime: str, task_root: Path, env: dict[str, str], env_file: Path | None
) -> None:
    """Name each setting the function would refuse, and the flag that sets it (it still serves: the fallback)."""
    seen = settings_check.function_environment(platform, runtime, env, dict(os.environ))
    found = settings_check.invalid_settings(task_root, seen)
    if found is not None:
        sys.stderr.write(settings_check.advice(*found, env_file))


def run(args: argparse.Namespace) -> int:
    from scripts.localplatform.platforms import LambdaPlatform, VercelPlatform

    root = args.project_root.resolve()
    env = function_env(args)
    warn_invalid_settings(args.platform, args.runtime, root / "api", env, args.env_file)
    if args.format in ("alb", "url") and args.stage and args.platform == "lambda":
        raise SystemExit(f"--stage applies to rest and http, not {args.format}")
    deployed = start_deployed(args, root, args.platform, args.tree)
    if args.platform == "vercel":
        platform: Platform = VercelPlatform(root, env, deployed=deployed)
    else:
        platform = LambdaPlatform(
            root, args.format, args.stage, args.runtime, args.handler, env, args.memory_mb, deployed=deployed
        )
    serve(platform, args.host, args.port)
    return 0
