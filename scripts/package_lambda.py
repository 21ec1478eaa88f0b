"""Build the Lambda deployment zip without SAM: binary wheels for the target, then api/ on top.

    python scripts/package_lambda.py                         # python3.12, arm64 -> dist/lambda-python3.12-aarch64.zip
    python scripts/package_lambda.py --python 3.13 --arch x86_64 --out dist/function.zip
    python scripts/package_lambda.py --tree build/function   # the unzipped tree (sam build's makefile method)

Nothing is built from source: `pip install --platform manylinux... --only-binary=:all:` takes the
wheels Lambda's Amazon Linux runs, whatever machine this runs on. Then every module is compiled to
hash-based bytecode with a Python of the target's version (found on PATH or in pyenv): Lambda's
/var/task is read-only, so a module without it is compiled again at every cold start. Upload the
zip with handler `index.handler` (the zip's root is api/). Prints the zipped and unzipped size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.predeploy import bundle  # noqa: E402
from scripts.predeploy.bytecode import compile_tree, coverage  # noqa: E402
from scripts.predeploy.sizes import LIMITS  # noqa: E402


def build_tree(root: Path, target: bundle.Target, tree: Path) -> str | None:
    """Wheels, api/ and bytecode for `target` in `tree` (emptied first); an error, or None."""
    bundle.fresh_dir(tree)
    done = bundle.install_wheels(root / "api" / "requirements.txt", target, tree)
    if done.returncode != 0:
        return f"{done.stderr.strip()}\nno binary wheels for {target.label} for every pin in api/requirements.txt"
    bundle.copy_code(root / "api", tree)
    return compile_tree(tree, target.python)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="3.12", choices=["3.12", "3.13"], help="Lambda runtime version")
    parser.add_argument("--arch", default="arm64", choices=sorted(bundle.ARCH_ALIASES), help="Lambda architecture")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (holds api/)")
    parser.add_argument("--out", type=Path, help="zip to write (default dist/lambda-python<V>-<arch>.zip)")
    parser.add_argument("--tree", type=Path, help="write the unzipped tree into this folder instead of a zip")
    args = parser.parse_args(argv)
    target = bundle.Target(args.python, bundle.ARCH_ALIASES[args.arch])
    out: Path = args.out or args.root / "dist" / f"lambda-{target.label}.zip"
    with tempfile.TemporaryDirectory(prefix="package-lambda-") as tmp:
        tree: Path = args.tree or Path(tmp) / "package"
        error = build_tree(args.root, target, tree)
        if error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        compiled = coverage(tree, target.python)
        unzipped, largest = bundle.tree_bytes(tree), bundle.largest_packages(tree, 5)
        if args.tree is None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.unlink(missing_ok=True)
            bundle.zip_tree(tree, out)
    if args.tree is not None:
        print(f"wrote {tree} for {target.label}: {bundle.mib(unzipped)} MB")
        zipped = 0
    else:
        zipped = out.stat().st_size
        print(f"wrote {out} for {target.label}: {bundle.mib(zipped)} MB zipped, {bundle.mib(unzipped)} MB unzipped")
    print("largest (MB): " + ", ".join(f"{name} {bundle.mib(size)}" for name, size in largest))
    print(compiled.describe())
    for what, limit, of_zip in LIMITS:
        if what.startswith("Lambda") and (zipped if of_zip else unzipped) > limit:
            print(f"error: over the {what} limit of {bundle.mib(limit)} MB", file=sys.stderr)
            return 1
    lambda_arch = "arm64" if target.arch == "aarch64" else "x86_64"
    print(f"deploy: handler index.handler, runtime python{target.python}, architecture {lambda_arch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
