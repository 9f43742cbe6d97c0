"""The report sections under disclosure control: every count table protected and logged, the
charts carry no hidden value, unit slices work, and the action lists mask names."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import plotly.io as pio
import pytest

from qingmiao_lib import charts
from qingmiao_lib.disclosure import LogEntry, protect
from qingmiao_lib.sections import Context, evaluation, pipeline, structure, training
from qingmiao_lib.sections._protect import Artefact

AREAS = (structure, training, evaluation, pipeline)


@pytest.fixture(scope="module")
def ctx_args(demo_db):
    import qingmiao_lib as qm

    con = qm.connect(demo_db)
    yield {"con": con, "year": 2023, "as_of": dt.date(2023, 12, 31), "threshold": 5}
    con.close()


@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.__name__.rsplit(".", 1)[-1])
def test_sections_log_every_protected_table(ctx_args, area):
    ctx = Context(**ctx_args)
    section = area.build(ctx)
    assert section is not None and ctx.log
    assert all(isinstance(e, LogEntry) and e.table and e.reason for e in ctx.log)


@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.__name__.rsplit(".", 1)[-1])
def test_unit_slice(ctx_args, area):
    unit = ctx_args["con"].execute("select unit_id from units order by unit_id limit 1").fetchall()[0][0]
    ctx = Context(**ctx_args, units=(unit,))
    section = area.build(ctx)
    assert section is not None


def test_action_lists_masked_by_default(ctx_args):
    masked = str(training.build(Context(**ctx_args)).html) + str(pipeline.build(Context(**ctx_args)).html)
    assert "必训未完成人员名单" in masked and "个人条件符合人员名单" in masked
    names = [r[0] for r in ctx_args["con"].execute("select name from persons where length(name) >= 2").fetchall()]
    assert not any(n in masked for n in names if len(n) >= 3)
    unmasked = str(training.build(Context(**ctx_args, unmasked=True)).html)
    assert any(n in unmasked for n in names if len(n) >= 3)


def test_chart_json_holds_no_hidden_value():
    import pandas as pd

    table = pd.DataFrame([[2, 10, 20], [8, 12, 30], [9, 15, 25]], index=["甲", "乙", "丙"],
                         columns=["男", "女", "未知"])
    long = table.stack().rename("persons").reset_index().set_axis(["x", "c", "persons"], axis=1)
    p = protect(table, 5)
    fig = charts.structure.stacked_bars(long, "x", "c", protected=p, title="t")
    data = json.loads(pio.to_json(fig))["data"]
    ys = {(tr["name"], x): y for tr in data for x, y in zip(tr["x"], tr["y"], strict=True)}
    assert ys[("男", "甲")] is None and ys[("女", "甲")] is None and ys[("男", "乙")] is None
    assert ys[("未知", "甲")] == 20
    hover = {(tr["name"], x): c for tr in data for x, c in zip(tr["x"], tr["customdata"], strict=True)}
    assert hover[("男", "甲")] == "<5" and hover[("女", "甲")] == "×"
    assert not re.search(r"共 \d", fig.layout.title.text) or "131" in fig.layout.title.text


def test_unit_selector_names_the_young_after_the_rules(demo_db, tmp_path):
    """Under a locality's young age limit of 35 the selector's charts and a unit report's
    comparison say 35岁以下, never 40岁."""
    import qingmiao_lib as qm
    from qingmiao_lib.sections import units

    rules = tmp_path / "local.toml"
    rules.write_text("[general]\nyoung_age_limit = 35\n", encoding="utf-8")
    con = qm.connect(demo_db, rules=rules)
    try:
        args = {"con": con, "year": 2023, "as_of": dt.date(2023, 12, 31), "threshold": 5}
        county = units.build(Context(**args), max_units=2)
        uid = con.execute("select unit_id from posts where end_date is null group by 1 "
                          "order by count(*) desc, 1 limit 1").fetchall()[0][0]
        unit = units.build(Context(**args, units=(uid,)))
    finally:
        con.close()
    for sec in (county, unit):
        page = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), str(sec.html))
        assert "40岁" not in page and "35岁以下公务员年龄性别结构" in page
    assert "<td>35岁以下公务员（人）</td>" in str(unit.html)


def test_cap_table_of_many_units_keeps_the_listed_units_and_sums_the_rest():
    # 1,000 units of 10 graded: every 4th has 3 优秀 (30% > cap 20%: 250 over the cap), the others
    # 1 优秀. Listed: the 50 over-cap units with the most graded (all tie: the first 50) and the 40
    # highest shares (the same over-cap units first) → 50 rows; the other 950 are one row whose
    # 优秀 is 200 × 3 + 750 × 1 = 1,350, so the table's total 优秀 is the county's 1,500.
    import time

    from qingmiao_lib.sections import evaluation as sec

    n_units = 1000
    excellent = [3 if i % 4 == 0 else 1 for i in range(n_units)]
    share = pd.DataFrame({"unit_id": [f"U{i:04d}" for i in range(n_units)],
                          "unit_name": [f"单位{i}" for i in range(n_units)], "graded": 10,
                          "excellent": excellent, "share": [e / 10 for e in excellent],
                          "cap": 0.2, "over_cap": [e / 10 > 0.2 for e in excellent]})
    a = Artefact(5)
    started = time.perf_counter()
    got = sec._protect_shares(share, 5, a)
    a.protect()
    out = sec._shares_shown(share, *got)
    log = a.log
    assert time.perf_counter() - started < 30  # minutes before the bound
    assert len(out) == sec.LISTED_OVER_CAP and out["over_cap"].all()
    assert out.attrs["over_unlisted"] == 250 - sec.LISTED_OVER_CAP
    assert log[-1].cells == (sec.LISTED_OVER_CAP + 2) * 3  # listed rows, 其他单位 and 合计, × 3 columns


def test_the_unit_table_lists_the_largest_units_and_sums_the_others(ctx_args, monkeypatch):
    """Beyond LISTED_UNITS units the table keeps the largest and one row 其他N个单位 per kind; the
    kind subtotals and the total are those of every unit (the sums still hold)."""
    monkeypatch.setattr(structure, "LISTED_UNITS", 5)
    monkeypatch.setattr(structure, "LISTED_GAPS", 2)
    import qingmiao_lib as qm

    everything = qm.structure.unit_comparison(ctx_args["con"], as_of=ctx_args["as_of"])
    body = everything[~everything["is_total"]]
    assert len(body) > 5
    html = str(structure.build(Context(**ctx_args)).html)
    table = html[html.index("查看各单位"):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr[^>]*><td>([^<]*)</td><td>([^<]*)</td>\s*<td class=\"num\">([^<]*)</td>", table)
    names = [n for n, _, _ in rows]
    largest = body.sort_values(["persons", "unit_id"], ascending=[False, True]).head(5)["unit_name"]
    assert set(largest) <= set(names)
    others = [(n, k, v) for n, k, v in rows if n.startswith("其他") and n.endswith("个单位")]
    assert sum(int(n[2:-3].replace(",", "")) for n, _, _ in others) == len(body) - 5
    for kind, part in body.groupby("unit_kind"):
        sub = [v for n, k, v in rows if n == f"{kind}小计"]
        assert sub and sub[0] in (f"{int(part['persons'].sum()):,}", "×")
    assert "其余" in html and "个见分单位报告" in html


def test_a_protected_artefact_survives_a_pickle_round_trip():
    # a report's cache is kept between runs and workers as a pickle: a Deferred table rebuilt
    # from one must read as the protected table it stands for (it recursed in __getattr__)
    import pickle

    a = Artefact(3)
    t = a.table(pd.DataFrame({"男": [5, 2], "女": [4, 6]}, index=["甲", "乙"]), name="性别")
    a.protect()
    back = pickle.loads(pickle.dumps({"artefact": a, "table": t}))
    assert back["table"].shown().equals(t.shown()) and back["table"].table_name == "性别"
    assert back["table"].resolved() is back["artefact"].result["性别"]
