"""Cold start of the deployed artefacts: import + first response, template vs a bare app.

    .venv/bin/python bench/cold_start.py [--runs 21] [--skip-vercel] [--importtime] [--no-instructions]

Builds what users deploy (bench/_artefacts.py): the Lambda zip from scripts/package_lambda.py,
extracted with Python's zipfile and made read-only, and the Vercel `.func` from
`vercel build --standalone` with VERCEL_PYTHON_COMPILEALL=1; the baselines are a bare FastAPI +
Mangum hello world (same pins, an `async def` route, `lifespan="off"`) packaged as AWS's docs say,
the same with hash-based bytecode, and a bare FastAPI app built by `vercel build` with bytecode.
Every sample is a fresh process of Python 3.12 without the project's packages, in the production
configuration: ENVIRONMENT=production, a SECRET_KEY, a PostgreSQL DATABASE_URL (a scratch database,
not contacted at load), no REDIS_URL, LOG_LEVEL=WARNING. Cases alternate in an order shuffled per round.

Wall and CPU time move with whatever else loads the machine; the instructions executed do not:
where valgrind is installed, each Lambda case also runs once under cachegrind without cache
simulation (`--cache-sim=no`), a count identical from run to run, so a change is judged by it.

Targets: Lambda zip, import + first /api/health <= 1.25x the bare app per AWS's docs by
instructions and <= 1.3x by median wall time; import + first authenticated GET /api/users/me <=
1.35x the bare app's first health; Vercel `.func` <= 1.3x the bare Vercel build; peak RSS after
the first request <= 1.15x. `--importtime` prints where the template's import goes (`-X
importtime` on the bytecode tree, by top-level package).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _artefacts import ROOT, bare_lambda, bare_vercel, template_lambda, template_vercel, without_bytecode, writable
from _runner import PROBE, SECRET, instructions, lambda_environ, machine, median, paired_ratios, probe, rounds, verdict
from _tokens import mint_token

from backend_app.core.config import load_settings
from scripts.localplatform.vercel import VercelProcess
from scripts.predeploy.bytecode import coverage
from scripts.predeploy.interpreters import find_python
from tests.support.postgres import create_database, drop_database

TARGETS = {"lambda_health": 1.3, "lambda_auth": 1.35, "vercel": 1.3, "instructions": 1.25, "peak_rss": 1.15}


def production(database_url: str) -> dict[str, str]:
    return {"ENVIRONMENT": "production", "SECRET_KEY": SECRET, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}


def lambda_env(database_url: str, token: str) -> dict[str, str]:
    """Lambda's variables and the production settings."""
    return lambda_environ(**production(database_url), BENCH_TOKEN=token)


def vercel_sample(function: Path, python: str, database_url: str) -> dict[str, float]:
    """Start the shim on the `.func` and time it to the first /api/health response (through IPC)."""
    config = json.loads((function / ".vc-config.json").read_text(encoding="utf-8"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # The platform runs the function with PYTHONDONTWRITEBYTECODE=1 (its folder is read-only).
    env = {**config["environment"], **production(database_url), "PYTHONDONTWRITEBYTECODE": "1"}
    with VercelProcess(function, python=python, env=env) as shim:
        response = shim.request("GET", "/api/health")
        cold_ms = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the shim's process, ended and waited for
    if response.status != 200:
        raise SystemExit(f"{function}: /api/health answered {response.status}")
    cpu_s = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    # CPU time includes the shim's shutdown (SIGTERM, lifespan): alike for both apps.
    return {"cold_ms": cold_ms, "cold_cpu_ms": cpu_s * 1000}


def import_profile(tree: Path, module: str, python: str, env: dict[str, str]) -> dict[str, float]:
    """Self import time (ms) by top-level package, from one `-X importtime` run of the tree."""
    args = [python, "-X", "importtime", str(PROBE), f"task={tree}:{module}", "cold", "0"]
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    own: collections.Counter[str] = collections.Counter()
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match:
            own[match.group(2).split(".")[0]] += int(match.group(1))
    return {name: micros / 1000 for name, micros in own.items()}


def importtime(template: Path, bare: Path, python: str, env: dict[str, str], runs: int = 3) -> None:
    """Where the template's import goes beyond the bare app's: medians of `runs` profiles each."""
    profiles = {
        "template": [import_profile(template, "index", python, env) for _ in range(runs)],
        "bare": [import_profile(bare, "bare_app", python, env) for _ in range(runs)],
    }
    names = {name for profile in profiles["template"] + profiles["bare"] for name in profile}
    own = {app: {n: statistics.median(p.get(n, 0.0) for p in runs_) for n in names} for app, runs_ in profiles.items()}
    totals = {app: sum(values.values()) for app, values in own.items()}
    print(
        f"\n-X importtime, both bytecode trees, median of {runs} runs: template {totals['template']:.0f} ms, "
        f"bare (AWS docs) {totals['bare']:.0f} ms of import (self time by top-level package)"
    )
    print(f"  {'package':<22} {'template':>9} {'bare':>9} {'extra':>9}")
    ranked = sorted(names, key=lambda n: own["template"][n] - own["bare"][n], reverse=True)
    for name in ranked[:20]:
        t, b = own["template"][name], own["bare"][name]
        print(f"  {name:<22} {t:>9.1f} {b:>9.1f} {t - b:>+9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--skip-vercel", action="store_true", help="Lambda artefacts only (no vercel build)")
    parser.add_argument("--importtime", action="store_true", help="also print -X importtime by package")
    parser.add_argument("--no-instructions", action="store_true", help="skip the cachegrind counts")
    args = parser.parse_args()
    python = find_python("3.12")
    if python is None:
        raise SystemExit("no Python 3.12 found (PATH or pyenv)")
    database, database_url = create_database()
    work = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    try:
        token = mint_token(load_settings(environment="production", secret_key=SECRET, database_url=database_url))
        template, template_plain = template_lambda(work)
        bare, bare_hash = bare_lambda(work)
        env = lambda_env(database_url, token)

        def sample(tree: Path, module: str, mode: str = "cold") -> dict[str, float]:
            return probe(f"task={tree}:{module}", mode, python=python, env=env)

        cases = {
            "template zip, /api/health": lambda: sample(template, "index"),
            "template zip, /api/users/me": lambda: sample(template, "index", "auth"),
            "template zip without bytecode": lambda: sample(template_plain, "index"),
            "bare, AWS docs": lambda: sample(bare, "bare_app"),
            "bare, hash-based bytecode": lambda: sample(bare_hash, "bare_app"),
        }
        if not args.skip_vercel:
            vercel_sh = [str(ROOT / "scripts" / "tools" / "vercel.sh")]
            found = subprocess.run(["bash", *vercel_sh], capture_output=True, text=True, check=True)
            tools = found.stdout.strip().splitlines()[-1]  # the folder of the vercel CLI
            template_func = template_vercel(work, tools, os.path.dirname(python))
            bare_func = bare_vercel(work, tools, os.path.dirname(python))
            cases["vercel .func, /api/health"] = lambda: vercel_sample(template_func, python, database_url)
            func_plain = without_bytecode(template_func, work / "vercel-no-bytecode.func")
            cases["vercel .func without bytecode"] = lambda: vercel_sample(func_plain, python, database_url)
            cases["bare vercel build"] = lambda: vercel_sample(bare_func, python, database_url)
        for name, tree in (("template zip", template), ("bare, AWS docs", bare), ("bare, hash-based", bare_hash)):
            print(f"{name}: {coverage(tree, '3.12').describe()}")
        if not args.skip_vercel:
            for name, func in (("vercel .func", template_func), ("bare vercel build", bare_func)):
                print(
                    f"{name}: _vendor {coverage(func / '_vendor', '3.12').describe()}; "
                    f"api {coverage(func / 'api', '3.12').describe()}"
                )
        load_before = os.getloadavg()
        samples = rounds(cases, args.runs)
        load_after = os.getloadavg()
        report(samples, args.runs)
        print(f"load average (1, 5, 15 min): before {fmt_load(load_before)}, after {fmt_load(load_after)}")
        if not args.no_instructions:
            counts = {
                "template zip, /api/health": instructions(f"task={template}:index", "cold", python=python, env=env),
                "template zip, /api/users/me": instructions(f"task={template}:index", "auth", python=python, env=env),
                "bare, AWS docs": instructions(f"task={bare}:bare_app", "cold", python=python, env=env),
            }
            report_instructions(counts)
        if args.importtime:
            importtime(template, bare, python, env)
    finally:
        writable(work)
        subprocess.run(["rm", "-rf", str(work)], check=False)
        drop_database(database)


def fmt_load(load: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.2f}" for value in load)


def report_instructions(counts: dict[str, int | None]) -> None:
    base = counts["bare, AWS docs"]
    if base is None:
        print("instructions: valgrind is not installed (apt-get install valgrind)")
        return
    print("instructions executed, import + first response (cachegrind --cache-sim=no, identical on reruns)")
    for label, count in counts.items():
        ratio = (count or 0) / base
        judged = verdict(ratio, TARGETS["instructions"], at_most=True) if label.endswith("/api/health") else ""
        if label.endswith("/api/users/me"):
            judged = verdict(ratio, TARGETS["lambda_auth"], at_most=True) + " vs bare health"
        print(f"  {label:<32} {(count or 0) / 1e6:>10,.0f} M  {ratio:.3f}x  {judged}")


def report(samples: dict[str, list[dict[str, float]]], runs: int) -> None:
    print(f"cold start of the artefacts, {runs} fresh processes each, interleaved ({machine()})")
    print(f"{'case':<32} {'import ms':>10} {'first ms':>10} {'cold ms':>10} {'cold CPU ms':>12}")
    for label, s in samples.items():
        imported = f"{median(s, 'import_ms'):>10.1f}" if "import_ms" in s[0] else f"{'':>10}"
        first = f"{median(s, 'first_ms'):>10.1f}" if "first_ms" in s[0] else f"{'':>10}"
        print(f"{label:<32} {imported} {first} {median(s, 'cold_ms'):>10.1f} {median(s, 'cold_cpu_ms'):>12.1f}")
    lines = [
        ("Lambda zip health / bare (AWS docs)", "template zip, /api/health", "bare, AWS docs", "lambda_health"),
        ("Lambda zip users/me / bare health", "template zip, /api/users/me", "bare, AWS docs", "lambda_auth"),
        ("Lambda zip health / bare hash-based", "template zip, /api/health", "bare, hash-based bytecode", None),
        ("zip without bytecode / bare (AWS docs)", "template zip without bytecode", "bare, AWS docs", None),
        ("Vercel .func / bare vercel build", "vercel .func, /api/health", "bare vercel build", "vercel"),
        (".func without bytecode / bare vercel", "vercel .func without bytecode", "bare vercel build", None),
    ]
    for title, case, base, target in lines:
        if case not in samples:
            continue
        ratio = median(samples[case], "cold_ms") / median(samples[base], "cold_ms")
        cpu = median(samples[case], "cold_cpu_ms") / median(samples[base], "cold_cpu_ms")
        judged = verdict(ratio, TARGETS[target], at_most=True) if target else ""
        print(f"{title:<42} {ratio:.2f}x  {judged}  {paired_ratios(samples[case], samples[base], 'cold_ms')}")
        print(f"{'':<42} CPU time {cpu:.2f}x (less sensitive to other load on the machine)")
    template_rss = median(samples["template zip, /api/health"], "peak_rss_kib")
    bare_rss = median(samples["bare, AWS docs"], "peak_rss_kib")
    rss = template_rss / bare_rss
    judged = verdict(rss, TARGETS["peak_rss"], at_most=True)
    title = "peak RSS, Lambda zip / bare (AWS docs)"
    print(f"{title:<42} {rss:.2f}x  {judged}  ({template_rss / 1024:.1f} MiB against {bare_rss / 1024:.1f} MiB)")


if __name__ == "__main__":
    main()
