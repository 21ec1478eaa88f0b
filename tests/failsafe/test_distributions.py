"""Import name -> distribution, from distributions' own metadata: what is installed, then the project's index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from failsafe.distributions import INDEX_FILE, distribution_for
from scripts.predeploy.import_names import current_index
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


def test_the_index_maps_the_projects_modules_from_the_metadata_where_it_runs() -> None:
    index = current_index(ROOT)
    assert index["passlib"] == ["libpass"]  # imported through a computed name: seen from the pin
    assert index["jose"] == ["python-jose"]
    assert index["multipart"] == index["python_multipart"] == ["python-multipart"]
    assert all(name.isidentifier() for name in index)
