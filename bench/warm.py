"""Warm throughput: /api/health invocations per second through `handler`, template vs a bare app.

    .venv/bin/python bench/warm.py [--runs 7] [--count 3000]

Each sample is a fresh process that imports, answers 200 warm-up requests, then times `count`
HTTP API events. Apps alternate per round, in the production configuration (bench/_runner.py).
Target: the template with `LOG_LEVEL=WARNING` (a deploy's setting: no access line per request) at
least 0.6x a bare FastAPI + Mangum app with `lifespan="off"`; the template at the default INFO and
a default `Mangum(app)` (`lifespan="auto"`) are printed for comparison.
"""

from __future__ import annotations

import argparse

from _runner import interleaved, machine, median, paired_ratios, verdict

TARGET = 0.6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--count", type=int, default=3000)
    args = parser.parse_args()
    samples = interleaved(["template", "template-quiet", "bare", "bare-auto"], "warm", args.runs, args.count)
    print(f"warm invocations, {args.runs} processes x {args.count} each, interleaved ({machine()})")
    bare = median(samples["bare"], "per_s")
    labels = {
        "template": "template",
        "template-quiet": "template, LOG_LEVEL=WARNING",
        "bare": 'bare, lifespan="off"',
        "bare-auto": 'bare, lifespan="auto"',
    }
    for app, label in labels.items():
        rate = median(samples[app], "per_s")
        print(f"{label:<30} {rate:>8.0f}/s  {rate / bare:.2f}x bare")
    ratio = median(samples["template-quiet"], "per_s") / bare
    print(f"ratio template (LOG_LEVEL=WARNING)/bare: {ratio:.2f}x  {verdict(ratio, TARGET, at_most=False)}")
    print(paired_ratios(samples["template-quiet"], samples["bare"], "per_s"))


if __name__ == "__main__":
    main()
