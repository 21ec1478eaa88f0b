"""The `bundle` check: the bundle for each target, unzipped and zipped, against the platforms and a budget.

Each bundle is built as scripts/package_lambda.py builds it, bytecode included (compiled with a
Python of the target's version), and the check reports whether every module carries it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from scripts.predeploy.bytecode import coverage
from scripts.predeploy.deployment_tree import (
    MIB,
    NoWheelsError,
    Target,
    build_tree,
    largest_packages,
    mib,
    tree_bytes,
    zip_tree,
)
from scripts.predeploy.report import CheckResult

# Hard limits (bytes). Lambda: 250 MB unzipped incl. layers, 50 MB zipped for a direct upload.
# Vercel: 500 MB uncompressed for a Python function (250 MB is the figure for other runtimes; "Vercel
# Functions Limits", vercel.com/docs/functions/limitations); up to 5 GB only as a "large function"
# on Fluid compute (beta). A large bundle may have its packages installed at cold start instead
# (@vercel/python's runtime install, off with VERCEL_PYTHON_DISABLE_RUNTIME_INSTALL).
LIMITS = [  # (what, bytes, applies to the zipped size)
    ("Lambda unzipped", 250 * MIB, False),
    ("Lambda zipped (direct upload)", 50 * MIB, True),
    ("Vercel Python function", 500 * MIB, False),
]
DEFAULT_TARGETS = [Target(py, arch) for py in ("3.12", "3.13") for arch in ("x86_64", "aarch64")]


def check_bundle(
    root: Path,
    targets: list[Target] = DEFAULT_TARGETS,
    budget_unzipped_mb: float = 60.0,
    budget_zipped_mb: float = 20.0,
) -> CheckResult:
    result = CheckResult("bundle")
    measured: list[dict[str, Any]] = []
    for target in targets:
        with tempfile.TemporaryDirectory(prefix=f"predeploy-{target.label}-") as tmp:
            tree = Path(tmp) / "bundle"
            try:
                compile_error = build_tree(root / "api", target, tree)
            except NoWheelsError as exc:
                tail = "\n".join(str(exc).splitlines()[-8:])
                result.error(f"{target.label}: no binary wheels for every pin (nothing is compiled at deploy):\n{tail}")
                continue
            compiled = coverage(tree, target.python)
            archive = Path(tmp) / "bundle.zip"
            zip_tree(tree, archive)
            unzipped, zipped = tree_bytes(tree), archive.stat().st_size
            largest = largest_packages(tree)
        row = {
            "target": target.label,
            "unzipped_mb": mib(unzipped),
            "zipped_mb": mib(zipped),
            "bytecode": compiled.complete,
            "bytecode_modules": compiled.compiled,
            "modules": compiled.sources,
            "largest": [{"name": name, "mb": mib(size)} for name, size in largest],
        }
        measured.append(row)
        top = ", ".join(f"{name} {mib(size)}" for name, size in largest)
        result.info(f"{target.label}: {mib(unzipped)} MB unzipped, {mib(zipped)} MB zipped; largest (MB): {top}")
        if compiled.complete:
            result.info(f"{target.label}: {compiled.describe()}")
        else:
            # Sizes without bytecode are too small by ~30 %, and such a bundle is slow to start.
            result.warning(f"{target.label}: {compiled.describe()}" + (f"\n{compile_error}" if compile_error else ""))
        over = [
            f"{what} limit {mib(limit)} MB"
            for what, limit, of_zip in LIMITS
            if (zipped if of_zip else unzipped) > limit
        ]
        if unzipped > budget_unzipped_mb * MIB:
            over.append(f"budget {budget_unzipped_mb:g} MB unzipped")
        if zipped > budget_zipped_mb * MIB:
            over.append(f"budget {budget_zipped_mb:g} MB zipped")
        if over:
            result.error(f"{target.label} is over the {'; the '.join(over)}: drop or replace the largest packages")
    worst = max((row["unzipped_mb"] for row in measured), default=0.0)
    result.summary = (
        f"{len(measured)} target{'' if len(measured) == 1 else 's'}, largest {worst} MB unzipped "
        f"(budget {budget_unzipped_mb:g} MB unzipped / {budget_zipped_mb:g} MB zipped)"
    )
    result.data = {"targets": measured, "budget_unzipped_mb": budget_unzipped_mb, "budget_zipped_mb": budget_zipped_mb}
    return result
