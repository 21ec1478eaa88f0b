"""What tracing costs on the deployed Lambda zip: cold start and warm invocations, off and on.

    .venv/bin/python bench/tracing_overhead.py [--runs 11] [--warm 2000] [--instructions] [--baseline REV]

Three cases, each a fresh Python 3.12 process on an extracted, read-only zip from
scripts/package_lambda.py (Lambda's variables, production settings, an HTTP API event for
/api/health through `index.handler`):

    template            the zip as the template ships it (no OpenTelemetry SDK in it)
    extra, off          the zip with `fastapi[opentelemetry]` in api/requirements.txt, tracing off
    extra, on           the same with FASTAPI_OTEL_AUTO_CONFIGURE=true and OTEL_EXPORTER_OTLP_ENDPOINT
                        set to a loopback OTLP/HTTP receiver: every invocation exports its spans
    REV                 with `--baseline REV`: api/ at that git revision (what a change costs, tracing off)

Prints medians and ratios against `template` (cold: import + first response; warm: invocations per
second after 200 unmeasured ones). `--instructions` also counts the instructions each case executes
under valgrind's cachegrind (`--cache-sim=no`): the same from run to run, unlike wall time on a
shared machine (cold: one process; warm: per invocation, the difference between runs of 0 and
`--warm` measured invocations).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from _artefacts import ROOT, extract, run, writable
from _runner import PROBE, SECRET, lambda_environ, machine, median, paired_ratios, probe, rounds

from scripts.predeploy.interpreters import find_python
from tests.support.otlp import otlp_receiver

EXTRA = "fastapi[opentelemetry]"


def build(work: Path, name: str, *, extra: bool, revision: str | None = None) -> Path:
    """The Lambda zip of this project's api/ (at a git `revision`, else as it is), with `EXTRA`
    instead of `fastapi` when asked, extracted."""
    root = work / f"{name}-project"
    if revision is None:
        shutil.copytree(ROOT / "api", root / "api", ignore=shutil.ignore_patterns("__pycache__"))
    else:
        root.mkdir()
        archive = subprocess.run(["git", "archive", revision, "api"], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
    if extra:
        requirements = root / "api" / "requirements.txt"
        text = requirements.read_text(encoding="utf-8")
        requirements.write_text(re.sub(r"(?m)^fastapi==", f"{EXTRA}==", text), encoding="utf-8")
    archive = work / f"{name}.zip"
    script = str(ROOT / "scripts" / "package_lambda.py")
    run([sys.executable, script, "--python", "3.12", "--arch", "x86_64", "--root", str(root), "--out", str(archive)])
    return extract(archive, work / name)


def lambda_env(**extra: str) -> dict[str, str]:
    return lambda_environ(
        ENVIRONMENT="production",
        SECRET_KEY=SECRET,
        DATABASE_URL="postgresql://bench@127.0.0.1:9/unused",  # health does not contact it
        LOG_LEVEL="WARNING",
        **extra,
    )


def instructions(python: str, tree: Path, env: dict[str, str], mode: str, count: int) -> int:
    """Instructions executed by one probe process under cachegrind (`I refs`)."""
    with tempfile.TemporaryDirectory() as scratch:
        args = ["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={scratch}/out"]
        args += [python, str(PROBE), f"task={tree}:index", mode, str(count)]
        done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind failed:\n{done.stderr[-3000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--warm", type=int, default=2000, help="measured warm invocations per process")
    parser.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    parser.add_argument("--baseline", metavar="REV", help="also the zip of api/ at this git revision (before a change)")
    args = parser.parse_args()
    python = find_python("3.12")
    if python is None:
        raise SystemExit("no Python 3.12 found (PATH or pyenv)")
    work = Path(tempfile.mkdtemp(prefix="bench-tracing-"))
    try:
        trees = {"template": build(work, "template", extra=False), "extra": build(work, "extra", extra=True)}
        with otlp_receiver() as receiver:
            on = {"FASTAPI_OTEL_AUTO_CONFIGURE": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint}
            cases = {
                "template": (trees["template"], lambda_env()),
                "extra, off": (trees["extra"], lambda_env()),
                "extra, on": (trees["extra"], lambda_env(**on)),
            }
            if args.baseline:
                cases[args.baseline] = (build(work, "baseline", extra=False, revision=args.baseline), lambda_env())
            print(f"tracing on the Lambda zip ({machine()}), load average {os.getloadavg()}")
            for mode, count in (("cold", 0), ("warm", args.warm)):
                samples = rounds(
                    {
                        label: partial(probe, f"task={tree}:index", mode, count, python=python, env=env)
                        for label, (tree, env) in cases.items()
                    },
                    args.runs,
                )
                key = "cold_ms" if mode == "cold" else "per_s"
                for label, found in samples.items():
                    ratio = median(found, key) / median(samples["template"], key)
                    pairs = paired_ratios(found, samples["template"], key)
                    cpu = f", CPU {median(found, 'cold_cpu_ms'):.1f} ms" if mode == "cold" else ""
                    print(f"  {mode} {label:<12} {key} {median(found, key):>9.1f}{cpu}  {ratio:.3f}x  {pairs}")
            if args.instructions:
                counts = {}
                for label, (tree, env) in cases.items():
                    cold = instructions(python, tree, env, "cold", 0)
                    warm = instructions(python, tree, env, "warm", args.warm) - instructions(
                        python, tree, env, "warm", 0
                    )
                    counts[label] = (cold, warm / args.warm)
                base_cold, base_per = counts["template"]
                for label, (cold, per) in counts.items():
                    print(
                        f"  instructions {label:<12} cold {cold / 1e6:>8.1f} M ({cold / base_cold:.3f}x)"
                        f"  per warm invocation {per / 1e3:>8.1f} k ({per / base_per:.3f}x)"
                    )
            print(f"  spans received: {len(receiver.spans())}; load average after {os.getloadavg()}")
    finally:
        writable(work)
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
