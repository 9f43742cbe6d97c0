"""The report section 展望 (issue 21 item 5) and its notebook helpers: retirements per year and per
rank (two margins, never the cross), places only from published numbers, the shortlist's counts
without names, the projection not shown for an age band whose observed base is hidden, and every
count registered with the report's artefact — tiny hand-made frames with the answers worked out
by hand, then the section on the small demo county."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import plotly.io as pio
import pytest

from qingmiao_lib import charts
from qingmiao_lib.charts._base import HIDDEN_META
from qingmiao_lib.disclosure import TOTAL
from qingmiao_lib.sections import Context, outlook, pipeline, structure
from qingmiao_lib.sections._protect import Artefact

END = dt.date(2023, 12, 31)


def _whole(rows) -> pd.DataFrame:
    """outlook.places' jurisdiction rows: (rank, step, period, quota, holders, retirements);
    vacancies and cumulative places as the rule gives them (quota − holders, then + retirements,
    an excess filled first, never below 0)."""
    df = pd.DataFrame(rows, columns=["rank", "rank_step", "period", "quota", "holders", "retirements"])
    df["unit_id"], df["unit_name"] = None, "全辖区"
    df["vacancies"] = df["quota"] - df["holders"]
    df = df.sort_values(["rank", "period"])
    so_far = df.groupby("rank")["retirements"].cumsum()
    df["cumulative_places"] = (df["vacancies"] + so_far).clip(lower=0).where(df["quota"].notna(), so_far)
    return df.sort_values(["rank_step", "period"], ignore_index=True)


# ------------------------------------------------------------------------------ pure parts

def test_period_labels_are_calendar_years_from_a_year_end():
    assert outlook.period_label(END, 1) == "2024年"
    assert outlook.period_label(END, 5) == "2028年"
    assert outlook.period_label(dt.date(2024, 6, 30), 2) == "第2年"     # not a year end


def test_retirements_are_two_margins_that_share_their_total():
    # A: 2 in year 1, 0 in year 2; B: 5 then 1 → per year 7, 1; per rank A 2, B 6; both total 8
    whole = _whole([("A", 3, 1, 10, 8, 2), ("A", 3, 2, 10, 8, 0),
                    ("B", 4, 1, 20, 25, 5), ("B", 4, 2, 20, 25, 1)])
    by_year, by_rank = outlook.retirement_tables(whole, as_of=END)
    assert list(by_year.columns) == ["2024年", "2025年"] and by_year.loc["法定退休"].tolist() == [7, 1]
    assert by_rank.index.tolist() == ["A", "B"] and by_rank["法定退休"].tolist() == [2, 6]
    assert by_year.to_numpy().sum() == by_rank.to_numpy().sum() == 8


def _places_case():
    """Ranks over 1 year: A quota 10, holders 8 (vacancy 2), 1 retirement (primary, "<5");
    B quota 20, holders 25 (5 over), 7 retirements — the smallest other count, so the
    complement "×" of A in the per-rank column; C no quota, 40 retirements; D quota 30,
    holders 20 (vacancy 10), 12 retirements → 22 places. Holders are all ≥ 5: shown."""
    whole = _whole([("A", 3, 1, 10, 8, 1), ("B", 4, 1, 20, 25, 7), ("C", 5, 1, None, None, 40),
                    ("D", 6, 1, 30, 20, 12)])
    a = Artefact(5)
    _, by_rank = outlook.retirement_tables(whole, as_of=END)
    p_rank = a.table(by_rank, totals="column", principal="totals", name="r")
    p_hold = a.table(pd.DataFrame({"holders": [8, 25, 20]}, index=["A", "B", "D"]), totals=False, name="h")
    a.protect()
    return whole, p_rank, p_hold


def test_places_are_shown_only_from_published_numbers():
    whole, p_rank, p_hold = _places_case()
    assert p_rank.cell("A", "法定退休") == "<5" and p_rank.cell("B", "法定退休") == "×"
    rows, chart = outlook._places_rows(whole, p_rank, p_hold)
    got = {r["rank"]: r for r in rows}
    # A: 2 + 1 = 3 places would give the hidden 1 away → "—"; its vacancy 2 (quota − holders) stays
    assert got["A"]["places"] == "—" and got["A"]["vacancies"] == "2" and got["A"]["retired"] == "<5"
    # B: over the quota by 5; max(0, −5 + 7) = 2 would give the hidden 7 → "—"
    assert got["B"]["vacancies"] == "0（超出 5）" and got["B"]["places"] == "—"
    assert got["C"]["quota"] == "不限" and got["C"]["places"] == "未设职数" and got["C"]["retired"] == "40"
    assert got["D"]["vacancies"] == "10" and got["D"]["places"] == "22"
    # the chart: quota ranks only; vacancies of A and B shown (0 when over), their freed part hidden
    c = chart.set_index("rank")
    assert list(c.index) == ["A", "B", "D"]
    assert c.at["A", "vacancies"] == 2 and pd.isna(c.at["A", "freed"])
    assert c.at["B", "vacancies"] == 0 and pd.isna(c.at["B", "freed"])
    assert c.at["D", "vacancies"] == 10 and c.at["D", "freed"] == 12


def test_places_chart_draws_no_hidden_value_and_a_placeholder_for_each():
    whole, p_rank, p_hold = _places_case()
    _, frame = outlook._places_rows(whole, p_rank, p_hold)
    fig = charts.ahead.places_by_rank(frame, threshold=5)
    data = json.loads(pio.to_json(fig))["data"]
    freed = next(t for t in data if t["name"] == "法定退休腾出")
    assert dict(zip(freed["y"], freed["x"], strict=True)) == {"A": None, "B": None, "D": 12}
    marks = [t for t in data if t.get("meta") == HIDDEN_META]
    assert sum(len(t["y"]) for t in marks) == 2 and {y for t in marks for y in t["y"]} == {"A", "B"}
    # a placeholder's length is a fixed non-whole size, never a count
    assert all(float(x) != int(x) for t in marks for x in t["x"])


def test_suggested_follows_n_and_m_and_never_prints_a_small_count():
    # K = min(N, M): N 30, M 12 → 12 (M shown); N 3 ("<5"), M 12 → N's text; N 30, M 3 → "<5"
    assert outlook.suggested_text(30, 12, n_text="30", m_shown=True, threshold=5) == "12"
    assert outlook.suggested_text(3, 12, n_text="<5", m_shown=True, threshold=5) == "<5"
    assert outlook.suggested_text(21, 17, n_text="×", m_shown=True, threshold=5) == "17"
    assert outlook.suggested_text(30, 3, n_text="30", m_shown=True, threshold=5) == "<5"
    assert outlook.suggested_text(30, 12, n_text="30", m_shown=False, threshold=5) == "—"
    assert outlook.suggested_text(30, 0, n_text="30", m_shown=True, threshold=5) == "0"
    assert outlook.suggested_text(3, None, n_text="<5", m_shown=True, threshold=5) == "0"   # no quota


def test_suggested_by_rule_tells_a_unit_quota_apart():
    row = {"quota": 10, "places": 4, "candidates": 9, "suggested": 4}
    assert outlook.suggested_by_rule(row)                               # min(9, 4) = 4
    assert not outlook.suggested_by_rule({**row, "suggested": 3})        # a unit's quota took one
    assert outlook.suggested_by_rule({"quota": None, "places": None, "candidates": 9, "suggested": 0})


def _projection_frame() -> pd.DataFrame:
    """Two bands over 2 years: 20–24岁 3 persons at the start (a small base), 25–29岁 40."""
    rows = []
    for year, period, thin, big in ((2023, 0, 3.0, 40.0), (2024, 1, 3.4, 41.2), (2025, 2, 3.9, 42.5)):
        rows += [(year, period, "20–24岁", 20, thin), (year, period, "25–29岁", 25, big)]
    df = pd.DataFrame(rows, columns=["year", "period", "age_band", "band_start", "persons"])
    df["rank"], df["rank_step"], df["level"], df["level_step"] = "一级科员", 2, "无", 0
    df["projected"] = df["period"] > 0
    df.attrs.update(as_of="2023-12-31", transition_years="2019–2023", young_limit=40, year=2023,
                    recruitment="近5年平均录用（每年约4.6人）")
    return df


def test_base_is_the_observed_start_per_band():
    base = outlook.base_matrix(_projection_frame())
    assert base.index.tolist() == ["实际"] and base.loc["实际"].to_dict() == {"20–24岁": 3, "25–29岁": 40}


def test_a_band_with_a_hidden_base_is_not_projected_in_the_chart():
    fig, marks = outlook.stock_chart(_projection_frame(), ["20–24岁"], t=5)
    data = json.loads(pio.to_json(fig))["data"]
    assert not [t for t in data if t.get("name") == "20–24岁"]          # 3, 3.4, 3.9 never drawn
    assert "3.4" not in pio.to_json(fig) and "3.9" not in pio.to_json(fig)
    shown = next(t for t in data if t["name"] == "25–29岁")
    assert shown["y"] == [40.0, 41.2, 42.5]
    assert marks == 3 == sum(len(t["x"]) for t in data if t.get("meta") == HIDDEN_META)


def test_projection_table_hides_the_band_and_rounds_the_rest():
    proj = _projection_frame()
    a = Artefact(5)
    p_base = a.table(outlook.base_matrix(proj), totals="row", principal="totals", name="b")
    a.protect()
    # 3 < 5 is primary; the row total 43 is principal, so the complement is 25–29岁's 40
    assert p_base.cell("实际", "20–24岁") == "<5" and p_base.cell("实际", "25–29岁") == "×"
    flows = pd.DataFrame({"year": [2024, 2025], "start": [43.0, 44.6], "retired": [0.0, 0.0],
                          "exited": [1.0, 1.1], "aged_out": [2.0, 2.1], "recruited": [4.6, 4.9],
                          "end": [44.6, 46.4]})
    view = outlook._projection_view(proj, flows, p_base, 5)
    assert view["hidden"] == ["20–24岁", "25–29岁"]
    assert view["rows"][0]["cells"] == ["<5", "×"] and view["rows"][0]["total"] == "43"
    # 2024: 3.4 + 41.2 = 44.6 → 45 in total; the bands "—"
    assert view["rows"][1]["cells"] == ["—", "—"] and view["rows"][1]["total"] == "45"


# ------------------------------------------------------------------------------ on the demo

@pytest.fixture(scope="module")
def built(demo_db):
    import qingmiao_lib as qm

    con = qm.connect(demo_db)
    ctx = Context(con=con, year=2023, as_of=END, threshold=5)
    others = [structure.build(ctx), pipeline.build(ctx)]
    section = outlook.build(ctx)
    ctx.artefact.protect()
    html = str(section.html)
    names = [n for (n,) in con.execute("select name from persons where length(name) >= 2").fetchall()]
    yield {"ctx": ctx, "section": section, "html": html, "names": names, "others": others, "con": con}
    con.close()


def test_section_renders_its_parts_with_the_date(built):
    html = built["html"]
    assert built["section"].id == "outlook" and built["section"].title == "展望"
    for part in ("法定退休与可用职数（2023-12-31 起 5 年）", "职级晋升择优（2023-12-31）",
                 "年轻公务员队伍预测（2023年末起 5 年）", "方法与局限", "马尔可夫", "回测："):
        assert part in html, part


def test_every_count_is_registered_and_logged(built):
    logged = {e.table for e in built["ctx"].artefact.log}
    for name in ("今后5年法定退休人数（按年度）", "今后5年法定退休人数（按职级）", "职数现有人数（展望）",
                 "个人条件符合人数（择优，按拟晋升职级）", "年轻公务员预测基数（按年龄段）"):
        assert name in logged, name


def test_figures_printed_twice_have_one_state(built):
    res = built["ctx"].artefact.result
    mine, theirs = res["个人条件符合人数（择优，按拟晋升职级）"], res["职级晋升资格（按拟晋升职级）"]
    for rank in mine.values.index:
        if rank in theirs.values.index:
            assert mine.values.at[rank, "candidates"] == theirs.values.at[rank, "qualified"]
            assert mine.cell(rank, "candidates") == theirs.cell(rank, "qualified"), rank
    base, pyramid = res["年轻公务员预测基数（按年龄段）"], res["年轻公务员年龄性别结构"]
    for band in base.values.columns:
        if band in pyramid.values.index:
            assert base.cell("实际", band) == pyramid.cell(band, TOTAL), band


def _figures(html: str) -> list[tuple[list, dict]]:
    """(data, layout) of every ``Plotly.newPlot("id", data, layout, …)`` of an HTML fragment."""
    dec, out = json.JSONDecoder(), []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', html):
        data, end = dec.raw_decode(html, m.end())
        layout, _ = dec.raw_decode(html, html.index("{", end))
        out.append((data, layout))
    return out


def test_no_name_and_no_hidden_value_in_the_charts(built):
    html = built["html"]
    assert not any(n in html for n in built["names"] if len(n) >= 3)
    res = built["ctx"].artefact.result
    by_rank, holders = res["今后5年法定退休人数（按职级）"], res["职数现有人数（展望）"]
    figs = {lay["title"]["text"].split("（")[0]: (data, lay) for data, lay in _figures(html)}
    assert {"今后5年各年法定退休人数", "5年后各职级可用职数：现有空缺＋法定退休腾出"} <= set(figs)
    data, _ = figs["5年后各职级可用职数：现有空缺＋法定退休腾出"]
    freed = next(t for t in data if t["name"] == "法定退休腾出")
    for rank, x in zip(freed["y"], freed["x"], strict=True):
        gone = by_rank.is_hidden(rank, "法定退休") or holders.is_hidden(rank, "holders")
        assert (x is None) == gone, rank
    marks = sum(len(t["y"]) for t in data if t.get("meta") == HIDDEN_META)
    containers = [int(n) for n in re.findall(r'data-hidden-cells="(\d+)"', html)]
    assert marks == sum(x is None for t in data if t.get("meta") != HIDDEN_META for x in t["x"])
    assert marks in containers or marks == 0


def test_unit_report_leaves_the_section_out(built):
    uid = built["con"].execute("select unit_id from units order by unit_id limit 1").fetchall()[0][0]
    ctx = Context(con=built["con"], year=2023, as_of=END, threshold=5, units=(uid,))
    assert outlook.build(ctx) is None


def test_report_lists_the_section_after_the_pipeline(demo_db):
    from qingmiao_lib import sections

    names = [a.__name__.rsplit(".", 1)[-1] for a in sections.AREAS]
    assert names.index("outlook") == names.index("pipeline") + 1


# ------------------------------------------------------------------------------ the notebook's widgets

def test_explorer_updates_in_place_with_years_and_the_recruitment_plan(built):
    from qingmiao_lib.widgets import Static
    from qingmiao_lib.widgets import outlook as wo

    box = wo.outlook_explorer(built["con"], as_of=END, years=3)
    places, cohort = box.figures["places"], box.figures["projection"]
    assert len(places.data[0].x) == 3 and len(cohort.data[0].x) == 4      # 2023 (observed) + 3 years
    box.controls["years"].value = 2
    assert len(places.data[0].x) == 2 and len(cohort.data[0].x) == 3      # the same widgets, redrawn
    before = sum(sum(t.y) for t in cohort.data)
    box.controls["average"].value = False                                 # plan: 0 recruits a year
    box.controls["recruitment"].value = 0
    assert not box.controls["recruitment"].disabled
    assert sum(sum(t.y) for t in cohort.data) < before                    # fewer without recruits
    static = wo.outlook_explorer(built["con"], as_of=END, years=2, recruitment=10, export=True)
    assert isinstance(static, Static) and static.controls["recruitment"].value == 10
    assert "录用计划 每年 10 人" in static.caption


def test_shortlist_table_has_counts_only(built):
    from qingmiao_lib.published import Publisher
    from qingmiao_lib.widgets import outlook as wo

    pub = Publisher(built["con"], export=True, audience="circulation")
    html = wo.shortlist_table(built["con"], as_of=END, pub=pub).to_html()
    assert "个人条件符合" in html and "建议人选" in html and "姓名" not in html
    assert not any(n in html for n in built["names"] if len(n) >= 3)
    cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", html)
    assert not [c for c in cells if re.fullmatch(r"[1-4]", c)]             # no small count printed


def test_a_database_of_one_person_gets_the_section_without_a_projection(db):
    # one person, no post, rank or quota: no retirement by rank, no places, no candidate; one
    # young person is fewer than the threshold: the projection is withheld — said, no error
    db.add("persons", person_id="P1")
    ctx = Context(con=db.con, year=2023, as_of=END, threshold=5)
    section = outlook.build(ctx)
    ctx.artefact.protect()
    html = str(section.html)
    assert "无法按职级统计法定退休和可用职数" in html and "不显示预测" in html and "方法与局限" in html
    assert "个人条件符合的共 <strong>0</strong> 人。</p>" in html
    assert "回测：" not in html                       # the backtest's totals would be a count of 1
