"""Worked answers for the edges of the pipeline's faster formulations (issue 7): the Kaplan–Meier
estimate computed from an SQL event table instead of lifelines fits, the default entry cohorts
read from persons and meta only, the preceding post found by one join with the earlier posts
(the latest day's highest level in the low byte of a max) instead of a framed max, the step-down
check as an anti join, the groups of promotion events packed into one integer key, the stored-date
twin of eligibility_on, and enum columns decoded from Arrow dictionaries.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import qingmiao_lib as qm
from qingmiao_lib import _query, frames, pipeline

D = dt.date.fromisoformat


# ---------------------------------------------------------------------------------------------
# Kaplan–Meier: event table in SQL, estimate in numpy, the floats of lifelines


def _km_fixture(db):
    # Cohort 2015 (entered 2015-07-01), as_of 2021-07-01: events at 24, 36, 48, 48; censored at
    # 24 (exit) and 72 (never promoted). Cohort 2016 (entered 2016-01-01): everyone promoted at
    # 12 → S drops to 0 (n = d: an infinite variance term counts 0, the bounds are 0).
    people = [("A1", "2015-07-01", None, "2017-07-01"), ("A2", "2015-07-01", None, "2018-07-01"),
              ("A3", "2015-07-01", "2017-07-01", None), ("A4", "2015-07-01", None, "2019-07-01"),
              ("A5", "2015-07-01", None, "2019-07-01"), ("A6", "2015-07-01", None, None),
              ("B1", "2016-01-01", None, "2017-01-01"), ("B2", "2016-01-01", None, "2017-01-01")]
    for pid, entry, exit, promoted in people:
        db.add("persons", person_id=pid, entry_date=D(entry), exit_date=D(exit) if exit else None)
        db.add("ranks", person_id=pid, rank="二级科员", start_date=D(entry), reason="定级")
        if promoted:
            db.add("ranks", person_id=pid, rank="一级科员", start_date=D(promoted), reason="晋升")


def test_kaplan_meier_event_table_and_bounds_by_hand(db):
    _km_fixture(db)
    km = pipeline.time_to_promotion(db.con, as_of=D("2021-07-01"), cohorts=[2015, 2016], min_at_risk=1)
    a = km[km.cohort == 2015].set_index("months")
    assert a.index.tolist() == [0, 24, 36, 48, 72]
    assert a["at_risk"].tolist() == [6, 6, 4, 3, 1]
    assert a["events"].tolist() == [0, 1, 1, 2, 0]
    assert a["censored"].tolist() == [0, 1, 0, 0, 1]
    s24, s36, s48 = 5 / 6, 5 / 6 * 3 / 4, 5 / 6 * 3 / 4 * 1 / 3
    assert a["survival"].tolist() == pytest.approx([1.0, s24, s36, s48, s48])
    # exponential Greenwood: var = Σ d / (n (n − d)); bounds exp(−exp(log(−log S) ∓ z √var / log S))
    var36 = 1 / (6 * 5) + 1 / (4 * 3)
    z = 1.959963984540054
    lo = math.exp(-math.exp(math.log(-math.log(s36)) - z * math.sqrt(var36) / math.log(s36)))
    hi = math.exp(-math.exp(math.log(-math.log(s36)) + z * math.sqrt(var36) / math.log(s36)))
    assert (a.loc[36, "ci_lower"], a.loc[36, "ci_upper"]) == (pytest.approx(lo), pytest.approx(hi))
    assert (a.loc[0, "ci_lower"], a.loc[0, "ci_upper"]) == (1.0, 1.0)      # S = 1: undefined → 1
    b = km[km.cohort == 2016].set_index("months")
    assert b["survival"].tolist() == [1.0, 0.0]
    assert (b.loc[12, "ci_lower"], b.loc[12, "ci_upper"]) == (0.0, 0.0)
    assert km.attrs["median_months"] == {2015: 48.0, 2016: 12.0}
    assert km.dtypes.astype(str).tolist() == ["int64", "int64", "float64", "int64", "int64", "int64",
                                              "float64", "float64"]


def test_kaplan_meier_median_none_while_above_half(db):
    _km_fixture(db)
    km = pipeline.time_to_promotion(db.con, as_of=D("2018-01-01"), cohorts=[2015])
    assert km["survival"].iloc[-1] > 0.5
    assert km.attrs["median_months"] == {2015: None}


def test_kaplan_meier_empty(db):
    km = pipeline.time_to_promotion(db.con, as_of=D("2021-07-01"))
    assert km.empty and km.attrs["median_months"] == {}
    assert km.columns.tolist() == ["cohort", "months", "survival", "at_risk", "events", "censored",
                                   "ci_lower", "ci_upper"]


def test_kaplan_meier_matches_lifelines_on_the_demo(demo_db):
    lifelines = pytest.importorskip("lifelines")
    con = qm.connect(demo_db)
    as_of = D("2024-12-31")
    got = pipeline.time_to_promotion(con, as_of=as_of, min_at_risk=1)
    assert len(got)
    observed = con.execute("""
        select year(p.entry_date) as cohort,
               full_months(p.entry_date, coalesce(f.on, least(coalesce(p.exit_date, $d), $d))) as months,
               f.on is not null as event
        from persons as p
        left join (select r.person_id, min(r.start_date) as on from ranks as r join persons as q using (person_id)
                   where r.reason = '晋升' and r.start_date > q.entry_date and r.start_date <= $d
                   group by r.person_id) as f using (person_id)
        where p.entry_date <= $d""", {"d": as_of}).df()
    for cohort, part in got.groupby("cohort"):
        g = observed[observed.cohort == cohort]
        kmf = lifelines.KaplanMeierFitter().fit(g["months"], event_observed=g["event"])
        table = kmf.event_table
        ci = kmf.confidence_interval_survival_function_
        assert part["months"].tolist() == table.index.astype(int).tolist()
        assert part["at_risk"].tolist() == table["at_risk"].astype(int).tolist()
        np.testing.assert_allclose(part["survival"], kmf.survival_function_.iloc[:, 0], rtol=1e-12)
        np.testing.assert_allclose(part["ci_lower"], ci.iloc[:, 0], rtol=1e-12)
        np.testing.assert_allclose(part["ci_upper"], ci.iloc[:, 1], rtol=1e-12)
        median = kmf.median_survival_time_
        assert got.attrs["median_months"][cohort] == (None if median == float("inf") else float(median))


def test_z_is_the_lifelines_quantile():
    stats = pytest.importorskip("scipy.stats")
    assert pipeline._Z95 == stats.norm.ppf(0.975)


# ---------------------------------------------------------------------------------------------
# default cohorts: the first year of figures.data_years without scanning the history tables


def test_default_cohorts_start_at_the_first_data_year(db, demo_db):
    con = qm.connect(demo_db)
    assert pipeline._default_cohorts(con, D("2024-12-31"), None) == list(
        range(qm.figures.data_years(con)[0], 2025))
    assert pipeline._default_cohorts(db.con, D("2024-12-31"), None) == []        # nobody: none
    db.add("persons", person_id="P1", entry_date=D("2019-03-01"))
    db.add("annual_assessments", person_id="P1", year=2021, grade="称职")
    assert qm.figures.data_years(db.con)[0] == 2019
    assert pipeline._default_cohorts(db.con, D("2021-12-31"), None) == [2019, 2020, 2021]


# ---------------------------------------------------------------------------------------------
# promotion events: the preceding post and the step-down check


def test_leadership_promotion_against_the_preceding_start_day(db):
    # L1: 无 (2015) → 乡科级副职 (2018) → two posts starting 2020-03-01, 乡科级副职 and 乡科级正职
    # → 乡科级副职 (2022, a step down). Promotions: 2018 (above 无), the 2020 正职 post (above the
    # 2018 副职), not the 2020 副职 post (level of its predecessor), not 2022 (below the 2020
    # day's highest, 正职).
    db.add("units", unit_id="U2")
    db.add("persons", person_id="L1", entry_date=D("2015-01-01"))
    for unit, level, start, end in (
            ("U1", "无", "2015-01-01", "2018-01-01"), ("U1", "乡科级副职", "2018-01-01", "2020-03-01"),
            ("U1", "乡科级副职", "2020-03-01", "2022-01-01"), ("U2", "乡科级正职", "2020-03-01", "2022-01-01"),
            ("U1", "乡科级副职", "2022-01-01", None)):
        db.add("posts", person_id="L1", unit_id=unit, level=level, start_date=D(start),
               end_date=D(end) if end else None)
    ev = pipeline.promotion_events(db.con, first_year=2015, last_year=2023, by="all")
    lead = ev[ev.kind == "leadership"].set_index("year")["events"]
    assert lead.to_dict() == {2018: 1, 2020: 1}


def test_step_down_needs_no_leadership_post_after_the_end(db):
    # S1 leaves a 乡科级正职 post on 2021-03-01 and is promoted in rank on 2021-04-01 (31 days):
    # a step-down. S2 the same, but takes a 乡科级副职 post on 2021-10-01 (by 31 December): not.
    # S3 the same as S1 but the new leadership post starts in 2022 (after that year's end): a
    # step-down in 2021.
    for pid, later in (("S1", None), ("S2", "2021-10-01"), ("S3", "2022-02-01")):
        db.add("persons", person_id=pid, entry_date=D("2005-01-01"))
        db.add("posts", person_id=pid, unit_id="U1", level="乡科级正职", start_date=D("2015-01-01"),
               end_date=D("2021-03-01"))
        db.add("posts", person_id=pid, unit_id="U1", level="无", start_date=D("2021-03-01"),
               end_date=D(later) if later else None)
        if later:
            db.add("posts", person_id=pid, unit_id="U1", level="乡科级副职", start_date=D(later))
        db.add("ranks", person_id=pid, rank="二级主任科员", start_date=D("2019-01-01"),
               end_date=D("2021-04-01"), reason="晋升")
        db.add("ranks", person_id=pid, rank="一级主任科员", start_date=D("2021-04-01"), reason="晋升")
    ev = pipeline.promotion_events(db.con, first_year=2021, last_year=2021, by="all").set_index("kind")
    assert ev.loc["step_down", "persons"] == 2          # S1 and S3
    assert ev.loc["rank", "persons"] == 3
    by_unit = pipeline.promotion_events(db.con, first_year=2021, last_year=2021, by="unit")
    assert by_unit.set_index("kind").loc["step_down", "persons"] == 2


# ---------------------------------------------------------------------------------------------
# enums arrive from DuckDB as Arrow dictionaries and leave as object strings


def test_decode_dictionary_with_nulls_and_chunks():
    dict_type = pa.dictionary(pa.int8(), pa.string())
    one = pa.array(["称职", None, "优秀"], type=dict_type)
    two = pa.DictionaryArray.from_arrays(pa.array([0, None], type=pa.int8()), pa.array(["不称职"]))
    s = frames._decode(pa.chunked_array([one, two]))
    assert s.dtype == object and s.tolist() == ["称职", None, "优秀", "不称职", None]
    assert frames._decode(pa.chunked_array([], type=dict_type)).tolist() == []


def test_enum_columns_of_the_list_are_strings(db):
    db.add("persons", person_id="P1", entry_date=D("2015-07-01"))
    db.add("posts", person_id="P1", unit_id="U1", level="无", start_date=D("2015-07-01"))
    db.add("ranks", person_id="P1", rank="一级科员", start_date=D("2021-01-01"))
    db.add("annual_assessments", person_id="P1", year=2022, grade="基本称职")
    db.add("supervision", person_id="P1", kind="诫勉", held_on=D("2023-01-01"),
           effective_until=D("2024-01-01"))
    row = pipeline.eligibility(db.con, as_of=D("2023-06-30")).iloc[0]
    assert (row.current_rank, row.next_rank, row.last_grade, row.blocking_kind) == (
        "一级科员", "四级主任科员", "基本称职", "诫勉")
    assert row.reasons.endswith("2022年度考核为基本称职；诫勉影响期未满（至2024-01-01）")
    df = pipeline.eligibility(db.con, as_of=D("2023-06-30"))
    for col in ("current_rank", "next_rank", "last_grade", "blocking_kind"):
        assert df[col].dtype == _query.TEXT           # the one text dtype, enum or not
    assert isinstance(pd.Series(df["next_rank"]).iloc[0], str)


# ---------------------------------------------------------------------------------------------
# eligibility reads seven columns of the snapshot (stored rows on a stored date, else the
# records) and classes the last year's grade through the five-row grade table


def _store(con, day):
    from qingmiao_lib import sql
    con.execute(sql.load("snapshots/store"), {"d": D(day)})


def test_eligibility_same_on_a_stored_date_and_from_the_records(db):
    # J30: 一级科员 from 2021-06-30 (on the 30-June cutoff: 2021 is a tenure year, 优秀 → −6).
    # J01: 一级科员 from 2021-07-01 (after it: 2021 is not; its 2021 不定等次 costs nothing).
    # UND: 2022 不定等次 (uncounted: −12 months; and not a passing last-year grade).
    # NOG: no 2022 grade (reason: 缺少2022年度考核结果). POST: 四级主任科员 from 2023-01-01 but a
    # 乡科级副职 post since 2021-01-31 (tenure by post, month-end start). OUT: exited 2023-06-01.
    # NOR: no rank row yet.
    for pid, since, grades in (("J30", "2021-06-30", {2021: "优秀", 2022: "称职"}),
                               ("J01", "2021-07-01", {2021: "不定等次", 2022: "称职"}),
                               ("UND", "2021-01-01", {2021: "称职", 2022: "不定等次"}),
                               ("NOG", "2021-01-01", {2021: "称职"})):
        db.add("persons", person_id=pid, entry_date=D("2015-07-01"))
        db.add("posts", person_id=pid, unit_id="U1", level="无", start_date=D("2015-07-01"))
        db.add("ranks", person_id=pid, rank="一级科员", start_date=D(since))
        for year, grade in grades.items():
            db.add("annual_assessments", person_id=pid, year=year, grade=grade)
    db.add("persons", person_id="POST", entry_date=D("2010-07-01"))
    db.add("posts", person_id="POST", unit_id="U1", level="乡科级副职", start_date=D("2021-01-31"))
    db.add("ranks", person_id="POST", rank="四级主任科员", start_date=D("2023-01-01"))
    db.add("annual_assessments", person_id="POST", year=2022, grade="称职")
    db.add("persons", person_id="OUT", entry_date=D("2015-07-01"), exit_date=D("2023-06-01"))
    db.add("persons", person_id="NOR", entry_date=D("2023-03-01"))
    live = pipeline.eligibility(db.con, as_of=D("2023-12-31"), within_months=6)
    _store(db.con, "2023-12-31")
    stored = pipeline.eligibility(db.con, as_of=D("2023-12-31"), within_months=6)
    pd.testing.assert_frame_equal(live, stored)
    df = stored.set_index("person_id")
    assert sorted(df.index) == ["J01", "J30", "NOG", "NOR", "POST", "UND"]     # OUT has exited
    # 一级科员 → 四级主任科员 needs 36 months. J30: 30 full months; needs 36 − 6 (2021 优秀) = 30
    assert (df.loc["J30", "excellent_years"], df.loc["J30", "tenure_months"], df.loc["J30", "required_months"],
            df.loc["J30", "qualified"]) == (1, 30, 30, True)
    # J01: 2021 outside the tenure: no penalty for its 不定等次, 29 months < 36
    assert (df.loc["J01", "uncounted_years"], df.loc["J01", "tenure_months"],
            df.loc["J01", "qualified"]) == (0, 29, False)
    # UND: 35 − 12 = 23, and 不定等次 is not a passing last-year grade
    assert (df.loc["UND", "uncounted_years"], df.loc["UND", "tenure_months"]) == (1, 23)
    assert df.loc["UND", "last_grade"] == "不定等次" and not df.loc["UND", "qualified"]
    assert df.loc["UND", "reasons"].endswith("2022年度考核为不定等次")
    assert pd.isna(df.loc["NOG", "last_grade"]) and "缺少2022年度考核结果" in df.loc["NOG", "reasons"]
    # POST: 2021-01-31 → 2023-12-31: 35 full months by post (the rank gives 11)
    assert (df.loc["POST", "tenure_basis"], df.loc["POST", "tenure_start"], df.loc["POST", "tenure_months"],
            df.loc["POST", "post_months"]) == ("职务", pd.Timestamp("2021-01-31"), 35, 35)
    assert pd.isna(df.loc["NOR", "current_rank"]) and df.loc["NOR", "reasons"].startswith("尚未定级")
    # a date that is not stored is computed from the records: OUT is still active on 31 May;
    # J30: 2021-06-30 + 23 months = 2023-05-30 ≤ 2023-05-31 → 23 full months
    mid = pipeline.eligibility(db.con, as_of=D("2023-05-31")).set_index("person_id")
    assert "OUT" in mid.index and mid.loc["J30", "tenure_months"] == 23


# ---------------------------------------------------------------------------------------------
# promotion events by unit: the main post on the promotion day packed into one integer


def test_unit_of_a_rank_promotion_is_the_main_post_of_that_day(db):
    # TIE: two 乡科级副职 posts starting the same day in UA and UB → UB (the greater unit_id, as
    # the max of (level, start, unit_id)); LEVEL: a later 无 post in UB and an earlier 乡科级副职
    # post in UA → UA (level first); LATE: two 无 posts, UA from 2020, UB from 2022 → UB (latest);
    # NONE: no post covers the day → 无在任职务; ENDED: the post ends on the day (not covering).
    db.add("units", unit_id="UA", name="乙单位")
    db.add("units", unit_id="UB", name="甲单位")
    for pid in ("TIE", "LEVEL", "LATE", "NONE", "ENDED"):
        db.add("persons", person_id=pid, entry_date=D("2015-01-01"))
        db.add("ranks", person_id=pid, rank="一级科员", start_date=D("2023-05-01"), reason="晋升")
    for pid, unit, level, start, end in (
            ("TIE", "UA", "乡科级副职", "2021-01-01", None), ("TIE", "UB", "乡科级副职", "2021-01-01", None),
            ("LEVEL", "UA", "乡科级副职", "2019-01-01", None), ("LEVEL", "UB", "无", "2022-01-01", None),
            ("LATE", "UA", "无", "2020-01-01", None), ("LATE", "UB", "无", "2022-01-01", None),
            ("NONE", "UA", "无", "2023-06-01", None), ("ENDED", "UA", "无", "2020-01-01", "2023-05-01")):
        db.add("posts", person_id=pid, unit_id=unit, level=level, start_date=D(start),
               end_date=D(end) if end else None)
    ev = pipeline.promotion_events(db.con, first_year=2023, last_year=2023, by="unit")
    rank = ev[ev.kind == "rank"].set_index("grp")["persons"].to_dict()
    assert rank == {"乙单位": 1, "甲单位": 2, "无在任职务": 2}      # UA: LEVEL; UB: TIE, LATE
    assert ev.columns.tolist() == ["year", "kind", "kind_label", "grp", "persons", "events"]
    # ordered by year, kind, then unit_id (UA before UB, no post last), not by the name
    assert ev[ev.kind == "rank"]["grp"].tolist() == ["乙单位", "甲单位", "无在任职务"]


# ---------------------------------------------------------------------------------------------
# promotion events: the preceding post from one join with the earlier posts, one integer key


def test_leadership_promotion_beats_the_latest_earlier_post_not_the_highest(db):
    # HIGH: 乡科级正职 (2015) → 无 (2018) → 乡科级副职 (2020): the 2020 post is above its
    # predecessor (无, 2018) though below the 2015 post — a promotion. FIRST: a first post at
    # 乡科级副职 has no predecessor — none. SAME: 无 (2016) and 乡科级副职 (2016) the same day,
    # then 乡科级副职 (2021): the predecessor day's highest is 副职 — none in 2021; and the 2016
    # 副职 post beats no earlier post — none.
    db.add("persons", person_id="HIGH", entry_date=D("2010-01-01"))
    db.add("persons", person_id="FIRST", entry_date=D("2019-01-01"))
    db.add("persons", person_id="SAME", entry_date=D("2016-01-01"))
    db.add("units", unit_id="U2")
    for pid, unit, level, start, end in (
            ("HIGH", "U1", "乡科级正职", "2015-01-01", "2018-01-01"),
            ("HIGH", "U1", "无", "2018-01-01", "2020-01-01"),
            ("HIGH", "U1", "乡科级副职", "2020-01-01", None),
            ("FIRST", "U1", "乡科级副职", "2019-01-01", None),
            ("SAME", "U1", "无", "2016-01-01", "2021-01-01"),
            ("SAME", "U2", "乡科级副职", "2016-01-01", "2021-01-01"),
            ("SAME", "U1", "乡科级副职", "2021-01-01", None)):
        db.add("posts", person_id=pid, unit_id=unit, level=level, start_date=D(start),
               end_date=D(end) if end else None)
    ev = pipeline.promotion_events(db.con, first_year=2014, last_year=2023, by="all")
    lead = ev[ev.kind == "leadership"].set_index("year")
    assert lead["events"].to_dict() == {2020: 1}


def test_promotion_groups_count_persons_once_and_sort_by_key(db):
    # TWO: two rank promotions in 2022 in the same unit → one person, two events. A unit whose
    # id sorts after every ASCII character ("单位Z") still comes before 无在任职务 (no post).
    # Entry cohorts sort as years; 40岁以下 (born 1983-01-01: 39 on 31 Dec 2022) before 40岁及以上
    # (born 1982-12-31: 40 that day).
    db.add("units", unit_id="单位Z", name="乙")
    db.add("persons", person_id="TWO", entry_date=D("2009-07-01"), birth_date=D("1983-01-01"))
    db.add("persons", person_id="OLD", entry_date=D("2010-07-01"), birth_date=D("1982-12-31"))
    db.add("persons", person_id="NOP", entry_date=D("2008-07-01"), birth_date=D("1990-01-01"))
    db.add("posts", person_id="TWO", unit_id="单位Z", level="无", start_date=D("2009-07-01"))
    db.add("posts", person_id="OLD", unit_id="U1", level="无", start_date=D("2010-07-01"))
    for pid, rank, start in (("TWO", "一级科员", "2022-01-01"), ("TWO", "四级主任科员", "2022-12-01"),
                             ("OLD", "一级科员", "2022-06-01"), ("NOP", "一级科员", "2022-03-01")):
        db.add("ranks", person_id=pid, rank=rank, start_date=D(start), reason="晋升")
    by_unit = pipeline.promotion_events(db.con, first_year=2022, last_year=2022, by="unit")
    assert by_unit[["grp", "persons", "events"]].values.tolist() == [
        ["测试单位", 1, 1], ["乙", 1, 2], ["无在任职务", 1, 1]]   # U1 is 测试单位
    by_cohort = pipeline.promotion_events(db.con, first_year=2022, last_year=2022, by="entry_cohort")
    assert by_cohort["grp"].tolist() == ["2008年录用", "2009年录用", "2010年录用"]
    assert by_cohort["events"].tolist() == [1, 2, 1]
    by_age = pipeline.promotion_events(db.con, first_year=2022, last_year=2022, by="age_group")
    assert by_age[["grp", "persons", "events"]].values.tolist() == [["40岁以下", 2, 3], ["40岁及以上", 1, 1]]
    assert by_age["year"].tolist() == [2022, 2022] and by_age["kind"].tolist() == ["rank", "rank"]


def test_eligibility_counts_same_on_a_stored_date_and_from_the_records(db):
    for pid, since, grade in (("A", "2019-01-01", "称职"), ("B", "2022-01-01", "优秀"), ("C", "2018-01-01", "基本称职")):
        db.add("persons", person_id=pid, entry_date=D("2015-07-01"))
        db.add("posts", person_id=pid, unit_id="U1", level="无", start_date=D("2015-07-01"))
        db.add("ranks", person_id=pid, rank="一级科员", start_date=D(since))
        db.add("annual_assessments", person_id=pid, year=2022, grade=grade)
    live = pipeline.eligibility_counts(db.con, as_of=D("2023-12-31"), within_months=6)
    _store(db.con, "2023-12-31")
    stored = pipeline.eligibility_counts(db.con, as_of=D("2023-12-31"), within_months=6)
    pd.testing.assert_frame_equal(live, stored)
    row = stored.iloc[0]
    # A: 59 months ≥ 36, 称职 → eligible; B: 23 < 36 − 6; C: 基本称职 fails the grade
    assert (row["persons"], row["eligible"], row["short_tenure"], row["grade_failed"]) == (3, 1, 1, 1)


# ---------------------------------------------------------------------------------------------
# eligibility: the tenure's assessment years from the stored grade masks (table grade_years)


def _graded(db):
    # CUT: 一级科员 from 2020-06-30 (the cutoff day: 2020 counts), 2019 优秀 before the tenure,
    #   2020 优秀, 2021 不定等次 (uncounted), 2022 称职, and a 2024 优秀 after as_of's year − 1.
    # LATE: from 2022-07-01 (after the cutoff: first year 2023, no counted year yet), 2022 优秀.
    # NOLAST: from 2019-01-01, 2019–2021 称职 and no 2022 grade. FUTURE: only a 2024 grade.
    # NONE: no grade at all. TOP: 一级巡视员 (the ceiling: no next rank).
    people = {"CUT": ("2020-06-30", {2019: "优秀", 2020: "优秀", 2021: "不定等次", 2022: "称职", 2024: "优秀"}),
              "LATE": ("2022-07-01", {2022: "优秀"}),
              "NOLAST": ("2019-01-01", {2019: "称职", 2020: "称职", 2021: "称职"}),
              "FUTURE": ("2020-01-01", {2024: "称职"}),
              "NONE": ("2020-01-01", {})}
    for pid, (since, grades) in people.items():
        db.add("persons", person_id=pid, entry_date=D("2010-07-01"))
        db.add("posts", person_id=pid, unit_id="U1", level="无", start_date=D("2010-07-01"))
        db.add("ranks", person_id=pid, rank="一级科员", start_date=D(since))
        for year, grade in grades.items():
            db.add("annual_assessments", person_id=pid, year=year, grade=grade)
    db.add("persons", person_id="TOP", entry_date=D("1990-07-01"))
    db.add("ranks", person_id="TOP", rank="一级巡视员", start_date=D("2015-01-01"))
    db.add("annual_assessments", person_id="TOP", year=2022, grade="优秀")


def _masks_used(con, day) -> bool:
    # inside the eligibility's sources, eligibility_grade_masks reads the stored table
    with pipeline._eligibility_sources(con, day):
        return con.execute("select count(*) from eligibility_grade_masks(0) where base = 1950").fetchall()[0][0] > 0


def test_eligibility_from_the_stored_grade_masks_equals_the_records(db):
    _graded(db)
    dates = [D("2023-12-31"), D("2023-05-31"), D("2022-01-01"), D("2025-03-01")]
    live = {d: pipeline.eligibility(db.con, as_of=d, within_months=12) for d in dates}
    counts = {d: pipeline.eligibility_counts(db.con, as_of=d) for d in dates}
    assert not pipeline._grades_stored(db.con)
    qm.db.refresh_snapshots(db.con)
    assert pipeline._grades_stored(db.con)
    for d in dates:
        assert _masks_used(db.con, d)
        pd.testing.assert_frame_equal(pipeline.eligibility(db.con, as_of=d, within_months=12), live[d])
        pd.testing.assert_frame_equal(pipeline.eligibility_counts(db.con, as_of=d), counts[d])
    df = live[D("2023-12-31")].set_index("person_id")
    # CUT: 2020–2022 counted (3), one 优秀 (2019 is before the tenure, 2024 after 2022), one
    # 不定等次: 42 full months − 12 = 30; required 36 − 6 = 30 → time met, 称职 last → qualified
    assert (df.loc["CUT", "excellent_years"], df.loc["CUT", "uncounted_years"], df.loc["CUT", "tenure_months"],
            df.loc["CUT", "required_months"], df.loc["CUT", "last_grade"], df.loc["CUT", "qualified"]) == (
        1, 1, 30, 30, "称职", True)
    assert (df.loc["LATE", "excellent_years"], df.loc["LATE", "last_grade"]) == (0, "优秀")
    assert pd.isna(df.loc["NOLAST", "last_grade"]) and "缺少2022年度考核结果" in df.loc["NOLAST", "reasons"]
    assert pd.isna(df.loc["FUTURE", "last_grade"]) and df.loc["FUTURE", "excellent_years"] == 0
    assert pd.isna(df.loc["NONE", "last_grade"]) and df.loc["TOP", "reasons"] == "已达职级上限"


def test_grade_masks_follow_the_rules_and_fall_back_when_stale(db):
    _graded(db)
    qm.db.refresh_snapshots(db.con)
    # the rules' uncounted grades are applied when the masks are read: 基本称职 added
    db.add("annual_assessments", person_id="NOLAST", year=2022, grade="基本称职")
    assert not pipeline._grades_stored(db.con)            # a grade added after the refresh
    assert not _masks_used(db.con, D("2023-12-31"))
    db.con.execute("insert into rule_lists values ('promotion.uncounted_grades', '基本称职')")
    live = pipeline.eligibility(db.con, as_of=D("2023-12-31"))
    assert live.set_index("person_id").loc["NOLAST", "uncounted_years"] == 1
    qm.db.refresh_snapshots(db.con)
    assert pipeline._grades_stored(db.con)
    pd.testing.assert_frame_equal(pipeline.eligibility(db.con, as_of=D("2023-12-31")), live)
    # beyond the masks' years (grades up to 2076): computed from the records
    assert not _masks_used(db.con, D("2077-06-30"))
    assert _masks_used(db.con, D("2076-12-31"))


def test_funnel_leadership_step_is_against_the_latest_earlier_post(db):
    # Three persons pass every step up to the rank promotion; their posts decide the last step.
    # HIGH: 乡科级副职 (2016) → 无 (2018) → 乡科级副职 (2020): the 2020 post beats its predecessor
    # 无 though not the 2016 post → promoted. FIRST: one post, 乡科级副职 from entry (no
    # predecessor) → not. LATER: 无 → 乡科级副职 on 2024-01-01, after as_of → not yet.
    for pid in ("HIGH", "FIRST", "LATER"):
        db.add("persons", person_id=pid, entry_date=D("2016-07-01"))
        db.add("trainings", person_id=pid, kind="初任培训", start_date=D("2016-09-01"), end_date=D("2016-09-20"))
        for pool in ("年轻公务员库", "两型干部库"):
            db.add("pool_members", person_id=pid, pool=pool, entered_on=D("2019-03-01"))
        db.add("practices", person_id=pid, program="驻村帮扶", start_date=D("2020-01-01"))
        db.add("annual_assessments", person_id=pid, year=2019, grade="优秀")
        db.add("ranks", person_id=pid, rank="一级科员", start_date=D("2019-07-01"), reason="晋升")
    for pid, level, start, end in (
            ("HIGH", "乡科级副职", "2016-07-01", "2018-01-01"), ("HIGH", "无", "2018-01-01", "2020-01-01"),
            ("HIGH", "乡科级副职", "2020-01-01", None), ("FIRST", "乡科级副职", "2016-07-01", None),
            ("LATER", "无", "2016-07-01", "2024-01-01"), ("LATER", "乡科级副职", "2024-01-01", None)):
        db.add("posts", person_id=pid, unit_id="U1", level=level, start_date=D(start),
               end_date=D(end) if end else None)
    df = pipeline.funnel(db.con, as_of=D("2023-12-31"), cohorts=[2016])
    assert df["persons"].tolist() == [3, 3, 3, 3, 3, 3, 3, 1]
    later = pipeline.funnel(db.con, as_of=D("2024-06-30"), cohorts=[2016])
    assert later["persons"].tolist()[-1] == 2
