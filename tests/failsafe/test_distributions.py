"""Import name -> distribution, from distributions' own metadata: what is installed, then the index the build ships."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from failsafe.distributions import INDEX_FILE, distribution_for
from scripts.predeploy.import_names import write_import_names
from tests.support.paths import ROOT


@pytest.mark.parametrize(
    ("module", "dist"),
    [
        ("passlib", "libpass"),  # the maintained fork installs the `passlib` package
        ("passlib.handlers.argon2", "libpass"),
        ("jose", "python-jose"),
        ("multipart", "python-multipart"),
        ("python_multipart", "python-multipart"),
        ("argon2", "argon2-cffi"),
        ("redis", "redis"),
    ],
)
def test_installed_metadata_names_the_pinned_distribution(module: str, dist: str) -> None:
    assert distribution_for(module, ROOT / "api") == dist


def test_the_shipped_index_covers_what_is_not_installed(tmp_path: Path) -> None:
    api = tmp_path / "api"
    api.mkdir()
    shutil.copy(ROOT / "api" / "requirements.txt", api / "requirements.txt")
    assert distribution_for("acme_billing", api) == "acme-billing"  # no metadata, no index: the guess
    (api / INDEX_FILE).write_text(json.dumps({"acme_billing": ["acme-billing-sdk"]}), encoding="utf-8")
    assert distribution_for("acme_billing", api) == "acme-billing-sdk"


def test_the_build_writes_the_index_from_the_metadata_where_it_runs(tmp_path: Path) -> None:
    index = json.loads(write_import_names(tmp_path).read_text(encoding="utf-8"))
    assert "libpass" in index["passlib"]
    assert index["jose"] == ["python-jose"]
    assert all(name.isidentifier() for name in index)
