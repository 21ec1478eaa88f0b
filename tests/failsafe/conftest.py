from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

DRIVER = Path(__file__).resolve().parent / "drive_entry.py"


def add_backend_import(root: Path, module_source: str, name: str = "broken") -> None:
    """Make `backend_app` import a module with the given source while it loads."""
    (root / "api" / "backend_app" / "routes" / f"{name}.py").write_text(module_source)
    init = root / "api" / "backend_app" / "__init__.py"
    text = init.read_text()
    init.write_text(
        text.replace(
            "from backend_app.main", f"import backend_app.routes.{name}  # noqa: F401\nfrom backend_app.main", 1
        )
    )


def add_import(module: Path, line: str) -> None:
    """Add an import statement to a module of a copied tree, below its `__future__` import."""
    text = module.read_text()
    future = "from __future__ import annotations\n"
    assert future in text, module
    module.write_text(text.replace(future, future + line, 1))


def shadow_missing(dest: Path, *modules: str) -> Path:
    """A directory for the front of sys.path whose packages raise ModuleNotFoundError, as a missing one does.

    A dotted name shadows one part of a namespace package (`opentelemetry.sdk`), the rest stays.
    """
    shadow = dest / "shadow"
    for module in modules:
        package = shadow.joinpath(*module.split("."))
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(
            f"raise ModuleNotFoundError(\"No module named '{module}'\", name={module!r})\n"
        )
    return shadow


def drive(root: Path, env: dict[str, str], headers: dict[str, str] | None = None) -> tuple[dict[str, Any], str]:
    proc = subprocess.run(
        [sys.executable, str(DRIVER), str(root), json.dumps(headers or {})],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :]), proc.stderr
