"""python-jose with the key backend of the configured algorithm only: the one place that reaches into jose's loading.

`import jose.jwt` runs `jose/backends/__init__.py`, which probes `cryptography` four times and
imports the RSA backend (rsa, pyasn1) and the ECDSA backend whatever the algorithm, for key types
a deployment never uses (this template signs with HS256, or RS256 with a key pair, and never
offers EC; `core.tokens`).

`jwt_module(algorithm)` instead creates the `jose.backends` package without running its
`__init__` and binds the names `jose.jwk` reads from it (`EXPORTS`): the HMAC and `dir` keys, and
the RSA key only for RS256 (cryptography's when installed, else the pure-Python one, the order
jose itself tries). The EC and AES keys are None, as jose leaves them when their backend is
missing: a token of those algorithms finds no key class. An RS256 configuration built after an
HS256 one in the same process (tests, scripts) adds the RSA key.

`jose.utils` imports ecdsa (~84 M instructions, most of the cost) for one function, an integer's
big-endian bytes, whenever `cryptography` is not installed: it gets `int_to_string` from here
instead, the same bytes (tested against ecdsa's), and ecdsa itself is left unimported.

When `jose.backends` was already imported whole, or jose's package moved so that this cannot be
done, jose loads as it always does: slower, still correct. `tests/backend/auth/test_jose_loading.py`
fails when `jose/backends/__init__.py` binds other names than `EXPORTS`, or `jose.utils` stops
taking `int_to_string` from ecdsa.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

PACKAGE = "jose.backends"
ECDSA = "ecdsa.ecdsa"
EXPORTS = ("get_random_bytes", "RSAKey", "ECKey", "AESKey", "HMACKey", "DIRKey")
_MARK = "_backends_of_the_configured_algorithm"


def _rsa_key() -> type:
    try:
        module = importlib.import_module("jose.backends.cryptography_backend")
        key: type = module.CryptographyRSAKey
    except ImportError:
        key = importlib.import_module("jose.backends.rsa_backend").RSAKey
    return key


def _slim_package() -> ModuleType | None:
    """`jose.backends` created without its `__init__`, with the backends every algorithm needs."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.submodule_search_locations is None:
        return None
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = package
    try:
        native = importlib.import_module("jose.backends.native")
        base = importlib.import_module("jose.backends.base")
    except BaseException:
        del sys.modules[PACKAGE]
        raise
    package.get_random_bytes = native.get_random_bytes  # type: ignore[attr-defined]
    package.HMACKey = native.HMACKey  # type: ignore[attr-defined]
    package.DIRKey = base.DIRKey  # type: ignore[attr-defined]
    package.RSAKey = package.ECKey = package.AESKey = None  # type: ignore[attr-defined]
    setattr(package, _MARK, True)
    setattr(sys.modules["jose"], "backends", package)  # noqa: B010
    return package


def int_to_string(x: int) -> bytes:
    """ecdsa's `int_to_string` (big-endian, minimal length, a zero byte for 0), without importing ecdsa."""
    return x.to_bytes(max(1, (x.bit_length() + 7) // 8), "big")


def _utils_without_ecdsa() -> None:
    """Import `jose.utils` with `int_to_string` from here rather than from ecdsa, when jose would take ecdsa's."""
    if "jose.utils" in sys.modules or "ecdsa.ecdsa" in sys.modules or importlib.util.find_spec("cryptography"):
        return
    stand_in = ModuleType(ECDSA)
    stand_in.int_to_string = int_to_string  # type: ignore[attr-defined]
    sys.modules[ECDSA] = stand_in
    try:
        importlib.import_module("jose.utils")
    finally:
        if sys.modules.get(ECDSA) is stand_in:
            del sys.modules[ECDSA]  # ecdsa itself stays importable as it is


def jwt_module(algorithm: str) -> ModuleType:
    """`jose.jwt`, with the key backends `algorithm` needs loaded (and only those, when jose allows)."""
    _utils_without_ecdsa()
    package = sys.modules.get(PACKAGE)
    if package is None:
        package = _slim_package()
    if package is not None and getattr(package, _MARK, False) and algorithm.startswith("RS"):
        if getattr(package, "RSAKey", None) is None:
            setattr(package, "RSAKey", _rsa_key())  # noqa: B010
    return importlib.import_module("jose.jwt")
