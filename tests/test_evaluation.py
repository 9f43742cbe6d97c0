"""Evaluation outcomes (SPEC §5 "Assessment") on tiny hand-made databases with worked answers,
plus reconciliations and agreement with the headline figures F5/F6 on the demo county.

Everyone below is active from 2010 (entry 2010-01-01) unless the test says otherwise, so all
their grades are valid; units are given by a post covering 31 December of the years concerned.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

import qingmiao_lib as qm
from qingmiao_lib import evaluation as ev
from qingmiao_lib import sections
from qingmiao_lib.charts import evaluation as ch
from qingmiao_lib.figures import headline

D = dt.date.fromisoformat


def person(db, pid, *, unit="U1", entry="2010-01-01", exit=None, born="1990-01-01", name="张三"):
    db.add("persons", person_id=pid, name=name, entry_date=D(entry), birth_date=D(born),
           exit_date=D(exit) if exit else None)
    db.add("posts", person_id=pid, unit_id=unit, start_date=D(entry), end_date=D(exit) if exit else None)


def grades(db, pid, by_year: dict[int, str]):
    for year, grade in by_year.items():
        db.add("annual_assessments", person_id=pid, year=year, grade=grade)


def merit(db, pid, on):
    db.add("rewards", person_id=pid, awarded_on=D(on), kind="三等功", reason="测试")


# ---------------------------------------------------------------------------------------------
# Streaks and merits. Blocks of 3 (rules assessment.streak_block_years) complete in their last
# year; a merit is recorded by a 三等功 in that year or the next.
#
#   FOUR  优秀 2017–2020 (4 years): one run of 4; block 2017–19 → 1 merit due 2019; the run's 4th
#         year starts a new block that is not complete. 三等功 2020-03-01 records it; a second
#         三等功 2020-06-01 in the same window has no streak behind it.
#   SIX   优秀 2015–2020 (6 years): blocks 2015–17 and 2018–20 → 2 merits, due 2017 and 2020.
#         三等功 2018-02-01 records the first; the 2020 merit is never recorded: its window
#         ends 2021-12-31, before the data's last day 2022-12-31 (ANCHOR) → 未记功.
#   BROKEN 优秀 2016, 2017, 不定等次 2018, 优秀 2019, 2020: two runs of 2 → no merit; its
#         三等功 2019-03-01 has no streak behind it.
#   ANCHOR 称职 2015–2022: makes the data run to 2022.


@pytest.fixture
def streak_db(db):
    for pid in ("FOUR", "SIX", "BROKEN", "ANCHOR"):
        person(db, pid)
    grades(db, "FOUR", {y: "优秀" for y in range(2017, 2021)})
    grades(db, "SIX", {y: "优秀" for y in range(2015, 2021)})
    grades(db, "BROKEN", {2016: "优秀", 2017: "优秀", 2018: "不定等次", 2019: "优秀", 2020: "优秀"})
    grades(db, "ANCHOR", {y: "称职" for y in range(2015, 2023)})
    merit(db, "FOUR", "2020-03-01")
    merit(db, "FOUR", "2020-06-01")
    merit(db, "SIX", "2018-02-01")
    merit(db, "BROKEN", "2019-03-01")
    return db


def test_streaks_current_longest_and_blocks(streak_db):
    df = ev.streaks(streak_db.con, year=2020).set_index("person_id")
    assert set(df.index) == {"FOUR", "SIX", "BROKEN"}            # ANCHOR has no 优秀
    assert df.loc["FOUR", ["current_run", "longest_run", "blocks", "last_block_year"]].tolist() == [4, 4, 1, 2019]
    assert df.loc["SIX", ["current_run", "longest_run", "blocks", "last_block_year"]].tolist() == [6, 6, 2, 2020]
    assert df.loc["BROKEN", ["current_run", "longest_run", "blocks"]].tolist() == [2, 2, 0]
    # in 2018 BROKEN's 不定等次 ends the run: its current run is 0, FOUR's is 2
    df18 = ev.streaks(streak_db.con, year=2018).set_index("person_id")
    assert df18.loc["BROKEN", "current_run"] == 0 and df18.loc["FOUR", "current_run"] == 2


def test_merits_due_recorded_and_unrecorded(streak_db):
    m = ev.merits(streak_db.con, year=2020, first_year=2015)
    got = {(r.person_id, r.block_end): (r.recorded, r.status) for r in m.itertuples()}
    assert got == {("FOUR", 2019): (True, "已记功"), ("SIX", 2017): (True, "已记功"),
                   ("SIX", 2020): (False, "未记功")}
    un = ev.unrecorded_merits(streak_db.con, year=2020, first_year=2015)
    assert un[["person_id", "block_end"]].values.tolist() == [["SIX", 2020]]


def test_merit_window_still_open_is_pending(db):
    # SIX's 2020 merit while the data end in 2020: its window (to 2021-12-31) is still open
    person(db, "SIX")
    grades(db, "SIX", {y: "优秀" for y in range(2015, 2021)})
    m = ev.merits(db.con, year=2020, first_year=2020)
    assert m[["block_end", "status"]].values.tolist() == [[2020, "待记功"]]


def test_rewards_with_no_streak_behind_them(streak_db):
    un = ev.unmatched_rewards(streak_db.con, year=2020, first_year=2015)
    assert sorted(zip(un["person_id"], un["awarded_on"].dt.date, strict=True)) == [
        ("BROKEN", D("2019-03-01")), ("FOUR", D("2020-06-01"))]


# ---------------------------------------------------------------------------------------------
# The cap (rules assessment.excellent_cap = 0.20): share = 优秀 / graded, 不定等次 excluded.
#   UA: 1 优秀 + 4 称职 = 1/5 = 20% exactly → not over the cap.
#   UB: 1 优秀 + 3 称职 = 1/4 = 25% → over; plus one 不定等次 (counted, it would be 1/5 = 20%).


@pytest.fixture
def cap_db(db):
    db.add("units", unit_id="UA", name="甲局").add("units", unit_id="UB", name="乙镇", kind="乡镇街道")
    for i, g in enumerate(["优秀", "称职", "称职", "称职", "称职"]):
        person(db, f"A{i}", unit="UA")
        grades(db, f"A{i}", {2023: g})
    for i, g in enumerate(["优秀", "称职", "称职", "称职", "不定等次"]):
        person(db, f"B{i}", unit="UB")
        grades(db, f"B{i}", {2023: g})
    return db


def test_excellent_share_at_cap_not_flagged_above_flagged(cap_db):
    df = ev.excellent_share(cap_db.con, year=2023).set_index("unit_id")
    assert df.loc["UA", ["graded", "excellent"]].tolist() == [5, 1]
    assert df.loc["UA", "share"] == pytest.approx(0.20) and not df.loc["UA", "over_cap"]
    assert df.loc["UB", ["graded", "excellent"]].tolist() == [4, 1]
    assert df.loc["UB", "share"] == pytest.approx(0.25) and df.loc["UB", "over_cap"]
    assert ev.over_cap(cap_db.con, year=2023)["unit_id"].tolist() == ["UB"]


def test_grade_distribution_by_unit(cap_db):
    df = ev.grade_distribution(cap_db.con, year=2023, by="unit")
    ub = df[df["group_key"] == "UB"].set_index("grade")
    assert ub["persons"].to_dict() == {"优秀": 1, "称职": 3, "基本称职": 0, "不称职": 0, "不定等次": 1}
    assert (ub["graded"] == 4).all() and ub.loc["优秀", "share"] == pytest.approx(0.25)
    assert pd.isna(ub.loc["不定等次", "share"]) and ub["group_name"].iloc[0] == "乙镇"


# ---------------------------------------------------------------------------------------------
# A grade of a year the person was not active: listed by invalid_grades, counted nowhere.
#   LATE  entered 2021-03-01, has a 2020 优秀 → invalid (entry after 31 Dec 2020).
#   GONE  left on 2020-01-01, has a 2020 优秀 → invalid (not active on 1 Jan or after).
#   LEFT2 left on 2020-01-02, has a 2020 称职 → valid (active on 1 Jan 2020).


def test_grade_of_inactive_year_listed_not_counted(db):
    person(db, "LATE", entry="2021-03-01")
    person(db, "GONE", exit="2020-01-01")
    person(db, "LEFT2", exit="2020-01-02")
    person(db, "OK")
    grades(db, "LATE", {2020: "优秀"})
    grades(db, "GONE", {2020: "优秀"})
    grades(db, "LEFT2", {2020: "称职"})
    grades(db, "OK", {2020: "称职"})
    bad = ev.invalid_grades(db.con)
    assert sorted(bad["person_id"]) == ["GONE", "LATE"]
    assert "2021-03-01" in bad.set_index("person_id").loc["LATE", "problem"]
    # counted nowhere: 2020 has 0 优秀 of 2 graded (LEFT2 and OK; LEFT2 has no unit on 31 Dec)
    dist = ev.grade_distribution(db.con, year=2020).set_index("grade")
    assert dist.loc["优秀", "persons"] == 0 and dist.loc["称职", "persons"] == 2
    assert ev.young_excellent_share(db.con, year=2020)["excellent"].tolist() == [0]
    assert ev.streaks(db.con, year=2021).empty


# ---------------------------------------------------------------------------------------------
# Quarterly declines (好 > 较好 > 一般 > 较差; a decline is strictly worse than the quarter before).
#   ACROSS  2022 Q3 好, Q4 较好, 2023 Q1 一般 → two declines in a row, completed 2023 Q1.
#   FLAT    2023 好, 较好, 较好, 一般 → an equal quarter is no decline: no two in a row.
#   GAP     2023 Q1 好, Q2 较好, (no Q3), Q4 一般 → the missing quarter breaks the chain.
#   THREE   2023 好, 较好, 一般, 较差 → completed in Q3 and again in Q4: two rows.


def quarters(db, pid, rows):
    for year, quarter, grade in rows:
        db.add("regular_assessments", person_id=pid, year=year, quarter=quarter, grade=grade)


def test_quarterly_decline_edges(db):
    for pid in ("ACROSS", "FLAT", "GAP", "THREE"):
        person(db, pid)
    quarters(db, "ACROSS", [(2022, 3, "好"), (2022, 4, "较好"), (2023, 1, "一般")])
    quarters(db, "FLAT", [(2023, 1, "好"), (2023, 2, "较好"), (2023, 3, "较好"), (2023, 4, "一般")])
    quarters(db, "GAP", [(2023, 1, "好"), (2023, 2, "较好"), (2023, 4, "一般")])
    quarters(db, "THREE", [(2023, 1, "好"), (2023, 2, "较好"), (2023, 3, "一般"), (2023, 4, "较差")])
    df = ev.quarterly_declines(db.con, year=2023)
    assert sorted(zip(df["person_id"], df["year"], df["quarter"], strict=True)) == [
        ("ACROSS", 2023, 1), ("THREE", 2023, 3), ("THREE", 2023, 4)]
    assert df.set_index("person_id").loc["ACROSS", "grades"] == "好→较好→一般"
    trend = ev.quarterly_trend(db.con, year=2023).set_index("person_id")
    # FLAT: 好 (4) → 一般 (2): change −2, declines 2 (Q2 and Q4; Q3 equals Q2)
    assert trend.loc["FLAT", ["change", "declines"]].tolist() == [-2, 2]
    assert trend.loc["GAP", "declines"] == 1                    # Q4 follows no Q3


def test_quarterly_vs_annual_link(db):
    # GOOD4: four 好, annual 优秀; GOOD4B: four 好, 称职; MIXED: two 好, 称职 → with four 好,
    # 1 of 2 is 优秀 (50%); with two 好, 0 of 1.
    for pid in ("GOOD4", "GOOD4B", "MIXED"):
        person(db, pid)
    for pid in ("GOOD4", "GOOD4B"):
        quarters(db, pid, [(2023, q, "好") for q in range(1, 5)])
    quarters(db, "MIXED", [(2023, 1, "好"), (2023, 2, "好"), (2023, 3, "较好"), (2023, 4, "较好")])
    grades(db, "GOOD4", {2023: "优秀"})
    grades(db, "GOOD4B", {2023: "称职"})
    grades(db, "MIXED", {2023: "称职"})
    df = ev.quarterly_vs_annual(db.con, year=2023).set_index(["good_quarters", "grade"])
    assert df.loc[(4, "优秀"), "share"] == pytest.approx(0.5)
    assert df.loc[(4, "优秀"), "group_persons"] == 2
    assert df.loc[(2, "称职"), "persons"] == 1 and (2, "优秀") not in df.index


# ---------------------------------------------------------------------------------------------
# Early warnings on 2024-01-01 (last completed year 2023; last four quarters 2023 Q1–Q4).


@pytest.fixture
def warn_db(db):
    for pid in ("W_GRADE", "W_OLDGRADE", "W_QUARTER", "W_OLDQ", "W_SUP", "W_TRAIN", "W_TRAINED",
                "W_TRANSFER"):
        person(db, pid, entry="2022-06-01" if pid.startswith(("W_TRAIN", "W_TRANSFER")) else "2010-01-01")
    grades(db, "W_GRADE", {2023: "基本称职"})
    grades(db, "W_OLDGRADE", {2022: "不称职", 2023: "称职"})       # 2022 is not the last year
    quarters(db, "W_QUARTER", [(2023, 1, "一般"), (2023, 3, "较差")])
    quarters(db, "W_OLDQ", [(2022, 4, "较差")])                       # before the last four
    db.add("supervision", person_id="W_SUP", held_on=D("2023-06-01"), kind="诫勉",
           effective_until=D("2024-01-01"))
    # recruits (考试录用) entered 2022-06-01: 初任培训 due by 2023-06-01; W_TRAINED took 20 days
    for pid in ("W_TRAIN", "W_TRAINED"):
        db.con.execute("update persons set entry_channel = '考试录用' where person_id = ?", [pid])
    db.add("trainings", person_id="W_TRAINED", kind="初任培训", start_date=D("2022-09-01"),
           end_date=D("2022-09-20"), hours=96)
    # a transfer (调任) comes with prior service: no initial training owed
    db.con.execute("update persons set entry_channel = '调任' where person_id = 'W_TRANSFER'")
    return db


def test_early_warnings_on_a_date(warn_db):
    # on 2024-01-01 W_TRAIN's 初任培训 (due 2023-06-01) belongs to 2023's obligations, as in
    # training.gap_list: no longer listed (tests/test_warnings.py has the training cases)
    w = ev.early_warnings(warn_db.con, as_of=D("2024-01-01"))
    assert sorted(zip(w["person_id"], w["kind"], strict=True)) == [
        ("W_GRADE", "年度考核"), ("W_QUARTER", "平时考核")]
    q = w.set_index("person_id").loc["W_QUARTER"]
    assert q["evidence"] == "2023年第1季度一般；2023年第3季度较差" and q["evidence_date"].date() == D("2023-09-30")
    assert w["rule"].isna().all() and w["due_date"].isna().all()
    # the 诫勉 runs until 2024-01-01 (exclusive): still in effect the day before. On 2023-12-31
    # the last completed year is 2022 (W_OLDGRADE's 不称职) and the quarters are 2022 Q4–2023 Q3.
    w2 = ev.early_warnings(warn_db.con, as_of=D("2023-12-31"))
    assert sorted(zip(w2["person_id"], w2["kind"], strict=True)) == [
        ("W_OLDGRADE", "年度考核"), ("W_OLDQ", "平时考核"), ("W_QUARTER", "平时考核"),
        ("W_SUP", "监督管理"), ("W_TRAIN", "培训逾期")]
    t = w2.set_index("person_id").loc["W_TRAIN"]
    assert (t["rule"], t["due_date"].date(), t["evidence_date"].date()) == (
        "初任培训", D("2023-06-01"), D("2023-06-01"))
    assert t["evidence"] == "2022-06-01录用，初任培训应于2023-06-01前完成，未见记录"
    counts = ev.warning_counts(w2, by="all").set_index("kind")["persons"]
    assert counts.to_dict() == {"年度考核": 1, "平时考核": 2, "监督管理": 1, "培训逾期": 1}
    counts = ev.warning_counts(w, by="all").set_index("kind")["persons"]
    assert counts.to_dict() == {"年度考核": 1, "平时考核": 1, "监督管理": 0, "培训逾期": 0}


def test_filters_are_validated_before_sql(con):
    with pytest.raises(ValueError):
        ev.grade_distribution(con, year=2023, by="name; drop table persons")
    with pytest.raises(ValueError):
        ev.streaks(con, year=2023, age_group="18–19岁")
    assert ev.age_groups(con) == ["30岁以下", "30–34岁", "35–39岁", "40岁及以上"]


def test_age_groups_follow_the_young_limit(db, con):
    # young limit 35 (general.young_age_limit): the bands are under lim − 10 = 25, 25–29
    # (lim − 10 … lim − 6), 30–34 (lim − 5 … lim − 1) and 35 and over.
    # YOUNG born 1995-06-01 is 28 on 2023-12-31 → 25–29岁 (under the limit 40 it was 30岁以下).
    con.execute("update rule_params set num = 35 where name = 'general.young_age_limit'")
    assert ev.age_groups(con) == ["25岁以下", "25–29岁", "30–34岁", "35岁及以上"]
    person(db, "YOUNG", born="1995-06-01")
    grades(db, "YOUNG", {2023: "优秀"})
    got = ev.grade_distribution(con, year=2023, age_group="25–29岁")
    assert got.loc[got["grade"] == "优秀", "persons"].tolist() == [1]
    with pytest.raises(ValueError):          # a band of the limit 40, not of 35
        ev.grade_distribution(con, year=2023, age_group="30岁以下")


# ---------------------------------------------------------------------------------------------
# The demo county: reconciliation and agreement with the headline figures.


@pytest.fixture(scope="module")
def demo(demo_db):
    c = qm.connect(demo_db)
    qm.db.install_all(c)  # the tests call the area macros in SQL of their own
    yield c
    c.close()


@pytest.mark.parametrize("year", [2019, 2021, 2023])
def test_grade_counts_sum_to_graded_headcount_per_unit(demo, year):
    df = ev.grade_distribution(demo, year=year, by="unit")
    graded = df[df["grade"] != "不定等次"].groupby("group_key")["persons"].sum()
    assert (graded == df.groupby("group_key")["graded"].first()).all()
    # … and to an independent count: graded persons per unit on 31 Dec of the year
    independent = dict(demo.execute(
        "select coalesce(s.unit_id, '—'), count(*) from annual_assessments a"
        " join person_snapshot(make_date($y, 12, 31)) s using (person_id)"
        " where a.year = $y and a.grade <> '不定等次'"
        " and s.entry_date <= make_date($y, 12, 31)"
        " and (s.exit_date is null or s.exit_date > make_date($y, 1, 1)) group by all",
        {"y": year}).fetchall())
    assert graded.to_dict() == independent
    share = ev.excellent_share(demo, year=year).set_index("unit_id")
    assert share["graded"].sum() == sum(independent.values())


@pytest.mark.parametrize("year", [2017, 2019, 2021, 2022, 2023])
def test_streak_macro_agrees_with_f6_and_f5(demo, year):
    figs = headline(demo, year=year).set_index("code")
    young, total = demo.execute(
        "select count(*) filter (where s.young), count(*) from excellent_runs($y) as r"
        " join person_snapshot(make_date($y, 12, 31)) as s using (person_id)"
        " where r.year = $y and r.completes_block", {"y": year}).fetchall()[0]
    assert (young, total) == (figs.loc["F6", "value"], figs.loc["F6", "denominator"])
    assert total > 0 or year < 2019
    m = ev.merits(demo, year=year)
    assert len(m) == total
    f5 = ev.young_excellent_share(demo, year=year).iloc[0]
    assert (f5["young_excellent"], f5["excellent"]) == (figs.loc["F5", "value"], figs.loc["F5", "denominator"])


def test_every_function_has_grain_and_attrs(demo):
    year = 2023
    pid = ev.grade_history(demo, year=year)["person_id"].iloc[0]
    frames = [
        ev.grade_distribution(demo, year=year, by="age_group", young=True),
        ev.excellent_share(demo, year=year), ev.young_excellent_share(demo, year=year, first_year=2018),
        ev.grade_history(demo, year=year, years=3), ev.person_history(demo, person_id=pid, year=year),
        ev.streaks(demo, year=year), ev.merits(demo, year=year, first_year=2018),
        ev.unmatched_rewards(demo, year=year, first_year=2018),
        ev.quarterly_distribution(demo, year=year), ev.quarterly_trend(demo, year=year),
        ev.quarterly_declines(demo, year=year, first_year=2018), ev.quarterly_vs_annual(demo, year=year),
        ev.special_tasks(demo, year=year), ev.early_warnings(demo, as_of=D("2024-01-01")),
        ev.rewards_by_kind(demo, year=year),
    ]
    for df in frames:
        assert df.attrs["rules_version"] and (df.attrs.get("year") or df.attrs.get("as_of"))
    hist = frames[3]
    assert hist["person_id"].is_unique and list(hist.columns[-3:]) == ["2021", "2022", "2023"]
    assert len(frames[4]) == 5
    streak = frames[5]
    assert streak["person_id"].is_unique and (streak["longest_run"] >= streak["current_run"]).all()
    # one row per person and kind of warning (培训逾期: per rule)
    assert not frames[13].duplicated(["person_id", "kind", "rule"]).any()


def test_charts_are_figures_with_the_year(demo):
    year = 2023
    figs = [
        ch.grade_distribution(ev.grade_distribution(demo, year=year, by="age_group")),
        ch.excellent_share(ev.excellent_share(demo, year=year)),
        ch.streak_histogram(ev.streaks(demo, year=year)),
        ch.quarterly_trend(ev.quarterly_distribution(demo, year=year, first_year=year - 2)),
        ch.warnings_by_unit(ev.warning_counts(ev.early_warnings(demo, as_of=D("2023-12-31")))),
        ch.young_excellent_trend(ev.young_excellent_share(demo, year=year, first_year=year - 5)),
    ]
    for fig in figs:
        assert isinstance(fig, go.Figure) and str(year) in fig.layout.title.text
        assert fig.data


def test_report_section_has_aggregates_only(demo):
    ctx = sections.Context(con=demo, year=2023, as_of=D("2023-12-31"), threshold=5)
    s = sections.evaluation.build(ctx)
    assert s is not None and s.title == "考核评价"
    names = {r[0] for r in demo.execute("select name from persons").fetchall()}
    ids = {r[0] for r in demo.execute("select person_id from persons").fetchall()}
    html = str(s.html)
    assert not any(n in html for n in names if len(n) >= 2)
    assert not any(i in html for i in ids)
    assert html.count("<details>") >= 5


def test_quarterly_trend_grades_text_per_sequence(db):
    # The grades text is built once per distinct sequence of masks (from the first quarter on)
    # and joined back. SAME_A and SAME_B hold the same sequence (a gap after the first quarter)
    # at different offsets; RUN the same grades without the gap (another sequence, same text);
    # CUT entered 2023-03-01 (its 2022 quarters are not valid: cut from the masks); ONE a single
    # quarter; LAST: the range's last quarter only, after a gap of seven.
    for pid, entry in (("SAME_A", "2010-01-01"), ("SAME_B", "2010-01-01"), ("RUN", "2010-01-01"),
                       ("CUT", "2023-03-01"), ("ONE", "2010-01-01")):
        person(db, pid, entry=entry)
    quarters(db, "SAME_A", [(2022, 1, "好"), (2022, 3, "一般"), (2022, 4, "较差")])
    quarters(db, "SAME_B", [(2023, 1, "好"), (2023, 3, "一般"), (2023, 4, "较差")])
    quarters(db, "RUN", [(2022, 2, "好"), (2022, 3, "一般"), (2022, 4, "较差")])
    quarters(db, "CUT", [(2022, 3, "较差"), (2022, 4, "好"), (2023, 2, "较好"), (2023, 3, "较好")])
    quarters(db, "ONE", [(2023, 4, "一般")])
    trend = ev.quarterly_trend(db.con, year=2023).set_index("person_id")
    assert trend["grades"].to_dict() == {
        "SAME_A": "好→一般→较差", "SAME_B": "好→一般→较差", "RUN": "好→一般→较差",
        "CUT": "较好→较好", "ONE": "一般"}
    assert trend.loc["SAME_A", ["quarters", "good", "ordinary", "poor", "change", "declines"]].tolist() == [
        3, 1, 1, 1, -3, 1]                                      # Q3 follows no Q2; Q4 < Q3
    assert trend.loc["RUN", "declines"] == 2
    assert trend.loc["CUT", ["quarters", "first_grade", "last_grade", "change"]].tolist() == [
        2, "较好", "较好", 0]
    assert trend.loc["ONE", ["first_grade", "last_grade", "declines"]].tolist() == ["一般", "一般", 0]
