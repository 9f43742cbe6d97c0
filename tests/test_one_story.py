"""Issue 18, "one story": what the report says follows the rules and names what it counts — age
labels from the rules' young age limit, dimension values in their declared order, survival
medians with the reason when there is none, eligibility as 个人条件符合 N · 职数空缺 M per rank,
the denominators of F2/F5/F6, both overdue trainings among the early warnings."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import figures, labels, pipeline
from qingmiao_lib.charts.structure import matrix
from qingmiao_lib.definitions import definitions
from qingmiao_lib.disclosure import TOTAL, protect
from qingmiao_lib.sections import Context, evaluation, structure, training
from qingmiao_lib.sections import pipeline as pipeline_section
from qingmiao_lib.sections._protect import Artefact

AS_OF = dt.date(2023, 12, 31)


def text(html) -> str:
    """A section's HTML with the \\uXXXX escapes of its embedded chart JSON decoded, so a label
    in a chart is searched like one in a table."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), str(html))


@pytest.fixture
def rules35(tmp_path):
    path = tmp_path / "local.toml"
    path.write_text("[general]\nyoung_age_limit = 35\n", encoding="utf-8")
    return path


@pytest.fixture
def demo35(demo_db, rules35):
    """The demo county read under a locality's rules: young = under 35."""
    con = qm.connect(demo_db, rules=rules35)
    yield con
    con.close()


@pytest.fixture(scope="module")
def demo(demo_db):
    con = qm.connect(demo_db)
    yield con
    con.close()


# --------------------------------------------------------------------------------- age labels

def test_labels_name_the_rules_limit(con, rules35):
    assert labels.young_limit(con) == 40
    local = qm.connect(":memory:", create=True, rules=rules35)
    try:
        assert labels.young_limit(local) == 35
    finally:
        local.close()
    assert labels.young_labels(35) == ("35岁以下", "35岁及以上")
    # a frame without the limit never gets a number the rules did not give
    assert labels.young_labels(None) == ("年轻公务员", "非年轻公务员")
    df = pd.DataFrame({"share_young": [0.5], "young": [True]})
    assert labels.chinese(df).columns.tolist() == ["年轻公务员占比", "年轻公务员"]
    df.attrs["young_limit"] = 35
    assert labels.chinese(df).columns.tolist() == ["35岁以下占比", "35岁以下"]
    assert labels.display_table(df).data.columns.tolist() == ["35岁以下占比", "35岁以下"]


def test_every_section_follows_a_young_age_limit_of_35(demo35):
    ctx = Context(con=demo35, year=2023, as_of=AS_OF, threshold=5)
    built = {m.__name__.rsplit(".", 1)[-1]: m.build(ctx)
             for m in (structure, training, evaluation, pipeline_section)}
    html = {name: text(sec.html) for name, sec in built.items()}     # after every table is in
    for name, page in html.items():
        assert "40岁" not in page and "40 岁" not in page and "未满40" not in page, name
    # the young are named after the rules: tables, chart titles and legends, notes
    assert "35岁以下公务员按单位类别、学历分布" in html["structure"]
    assert '<th class="num">35岁以下</th>' in html["structure"]          # the unit table
    assert "在职的35岁以下公务员中" in html["training"]
    assert "未满35周岁期间举办的场次" in html["training"]
    assert "其中35岁以下" in html["evaluation"] and "35岁及以上优秀" in html["evaluation"]
    assert "35岁及以上" in html["evaluation"]                             # the age groups
    assert "职级晋升·35岁以下" in html["pipeline"] and "35岁及以上" in html["pipeline"]


def test_headline_and_definitions_follow_the_rules(demo35):
    head = figures.headline(demo35, year=2023).set_index("code")
    assert head.loc["F1", "label"] == "年轻公务员库中35岁以下年轻公务员（人）"
    assert head.attrs["young_limit"] == 35
    defs = {t: x for _, t, x in definitions(demo35)}
    assert defs["年轻公务员"] == "统计日未满35周岁的在职公务员。"
    assert not any("40" in x for x in defs.values() if "年龄" in x or "年轻" in x)


def test_promotion_event_groups_follow_the_rules(con, rules35):
    # born 1985-06-30: 38 on 2023-12-31 — young under the default limit 40, not under 35;
    # born 1990-01-01: 33 — young under both. Each has one rank promotion (晋升) in 2023.
    local = qm.connect(":memory:", create=True, rules=rules35)
    try:
        for c in (con, local):
            for pid, birth in (("P1", "1985-06-30"), ("P2", "1990-01-01")):
                c.execute("insert into persons (person_id, name, gender, birth_date, education, entry_date)"
                          " values (?, '张三', '男', ?, '本科', ?)", [pid, dt.date.fromisoformat(birth),
                                                                     dt.date(2010, 7, 1)])
                c.execute("insert into ranks (person_id, rank, start_date, reason) values (?, ?, ?, ?)",
                          [pid, "四级主任科员", dt.date(2023, 3, 1), "晋升"])

        def groups(c):
            ev = pipeline.promotion_events(c, first_year=2023, last_year=2023, by="age_group")
            return dict(zip(ev["grp"], ev["persons"], strict=True))

        assert groups(con) == {"40岁以下": 2}
        assert groups(local) == {"35岁以下": 1, "35岁及以上": 1}
    finally:
        local.close()


# --------------------------------------------------------------------------------- orders

def test_matrix_orders_values_by_their_vocabulary_not_by_the_frame():
    # education as the second dimension, first seen in the order 本科, 硕士研究生, 中专, 高中, 大专
    # (中专 only under the second kind): the columns follow rules.EDUCATIONS, whatever the frame
    df = pd.DataFrame({
        "unit_kind": ["乡镇街道", "乡镇街道", "市直机关", "市直机关", "市直机关", "其他"],
        "education": ["本科", "硕士研究生", "中专", "高中", "大专", "本科"],
        "persons": [10, 2, 3, 4, 5, 6],
    })
    m = matrix(df, "unit_kind", "education")
    assert m.columns.tolist() == ["高中", "中专", "大专", "本科", "硕士研究生"]
    assert m.index.tolist() == ["市直机关", "乡镇街道", "其他"]          # UNIT_KINDS order
    assert m.loc["乡镇街道"].tolist() == [0, 0, 0, 10, 2]
    assert m.loc["市直机关"].tolist() == [4, 3, 5, 0, 0]
    # age bands by lower bound, generations oldest first, years as numbers
    bands = pd.DataFrame({"age_band": ["35–39岁", "20–24岁", "30–34岁"], "generation": ["90后", "70前", "85后"],
                          "persons": [1, 2, 3]})
    assert matrix(bands, "age_band", "generation").index.tolist() == ["20–24岁", "30–34岁", "35–39岁"]
    assert matrix(bands, "age_band", "generation").columns.tolist() == ["70前", "85后", "90后"]
    years = pd.DataFrame({"year": [2023, 2019, 2021], "persons": [1, 2, 3]})
    assert matrix(years, "year", None).index.tolist() == ["2019", "2021", "2023"]
    # the young flag named after the frame's limit, young first; unknown values last as seen
    flags = pd.DataFrame({"young": [False, True], "education": ["其他学历", "本科"], "persons": [7, 8]})
    flags.attrs["young_limit"] = 35
    m = matrix(flags, "young", "education")
    assert m.index.tolist() == ["35岁以下", "35岁及以上"]
    assert m.columns.tolist() == ["本科", "其他学历"]
    assert m.loc["35岁及以上", "其他学历"] == 7


# --------------------------------------------------------------------------------- streaks

def test_streak_rows_say_years_once(demo):
    page = text(evaluation.build(Context(con=demo, year=2023, as_of=AS_OF, threshold=5)).html)
    assert "年 年" not in page
    assert "<td>1年</td>" in page and "<td>6年及以上</td>" in page


# --------------------------------------------------------------------------------- survival

def test_km_table_gives_each_cohort_its_median_or_the_reason():
    # 2018: 10 entrants; 2 promoted by month 24, 5 by month 30 (S = 0.5 with 8 at risk: the
    # median, 2.5 years), curve on to month 40 (5 at risk). 2019: never half. 2020: half only
    # once fewer than 5 at risk. 2021: 3 entrants, fewer than 5: no rows at all.
    rows = [(2018, 0, 1.0, 10), (2018, 24, 0.8, 10), (2018, 30, 0.5, 8), (2018, 40, 0.4, 5),
            (2019, 0, 1.0, 12), (2019, 60, 0.9, 9),
            (2020, 0, 1.0, 6), (2020, 12, 0.7, 6)]
    km = pd.DataFrame(rows, columns=["cohort", "months", "survival", "at_risk"])
    km.attrs.update(median_months={2018: 30.0, 2019: None, 2020: None, 2021: None},
                    median_note={2018: None, 2019: "未过半", 2020: "过半时观察人数不足5人",
                                 2021: "人数不足5人"}, min_at_risk=5)
    a = Artefact(5)
    p = pipeline_section._protect_km(km, a)
    a.protect()
    got = {r["cohort"]: r for r in pipeline_section._km_rows(km, p, 5)}
    assert [got[c]["median"] for c in (2018, 2019, 2020, 2021)] == [
        "2.5年", "未过半", "过半时观察人数不足5人", "人数不足5人"]
    assert [got[c]["persons"] for c in (2018, 2019, 2020, 2021)] == ["10", "12", "6", "<5"]
    # milestones 3, 5, 8 years: 2018 is observed past 36 months (row at 40) → 1 − 0.5; not at 60
    assert got[2018]["cells"] == ["50%", "—", "—"]
    # 2019 reaches month 60 exactly: 3 and 5 years shown (1 − 1.0, 1 − 0.9), 8 not
    assert got[2019]["cells"] == ["0%", "10%", "—"]
    assert got[2021]["cells"] == ["—", "—", "—"]


def test_km_section_shows_the_library_notes(demo):
    page = text(pipeline_section.build(Context(con=demo, year=2023, as_of=AS_OF, threshold=5)).html)
    assert "曲线截止" in page and "不少于 5 人在观察" in page
    km = pipeline.time_to_promotion(demo, as_of=AS_OF, cohorts=list(range(2012, 2023)), min_at_risk=5)
    medians = re.findall(r"<tr><td>(\d{4})</td><td class=\"num\">[^<]*</td>\s*(?:<td class=\"num\">[^<]*</td>){3}"
                         r"<td class=\"num\">([^<]*)</td></tr>", page)
    assert medians
    for cohort, shown in medians:
        note = km.attrs["median_note"].get(int(cohort))
        if note is not None:
            assert shown == note


# --------------------------------------------------------------------------------- eligibility

def test_eligibility_headline_per_rank():
    # hand-made counts: 四级主任科员 30 qualified (quota not full) + 20 not; 三级主任科员 12
    # qualified but the quota is full + 8 not; 一级科员 6 qualified + 7 not, no quota set.
    counts = pd.DataFrame([
        (2, "一级科员", 6, 0, 7), (3, "四级主任科员", 30, 0, 20), (4, "三级主任科员", 0, 12, 8)],
        columns=["next_step", "next_rank", "eligible", "quota_blocked", "not_qualified"])
    for c in ("short_tenure", "grade_failed", "blocked", "due_within"):
        counts[c] = 0
    # quotas: 四级主任科员 40 places, 25 holders → 15 free; 三级主任科员 10 places, 12 holders → −2
    quota = pd.DataFrame({"unit_id": [None, None], "rank": ["四级主任科员", "三级主任科员"],
                          "max_count": [40, 10], "holders": [25, 12], "headroom": [15, -2]})
    a = Artefact(5)
    p_out, _ = pipeline_section._protect_eligibility(counts, a)
    a.protect()
    p_quota = protect(pd.DataFrame({"holders": [25, 12]}, index=["q0", "q1"]), 5, totals=False)
    places = pipeline_section._places(quota, p_quota)
    assert places == {"四级主任科员": 15, "三级主任科员": -2}
    lines = pipeline_section._rank_lines(p_out, places)
    assert [(r["rank"], r["qualified"], r["places"], r["note"]) for r in lines] == [
        ("一级科员", "6", "不限", "未设职数"),
        ("四级主任科员", "30", "15", "个人条件符合者多于空缺，须择优"),
        ("三级主任科员", "12", "0（超出 2）", "无空缺，暂不能晋升"),
    ]
    # qualified = eligible + quota_blocked; the 合计 row: 6 + 30 + 12 = 48 qualified of 83
    assert p_out.cell(TOTAL, "qualified") == "48" and p_out.cell(TOTAL, TOTAL) == "83"


def test_pipeline_section_never_says_a_bare_promotable_total(demo):
    page = text(pipeline_section.build(Context(con=demo, year=2023, as_of=AS_OF, threshold=5)).html)
    assert "可晋升" not in page
    assert re.search(r"个人条件符合 <strong>[^<]+</strong> · 职数空缺 <strong>[^<]+</strong>", page)


# --------------------------------------------------------------------------------- denominators

def test_f2_f5_f6_name_their_denominators(demo_db, tmp_path):
    path = tmp_path / "two.toml"
    path.write_text("[assessment]\nstreak_block_years = 2\n", encoding="utf-8")
    con = qm.connect(demo_db, rules=path)
    try:
        head = figures.headline(con, year=2023).set_index("code")
        defs = {t: x for g, t, x in definitions(con)}
    finally:
        con.close()
    assert head.loc["F2", "denominator_label"] == "占两型干部库在库人数（各年龄）"
    assert head.loc["F5", "denominator_label"] == "占全部年度考核优秀人数（各年龄）"
    assert head.loc["F6", "denominator_label"] == "占全部完成2年连续优秀周期人数（各年龄）"
    assert head.loc["F6", "label"] == "连续2年优秀记三等功的年轻公务员（人）"
    assert head["denominator_label"].isna().sum() == 6          # F1, F3, F4, F7, F8, F9
    assert "两型干部库全部在库在职人数" in defs["F2 两型干部库中的年轻公务员"]
    assert "当年度考核为优秀的全部人数" in defs["F5 年度考核优秀的年轻公务员"]
    assert "完成一个2年连续优秀周期的全部人数" in defs["F6 连续优秀记三等功的年轻公务员"]


def test_unchecked_online_hours_are_not_printed(con):
    assert not any("网络学习" in x or "50学时" in x for _, _, x in definitions(con))


def test_warnings_name_both_overdue_trainings(demo):
    page = text(evaluation.build(Context(con=demo, year=2023, as_of=AS_OF, threshold=5)).html)
    para = page[page.index("预警条件"):]
    para = para[:para.index("</p>")]
    assert "初任培训" in para and "任职培训" in para and "新录用人员初任培训逾期未训" not in para
    defs = {t: x for _, t, x in definitions(demo)}
    assert "初任培训逾期" in defs["苗头性问题预警"] and "任职培训逾期" in defs["苗头性问题预警"]
