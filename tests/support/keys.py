"""Throw-away RSA key pairs, made once per test process and reused read-only.

Pure-Python `rsa.newkeys(2048)` takes seconds to minutes; OpenSSL's C code takes a fraction of a
second. The pair is new at every run (nothing secret is shipped) and is the `rsa` package's kind
(PKCS#1 PEM), as the tests sign and verify with python-jose's `rsa` backend.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

import rsa


@functools.cache
def rsa_keys(bits: int = 2048) -> tuple[rsa.PublicKey, rsa.PrivateKey]:
    """A key pair of `bits` bits: OpenSSL's when `openssl` is on PATH, pure Python's otherwise."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return rsa.newkeys(bits)
    done = subprocess.run([openssl, "genrsa", "-traditional", str(bits)], capture_output=True, check=True, timeout=120)
    private = rsa.PrivateKey.load_pkcs1(done.stdout)
    return rsa.PublicKey(private.n, private.e), private


def rsa_pem_pair(bits: int = 2048) -> tuple[str, str]:
    """(public, private) as PKCS#1 PEM text, the form `JWT_PUBLIC_KEY` and `JWT_PRIVATE_KEY` take."""
    public, private = rsa_keys(bits)
    return public.save_pkcs1().decode(), private.save_pkcs1().decode()
