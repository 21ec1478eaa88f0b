"""python-jose loads the key backend of the configured algorithm only, and tokens work as with the whole of it.

When a check of jose's own files fails after an upgrade, `core.jose_loading` no longer matches
how jose loads: the template still works (jose then loads whole), but adapt the module.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
import warnings
from pathlib import Path

import ecdsa.ecdsa
import rsa

from backend_app.core import jose_loading
from tests.support.environment import development_environ
from tests.support.paths import API


def jose_file(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    return Path(spec.origin)


def test_jose_backends_binds_the_names_the_slim_package_binds() -> None:
    tree = ast.parse(jose_file("jose.backends").read_text(encoding="utf-8"))
    bound = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    bound |= {
        t.id for node in ast.walk(tree) if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)
    }
    assert bound == set(jose_loading.EXPORTS)


def test_jose_utils_still_takes_int_to_string_from_ecdsa_and_gets_the_same_bytes() -> None:
    assert "from ecdsa.ecdsa import int_to_string" in jose_file("jose.utils").read_text(encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # ecdsa deprecated the function it still exports
        for value in (0, 1, 255, 256, 65535, 2**64 + 7, 3**200):
            assert jose_loading.int_to_string(value) == ecdsa.ecdsa.int_to_string(value)


PROBE = """
import json, sys
sys.path.insert(0, {api!r})
from backend_app.core.config import load_settings
from backend_app.core.tokens import TokenCodec
KEYS = ("rsa", "pyasn1", "ecdsa", "jose.backends.rsa_backend", "jose.backends.ecdsa_backend")
def loaded(): return sorted(name for name in KEYS if name in sys.modules)
def round_trip(**settings):
    codec = TokenCodec(load_settings(environment="development", **settings))
    token, claims = codec.issue("access", "u1", 0, "s1")
    return codec.decode(token, "access") == claims
out = {{"hs256": round_trip(), "after_hs256": loaded()}}
out["rs256"] = round_trip(**json.loads(sys.argv[1]))
out["after_rs256"] = loaded()
print(json.dumps(out))
"""


def test_an_hs256_deployment_loads_no_rsa_or_ec_backend_and_rs256_still_works_after_it() -> None:
    public, private = rsa.newkeys(1024)
    pair = {"jwt_private_key": private.save_pkcs1().decode(), "jwt_public_key": public.save_pkcs1().decode()}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(api=str(API)), json.dumps(pair)],
        env=development_environ(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["hs256"] is True and result["rs256"] is True
    assert result["after_hs256"] == []
    assert result["after_rs256"] == ["jose.backends.rsa_backend", "pyasn1", "rsa"]
