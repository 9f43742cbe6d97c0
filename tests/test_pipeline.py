"""Rank-promotion eligibility (SPEC §5 "Rank-promotion eligibility"), clause by clause, on tiny
hand-made databases with the answers worked out by hand; then promotions per year, time to first
promotion (Kaplan–Meier), the funnel and the person profile.

The ladder used below (rules/default.toml): 二级科员 → 一级科员 needs 24 months,
一级科员 → 四级主任科员 36, 四级主任科员 → 三级主任科员 24 (or 乡科级副职 post tenure),
ceiling 二级调研员. Each 优秀 year of the tenure cuts the requirement by 6 months; each
基本称职 / 不称职 / 不定等次 year removes 12 months from the tenure; the last year's grade must be
称职 or 优秀; a 诫勉 / 组织处理 / 处分 in effect on d blocks.

Full months (SPEC §5): the largest m with a + m months <= d, clamped at month ends.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import pipeline
from qingmiao_lib.db import TABLES

D = dt.date.fromisoformat

CONTRACT = ["person_id", "name", "unit_id", "current_rank", "next_rank", "tenure_months",
            "required_months", "qualified", "quota_ok", "eligible", "reasons"]


def person(db, pid, rank=None, since=None, *, grades=None, entry="2015-07-01", exit=None,
           unit="U1", post_level="无", post_since=None):
    """A person with one current rank row from ``since``, one current post, and annual grades."""
    db.add("persons", person_id=pid, entry_date=D(entry), exit_date=D(exit) if exit else None)
    db.add("posts", person_id=pid, unit_id=unit, level=post_level,
           start_date=D(post_since or entry))
    if rank:
        db.add("ranks", person_id=pid, rank=rank, start_date=D(since))
    for year, grade in (grades or {}).items():
        db.add("annual_assessments", person_id=pid, year=year, grade=grade)


def check(con, as_of, **kw) -> pd.DataFrame:
    return pipeline.eligibility(con, as_of=D(as_of), **kw).set_index("person_id")


# ---------------------------------------------------------------------------------------------
# the contract: columns, types, one row per active person


def test_columns_types_and_attrs(db):
    person(db, "P1", "二级科员", "2021-01-01", grades={2022: "称职"})
    df = pipeline.eligibility(db.con, as_of=D("2023-06-30"))
    assert df.columns[: len(CONTRACT)].tolist() == CONTRACT
    for col in ("qualified", "quota_ok", "eligible"):
        assert df[col].dtype == bool
    assert df.attrs["as_of"] == "2023-06-30" and df.attrs["rules_version"]
    assert "due_within" not in df.columns
    # 2021-01-01 → 2023-06-30: 29 full months ≥ 24; 2022 称职 → eligible, no reason
    row = df.set_index("person_id").loc["P1"]
    assert (row.tenure_months, row.required_months, row.eligible, row.reasons) == (29, 24, True, "")


# ---------------------------------------------------------------------------------------------
# tenure: full months at month ends


@pytest.mark.parametrize("as_of, months, qualified", [
    # 2021-08-31 + 24 months = 2023-08-31 > 2023-08-30 → only 23 full months
    ("2023-08-30", 23, False),
    ("2023-08-31", 24, True),
])
def test_month_end_arithmetic(db, as_of, months, qualified):
    # tenure began 2021-08-31 (after 30 June): 2021 is not a tenure year; 2022 称职 is
    person(db, "P1", "二级科员", "2021-08-31", grades={2021: "优秀", 2022: "称职"})
    row = check(db.con, as_of).loc["P1"]
    assert row.tenure_months == months and row.required_months == 24
    assert bool(row.qualified) == qualified
    assert row.reasons == ("" if qualified else "任现职级1年11个月，需满2年")


def test_month_end_clamping_in_february(db):
    # 2021-11-30 + 15 months = 2023-02-28 (clamped): 15 full months on 2023-02-28
    person(db, "P1", "二级科员", "2021-11-30", grades={2022: "称职"})
    assert check(db.con, "2023-02-28").loc["P1"].tenure_months == 15
    assert check(db.con, "2023-02-27").loc["P1"].tenure_months == 14


# ---------------------------------------------------------------------------------------------
# which assessment years belong to the tenure: the 30-June rule


def test_thirty_june_rule(db):
    # Both 二级科员 → 一级科员 (24 months), 2021 优秀, 2022 称职, checked on 2023-01-31.
    # A from 2021-06-30: began on or before 30 June 2021 → 2021 counts → 1 优秀 → needs 18;
    #   2021-06-30 + 19 months = 2023-01-30 ≤ 2023-01-31 → 19 months ≥ 18 → qualified.
    # B from 2021-07-01: 2021 does not count → needs 24;
    #   2021-07-01 + 18 months = 2023-01-01 ≤ 2023-01-31, + 19 = 2023-02-01 > → 18 < 24.
    person(db, "A", "二级科员", "2021-06-30", grades={2021: "优秀", 2022: "称职"})
    person(db, "B", "二级科员", "2021-07-01", grades={2021: "优秀", 2022: "称职"})
    df = check(db.con, "2023-01-31")
    assert (df.loc["A", "excellent_years"], df.loc["A", "required_months"]) == (1, 18)
    assert (df.loc["A", "tenure_months"], df.loc["A", "qualified"]) == (19, True)
    assert (df.loc["B", "excellent_years"], df.loc["B", "required_months"]) == (0, 24)
    assert (df.loc["B", "tenure_months"], df.loc["B", "qualified"]) == (18, False)
    assert df.loc["B", "reasons"] == "任现职级1年6个月，需满2年"


def test_current_year_is_not_a_tenure_year(db):
    # on 2023-12-31 the tenure years end at 2022: a 2023 优秀 already on record does not count
    person(db, "P1", "二级科员", "2022-03-01", grades={2022: "称职", 2023: "优秀"})
    row = check(db.con, "2023-12-31").loc["P1"]
    assert (row.excellent_years, row.required_months, row.tenure_months) == (0, 24, 21)


# ---------------------------------------------------------------------------------------------
# uncounted years: 基本称职, 不称职, 不定等次


def test_uncounted_years(db):
    # 一级科员 → 四级主任科员 needs 36. From 2019-03-01 to 2024-03-01: 60 full months.
    # Tenure years 2019..2023 (began 1 March ≤ 30 June 2019).
    # C: 2019 不定等次, 2020 基本称职 → 60 − 2×12 = 36 ≥ 36 → qualified.
    # E: also 2021 不称职 → 60 − 3×12 = 24 < 36.
    person(db, "C", "一级科员", "2019-03-01",
           grades={2019: "不定等次", 2020: "基本称职", 2021: "称职", 2022: "称职", 2023: "称职"})
    person(db, "E", "一级科员", "2019-03-01",
           grades={2019: "不定等次", 2020: "基本称职", 2021: "不称职", 2022: "称职", 2023: "称职"})
    df = check(db.con, "2024-03-01")
    assert (df.loc["C", "uncounted_years"], df.loc["C", "tenure_months"], df.loc["C", "qualified"]) == (2, 36, True)
    assert (df.loc["E", "uncounted_years"], df.loc["E", "tenure_months"], df.loc["E", "qualified"]) == (3, 24, False)
    assert df.loc["E", "reasons"] == "任现职级5年（3个年度考核不计算任职年限，计2年），需满3年"


def test_year_before_tenure_does_not_count(db):
    # tenure from 2021-07-01: the 2021 基本称职 is outside it (began after 30 June) → no penalty
    person(db, "P1", "二级科员", "2021-07-01", grades={2021: "基本称职", 2022: "称职", 2023: "称职"})
    row = check(db.con, "2024-01-01").loc["P1"]
    assert (row.uncounted_years, row.tenure_months, row.qualified) == (0, 30, True)


# ---------------------------------------------------------------------------------------------
# several 优秀 years


def test_several_excellent_years(db):
    # 一级科员 → 四级主任科员 (36) from 2021-01-01; on 2023-06-30: 29 full months; last year 2022.
    # E2: 2021 and 2022 优秀 → 36 − 2×6 = 24 ≤ 29 → qualified.
    # E1: 2021 优秀 only → 30 > 29 → not qualified, reason names the cut.
    # E3: like E2 plus a 2020 优秀 before the tenure → still 2 (the 2020 grade is not a tenure year).
    person(db, "E2", "一级科员", "2021-01-01", grades={2021: "优秀", 2022: "优秀"})
    person(db, "E1", "一级科员", "2021-01-01", grades={2021: "优秀", 2022: "称职"})
    person(db, "E3", "一级科员", "2021-01-01", grades={2020: "优秀", 2021: "优秀", 2022: "优秀"})
    df = check(db.con, "2023-06-30")
    assert (df.loc["E2", "required_months"], df.loc["E2", "qualified"]) == (24, True)
    assert (df.loc["E1", "required_months"], df.loc["E1", "qualified"]) == (30, False)
    assert df.loc["E1", "reasons"] == "任现职级2年5个月，需满2年6个月（1个优秀年度已缩短6个月）"
    assert (df.loc["E3", "excellent_years"], df.loc["E3", "required_months"]) == (2, 24)


# ---------------------------------------------------------------------------------------------
# the leadership-post alternative (三级主任科员 via a 乡科级副职 post)


def test_leadership_post_alternative(db):
    # All 四级主任科员 from 2023-01-01 (5 full months on 2023-06-30); next 三级主任科员 needs 24
    # months "as 四级主任科员 or 乡科级副职". Grades 2021, 2022 称职.
    # H: current 乡科级副职 post since 2021-03-01 → 27 months > 5 → counts → qualified.
    # J: current 乡科级正职 post (higher level) since 2021-03-01 → counts too.
    # I: post 无 → 5 < 24.
    g = {2021: "称职", 2022: "称职"}
    person(db, "H", "四级主任科员", "2023-01-01", grades=g, post_level="乡科级副职", post_since="2021-03-01")
    person(db, "J", "四级主任科员", "2023-01-01", grades=g, post_level="乡科级正职", post_since="2021-03-01")
    person(db, "I", "四级主任科员", "2023-01-01", grades=g)
    df = check(db.con, "2023-06-30")
    assert (df.loc["H", "tenure_basis"], df.loc["H", "tenure_months"], df.loc["H", "qualified"]) == ("职务", 27, True)
    assert (df.loc["J", "tenure_basis"], df.loc["J", "qualified"]) == ("职务", True)
    assert (df.loc["I", "tenure_basis"], df.loc["I", "qualified"]) == ("职级", False)
    assert df.loc["I", "reasons"] == "任现职级5个月，需满2年"


def test_post_alternative_only_where_the_ladder_allows_it(db):
    # 一级科员 → 四级主任科员 has no alt_level: a 乡科级副职 post since 2019 does not count
    person(db, "K", "一级科员", "2023-01-01", grades={2022: "称职"}, post_level="乡科级副职",
           post_since="2019-01-01")
    # an ENDED 乡科级副职 post does not count either (only a current post)
    person(db, "L", "四级主任科员", "2023-01-01", grades={2022: "称职"})
    db.add("posts", person_id="L", unit_id="U1", level="乡科级副职", start_date=D("2019-01-01"),
           end_date=D("2022-12-31"))
    df = check(db.con, "2023-06-30")
    assert (df.loc["K", "tenure_basis"], df.loc["K", "qualified"]) == ("职级", False)
    assert (df.loc["L", "tenure_basis"], df.loc["L", "qualified"]) == ("职级", False)


def test_post_alternative_takes_the_post_tenure_years(db):
    # M: 四级主任科员 from 2023-01-01, 乡科级副职 since 2021-03-01, 2021 基本称职, 2022 称职:
    # the tenure used is the post's (27 months), its years are 2021 and 2022 → 27 − 12 = 15 < 24.
    person(db, "M", "四级主任科员", "2023-01-01", grades={2021: "基本称职", 2022: "称职"},
           post_level="乡科级副职", post_since="2021-03-01")
    row = check(db.con, "2023-06-30").loc["M"]
    assert (row.tenure_basis, row.uncounted_years, row.tenure_months, row.qualified) == ("职务", 1, 15, False)
    assert row.reasons.startswith("任乡科级副职及以上职务2年3个月（1个年度考核不计算任职年限，计1年3个月）")


# ---------------------------------------------------------------------------------------------
# supervision in effect


def test_active_jiemian_blocks_and_one_ending_on_d_does_not(db):
    # all qualify on time and grade (from 2021-01-01: 29 months on 2023-06-30; 2022 称职)
    g = {2022: "称职"}
    for pid in ("S1", "S2", "S3", "S4"):
        person(db, pid, "二级科员", "2021-01-01", grades=g)
    # S1: 诫勉 until 2023-07-10 > d → blocked
    db.add("supervision", person_id="S1", held_on=D("2023-01-10"), kind="诫勉", effective_until=D("2023-07-10"))
    # S2: effect ends exactly on d → effective_until > d is false → not blocked
    db.add("supervision", person_id="S2", held_on=D("2022-12-30"), kind="诫勉", effective_until=D("2023-06-30"))
    # S3: a 提醒谈话 is not a blocking kind
    db.add("supervision", person_id="S3", held_on=D("2023-06-01"), kind="提醒谈话", effective_until=D("2023-12-01"))
    # S4: a 处分 held after d is not in effect on d
    db.add("supervision", person_id="S4", held_on=D("2023-07-01"), kind="处分", effective_until=D("2024-07-01"))
    df = check(db.con, "2023-06-30")
    assert (df.loc["S1", "qualified"], df.loc["S1", "reasons"]) == (False, "诫勉影响期未满（至2023-07-10）")
    assert df.loc[["S2", "S3", "S4"], "eligible"].tolist() == [True, True, True]


# ---------------------------------------------------------------------------------------------
# the ceiling, no rank, the last year's grade, exits


def test_ceiling(db):
    # 二级调研员 is the county ceiling: no next rank, whatever the tenure
    person(db, "T1", "二级调研员", "2010-01-01", grades={2022: "优秀"})
    person(db, "T2", "三级调研员", "2020-01-01", grades={2022: "称职"})
    df = check(db.con, "2023-06-30")
    assert pd.isna(df.loc["T1", "next_rank"])
    assert (df.loc["T1", "eligible"], df.loc["T1", "reasons"]) == (False, "已达职级上限")
    assert (df.loc["T2", "next_rank"], df.loc["T2", "eligible"]) == ("二级调研员", True)


def test_no_rank_on_probation(db):
    person(db, "N1", entry="2023-03-01")
    row = check(db.con, "2023-06-30").loc["N1"]
    assert pd.isna(row.current_rank) and not row.qualified and not row.eligible
    assert row.reasons == "尚未定级（试用期内或无职级记录）"


def test_last_year_grade(db):
    # all from 2020-01-01 (time met); on 2023-06-30 the last year is 2022
    person(db, "G0", "二级科员", "2020-01-01", grades={2021: "称职"})        # no 2022 record
    person(db, "G1", "二级科员", "2020-01-01", grades={2022: "基本称职"})    # 2022 基本称职
    person(db, "G2", "二级科员", "2020-01-01", grades={2022: "不定等次"})
    df = check(db.con, "2023-06-30")
    assert (df.loc["G0", "qualified"], df.loc["G0", "reasons"]) == (False, "缺少2022年度考核结果")
    # G1: 42 months − 12 = 30 ≥ 24: only the grade fails
    assert (df.loc["G1", "qualified"], df.loc["G1", "reasons"]) == (False, "2022年度考核为基本称职")
    assert df.loc["G2", "reasons"] == "2022年度考核为不定等次"


def test_every_failed_condition_is_listed(db):
    # 一级科员 → 四级主任科员 (36) from 2021-10-01: 33 months on 2024-07-01; no 2023 record;
    # and the quota of 四级主任科员 is full (1 holder, max 1)
    person(db, "X", "一级科员", "2021-10-01", grades={2022: "称职"})
    person(db, "HOLD", "四级主任科员", "2020-01-01")
    db.add("quotas", year=2024, rank="四级主任科员", max_count=1)
    row = check(db.con, "2024-07-01").loc["X"]
    assert row.reasons == ("任现职级2年9个月，需满3年；缺少2023年度考核结果；"
                           "职数已满（四级主任科员现有1人，职数1）")


@pytest.mark.parametrize("exit_date, listed", [("2023-06-30", False), ("2023-07-01", True)])
def test_exited_person_is_never_listed(db, exit_date, listed):
    # active on d: exit_date > d. Leaving on d → gone that day.
    person(db, "Q", "二级科员", "2020-01-01", grades={2022: "称职"}, exit=exit_date)
    assert ("Q" in check(db.con, "2023-06-30").index) == listed


# ---------------------------------------------------------------------------------------------
# quotas


@pytest.mark.parametrize("max_count, ok", [(2, False), (3, True)])
def test_full_quota(db, max_count, ok):
    # two active 一级科员 hold the next rank of the candidate; an exited one does not count
    person(db, "CAND", "二级科员", "2020-01-01", grades={2022: "称职"})
    person(db, "H1", "一级科员", "2020-01-01")
    person(db, "H2", "一级科员", "2020-01-01")
    person(db, "GONE", "一级科员", "2020-01-01", exit="2023-01-01")
    db.add("quotas", year=2023, rank="一级科员", max_count=max_count)
    row = check(db.con, "2023-06-30").loc["CAND"]
    assert (row.qualified, row.quota_ok, row.eligible) == (True, ok, ok)
    assert row.reasons == ("" if ok else "职数已满（一级科员现有2人，职数2）")


def test_quota_of_another_year_or_no_quota_row(db):
    # only a 2022 quota (max 0): no row for 2023 → no limit, quota_ok
    person(db, "CAND", "二级科员", "2020-01-01", grades={2022: "称职"})
    db.add("quotas", year=2022, rank="一级科员", max_count=0)
    assert check(db.con, "2023-06-30").loc["CAND", "quota_ok"]


def test_unit_quota(db):
    # a quota of unit U1 (max 1) counts the holders in U1 only; U2's candidate is not bound by it
    db.add("units", unit_id="U2")
    person(db, "C1", "二级科员", "2020-01-01", grades={2022: "称职"}, unit="U1")
    person(db, "C2", "二级科员", "2020-01-01", grades={2022: "称职"}, unit="U2")
    person(db, "H1", "一级科员", "2020-01-01", unit="U1")
    person(db, "H2", "一级科员", "2020-01-01", unit="U2")
    db.add("quotas", year=2023, unit_id="U1", rank="一级科员", max_count=1)
    df = check(db.con, "2023-06-30")
    assert (df.loc["C1", "quota_ok"], df.loc["C2", "quota_ok"]) == (False, True)
    assert df.loc["C1", "reasons"] == "本单位职数已满（一级科员现有1人，职数1）"
    usage = pipeline.quota_usage(db.con, as_of=D("2023-06-30"))
    assert usage[["unit_id", "rank", "max_count", "holders", "headroom"]].values.tolist() == [
        ["U1", "一级科员", 1, 1, 0]]


# ---------------------------------------------------------------------------------------------
# the forward view and the filters


def test_within_months(db):
    # from 2021-08-31, 24 months needed: met on 2023-08-31 (20 full months on 2023-04-30 + 4)
    person(db, "W", "二级科员", "2021-08-31", grades={2022: "称职"})
    df4 = check(db.con, "2023-04-30", within_months=4)
    df3 = check(db.con, "2023-04-30", within_months=3)
    assert df4.loc["W", "time_met_on"] == pd.Timestamp("2023-08-31")
    assert df4.loc["W", "months_to_eligible"] == 4
    # 2023-04-30 + 4 months = 2023-08-30 < 2023-08-31, so even 4 months is one day short
    assert (df4.loc["W", "due_within"], df3.loc["W", "due_within"]) == (False, False)
    assert check(db.con, "2023-05-31", within_months=3).loc["W", "due_within"]


def test_units_filter_and_counts(db):
    db.add("units", unit_id="U2")
    person(db, "A", "二级科员", "2020-01-01", grades={2022: "称职"}, unit="U1")
    person(db, "B", "二级科员", "2023-01-01", grades={2022: "称职"}, unit="U1")
    person(db, "C", "二级科员", "2020-01-01", grades={2022: "称职"}, unit="U2")
    assert check(db.con, "2023-06-30", units=["U1"]).index.tolist() == ["A", "B"]
    counts = pipeline.eligibility_counts(db.con, as_of=D("2023-06-30"))
    u1 = counts.set_index("unit_id").loc["U1"]
    assert (u1.persons, u1.qualified, u1.eligible, u1.not_qualified) == (2, 1, 1, 1)
    assert counts["persons"].sum() == 3


# ---------------------------------------------------------------------------------------------
# the simulation obeys the same rules: every promotion it made was eligible on its date


def _copy(path) -> object:
    con = qm.connect(":memory:", create=True)
    con.execute(f"attach '{path}' as src (read_only)")  # a test path, not user input
    for t in TABLES:
        con.execute(f"insert into main.{t} select * from src.{t}")
    con.execute("detach src")
    return con


def test_simulated_promotions_were_eligible(demo_db):
    """Each 晋升 the simulation made on day t (from the first simulated year) is checked on t
    against the records as they stood just before that round: the promotions of t undone.

    Personal conditions must hold for every one. The quota clause differs in one known way:
    the simulation fills a round from the top rank down, so a vacancy opened by a holder
    promoted further the same day is filled in that round, while SPEC §5 counts the holders
    on d (the holder promoted away still counts). A quota refusal is accepted only when that
    same-day cascade explains it: holders − (holders promoted up on t) < max.
    """
    first = int(qm.db.meta(qm.connect(demo_db))["data_from"])
    con = _copy(demo_db)
    dates = [r[0] for r in con.execute(
        "select distinct start_date from ranks where reason = '晋升' and year(start_date) >= ? order by 1",
        [first]).fetchall()]
    assert dates
    checked, cascades = 0, 0
    for t in dates:
        con.execute("begin")
        moved = con.execute(
            "select r.person_id, prev.rank::varchar as from_rank from ranks as r join ranks as prev"
            " on prev.person_id = r.person_id and prev.end_date = r.start_date"
            " where r.reason = '晋升' and r.start_date = ?", [t]).df()
        con.execute("update ranks set end_date = null where end_date = ? and person_id in"
                    " (select person_id from ranks where reason = '晋升' and start_date = ?)", [t, t])
        con.execute("delete from ranks where reason = '晋升' and start_date = ?", [t])
        e = pipeline.eligibility(con, as_of=t)
        con.execute("rollback")
        got = moved.merge(e, on="person_id", how="left")
        checked += len(got)
        assert got["qualified"].all(), got.loc[~got["qualified"], ["person_id", "reasons"]].to_string()
        refused = got[~got["quota_ok"]]
        up = moved["from_rank"].value_counts()
        for row in refused.itertuples():
            cascades += 1
            assert row.quota_holders - up.get(row.next_rank, 0) < row.quota_max, (t, row.person_id)
    assert checked > 50
    assert cascades <= checked // 20


# ---------------------------------------------------------------------------------------------
# promotions per year agree with F7, F8, F9


def test_promotion_events_agree_with_headline(demo_db):
    con = qm.connect(demo_db)
    for year in (2021, 2023):
        ev = pipeline.promotion_events(con, first_year=year, last_year=year, by="age_group")
        n = ev.set_index(["kind", "grp"])["persons"]
        f = qm.figures.headline(con, year=year).set_index("code")["value"]
        assert n.get(("leadership", "40岁以下"), 0) == f["F7"]
        assert n.get(("rank", "40岁以下"), 0) == f["F9"]
        assert n.get(("step_down", "40岁及以上"), 0) == f["F8"]
    by_unit = pipeline.promotion_events(con, first_year=2023, last_year=2023, by="all")
    assert set(by_unit["grp"]) == {"合计"}
    with pytest.raises(ValueError):
        pipeline.promotion_events(con, first_year=2023, last_year=2023, by="name")


# ---------------------------------------------------------------------------------------------
# time to first promotion: Kaplan–Meier against a hand computation


def test_kaplan_meier_by_hand(db):
    # Cohort 2015, all entered 2015-07-01, as_of 2021-07-01 (72 months later):
    #   K1 promoted 2017-07-01 → event at 24;  K2 promoted 2018-07-01 → event at 36;
    #   K3 exits 2017-07-01 unpromoted → censored at 24 (at risk at 24, as lifelines counts);
    #   K4 promoted 2019-07-01 → event at 48;  K5 never promoted → censored at 72.
    #   A 定级 or a 晋升 on the entry day is not a promotion after entry.
    # S(24) = 1 − 1/5 = 0.8; the censored K3 leaves after 24: S(36) = 0.8 × (1 − 1/3) = 0.5333;
    # S(48) = 0.5333 × (1 − 1/2) = 0.2667; S(72) stays 0.2667.
    for pid, exit in (("K1", None), ("K2", None), ("K3", "2017-07-01"), ("K4", None), ("K5", None)):
        db.add("persons", person_id=pid, entry_date=D("2015-07-01"), exit_date=D(exit) if exit else None)
        db.add("ranks", person_id=pid, rank="二级科员", start_date=D("2015-07-01"), reason="定级")
    for pid, on in (("K1", "2017-07-01"), ("K2", "2018-07-01"), ("K4", "2019-07-01")):
        db.add("ranks", person_id=pid, rank="一级科员", start_date=D(on), reason="晋升")
    # min_at_risk=1: the whole curve, lifelines' median (48, where 2 are at risk)
    km = pipeline.time_to_promotion(db.con, as_of=D("2021-07-01"), cohorts=[2015],
                                    min_at_risk=1).set_index("months")
    assert km.loc[0, "survival"] == 1.0 and km.loc[0, "at_risk"] == 5
    assert km.loc[24, "survival"] == pytest.approx(0.8)
    assert (km.loc[24, "events"], km.loc[24, "censored"]) == (1, 1)
    assert km.loc[36, "at_risk"] == 3 and km.loc[36, "survival"] == pytest.approx(0.8 * 2 / 3)
    assert km.loc[48, "survival"] == pytest.approx(0.8 * 2 / 3 * 0.5)
    assert km.loc[72, "survival"] == pytest.approx(0.8 * 2 / 3 * 0.5)
    assert km.attrs["median_months"][2015] == 48.0 and km.attrs["median_note"][2015] is None
    # by default the curve stops below the small-cell threshold (5): at risk 5, 5, then 3
    dflt = pipeline.time_to_promotion(db.con, as_of=D("2021-07-01"), cohorts=[2015])
    assert dflt["months"].tolist() == [0, 24] and dflt["at_risk"].tolist() == [5, 5]
    assert dflt["survival"].tolist() == pytest.approx([1.0, 0.8])
    assert dflt.attrs["median_months"] == {2015: None}
    assert dflt.attrs["median_note"] == {2015: "过半时观察人数不足5人"} and dflt.attrs["min_at_risk"] == 5


def _km_cohort(db, cohort: str, entry: str, promoted: list[str | None],
               exits: dict[int, str] | None = None):
    """One entry cohort: person i is promoted on promoted[i] (None: never), leaves on exits[i]."""
    exits = exits or {}
    for i, on in enumerate(promoted):
        pid = f"{cohort}_{i}"
        db.add("persons", person_id=pid, entry_date=D(entry),
               exit_date=D(exits[i]) if i in exits else None)
        db.add("ranks", person_id=pid, rank="二级科员", start_date=D(entry), reason="定级")
        if on:
            db.add("ranks", person_id=pid, rank="一级科员", start_date=D(on), reason="晋升")


@pytest.fixture
def km_db(db):
    # as_of 2023-07-01. Cohort 2015 (7, entered 2015-07-01): three leave unpromoted on 2016-07-01
    #   (censored at 12), promotions at 24 (4 at risk: S = 3/4), 36 (3 at risk: S = 1/2 — the
    #   median falls with 3 at risk) and 48 (2 at risk: S = 1/4); one never (censored at 96).
    # Cohort 2016 (6, entered 2016-01-01): three promoted at 24 with 6 at risk (S = 1/2: median
    #   24); three never, censored at 90 (3 at risk).
    # Cohort 2017 (5, entered 2017-03-01): three promoted at 12 with 5 at risk — exactly the
    #   threshold (S = 2/5: median 12); two never, censored at 76.
    # Cohort 2018 (4, entered 2018-02-28): all promoted at 12 — smaller than the threshold.
    _km_cohort(db, "A", "2015-07-01", [None, None, None, "2017-07-01", "2018-07-01", "2019-07-01", None],
               exits={0: "2016-07-01", 1: "2016-07-01", 2: "2016-07-01"})
    _km_cohort(db, "B", "2016-01-01", ["2018-01-01"] * 3 + [None] * 3)
    _km_cohort(db, "C", "2017-03-01", ["2018-03-01"] * 3 + [None] * 2)
    _km_cohort(db, "E", "2018-02-28", ["2019-02-28"] * 4)
    return db


def test_kaplan_meier_stops_where_fewer_than_the_threshold_are_at_risk(km_db):
    km = pipeline.time_to_promotion(km_db.con, as_of=D("2023-07-01"))
    by = {c: g for c, g in km.groupby("cohort")}
    assert sorted(by) == [2015, 2016, 2017]                 # 2018's 4 entrants: no rows at all
    assert by[2015]["months"].tolist() == [0, 12] and by[2015]["at_risk"].tolist() == [7, 7]
    assert by[2015]["survival"].tolist() == [1.0, 1.0] and by[2015]["censored"].tolist() == [0, 3]
    assert by[2016]["months"].tolist() == [0, 24] and by[2016]["at_risk"].tolist() == [6, 6]
    assert by[2016]["survival"].tolist() == pytest.approx([1.0, 0.5])
    assert by[2017]["months"].tolist() == [0, 12] and by[2017]["survival"].tolist() == pytest.approx([1.0, 0.4])
    assert (km["at_risk"] >= 5).all()
    assert km.attrs["median_months"] == {2015: None, 2016: 24.0, 2017: 12.0, 2018: None}
    assert km.attrs["median_note"] == {2015: "过半时观察人数不足5人", 2016: None, 2017: None,
                                       2018: "人数不足5人"}
    # the whole curve (min_at_risk=1): 2015 reaches 1/2 at 36 (3 at risk), 1/4 at 48
    full = pipeline.time_to_promotion(km_db.con, as_of=D("2023-07-01"), min_at_risk=1)
    a = full[full["cohort"] == 2015]
    assert a["months"].tolist() == [0, 12, 24, 36, 48, 96]
    assert a["at_risk"].tolist() == [7, 7, 4, 3, 2, 1]
    assert a["survival"].tolist() == pytest.approx([1, 1, 3 / 4, 1 / 2, 1 / 4, 1 / 4])
    assert full.attrs["median_months"] == {2015: 36.0, 2016: 24.0, 2017: 12.0, 2018: 12.0}
    # the rows kept are those of the whole curve, values unchanged
    kept = full[full["at_risk"] >= 5].reset_index(drop=True)
    pd.testing.assert_frame_equal(km, kept)


def test_kaplan_meier_median_not_yet_half(km_db):
    # on 2017-12-31 cohort 2016 has no promotion yet: 未过半 (not a small-cell matter)
    km = pipeline.time_to_promotion(km_db.con, as_of=D("2017-12-31"), cohorts=[2016])
    assert km.attrs["median_months"] == {2016: None} and km.attrs["median_note"] == {2016: "未过半"}
    assert km["months"].tolist() == [0, 23] and km["at_risk"].tolist() == [6, 6]


def test_kaplan_meier_threshold_follows_the_rules(km_db, tmp_path):
    rules = tmp_path / "local.toml"
    rules.write_text("[report]\nsmall_cell_threshold = 3\n", encoding="utf-8")
    path = tmp_path / "km.duckdb"
    km_db.con.execute(f"attach '{path}' as km_copy")      # test path, not a value
    km_db.con.execute("copy from database memory to km_copy")
    km_db.con.execute("detach km_copy")
    con = qm.connect(path, rules=rules)
    try:
        km = pipeline.time_to_promotion(con, as_of=D("2023-07-01"), cohorts=[2015, 2018])
        assert km[km["cohort"] == 2015]["months"].tolist() == [0, 12, 24, 36]
        assert km.attrs["median_months"] == {2015: 36.0, 2018: 12.0} and km.attrs["min_at_risk"] == 3
    finally:
        con.close()
    with pytest.raises(ValueError):
        pipeline.time_to_promotion(km_db.con, as_of=D("2023-07-01"), min_at_risk=0)


# ---------------------------------------------------------------------------------------------
# the funnel


def test_funnel_is_nested(db):
    # F1: all steps; F2: 优秀 and promoted but never in a pool → stops at step 2 (nested);
    # F3: nothing after entry.
    for pid in ("F1", "F2", "F3"):
        db.add("persons", person_id=pid, entry_date=D("2016-07-01"))
    for pid in ("F1", "F2"):
        db.add("trainings", person_id=pid, kind="初任培训", start_date=D("2016-09-01"), end_date=D("2016-09-20"))
        db.add("annual_assessments", person_id=pid, year=2019, grade="优秀")
        db.add("ranks", person_id=pid, rank="一级科员", start_date=D("2019-07-01"), reason="晋升")
    for pool in ("年轻公务员库", "两型干部库"):
        db.add("pool_members", person_id="F1", pool=pool, entered_on=D("2019-03-01"))
    db.add("practices", person_id="F1", program="驻村帮扶", start_date=D("2020-01-01"))
    db.add("posts", person_id="F1", unit_id="U1", level="无", start_date=D("2016-07-01"), end_date=D("2021-01-01"))
    db.add("posts", person_id="F1", unit_id="U1", level="乡科级副职", start_date=D("2021-01-01"))
    df = pipeline.funnel(db.con, as_of=D("2023-12-31"), cohorts=[2016])
    assert df["persons"].tolist() == [3, 2, 1, 1, 1, 1, 1, 1]
    assert df["conversion"].iloc[1] == pytest.approx(2 / 3)


def test_funnel_never_increases_on_the_demo(demo_db):
    df = pipeline.funnel(qm.connect(demo_db), as_of=D("2024-12-31"))
    assert len(df) and (df.groupby("cohort")["persons"].diff().dropna() <= 0).all()


# ---------------------------------------------------------------------------------------------
# leadership screening and the profile


def test_leadership_screening(db):
    # on 2023-06-30: deputy → principal needs 24 months in post; 无 → 乡科级副职 needs 36 months of work
    db.add("persons", person_id="D1", entry_date=D("2010-01-01"))
    db.add("posts", person_id="D1", unit_id="U1", level="乡科级副职", start_date=D("2022-01-01"))
    db.add("persons", person_id="N1", entry_date=D("2021-01-01"))
    db.add("posts", person_id="N1", unit_id="U1", level="无", start_date=D("2021-01-01"))
    df = pipeline.leadership_screening(db.con, as_of=D("2023-06-30")).set_index("person_id")
    assert (df.loc["D1", "next_level"], df.loc["D1", "meets"]) == ("乡科级正职", False)
    assert df.loc["D1", "reasons"] == "任乡科级副职1年5个月，需满2年"
    assert df.loc["N1", "reasons"] == "工作2年5个月，需满3年"


def test_profile_masks_names(db):
    db.add("persons", person_id="P1", name="张小明", entry_date=D("2018-07-01"))
    db.add("persons", person_id="M1", name="李大伟", entry_date=D("2000-07-01"))
    db.add("mentorships", person_id="P1", mentor_id="M1", role="政治导师", start_date=D("2018-08-01"))
    db.add("ranks", person_id="P1", rank="一级科员", start_date=D("2019-07-01"), reason="定级")
    db.add("annual_assessments", person_id="P1", year=2020, grade="优秀")
    db.add("rewards", person_id="P1", awarded_on=D("2030-01-01"), kind="嘉奖")
    df = pipeline.profile(db.con, person_id="P1", as_of=D("2023-12-31"))
    assert df.attrs["name"] == "张*明"
    assert set(df["kind"]) == {"录用", "导师", "职级", "年度考核"}   # the 2030 reward is after as_of
    assert df.loc[df["kind"] == "导师", "detail"].iloc[0] == "李*伟"
    assert "李大伟" in pipeline.profile(db.con, person_id="P1", unmasked=True)["detail"].tolist()
    with pytest.raises(KeyError):
        pipeline.profile(db.con, person_id="NOPE")


@pytest.mark.parametrize("as_of", [dt.date(2023, 12, 31), dt.date(2023, 6, 30)])
def test_eligible_only_is_the_eligible_rows_of_the_list(demo_db, as_of):
    """``eligible_only`` (what the report lists) keeps exactly the list's eligible rows, in the
    list's order, whether the date is stored (31 December) or computed (30 June), whole or for
    one unit, and with ``limit`` the first of them; eligibility_counts counts as many."""
    con = qm.connect(demo_db)
    try:
        every = pipeline.eligibility(con, as_of=as_of)
        assert every["eligible"].any() and not every["eligible"].all()
        for kw in ({}, {"units": [every.loc[every["eligible"], "unit_id"].iloc[0]]}):
            whole = every if not kw else every[every["unit_id"].isin(kw["units"])]
            want = whole[whole["eligible"]].reset_index(drop=True)
            got = pipeline.eligibility(con, as_of=as_of, eligible_only=True, **kw)
            # integers are nullable (Int64) only where a column holds a NULL: the eligible may hold none
            pd.testing.assert_frame_equal(got, want, check_exact=True, check_dtype=False)
            first = pipeline.eligibility(con, as_of=as_of, eligible_only=True, limit=2, **kw)
            pd.testing.assert_frame_equal(first, want.head(2), check_exact=True, check_dtype=False)
            # the report lists those first rows and counts them from the counts
            counts = pipeline.eligibility_counts(con, as_of=as_of, within_months=6, **kw)
            assert int(counts["eligible"].sum()) == len(want)
    finally:
        con.close()
