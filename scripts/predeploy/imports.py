"""The `imports` check: every third-party import under `api/` comes from an exact pin in `api/requirements.txt`.

Unpinned imports fail the check; pins that are not exact fail it too (the next release would be
deployed untested); pins never imported are reported as unused or transitive-only.
"""

from __future__ import annotations

import importlib.metadata as metadata
from collections import defaultdict
from pathlib import Path

from failsafe.requirements import Pin, normalise, read_pins
from scripts.predeploy.distributions import KNOWN_ALIASES, is_installed, provided_modules, requirers
from scripts.predeploy.import_names import stale_entries
from scripts.predeploy.import_sites import ImportSite, collect_imports, not_third_party
from scripts.predeploy.report import CheckResult


def _where(sites: list[ImportSite]) -> str:
    shown = ", ".join(site.where for site in sites[:3])
    return shown + (f" and {len(sites) - 3} more" if len(sites) > 3 else "")


def check_imports(root: Path) -> CheckResult:
    result = CheckResult("imports")
    path = root / "api" / "requirements.txt"
    if not path.is_file():
        result.error("api/requirements.txt is missing: Vercel and `sam build` install the function's packages from it")
        result.summary = "no api/requirements.txt"
        return result
    pins = read_pins(path)
    for problem in pins.problems:
        result.error(f"api/requirements.txt {problem}")
    for pin in pins.pins:
        if not pin.exact:
            result.error(
                f"api/requirements.txt:{pin.line_no}: `{pin.text}` is not an exact pin (`==version`): "
                "the next release would be deployed untested"
            )
    by_module: dict[str, list[Pin]] = defaultdict(list)
    for pin in pins.pins:
        for module in provided_modules(pin.key):
            by_module[module].append(pin)
    for module, dist in KNOWN_ALIASES.items():
        by_module[module].extend(pin for pin in pins.pins if pin.key == dist)
    installed = metadata.packages_distributions()
    skip = not_third_party(root / "api")
    used: set[str] = set()
    missing: dict[str, list[ImportSite]] = defaultdict(list)
    optional: dict[str, list[ImportSite]] = defaultdict(list)
    sites = collect_imports(root)
    for site in sites:
        if site.module in skip:
            continue
        providers = by_module.get(site.module) or [
            pin for pin in pins.pins for dist in installed.get(site.module, []) if normalise(dist) == pin.key
        ]
        if providers:
            used.update(pin.key for pin in providers)
        elif site.optional:
            optional[site.module].append(site)
        else:
            missing[site.module].append(site)
    for module, where in sorted(missing.items()):
        dists = sorted({normalise(d) for d in installed.get(module, [])})
        dist = dists[0] if dists else KNOWN_ALIASES.get(module, module.replace("_", "-").lower())
        via = requirers(dist, pins) if dists else []
        how = f" (here it is installed only as a dependency of {', '.join(via)})" if via else ""
        result.error(
            f"`{module}` is imported ({_where(where)}) but api/requirements.txt does not pin it{how}: "
            f"the deployed function would fail with ModuleNotFoundError. Add `{dist}==<version>`."
        )
    for module, where in sorted(optional.items()):
        result.info(f"`{module}` is imported optionally ({_where(where)}) and not pinned")
    for message in stale_entries(root, set(missing)):
        result.error(message)
    known_graph = any(is_installed(pin.key) for pin in pins.pins)
    for pin in pins.pins:
        if pin.key in used:
            continue
        via = requirers(pin.key, pins)
        if via:
            result.warning(
                f"{pin.name} is pinned but never imported: transitive-only (a dependency of {', '.join(via)})"
            )
        elif known_graph:
            result.warning(f"{pin.name} is pinned but never imported: unused (it only makes the bundle bigger)")
        else:
            result.warning(
                f"{pin.name} is pinned but never imported (unused or transitive-only: the pins are not "
                "installed where the check runs, so it cannot tell; run it from the project's venv)"
            )
    third_party = len({s.module for s in sites if s.module not in skip})
    result.summary = f"{third_party} third-party modules imported, {len(pins.pins)} pins"
    result.data = {
        "pins": [pin.text for pin in pins.pins],
        "unpinned_imports": sorted(missing),
        "unused_pins": sorted(pin.name for pin in pins.pins if pin.key not in used),
    }
    return result
