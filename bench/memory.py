"""Memory: peak RSS after import plus the first request, and RSS growth with use.

    .venv/bin/python bench/memory.py [--runs 7] [--count 1000]

Each sample is a fresh process (HTTP API event for /api/health). Targets: peak RSS at most 1.5x
a bare FastAPI + Mangum app, and RSS after `count` warm invocations at most 1.1x RSS after 100.
"""

from __future__ import annotations

import argparse

from _runner import interleaved, machine, median, verdict

PEAK_TARGET = 1.5
GROWTH_TARGET = 1.1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    samples = interleaved(["template", "bare"], "memory", args.runs, args.count)
    print(f"memory, {args.runs} fresh processes each, interleaved ({machine()})")
    print(f"{'app':<10} {'peak MiB':>9} {'RSS@100 MiB':>12} {f'RSS@{args.count} MiB':>13} {'growth':>7}")
    growth: dict[str, float] = {}
    for app in ("template", "bare"):
        s = samples[app]
        growth[app] = median([{"g": x["rss_n_kib"] / x["rss_100_kib"]} for x in s], "g")
        print(
            f"{app:<10} {median(s, 'peak_rss_kib') / 1024:>9.1f} {median(s, 'rss_100_kib') / 1024:>12.1f}"
            f" {median(s, 'rss_n_kib') / 1024:>13.1f} {growth[app]:>6.3f}x"
        )
    ratio = median(samples["template"], "peak_rss_kib") / median(samples["bare"], "peak_rss_kib")
    print(f"ratio template/bare (median peak RSS): {ratio:.2f}x  {verdict(ratio, PEAK_TARGET, at_most=True)}")
    print(
        f"growth template RSS@{args.count}/RSS@100: {growth['template']:.3f}x"
        f"  {verdict(growth['template'], GROWTH_TARGET, at_most=True)}"
    )


if __name__ == "__main__":
    main()
