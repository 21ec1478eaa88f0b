"""bcrypt_sha256 against argon2id: time and memory per hash, alone and with every core busy.

Run: .venv/bin/python bench/hash_schemes.py [hashes]
Each scheme runs in a fresh process (so peak RSS belongs to it alone): the median time of one
hash, the hashes per second with one thread per core, and how much the peak RSS grew. Parameters
are the ones `backend_app.core.passwords` would use for each scheme.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCHEMES = {
    "bcrypt_sha256 (rounds=12)": ("bcrypt_sha256", {"bcrypt_sha256__rounds": 12}),
    "argon2id (OWASP m=19MiB,t=2,p=1)": (
        "argon2",
        {"argon2__type": "ID", "argon2__memory_cost": 19456, "argon2__time_cost": 2, "argon2__parallelism": 1},
    ),
    "argon2id (RFC 9106 low-mem m=64MiB,t=3,p=4)": (
        "argon2",
        {"argon2__type": "ID", "argon2__memory_cost": 65536, "argon2__time_cost": 3, "argon2__parallelism": 4},
    ),
}

CHILD = r"""
import json, resource, statistics, sys, time
from concurrent.futures import ThreadPoolExecutor
from passlib.context import CryptContext
scheme, options, count, workers = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ctx = CryptContext(schemes=[scheme], **options)
ctx.hash("warm-up password")
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
single = []
for i in range(count):
    t = time.perf_counter(); ctx.hash(f"password {i}"); single.append(time.perf_counter() - t)
h = ctx.hash("correct horse")
t = time.perf_counter()
with ThreadPoolExecutor(workers) as pool:
    list(pool.map(lambda i: ctx.verify("correct horse", h), range(count * workers)))
parallel = count * workers / (time.perf_counter() - t)
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = {"single_s": statistics.median(single), "per_s": parallel, "rss_growth_kib": rss1 - rss0, "len": len(h)}
print(json.dumps(result))
"""


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    workers = os.cpu_count() or 1
    print(f"{count} hashes each, {workers} threads for the parallel run (one per core)")
    for label, (scheme, options) in SCHEMES.items():
        out = subprocess.run(
            [sys.executable, "-c", CHILD, scheme, json.dumps(options), str(count), str(workers)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout)
        print(
            f"  {label:44s} one hash {r['single_s'] * 1000:6.1f} ms  {r['per_s']:5.1f} verifies/s on {workers} threads"
            f"  peak RSS +{r['rss_growth_kib'] / 1024:6.1f} MiB  (hash {r['len']} chars)"
        )
    print("ratio to bcrypt_sha256 is what matters; the machine is shared, so absolute times vary")


if __name__ == "__main__":
    main()
