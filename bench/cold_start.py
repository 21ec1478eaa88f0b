"""Cold start: import plus the first /api/health through `handler`, template vs a bare app.

    .venv/bin/python bench/cold_start.py [--runs 15]

Each sample is a fresh process (HTTP API event); the template and a bare FastAPI + Mangum
hello-world (`lifespan="off"`) alternate, so machine noise hits both. Target: at most 1.15x.
"""

from __future__ import annotations

import argparse

from _runner import interleaved, machine, median, paired_ratios, verdict

TARGET = 1.15


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    samples = interleaved(["template", "bare"], "cold", runs)
    print(f"cold start, {runs} fresh processes each, interleaved ({machine()})")
    print(f"{'app':<10} {'import ms':>10} {'first ms':>10} {'cold ms':>10} {'cold CPU ms':>12}")
    for app in ("template", "bare"):
        s = samples[app]
        print(
            f"{app:<10} {median(s, 'import_ms'):>10.1f} {median(s, 'first_ms'):>10.1f}"
            f" {median(s, 'cold_ms'):>10.1f} {median(s, 'cold_cpu_ms'):>12.1f}"
        )
    ratio = median(samples["template"], "cold_ms") / median(samples["bare"], "cold_ms")
    print(f"ratio template/bare (median cold ms): {ratio:.2f}x  {verdict(ratio, TARGET, at_most=True)}")
    print(paired_ratios(samples["template"], samples["bare"], "cold_ms"))
    cpu = median(samples["template"], "cold_cpu_ms") / median(samples["bare"], "cold_cpu_ms")
    print(f"ratio template/bare (median cold CPU ms, less sensitive to other load): {cpu:.2f}x")


if __name__ == "__main__":
    main()
