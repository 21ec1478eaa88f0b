"""scripts/package_lambda.py: a Lambda zip from binary wheels for another architecture, with its sizes."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pytest

from tests.deploy.conftest import run


@pytest.mark.slow
def test_the_zip_holds_the_app_at_its_root_and_wheels_for_the_target(tmp_path: Path) -> None:
    out = tmp_path / "function.zip"
    done = run([sys.executable, "scripts/package_lambda.py", "--arch", "arm64", "--out", str(out)], timeout_s=900)
    assert done.returncode == 0, done.stdout + done.stderr
    names = zipfile.ZipFile(out).namelist()
    assert "index.py" in names and "failsafe/loader.py" in names and "fastapi/__init__.py" in names
    assert any(re.fullmatch(r"pydantic_core/_pydantic_core\.cpython-312-aarch64-linux-gnu\.so", n) for n in names)
    assert not any(
        "__pycache__" in n or n.startswith(("tests/", "requirements")) for n in names if n != "requirements.txt"
    )
    sizes = re.search(r"([\d.]+) MB zipped, ([\d.]+) MB unzipped", done.stdout)
    assert sizes is not None and 0 < float(sizes.group(1)) < float(sizes.group(2))
    assert abs(float(sizes.group(1)) - out.stat().st_size / 2**20) < 0.1
    assert "architecture arm64" in done.stdout
