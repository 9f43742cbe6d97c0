"""Shared by the area benchmarks: median timing and the databases to time against.

An area benchmark (bench_structure.py, bench_training.py …) times every public function of its
module at each scale and prints a Markdown table of medians. Build the databases once with
``python benchmarks/bench_demo.py --keep DIR`` (or ``qingmiao demo --persons N --db DIR/demo-N.duckdb``).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def median_ms(fn: Callable[[], object], repeat: int = 7) -> float:
    """Median wall time of ``fn()`` in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def databases(description: str) -> list[Path]:
    """The database files named on the command line (default: DIR/demo-2000.duckdb and
    DIR/demo-1000000.duckdb for ``--dir``, default /tmp/qmbench), those that exist."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("db", nargs="*", type=Path, help="database files to time against")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/qmbench"))
    args = ap.parse_args()
    paths = args.db or [args.dir / "demo-2000.duckdb", args.dir / "demo-1000000.duckdb"]
    found = [p for p in paths if p.exists()]
    if not found:
        raise SystemExit(f"no database found among {', '.join(map(str, paths))}: build them first "
                         "(python benchmarks/bench_demo.py --keep DIR)")
    return found


def table(rows: list[dict], columns: list[str]) -> str:
    """A Markdown table of ``rows`` (dicts) in the order of ``columns``."""
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(str(r.get(c, "")) for c in columns) + " |" for r in rows]
    return "\n".join(out)
