"""The pre-deploy check: would this project work once deployed? Exit 0 when yes, 1 when not.

    python scripts/check_deps.py            # all four checks, readable output
    python scripts/check_deps.py --json     # the same, as JSON on stdout
    python scripts/check_deps.py --only entrypoint,imports   # the fast, static ones

Checks: `entrypoint` (api/index.py is the one function), `imports` (every third-party import is
pinned exactly in api/requirements.txt), `install` (a fresh venv with only those pins loads the
backend: /api/status says backend_loaded: true), `bundle` (size per Python and architecture
against Lambda's and Vercel's limits and a budget).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# failsafe's requirements reader, the one the fallback uses (standard library only, like this check).
sys.path.insert(1, str(ROOT / "api"))

from scripts.predeploy.bundle import DEFAULT_TARGETS, check_bundle  # noqa: E402
from scripts.predeploy.deployment_tree import ARCH_ALIASES, Target  # noqa: E402
from scripts.predeploy.entrypoint import check_entrypoint  # noqa: E402
from scripts.predeploy.imports import check_imports  # noqa: E402
from scripts.predeploy.install import check_install  # noqa: E402
from scripts.predeploy.report import CheckResult, render_json, render_result, render_verdict  # noqa: E402

CHECKS = ("entrypoint", "imports", "install", "bundle")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help="project folder")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--only", default=",".join(CHECKS), help=f"comma list of checks ({', '.join(CHECKS)})")
    parser.add_argument("--python-version", default="3.12", help="Python of the isolated install (default 3.12)")
    parser.add_argument("--python", help="interpreter for the isolated install (default: found by version)")
    parser.add_argument(
        "--targets",
        default=",".join(f"{t.python}-{t.arch}" for t in DEFAULT_TARGETS),
        help="bundle targets as VERSION-ARCH, comma-separated (arch: x86_64 or aarch64)",
    )
    budget = os.environ.get
    parser.add_argument("--budget-unzipped-mb", type=float, default=float(budget("DEPLOY_BUDGET_UNZIPPED_MB", 60)))
    parser.add_argument("--budget-zipped-mb", type=float, default=float(budget("DEPLOY_BUDGET_ZIPPED_MB", 20)))
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(CHECKS))
    if unknown:
        parser.error(f"unknown check(s): {', '.join(unknown)}")
    targets = []
    for item in filter(None, (part.strip() for part in args.targets.split(","))):
        version, _, arch = item.partition("-")
        if arch not in ARCH_ALIASES or not version.startswith("3."):
            parser.error(f"--targets: `{item}` is not VERSION-ARCH (e.g. 3.12-x86_64, 3.13-arm64)")
        targets.append(Target(version, ARCH_ALIASES[arch]))
    args.targets = targets
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    root = args.root.resolve()
    runners: dict[str, Callable[[], CheckResult]] = {
        "entrypoint": lambda: check_entrypoint(root),
        "imports": lambda: check_imports(root),
        "install": lambda: check_install(root, args.python_version, args.python),
        "bundle": lambda: check_bundle(root, args.targets, args.budget_unzipped_mb, args.budget_zipped_mb),
    }
    results = []
    if not args.json:
        print(f"pre-deploy check of {root}", flush=True)
    for name in CHECKS:
        if name in args.only:
            started = time.perf_counter()
            result = runners[name]()
            result.seconds = time.perf_counter() - started
            results.append(result)
            if not args.json:  # each check as it finishes: the slow ones take a while
                print(render_result(result), flush=True)
    print(render_json(str(root), results) if args.json else render_verdict(results))
    return 0 if all(result.ok for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
