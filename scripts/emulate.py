#!/usr/bin/env python3
"""Run the template the way Lambda does, on this machine.

    python scripts/emulate.py invoke --format http --method GET --path /api/health
    python scripts/emulate.py invoke --event event.json --runtime ric --fail-on-5xx --env-file emulate.env

`invoke` builds an API Gateway REST (`rest`), HTTP API (`http`), ALB (`alb`) or Function URL
(`url`) event, or reads one from a file (`-` for stdin), runs it through `index.handler` of the
task root (default: this project's `api/`, built as deployed: only api/requirements.txt, in an
interpreter that sees nothing else; `--in-venv` imports it with the development venv instead) through
a minimal runtime loop or the real Lambda runtime client (`--runtime ric`, awslambdaric), and prints
the response with its body decoded. A `--task-root` that holds packages (an unzipped
scripts/package_lambda.py zip, a `sam build` output) is run as it is. Exit status: 0 on an answer,
1 on a 5xx with `--fail-on-5xx`, 2 when the runtime failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.localplatform import events, isolation, ric, serve  # noqa: E402
from scripts.localplatform.context import LocalContext  # noqa: E402
from scripts.localplatform.functions import import_handler, in_process_variables  # noqa: E402


def invoke_in_process(task_root: Path, handler: str, event: Any, env: dict[str, str]) -> Any:
    """Import the handler as Lambda does (task root on sys.path, Lambda's variables set) and call it."""
    variables = in_process_variables(task_root, handler)
    for name, value in variables.items():
        os.environ.setdefault(name, value)
    os.environ.update(env)
    return import_handler(task_root, handler)(event, LocalContext(variables["AWS_LAMBDA_FUNCTION_NAME"]))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="emulate.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    invoke = commands.add_parser("invoke", help="run one event through the Lambda handler")
    source = invoke.add_mutually_exclusive_group()
    source.add_argument("--event", help="a JSON event file ('-' reads stdin) instead of building one")
    source.add_argument("--format", choices=events.FORMATS, default="http", help="event source (default: http)")
    invoke.add_argument("--method", default="GET")
    invoke.add_argument("--path", default="/api/health", help="path with an optional ?query")
    invoke.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'")
    invoke.add_argument("--body", help="request body; @FILE reads a file")
    invoke.add_argument("--base64", action="store_true", help="send the body base64-encoded (auto when not UTF-8)")
    invoke.add_argument("--stage", help="API Gateway stage (rest: default prod; http: default $default)")
    invoke.add_argument("--source-ip", default="203.0.113.7")
    invoke.add_argument("--runtime", choices=("inproc", "ric"), default="inproc", help="default: inproc")
    invoke.add_argument("--task-root", type=Path, default=ROOT / "api", help="default: ./api")
    invoke.add_argument("--handler", default="index.handler")
    invoke.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="set for the function")
    invoke.add_argument("--env-file", type=Path, help="NAME=VALUE lines for the function (# comments)")
    invoke.add_argument("--fail-on-5xx", action="store_true", help="exit 1 when the status is 5xx")
    invoke.add_argument("--raw", action="store_true", help="print the handler's return value as JSON")
    serve.add_mode_arguments(invoke)
    # A local HTTP server in front of the function, as API Gateway/ALB or Vercel puts one.
    serve.add_arguments(commands.add_parser("serve", help="serve HTTP as the platform would"), ROOT)
    return parser


def make_event(args: argparse.Namespace) -> Any:
    if args.event:
        text = sys.stdin.read() if args.event == "-" else Path(args.event).read_text(encoding="utf-8")
        return json.loads(text)
    body: bytes | None = None
    if args.body is not None:
        body = Path(args.body[1:]).read_bytes() if args.body.startswith("@") else args.body.encode()
    headers = []
    for item in args.header:
        name, sep, value = item.partition(":")
        if not sep:
            raise SystemExit(f"--header wants 'Name: value', got {item!r}")
        headers.append((name.strip(), value.strip()))
    return events.build_event(
        args.format,
        args.method,
        args.path,
        headers=headers,
        body=body,
        base64_body=True if args.base64 else None,
        stage=args.stage,
        source_ip=args.source_ip,
    )


def render(response: Any) -> str:
    if not isinstance(response, dict) or "statusCode" not in response:
        return json.dumps(response, indent=2)  # not an HTTP answer (a warm-up acknowledgement)
    lines = [f"HTTP {response['statusCode']}"]
    for name, value in (response.get("headers") or {}).items():
        lines.append(f"{name}: {value}")
    for name, values in (response.get("multiValueHeaders") or {}).items():
        if name not in (response.get("headers") or {}) or len(values) > 1:
            lines += [f"{name}: {value}" for value in values]
    lines += [f"set-cookie: {cookie}" for cookie in response.get("cookies") or []]
    body = events.decoded_body(response)
    try:
        text = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        text = body.decode("utf-8", "replace")
    return "\n".join([*lines, "", text])


def run_invoke(args: argparse.Namespace) -> int:
    event = make_event(args)
    env = serve.function_env(args)
    task_root = args.task_root.resolve()
    serve.warn_invalid_settings("lambda", args.runtime, task_root, env, args.env_file)
    built = isolation.is_built(task_root)
    deployed = serve.start_deployed(args, task_root.parent, "lambda", task_root if built else None)
    try:
        if deployed is not None or args.runtime == "ric":
            root, command = (deployed.tree, deployed.command) if deployed is not None else (task_root, None)
            with ric.RicProcess(root, args.handler, env=env, command=command) as runtime:
                try:
                    response = runtime.invoke(event)
                finally:
                    sys.stderr.write(runtime.output())
        else:
            response = invoke_in_process(task_root, args.handler, event, env)
    except (ric.InitError, ric.InvocationError) as exc:
        print(f"the runtime failed: {exc}", file=sys.stderr)
        return 2
    finally:
        if deployed is not None:
            deployed.close()
    print(render(response) if not args.raw else json.dumps(response, indent=2))
    status = response.get("statusCode") if isinstance(response, dict) else None
    return 1 if args.fail_on_5xx and isinstance(status, int) and status >= 500 else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "invoke":
        return run_invoke(args)
    if args.command == "serve":
        return serve.run(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
