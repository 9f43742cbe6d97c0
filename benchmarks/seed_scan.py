"""Calibration check of the demo county: build it for many seeds and compare the 2023 headline
figures with the seed article's (counts within ±15% or ±2, shares within ±6 points).

The simulation's parameters (qingmiao_lib/synth/params.py) describe behaviour, not results; this
script shows where they put the figures on average and how much single draws scatter.

usage: python benchmarks/seed_scan.py [SEED ...]        (default: seeds 1–20)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

import qingmiao_lib as qm
from qingmiao_lib import synth
from qingmiao_lib.figures import ARTICLE


def misses(got: dict) -> list[str]:
    out = []
    for code, (value, share) in ARTICLE.items():
        if abs(got[code]["value"] - value) > max(2, 0.15 * value):
            out.append(f"{code}={got[code]['value']}")
        if share is not None and got[code].get("share") is not None and abs(got[code]["share"] - share) > 0.06:
            out.append(f"{code} share={got[code]['share']:.1%}")
    return out


def main() -> None:
    seeds = [int(s) for s in sys.argv[1:]] or list(range(1, 21))
    values: dict[str, list[int]] = {code: [] for code in ARTICLE}
    passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            path = synth.build(Path(tmp) / f"s{seed}.duckdb", seed=seed, progress=False)
            con = qm.connect(path)
            got = qm.figures.headline_json(con, year=2023)
            con.close()
            path.unlink()
            for code in ARTICLE:
                values[code].append(got[code]["value"])
            bad = misses(got)
            passed += not bad
            print(f"seed {seed:>8}: {'all within tolerance' if not bad else 'outside: ' + ', '.join(bad)}")
    print(f"\n{passed} of {len(seeds)} seeds have every figure within tolerance")
    print("| figure | article | mean | min | max |\n|---|---:|---:|---:|---:|")
    for code, (value, _) in ARTICLE.items():
        v = values[code]
        print(f"| {code} | {value} | {statistics.mean(v):.1f} | {min(v)} | {max(v)} |")


if __name__ == "__main__":
    main()
