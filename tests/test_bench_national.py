"""benchmarks/bench_national.py: the issue's limits judged right at their edges, and one small
run end to end (a 300-person demo: a few analyses and the widget updates, no report)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_national as bn  # noqa: E402


@pytest.mark.parametrize(("area", "wall_ms", "peak_mb", "met"), [
    # an analysis: ≤ 5 s = 5,000 ms, the edge itself within the limit
    ("training", 5000.0, 100.0, "met"),
    ("training", 5000.1, 100.0, "MISSED"),
    # a widget update: ≤ 100 ms
    ("widget", 100.0, 100.0, "met"),
    ("widget", 100.5, 100.0, "MISSED"),
    # the report: ≤ 10 min = 600,000 ms
    ("report", 600_000.0, 100.0, "met"),
    ("report", 600_001.0, 100.0, "MISSED"),
    # peak memory ≤ 8 GB = 8 × 1024 MB = 8,192 MB, whatever the time
    ("training", 1.0, 8192.0, "met"),
    ("training", 1.0, 8193.0, "MISSED"),
    ("widget", 1.0, 9000.0, "MISSED"),
])
def test_verdict_at_the_limits(area, wall_ms, peak_mb, met):
    assert bn.verdict(area, {"wall_ms": wall_ms, "peak_mb": peak_mb})[1] == met


def test_an_error_is_a_row_not_a_limit_met():
    assert bn.verdict("training", {"error": "boom"}) == ("—", "error")


def test_measure_counts_its_calls():
    # under a second: one warm-up and five timed calls (6 in all); over --once-over: the warm-up only
    calls = []
    r = bn.measure(lambda: calls.append(1) or [1, 2, 3], once_over_s=10.0)
    assert (len(calls), r["calls"], r["rows"]) == (6, 6, 3)
    calls.clear()
    r = bn.measure(lambda: calls.append(1), once_over_s=0.0)
    assert (len(calls), r["calls"], r["rows"]) == (1, 1, None)


def test_small_run_end_to_end(demo_db, tmp_path, capsys):
    out = tmp_path / "n.json"
    assert bn.main([str(demo_db), "--only", "F1–F9", "eligibility on 2023", "widget:", "--no-report",
                    "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    names = [r["name"] for r in result["rows"]]
    # the two bench_side analyses asked for, then the two widget updates; no report
    assert names == ["eligibility on 2023-12-31 (pipeline.eligibility)", "F1–F9 (figures.headline)",
                     "widget: unit kind toggled (cohort explorer)", "widget: one unit picked (cohort explorer)"]
    assert all("error" not in r and r["wall_ms"] > 0 and r["peak_mb"] > 0 for r in result["rows"])
    assert result["persons"] > 300   # ever employed 2012–2025: more than the 300 serving at the start
    table = capsys.readouterr().out
    assert "| area | analysis | wall ms |" in table and "F1–F9 (figures.headline)" in table


def test_a_report_stopped_at_its_timeout_misses_its_limit():
    # stopped unfinished: the limit is missed whatever was measured, and the table says "> N"
    row = {"area": "report", "name": "r", "error": "stopped after 720 s, unfinished", "wall_ms": 720_000.0,
           "peak_mb": 10.0}
    assert bn.verdict("report", row)[1] == "MISSED"
    assert "| > 720,000 |" in bn.markdown([row]) and "| MISSED |" in bn.markdown([row])


def test_past_the_deadline_nothing_more_runs(demo_db, capsys):
    # a deadline already past ("00:00" ≤ any HH:MM): every analysis is listed as not run
    assert bn.main([str(demo_db), "--only", "F1–F9", "--no-widget", "--no-report", "--deadline", "00:00"]) == 0
    out = capsys.readouterr().out
    assert "| F1–F9 (figures.headline) | — |" in out and "| not run |" in out and "0 of 1 rows" in out


def test_areas_choose_and_order_and_skip_leaves_out(demo_db, tmp_path):
    # --areas widget headline: the widget rows first, then the headline's; --skip drops one widget
    out = tmp_path / "a.json"
    assert bn.main([str(demo_db), "--areas", "widget", "headline", "--only", "F1–F9", "widget:",
                    "--skip", "one unit picked", "--no-report", "--out", str(out)]) == 0
    names = [r["name"] for r in json.loads(out.read_text())["rows"]]
    assert names == ["widget: unit kind toggled (cohort explorer)", "F1–F9 (figures.headline)"]
