"""The per-unit eligibility chart draws the units with the most persons and sums the rest into
one bar (issue 22: charts draw what a person can read, not 50,000 bars)."""

from __future__ import annotations

import pandas as pd

from qingmiao_lib.charts import pipeline as charts


def _counts(rows):
    return pd.DataFrame([{"unit_id": u, "unit_name": n, "next_step": 1, "next_rank": "一级科员",
                          "eligible": e, "quota_blocked": q, "not_qualified": x}
                         for u, n, e, q, x in rows])


def test_top_units_and_one_bar_for_the_rest():
    # persons per unit: A 5+0+1 = 6, B 1+1+0 = 2, C 4+3+0 = 7, D 0+0+2 = 2
    df = _counts([("A", "甲局", 5, 0, 1), ("B", "乙局", 1, 1, 0), ("C", "丙镇", 4, 3, 0), ("D", "丁镇", 0, 0, 2)])
    fig = charts.eligibility_bars(df, by="unit_name", top_units=2)
    # C (7) then A (6); B and D (2 each) summed into one bar: eligible 1+0, blocked 1+0, not 0+2
    assert list(fig.data[0].y) == ["丙镇", "甲局", "其他2个单位"]
    assert list(fig.data[0].x) == [4, 5, 1]
    assert list(fig.data[1].x) == [3, 0, 1]
    assert list(fig.data[2].x) == [0, 1, 2]


def test_one_unit_over_the_limit_is_drawn_not_summed():
    # three units, top 2: a bar "其他1个单位" would hide a name for nothing; all three drawn
    df = _counts([("A", "甲局", 1, 0, 0), ("B", "乙局", 2, 0, 0), ("C", "丙镇", 3, 0, 0)])
    fig = charts.eligibility_bars(df, by="unit_name", top_units=2)
    assert list(fig.data[0].y) == ["丙镇", "乙局", "甲局"]
