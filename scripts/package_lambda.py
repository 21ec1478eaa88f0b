"""Build the Lambda deployment zip without SAM: binary wheels for the target, then api/ on top.

    python scripts/package_lambda.py                         # python3.12, arm64 -> dist/lambda-python3.12-aarch64.zip
    python scripts/package_lambda.py --python 3.14 --arch x86_64 --out dist/function.zip
    python scripts/package_lambda.py --tree build/function   # the unzipped tree (sam build's makefile method)

Nothing is built from source: `pip install --platform manylinux... --only-binary=:all:` takes the
wheels Lambda's Amazon Linux runs, whatever machine this runs on. Then every module is compiled to
hash-based bytecode with a Python of the target's version (found on PATH or in pyenv): Lambda's
/var/task is read-only, so a module without it is compiled again at every cold start. Without
such a Python it stops before building anything, saying so. Upload the zip with handler
`index.handler` (the zip's root is api/). Prints the zipped and unzipped size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.predeploy.bundle import LIMITS  # noqa: E402
from scripts.predeploy.bytecode import coverage, no_interpreter  # noqa: E402
from scripts.predeploy.deployment_tree import (  # noqa: E402
    ARCH_ALIASES,
    LAMBDA_PYTHONS,
    NoWheelsError,
    Target,
    build_tree,
    largest_packages,
    mib,
    tree_bytes,
    zip_tree,
)
from scripts.predeploy.interpreters import find_python  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="3.12", choices=LAMBDA_PYTHONS, help="Lambda runtime version")
    parser.add_argument("--arch", default="arm64", choices=sorted(ARCH_ALIASES), help="Lambda architecture")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (holds api/)")
    parser.add_argument("--out", type=Path, help="zip to write (default dist/lambda-python<V>-<arch>.zip)")
    parser.add_argument("--tree", type=Path, help="write the unzipped tree into this folder instead of a zip")
    args = parser.parse_args(argv)
    target = Target(args.python, ARCH_ALIASES[args.arch])
    if find_python(target.python) is None:  # checked first: no tree or zip without its bytecode
        print(f"error: {no_interpreter(target.python)}", file=sys.stderr)
        return 1
    out: Path = args.out or args.root / "dist" / f"lambda-{target.label}.zip"
    with tempfile.TemporaryDirectory(prefix="package-lambda-") as tmp:
        tree: Path = args.tree or Path(tmp) / "package"
        try:
            error = build_tree(args.root / "api", target, tree)
        except NoWheelsError as exc:
            error = f"{exc}\nno binary wheels for {target.label} for every pin in api/requirements.txt"
        if error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        compiled = coverage(tree, target.python)
        unzipped, largest = tree_bytes(tree), largest_packages(tree, 5)
        if args.tree is None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.unlink(missing_ok=True)
            zip_tree(tree, out)
    if args.tree is not None:
        print(f"wrote {tree} for {target.label}: {mib(unzipped)} MB")
        zipped = 0
    else:
        zipped = out.stat().st_size
        print(f"wrote {out} for {target.label}: {mib(zipped)} MB zipped, {mib(unzipped)} MB unzipped")
    print("largest (MB): " + ", ".join(f"{name} {mib(size)}" for name, size in largest))
    print(compiled.describe())
    for what, limit, of_zip in LIMITS:
        if what.startswith("Lambda") and (zipped if of_zip else unzipped) > limit:
            print(f"error: over the {what} limit of {mib(limit)} MB", file=sys.stderr)
            return 1
    lambda_arch = "arm64" if target.arch == "aarch64" else "x86_64"
    print(f"deploy: handler index.handler, runtime python{target.python}, architecture {lambda_arch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
