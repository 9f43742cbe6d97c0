"""Side by side: each headline analysis as the library call, as hand-written DuckDB SQL and as
plain pandas, in one process, with the three answers' totals checked equal (issue 22 item 6).

    .venv/bin/python benchmarks/bench_side.py [DB ...] [--out JSON] [--append]
    .venv/bin/python benchmarks/bench_side.py /tmp/h4/demo2k.duckdb /tmp/h4/demo200k.duckdb \\
        /tmp/h4/demo1m.duckdb

Per database (opened read-only) and analysis it prints the median wall and CPU milliseconds
(``time.process_time``: every thread of the process, DuckDB's included) of (a) the library
call, (b) the raw SQL, (c) pandas over frames read into memory before the clock starts
(``con.execute(...).df()``: only the computation is timed); the ratio library ÷ raw (wall);
the peak RSS during each (the process's VmHWM, reset before every call); at the demo scale
(under 50,000 persons) the fixed cost of a library call — the library on one unit minus the raw
SQL on the same unit (the figures have no slice: the whole database); the load average before
and after each database. Library and raw SQL calls alternate after one warm-up each, so a
neighbour's burst on the shared machine falls on both alike; pandas runs after them, once its
frames are read (so their peak RSS does not hold those frames; the frames' size is in the
JSON). On a loaded machine the CPU figures are the steadier ones. The Markdown table goes to
stdout, the figures to ``benchmarks/results/bench_side.json`` (``--append`` adds this run's
databases to the runs already there: the 1M measurement is run more than once).

What the raw SQL and pandas read — the same inputs for all three, so the comparison is of the
layers, not of the data: the stored base layer (table ``snapshots`` on 31 December 2023, the
person on that date, which the library reads too) and the records (``trainings``,
``annual_assessments``, ``posts`` …); the rules are read once as values (young age limit 40 …)
or, for the rank ladder, as the rules table ``rule_ranks``. The library's other stored tables
(``training_years``, ``grade_years``) are caches of the records, which raw SQL and pandas
compute from. pandas reads a table's rows of the analysis's year where one year is all it
needs (trainings, practices, grades of 2023), else the whole table.

Targets (issue 22), shown beside each row: library ≤ 1.3 × raw SQL at 1M; fixed cost ≤ 10 ms
at the demo scale (2,000) and the library faster than pandas there; ≤ 1 s at 1M (eligibility
≤ 2 s).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import gc
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import table  # noqa: E402

import qingmiao_lib as qm  # noqa: E402
from qingmiao_lib import evaluation, pipeline, structure, training  # noqa: E402

YEAR = 2023
AS_OF = dt.date(YEAR, 12, 31)      # a stored date (table snapshots) in every demo database
Y0 = dt.date(YEAR, 1, 1)
RESULTS = Path(__file__).resolve().parent / "results" / "bench_side.json"
DEFAULT_DBS = [Path("/tmp/h4/demo2k.duckdb"), Path("/tmp/h4/demo200k.duckdb"), Path("/tmp/h4/demo1m.duckdb")]


# --------------------------------------------------------------------------------------------
# the rules, read once per connection (outside any timing) and bound as values

def rules(con) -> dict:
    """The rule values the raw SQL and pandas versions use, from the connection's rules."""
    num = dict(con.execute("select name, num from rule_params where num is not null").fetchall())
    txt = dict(con.execute("select name, txt from rule_params").fetchall())
    lists = dict(con.execute("select name, list(value order by value) from rule_lists group by name").fetchall())
    cut_month, cut_day = (int(x) for x in txt["promotion.tenure_year_cutoff"].split("-"))
    return {
        "young": int(num["general.young_age_limit"]), "cap": num["assessment.excellent_cap"],
        "graded": lists["assessment.graded"], "non_class": lists["training.non_class_modes"],
        "hours_per_day": num["training.hours_per_day"], "min_hours": num["training.in_service_min_hours"],
        "min_days": num["training.in_service_min_days"], "block": int(num["assessment.streak_block_years"]),
        "window": int(num["figures.step_down_window_days"]), "ceiling": txt["promotion.ceiling"],
        "cut": int(num["promotion.excellent_reduction_months"]),
        "penalty": int(num["promotion.uncounted_penalty_months"]),
        "uncounted": lists["promotion.uncounted_grades"], "last_ok": lists["promotion.last_year_grades"],
        "blocking": lists["promotion.blocking_supervision"], "cut_month": cut_month, "cut_day": cut_day,
    }


def full_months(a: pd.Series, d: dt.date) -> pd.Series:
    """Full months from each ``a`` to the one date ``d``, month ends clamped as the library's
    ``full_months`` (a + m months lands in d's month on day min(a.day, days in that month))."""
    m = (d.year - a.dt.year) * 12 + d.month - a.dt.month
    days = calendar.monthrange(d.year, d.month)[1]
    return m - (np.minimum(a.dt.day, days) > d.day).astype("float64")


def _units(df: pd.DataFrame, units, column: str = "unit_id") -> pd.DataFrame:
    return df if units is None else df[df[column].isin(units)]


# --------------------------------------------------------------------------------------------
# 1. young cohort by gender (structure.headcount)

YOUNG_GENDER_SQL = """
-- young active persons by gender on $as_of; grain: one row per gender present
select gender::varchar as gender, count(*) as persons
from snapshots
where snapshot_date = $as_of and active and age < $young
  and ($units::varchar[] is null or list_contains($units::varchar[], unit_id))
group by gender
order by gender
"""


def young_gender_lib(con, r, units=None):
    return structure.headcount(con, as_of=AS_OF, by="gender", young=True, units=units)


def young_gender_raw(con, r, units=None):
    return con.execute(YOUNG_GENDER_SQL, {"as_of": AS_OF, "young": r["young"], "units": units}).df()


def young_gender_frames(con):
    return {"snap": con.execute("select person_id, gender, age, active, unit_id from snapshots"
                                " where snapshot_date = ?", [AS_OF]).df()}


def young_gender_pandas(f, r, units=None):
    s = _units(f["snap"], units)
    s = s[s["active"] & (s["age"] < r["young"])]
    return s.groupby("gender", observed=True).size().rename("persons").reset_index()


def young_gender_totals(df):
    return {"persons": int(df["persons"].sum()),
            "women": int(df.loc[df["gender"].astype(str) == "女", "persons"].sum())}


# --------------------------------------------------------------------------------------------
# 2. 在职培训 coverage: the in-service list (training.in_service)

IN_SERVICE_SQL = """
-- 在职培训 of $as_of's year per person active all year; grain: one row per person
with
people as (
    select person_id, name, unit_id, unit_kind, entry_cohort
    from snapshots
    where snapshot_date = $as_of and entry_date <= $y0 and (exit_date is null or exit_date > $as_of)
),
last_unit as (
    -- the unit of the latest post started by $as_of, for those without a post that day
    select person_id, max({'start_date': start_date, 'unit_id': unit_id}).unit_id as unit_id
    from posts
    where start_date <= $as_of and person_id in (select person_id from people where unit_id is null)
    group by person_id
),
placed as (
    select p.person_id, p.name, coalesce(p.unit_id, l.unit_id) as unit_id,
           coalesce(p.unit_kind, u.kind) as unit_kind, p.entry_cohort
    from people as p
    left join last_unit as l using (person_id)
    left join units as u on u.unit_id = l.unit_id
),
courses as (
    select person_id, sum(hours::double) as hours,
           sum(case when coalesce(mode::varchar, '') in (select unnest($non_class::varchar[]))
                    then hours::double / $hours_per_day
                    else date_diff('day', start_date, end_date) + 1 end) as days
    from trainings
    where passed and start_date between $y0 and $as_of
    group by person_id
)
select p.person_id, p.name, p.unit_id, u.name as unit_name, p.unit_kind::varchar as unit_kind,
       p.entry_cohort, coalesce(c.hours, 0) as have_hours, coalesce(c.days, 0) as have_days,
       coalesce(c.hours, 0) >= $min_hours or coalesce(c.days, 0) >= $min_days as meets
from placed as p
left join courses as c using (person_id)
left join units as u on u.unit_id = p.unit_id
where $units::varchar[] is null or list_contains($units::varchar[], p.unit_id)
order by meets, p.unit_id nulls last, p.person_id
"""


def in_service_lib(con, r, units=None):
    return training.in_service(con, year=YEAR, units=units)


def in_service_raw(con, r, units=None):
    return con.execute(IN_SERVICE_SQL, {
        "as_of": AS_OF, "y0": Y0, "units": units, "non_class": r["non_class"],
        "hours_per_day": r["hours_per_day"], "min_hours": r["min_hours"], "min_days": r["min_days"],
    }).df()


def in_service_frames(con):
    return {
        "snap": con.execute("select person_id, name, unit_id, unit_kind, entry_cohort, entry_date, exit_date"
                            " from snapshots where snapshot_date = ?", [AS_OF]).df(),
        "posts": con.execute("select person_id, unit_id, start_date from posts").df(),
        "trainings": con.execute("select person_id, hours, mode, start_date, end_date, passed from trainings"
                                 " where year(start_date) = ?", [YEAR]).df(),
        "units": con.execute("select unit_id, name as unit_name, kind from units").df(),
    }


def in_service_pandas(f, r, units=None):
    d, y0 = pd.Timestamp(AS_OF), pd.Timestamp(Y0)
    s = f["snap"]
    people = s[(s["entry_date"] <= y0) & (s["exit_date"].isna() | (s["exit_date"] > d))]
    people = people[["person_id", "name", "unit_id", "unit_kind", "entry_cohort"]]
    lost = people.loc[people["unit_id"].isna(), "person_id"]
    if len(lost):
        p = f["posts"]
        p = p[(p["start_date"] <= d) & p["person_id"].isin(lost)]
        last = p.sort_values(["person_id", "start_date", "unit_id"]).drop_duplicates("person_id", keep="last")
        people = people.merge(last[["person_id", "unit_id"]], on="person_id", how="left", suffixes=("", "_last"))
        people["unit_id"] = people["unit_id"].fillna(people.pop("unit_id_last"))
    people = _units(people, units)
    t = f["trainings"]
    t = t[t["passed"] & (t["start_date"] >= y0) & (t["start_date"] <= d)]
    days = np.where(t["mode"].astype(object).isin(r["non_class"]), t["hours"] / r["hours_per_day"],
                    (t["end_date"] - t["start_date"]).dt.days + 1)
    c = pd.DataFrame({"person_id": t["person_id"].to_numpy(), "have_hours": t["hours"].to_numpy(),
                      "have_days": days}).groupby("person_id").sum()
    out = people.merge(c, left_on="person_id", right_index=True, how="left")
    out[["have_hours", "have_days"]] = out[["have_hours", "have_days"]].fillna(0)
    out["meets"] = (out["have_hours"] >= r["min_hours"]) | (out["have_days"] >= r["min_days"])
    out = out.merge(f["units"][["unit_id", "unit_name"]], on="unit_id", how="left")
    return out.sort_values(["meets", "unit_id", "person_id"], na_position="last", ignore_index=True)


def in_service_totals(df):
    return {"persons": len(df), "covered": int(df["meets"].sum()),
            "hours": round(float(df["have_hours"].sum()), 3)}


# --------------------------------------------------------------------------------------------
# 3. 优秀 share per unit against the cap (evaluation.excellent_share)

EXCELLENT_SQL = """
-- each unit's 优秀 share of $year (grades of persons active in the year; unit on $as_of)
-- grain: one row per unit with a graded person
with
graded as (
    select s.unit_id, a.grade
    from annual_assessments as a
    join persons as p using (person_id)
    join snapshots as s on s.person_id = a.person_id and s.snapshot_date = $as_of
    where a.year = $year and p.entry_date <= $as_of and (p.exit_date is null or p.exit_date > $y0)
      and a.grade::varchar in (select unnest($graded::varchar[]))
      and ($units::varchar[] is null or list_contains($units::varchar[], s.unit_id))
)
select g.unit_id, any_value(u.name) as unit_name, any_value(u.kind)::varchar as unit_kind,
       count(*) as graded, count(*) filter (where g.grade = '优秀') as excellent,
       excellent / graded as share, $cap as cap, share > $cap as over_cap
from graded as g
left join units as u using (unit_id)
group by g.unit_id
order by share desc, g.unit_id
"""


def excellent_lib(con, r, units=None):
    return evaluation.excellent_share(con, year=YEAR, units=units)


def excellent_raw(con, r, units=None):
    return con.execute(EXCELLENT_SQL, {"as_of": AS_OF, "y0": Y0, "year": YEAR, "units": units,
                                       "graded": r["graded"], "cap": r["cap"]}).df()


def excellent_frames(con):
    return {
        "grades": con.execute("select person_id, grade from annual_assessments where year = ?", [YEAR]).df(),
        "persons": con.execute("select person_id, entry_date, exit_date from persons").df(),
        "snap": con.execute("select person_id, unit_id from snapshots where snapshot_date = ?", [AS_OF]).df(),
        "units": con.execute("select unit_id, name as unit_name, kind::varchar as unit_kind from units").df(),
    }


def excellent_pandas(f, r, units=None):
    d, y0 = pd.Timestamp(AS_OF), pd.Timestamp(Y0)
    g = f["grades"]
    g = g[g["grade"].astype(object).isin(r["graded"])].merge(f["persons"], on="person_id")
    g = g[(g["entry_date"] <= d) & (g["exit_date"].isna() | (g["exit_date"] > y0))]
    g = _units(g.merge(f["snap"], on="person_id"), units)
    out = (g.assign(excellent=g["grade"] == "优秀")
           .groupby("unit_id", dropna=False).agg(graded=("grade", "size"), excellent=("excellent", "sum"))
           .reset_index())
    out["share"] = out["excellent"] / out["graded"]
    out["cap"] = r["cap"]
    out["over_cap"] = out["share"] > r["cap"]
    out = out.merge(f["units"], on="unit_id", how="left")
    return out.sort_values(["share", "unit_id"], ascending=[False, True], ignore_index=True)


def excellent_totals(df):
    return {"units": len(df), "graded": int(df["graded"].sum()), "excellent": int(df["excellent"].sum()),
            "over_cap": int(df["over_cap"].sum())}


# --------------------------------------------------------------------------------------------
# 4. rank-promotion eligibility on one date (pipeline.eligibility)

ELIGIBILITY_SQL = """
-- rank-promotion eligibility of every person active on $as_of; grain: one row per person
with
snap as (
    select person_id, name, unit_id, rank, rank_step, rank_start, rank_months
    from snapshots
    where snapshot_date = $as_of and active
),
ladder as (
    select cur.rank, nxt.rank as next_rank, nxt.required_months as base_required,
           nxt.alt_level::varchar::post_level as alt_level
    from rule_ranks as cur
    join rule_ranks as nxt on nxt.step = cur.step + 1
    where nxt.step <= (select step from rule_ranks where rank::varchar = $ceiling)
),
post_start as (
    -- the earliest start of a current post at the next rank's alt level or above
    select s.person_id, min(p.start_date) as post_start
    from snap as s
    join ladder as l on l.rank = s.rank
    join posts as p on p.person_id = s.person_id and p.start_date <= $as_of
                   and (p.end_date is null or p.end_date > $as_of)
    where p.level >= l.alt_level
    group by s.person_id
),
tenure as (
    select s.*, l.next_rank, l.base_required, ps.post_start,
           date_sub('month', ps.post_start, $as_of) as post_months,
           coalesce(date_sub('month', ps.post_start, $as_of) > s.rank_months, false) as by_post
    from snap as s
    left join ladder as l on l.rank = s.rank
    left join post_start as ps using (person_id)
),
started as (
    select *,
           case when by_post then post_start else rank_start end as tenure_start,
           case when by_post then post_months else rank_months end as raw_months
    from tenure
),
first_years as (
    select *, year(tenure_start) + case when tenure_start > make_date(year(tenure_start), $cut_month, $cut_day)
                                        then 1 else 0 end as first_year
    from started
),
grades as (
    select t.person_id,
           count(*) filter (where a.year >= t.first_year and a.grade = '优秀') as excellent_years,
           count(*) filter (where a.year >= t.first_year
                            and a.grade::varchar in (select unnest($uncounted::varchar[]))) as uncounted_years,
           any_value(a.grade) filter (where a.year = year($as_of) - 1) as last_grade
    from first_years as t
    join annual_assessments as a on a.person_id = t.person_id and a.year < year($as_of)
    where t.next_rank is not null
    group by t.person_id
),
blocked as (
    select distinct person_id
    from supervision
    where kind::varchar in (select unnest($blocking::varchar[]))
      and held_on <= $as_of and effective_until > $as_of
),
quota as (
    select unit_id, rank, min(max_count) as max_count from quotas where year = year($as_of) group by all
),
holders as (
    select rank, count(*) as holders from snap where rank is not null group by rank
),
unit_holders as (
    select unit_id, rank, count(*) as holders
    from snap where rank is not null and unit_id is not null group by all
),
checked as (
    select t.person_id, t.name, t.unit_id, t.rank_step, t.rank as current_rank, t.next_rank,
           case when t.next_rank is null then t.raw_months
                else t.raw_months - $penalty * coalesce(g.uncounted_years, 0) end as tenure_months,
           t.base_required - $cut * coalesce(g.excellent_years, 0) as required_months,
           coalesce(g.last_grade::varchar in (select unnest($last_ok::varchar[])), false) as grade_ok,
           b.person_id is not null as blocked,
           (qj.max_count is null or coalesce(hj.holders, 0) < qj.max_count)
               and (qu.max_count is null or coalesce(hu.holders, 0) < qu.max_count) as quota_room
    from first_years as t
    left join grades as g using (person_id)
    left join blocked as b on b.person_id = t.person_id
    left join quota as qj on qj.unit_id is null and qj.rank = t.next_rank
    left join holders as hj on hj.rank = t.next_rank
    left join quota as qu on qu.unit_id = t.unit_id and qu.rank = t.next_rank
    left join unit_holders as hu on hu.unit_id = t.unit_id and hu.rank = t.next_rank
),
judged as (
    select *,
           coalesce(next_rank is not null and tenure_months >= required_months, false) as time_ok
    from checked
)
select j.person_id, j.name, j.unit_id, u.name as unit_name, j.current_rank::varchar as current_rank,
       j.next_rank::varchar as next_rank, j.tenure_months, j.required_months,
       time_ok and grade_ok and not blocked as qualified,
       next_rank is null or quota_room as quota_ok,
       time_ok and grade_ok and not blocked and (next_rank is null or quota_room) as eligible,
       concat_ws('；', case when current_rank is null then '未定级' when next_rank is null then '已达上限' end,
                 case when next_rank is not null and not time_ok then '任职年限不足' end,
                 case when next_rank is not null and not grade_ok then '上年度考核' end,
                 case when blocked then '影响期' end,
                 case when next_rank is not null and not quota_room then '职数已满' end) as reasons
from judged as j
left join units as u using (unit_id)
where $units::varchar[] is null or list_contains($units::varchar[], j.unit_id)
order by j.unit_id nulls last, j.rank_step desc nulls last, j.person_id
"""


def eligibility_lib(con, r, units=None):
    return pipeline.eligibility(con, as_of=AS_OF, units=units)


def eligibility_raw(con, r, units=None):
    return con.execute(ELIGIBILITY_SQL, {
        "as_of": AS_OF, "units": units, "ceiling": r["ceiling"], "cut_month": r["cut_month"],
        "cut_day": r["cut_day"], "uncounted": r["uncounted"], "blocking": r["blocking"],
        "penalty": r["penalty"], "cut": r["cut"], "last_ok": r["last_ok"],
    }).df()


def eligibility_frames(con):
    return {
        "snap": con.execute("select person_id, name, unit_id, rank::varchar as rank, rank_step, rank_start,"
                            " rank_months from snapshots where snapshot_date = ? and active", [AS_OF]).df(),
        "posts": con.execute("select person_id, level, start_date, end_date from posts").df(),
        "grades": con.execute("select person_id, year, grade::varchar as grade from annual_assessments").df(),
        "supervision": con.execute("select person_id, kind::varchar as kind, held_on, effective_until"
                                   " from supervision").df(),
        "quotas": con.execute("select year, unit_id, rank::varchar as rank, max_count from quotas").df(),
        "ranks": con.execute("select rank::varchar as rank, step, required_months, alt_level::varchar as alt_level"
                             " from rule_ranks").df(),
        "units": con.execute("select unit_id, name as unit_name from units").df(),
    }


LEVELS = ("无", "乡科级副职", "乡科级正职", "县处级副职", "县处级正职")   # post_level, lowest first


def eligibility_pandas(f, r, units=None):
    d = pd.Timestamp(AS_OF)
    s = f["snap"]
    rk = f["ranks"]
    ceiling = int(rk.loc[rk["rank"] == r["ceiling"], "step"].iloc[0])
    nxt = rk.assign(step=rk["step"] - 1).rename(columns={"rank": "next_rank", "required_months": "base_required"})
    ladder = rk[["rank", "step"]].merge(nxt[nxt["step"] + 1 <= ceiling], on="step")[
        ["rank", "next_rank", "base_required", "alt_level"]]
    ladder["alt_step"] = ladder["alt_level"].map({v: i for i, v in enumerate(LEVELS)})
    t = s.merge(ladder, on="rank", how="left")
    p = f["posts"]
    p = p[(p["start_date"] <= d) & (p["end_date"].isna() | (p["end_date"] > d))]
    p = p[["person_id", "start_date", "level"]].merge(t.loc[t["alt_step"].notna(), ["person_id", "alt_step"]],
                                                      on="person_id")
    p = p[p["level"].cat.codes >= p["alt_step"]]
    t = t.merge(p.groupby("person_id")["start_date"].min().rename("post_start"),
                left_on="person_id", right_index=True, how="left")
    t["post_months"] = full_months(t["post_start"], AS_OF)
    by_post = (t["post_months"] > t["rank_months"]).fillna(False)
    t["tenure_start"] = t["post_start"].where(by_post, t["rank_start"])
    t["raw_months"] = t["post_months"].where(by_post, t["rank_months"])
    ts = t["tenure_start"]
    late = (ts.dt.month > r["cut_month"]) | ((ts.dt.month == r["cut_month"]) & (ts.dt.day > r["cut_day"]))
    t["first_year"] = ts.dt.year + late.astype("float64")
    g = f["grades"]
    g = g[g["year"] < YEAR].merge(t.loc[t["next_rank"].notna(), ["person_id", "first_year"]], on="person_id")
    inside = g["year"] >= g["first_year"]
    g = g.assign(excellent_years=inside & (g["grade"] == "优秀"),
                 uncounted_years=inside & g["grade"].isin(r["uncounted"]))
    counts = g.groupby("person_id")[["excellent_years", "uncounted_years"]].sum()
    last = g.loc[g["year"] == YEAR - 1].set_index("person_id")["grade"].rename("last_grade")
    t = t.merge(counts, left_on="person_id", right_index=True, how="left")
    t = t.merge(last, left_on="person_id", right_index=True, how="left")
    t[["excellent_years", "uncounted_years"]] = t[["excellent_years", "uncounted_years"]].fillna(0)
    has_next = t["next_rank"].notna()
    t["tenure_months"] = t["raw_months"] - r["penalty"] * t["uncounted_years"].where(has_next, 0)
    t["required_months"] = t["base_required"] - r["cut"] * t["excellent_years"]
    time_ok = has_next & (t["tenure_months"] >= t["required_months"])
    grade_ok = t["last_grade"].isin(r["last_ok"])
    sv = f["supervision"]
    sv = sv[sv["kind"].isin(r["blocking"]) & (sv["held_on"] <= d) & (sv["effective_until"] > d)]
    blocked = t["person_id"].isin(sv["person_id"])
    q = f["quotas"]
    q = q[q["year"] == YEAR].groupby(["unit_id", "rank"], dropna=False)["max_count"].min().reset_index()
    holders = s[s["rank"].notna()].groupby("rank").size()
    unit_holders = s[s["rank"].notna() & s["unit_id"].notna()].groupby(["unit_id", "rank"]).size()
    qj = q[q["unit_id"].isna()].set_index("rank")["max_count"]
    qu = q[q["unit_id"].notna()].set_index(["unit_id", "rank"])["max_count"]
    jmax = t["next_rank"].map(qj)
    jheld = t["next_rank"].map(holders).fillna(0)
    key = pd.MultiIndex.from_arrays([t["unit_id"], t["next_rank"]])
    umax = pd.Series(qu.reindex(key).to_numpy(), index=t.index)
    uheld = pd.Series(unit_holders.reindex(key).to_numpy(), index=t.index).fillna(0)
    quota_room = (jmax.isna() | (jheld < jmax)) & (umax.isna() | (uheld < umax))
    t["qualified"] = time_ok & grade_ok & ~blocked
    t["quota_ok"] = ~has_next | quota_room
    t["eligible"] = t["qualified"] & t["quota_ok"]
    t = _units(t, units).merge(f["units"], on="unit_id", how="left")
    t = t.rename(columns={"rank": "current_rank"})
    t = t.sort_values(["unit_id", "rank_step", "person_id"], ascending=[True, False, True],
                      na_position="last", ignore_index=True)
    return t[["person_id", "name", "unit_id", "unit_name", "current_rank", "next_rank", "tenure_months",
              "required_months", "qualified", "quota_ok", "eligible"]]


def eligibility_totals(df):
    return {"persons": len(df), "qualified": int(df["qualified"].sum()), "eligible": int(df["eligible"].sum()),
            "tenure_months": int(df["tenure_months"].sum()), "required_months": int(df["required_months"].sum())}


# --------------------------------------------------------------------------------------------
# 5. the headline figures F1–F9 (figures.headline)

HEADLINE_SQL = """
-- the nine headline figures of $year (SPEC §5), everyone as on $d (31 December); grain: one row
-- per figure
with
snap as (
    select person_id, active, age < $young as young, entry_date, exit_date
    from snapshots where snapshot_date = $d
),
in_year as (
    select person_id, young from snap where entry_date <= $d and (exit_date is null or exit_date > $y0)
),
pool_now as (
    select distinct person_id, pool from pool_members
    where entered_on <= $d and (exited_on is null or exited_on > $d)
),
excellent_years as (
    select person_id, year, year - row_number() over (partition by person_id order by year) as run_id
    from annual_assessments where grade = '优秀' and year <= $year
),
excellent_runs as (
    select person_id, year, row_number() over (partition by person_id, run_id order by year) as run_position
    from excellent_years
),
post_days as (
    -- each day a person started a post, with the highest level started that day
    select person_id, start_date, max(level) as level from posts group by all
),
steps as (
    select person_id, start_date, level,
           lag(level) over (partition by person_id order by start_date) as prev_level
    from post_days
),
rank_promotions as (
    select person_id, start_date from ranks
    where reason = '晋升' and start_date between $y0 and $d
)
select 'F1' as code,
       (select count(*) from pool_now join snap using (person_id)
        where pool = '年轻公务员库' and active and young) as value, null::bigint as denominator
union all
select 'F2', count(*) filter (where young), count(*)
from pool_now join snap using (person_id) where pool = '两型干部库' and active
union all
select 'F3', count(*), null
from trainings as t join snap using (person_id)
where t.start_date between $y0 and $d and snap.young
  and coalesce(t.mode::varchar, '') not in (select unnest($non_class::varchar[]))
union all
select 'F4', count(distinct p.person_id), null
from practices as p join snap using (person_id)
where p.start_date between $y0 and $d and snap.young
union all
select 'F5', count(*) filter (where young), count(*)
from annual_assessments as a join in_year using (person_id)
where a.year = $year and a.grade = '优秀'
union all
select 'F6', count(*) filter (where young), count(*)
from excellent_runs join in_year using (person_id)
where year = $year and run_position % $block = 0
union all
select 'F7', count(distinct s.person_id), null
from steps as s join snap using (person_id)
where s.start_date between $y0 and $d and s.level > '无'::post_level and s.level > s.prev_level and snap.young
union all
select 'F8', count(distinct r.person_id), null
from rank_promotions as r
join snap using (person_id)
join posts as p on p.person_id = r.person_id
where not snap.young and p.level <> '无' and p.end_date is not null
  and abs(date_diff('day', p.end_date, r.start_date)) <= $window
  and not exists (select 1 from posts as later
                  where later.person_id = p.person_id and later.level <> '无'
                    and later.start_date >= p.end_date and later.start_date <= $d)
union all
select 'F9', count(distinct r.person_id), null
from rank_promotions as r join snap using (person_id) where snap.young
order by code
"""


def headline_lib(con, r, units=None):
    return qm.figures.headline(con, year=YEAR)


def headline_raw(con, r, units=None):
    return con.execute(HEADLINE_SQL, {"year": YEAR, "d": AS_OF, "y0": Y0, "young": r["young"],
                                      "non_class": r["non_class"], "block": r["block"],
                                      "window": r["window"]}).df()


def headline_frames(con):
    return {
        "snap": con.execute("select person_id, active, age, entry_date, exit_date from snapshots"
                            " where snapshot_date = ?", [AS_OF]).df(),
        "pools": con.execute("select person_id, pool::varchar as pool, entered_on, exited_on from pool_members").df(),
        "trainings": con.execute("select person_id, mode::varchar as mode from trainings"
                                 " where year(start_date) = ?", [YEAR]).df(),
        "practices": con.execute("select person_id from practices where year(start_date) = ?", [YEAR]).df(),
        "excellent": con.execute("select person_id, year from annual_assessments"
                                 " where grade = '优秀' and year <= ?", [YEAR]).df(),
        "posts": con.execute("select person_id, level, start_date, end_date from posts").df(),
        "promotions": con.execute("select person_id, start_date from ranks"
                                  " where reason = '晋升' and year(start_date) = ?", [YEAR]).df(),
    }


def headline_pandas(f, r, units=None):
    d, y0 = pd.Timestamp(AS_OF), pd.Timestamp(Y0)
    s = f["snap"].assign(young=f["snap"]["age"] < r["young"])
    young_ids = s.loc[s["young"], "person_id"]
    in_year = s[(s["entry_date"] <= d) & (s["exit_date"].isna() | (s["exit_date"] > y0))]
    pl = f["pools"]
    pl = pl[(pl["entered_on"] <= d) & (pl["exited_on"].isna() | (pl["exited_on"] > d))]
    pl = pl[["person_id", "pool"]].drop_duplicates().merge(s, on="person_id")
    out = {"F1": (int((pl["pool"].eq("年轻公务员库") & pl["active"] & pl["young"]).sum()), None)}
    two = pl[pl["pool"].eq("两型干部库") & pl["active"]]
    out["F2"] = (int(two["young"].sum()), len(two))
    t = f["trainings"]
    out["F3"] = (int((t["person_id"].isin(young_ids) & ~t["mode"].isin(r["non_class"])).sum()), None)
    pr = f["practices"]
    out["F4"] = (pr.loc[pr["person_id"].isin(young_ids), "person_id"].nunique(), None)
    ex = f["excellent"]
    ex5 = ex[ex["year"] == YEAR].merge(in_year[["person_id", "young"]], on="person_id")
    out["F5"] = (int(ex5["young"].sum()), len(ex5))
    ex = ex.sort_values(["person_id", "year"])
    run_id = ex["year"] - ex.groupby("person_id").cumcount()
    position = ex.groupby([ex["person_id"], run_id]).cumcount() + 1
    ex6 = ex[(ex["year"] == YEAR) & (position % r["block"] == 0)].merge(in_year[["person_id", "young"]],
                                                                        on="person_id")
    out["F6"] = (int(ex6["young"].sum()), len(ex6))
    p = f["posts"]
    days = (p.assign(step=p["level"].cat.codes).groupby(["person_id", "start_date"])["step"].max()
            .reset_index().sort_values(["person_id", "start_date"]))
    days["prev"] = days.groupby("person_id")["step"].shift()
    up = days[(days["start_date"] >= y0) & (days["start_date"] <= d) & (days["step"] > 0)
              & (days["step"] > days["prev"]) & days["person_id"].isin(young_ids)]
    out["F7"] = (up["person_id"].nunique(), None)
    rp = f["promotions"]
    old = rp[~rp["person_id"].isin(young_ids) & rp["person_id"].isin(s["person_id"])]
    lead = p[(p["level"] != "无")]
    m = old.merge(lead[lead["end_date"].notna()][["person_id", "end_date"]], on="person_id")
    m = m[(m["end_date"] - m["start_date"]).dt.days.abs() <= r["window"]]
    later = m[["person_id", "end_date"]].drop_duplicates().merge(lead[["person_id", "start_date"]], on="person_id")
    later = later[(later["start_date"] >= later["end_date"]) & (later["start_date"] <= d)]
    m = m.merge(later[["person_id", "end_date"]].drop_duplicates().assign(taken=True),
                on=["person_id", "end_date"], how="left")
    out["F8"] = (m.loc[m["taken"].isna(), "person_id"].nunique(), None)
    out["F9"] = (rp.loc[rp["person_id"].isin(young_ids), "person_id"].nunique(), None)
    return pd.DataFrame([(k, v, n) for k, (v, n) in out.items()], columns=["code", "value", "denominator"])


def headline_totals(df):
    out = {}
    for code, value, denominator in df[["code", "value", "denominator"]].itertuples(index=False):
        out[code] = int(value)
        if not pd.isna(denominator):
            out[f"{code} of"] = int(denominator)
    return out


# --------------------------------------------------------------------------------------------
# the cases and the harness

@dataclass(frozen=True)
class Case:
    """One analysis three ways: each of ``lib``, ``raw`` (connection, rules, units) and
    ``pandas`` (frames, rules, units) returns its answer as a frame, ``totals`` reduces an answer
    to the figures the three must agree on; ``frames`` reads what pandas needs. ``sliced``: the
    analysis takes a unit filter (the fixed-cost measure runs it on one unit)."""

    name: str
    lib: Callable
    raw: Callable
    pandas: Callable
    frames: Callable
    totals: Callable
    limit_ms: float = 1000.0
    sliced: bool = True


CASES = [
    Case("young cohort by gender (structure.headcount)", young_gender_lib, young_gender_raw,
         young_gender_pandas, young_gender_frames, young_gender_totals),
    Case("在职培训 coverage list (training.in_service)", in_service_lib, in_service_raw,
         in_service_pandas, in_service_frames, in_service_totals),
    Case("优秀 share per unit (evaluation.excellent_share)", excellent_lib, excellent_raw,
         excellent_pandas, excellent_frames, excellent_totals),
    Case("eligibility on 2023-12-31 (pipeline.eligibility)", eligibility_lib, eligibility_raw,
         eligibility_pandas, eligibility_frames, eligibility_totals, limit_ms=2000.0),
    Case("F1–F9 (figures.headline)", headline_lib, headline_raw, headline_pandas, headline_frames,
         headline_totals, sliced=False),
]

#: The ratio library ÷ raw SQL the issue allows at 1M, and the fixed cost per call at the demo scale.
MAX_RATIO, MAX_FIXED_MS = 1.3, 10.0
#: Databases with fewer persons than this are the demo scale (the fixed cost is measured there).
DEMO_SCALE = 50_000


def _reset_peak() -> bool:
    """Reset the process's peak RSS (VmHWM) so the next reading is the peak of what follows."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _call(fn: Callable[[], object]) -> tuple[float, float, float, object]:
    """One call: wall ms, process CPU ms (all threads), peak RSS MB during it, its result."""
    _reset_peak()
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000, _peak_mb(), out


def _summary(calls: list[tuple]) -> dict:
    return {"wall_ms": round(statistics.median(c[0] for c in calls), 2),
            "cpu_ms": round(statistics.median(c[1] for c in calls), 2),
            "peak_rss_mb": round(max(c[2] for c in calls)), "calls": len(calls)}


def agree(case: Case, answers: dict[str, object]) -> dict:
    """The totals of each answer; AssertionError unless they are all equal."""
    return same(case, {k: case.totals(v) for k, v in answers.items()})


def same(case: Case, totals: dict[str, dict]) -> dict:
    """The one set of totals of ``totals`` (each way's); AssertionError unless they are equal."""
    first = next(iter(totals.values()))
    if any(t != first for t in totals.values()):
        raise AssertionError(f"{case.name}: the totals differ: {totals}")
    return first


def run_case(case: Case, con, r: dict, *, repeat: int, pandas_repeat: int, one_unit: str | None) -> dict:
    """Time one case on one database (interleaved calls after one warm-up of each) and check
    the three answers agree; with ``one_unit`` also the fixed cost (library − raw on that unit,
    or on everything for an analysis without a slice)."""
    lib, raw, pdx = [], [], []
    # the warm-up calls' answers, reduced to their totals at once (no large answer held)
    totals = {"library": case.totals(_call(lambda: case.lib(con, r))[3]),
              "raw SQL": case.totals(_call(lambda: case.raw(con, r))[3])}
    for _ in range(repeat):         # only the figures are kept, not the answers
        lib.append(_call(lambda: case.lib(con, r))[:3])
        raw.append(_call(lambda: case.raw(con, r))[:3])
    # pandas after the two, so their peak RSS does not hold its frames
    gc.collect()
    before = _rss_mb()
    frames = case.frames(con)
    frames_mb = _rss_mb() - before
    for _ in range(pandas_repeat):
        *figures, answer = _call(lambda: case.pandas(frames, r))
        pdx.append(figures)
    totals = same(case, {**totals, "pandas": case.totals(answer)})
    frames = answer = None      # free them before the next case
    out = {"library": _summary(lib), "raw": _summary(raw), "pandas": _summary(pdx), "totals": totals,
           "pandas_frames_mb": round(frames_mb)}
    out["ratio"] = round(out["library"]["wall_ms"] / out["raw"]["wall_ms"], 2)
    if one_unit is not None:
        units = [one_unit] if case.sliced else None
        answers = {"library": case.lib(con, r, units=units), "raw SQL": case.raw(con, r, units=units)}
        small = agree(case, answers)
        fl, fr = [], []
        for _ in range(3 * repeat):
            fl.append(_call(lambda: case.lib(con, r, units=units))[:3])
            fr.append(_call(lambda: case.raw(con, r, units=units))[:3])
        out["fixed"] = {"slice": f"unit {one_unit}" if case.sliced else "whole database",
                        "library": _summary(fl), "raw": _summary(fr), "totals": small,
                        "fixed_ms": round(_summary(fl)["wall_ms"] - _summary(fr)["wall_ms"], 2),
                        "fixed_cpu_ms": round(_summary(fl)["cpu_ms"] - _summary(fr)["cpu_ms"], 2)}
    return out


def run_database(path: Path) -> dict:
    """Every case on one database; at the demo scale (under :data:`DEMO_SCALE` persons) also the
    fixed cost per call."""
    load_before = os.getloadavg()
    con = qm.connect(path)
    persons = con.execute("select count(*) from persons").fetchall()[0][0]
    fixed = persons < DEMO_SCALE
    r = rules(con)
    unit = con.execute("select unit_id from posts group by unit_id order by count(*) desc, unit_id limit 1"
                       ).fetchall()[0][0]
    repeat, pandas_repeat = (15, 15) if persons < DEMO_SCALE else (5, 3) if persons < 500_000 else (3, 2)
    started = time.perf_counter()
    cases = {}
    for case in CASES:
        cases[case.name] = run_case(case, con, r, repeat=repeat, pandas_repeat=pandas_repeat,
                                    one_unit=unit if fixed else None)
        gc.collect()
        c = cases[case.name]
        print(f"{path.name}: {case.name}: library {c['library']['wall_ms']:.0f} ms, raw {c['raw']['wall_ms']:.0f} ms,"
              f" pandas {c['pandas']['wall_ms']:.0f} ms", file=sys.stderr, flush=True)
    threads = con.execute("select current_setting('threads')").fetchall()[0][0]
    con.close()
    return {"database": str(path), "persons": persons, "threads": threads, "year": YEAR,
            "as_of": AS_OF.isoformat(), "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "seconds": round(time.perf_counter() - started, 1),
            "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "cases": cases}


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


def markdown(run: dict) -> str:
    """One database's Markdown table, the targets beside each row."""
    big = run["persons"] >= 500_000
    rows = []
    for name, c in run["cases"].items():
        case = next(k for k in CASES if k.name == name)
        lib, raw, pdx = c["library"], c["raw"], c["pandas"]
        row = {
            "analysis": name,
            "library ms (CPU)": f"{lib['wall_ms']:,.1f} ({lib['cpu_ms']:,.0f})",
            "raw SQL ms (CPU)": f"{raw['wall_ms']:,.1f} ({raw['cpu_ms']:,.0f})",
            "pandas ms (CPU)": f"{pdx['wall_ms']:,.1f} ({pdx['cpu_ms']:,.0f})",
            "lib ÷ raw": f"{c['ratio']:.2f}" + _mark(c["ratio"] <= MAX_RATIO if big else None),
            "≤ limit": f"{case.limit_ms / 1000:g} s" + _mark(lib["wall_ms"] <= case.limit_ms if big else None),
            "peak RSS MB lib/raw/pd": f"{lib['peak_rss_mb']}/{raw['peak_rss_mb']}/{pdx['peak_rss_mb']}",
        }
        if "fixed" in c:
            f = c["fixed"]
            row["fixed ms per call, wall (CPU)"] = (
                f"{f['fixed_ms']:.1f} ({f['fixed_cpu_ms']:.1f}) — {f['slice']}: {f['library']['wall_ms']:.1f} − "
                f"{f['raw']['wall_ms']:.1f}" + _mark(f["fixed_ms"] <= MAX_FIXED_MS))
            row["lib < pandas"] = f"{lib['wall_ms'] < pdx['wall_ms']}" + _mark(lib["wall_ms"] < pdx["wall_ms"])
        row["totals agree"] = ", ".join(f"{k} {v:,}" for k, v in c["totals"].items())
        rows.append(row)
    columns = list(rows[0])
    head = (f"### {Path(run['database']).name}: {run['persons']:,} persons, DuckDB threads {run['threads']}; "
            f"load average before {run['load_before']}, after {run['load_after']}; "
            f"process peak RSS {run['process_peak_rss_mb']:,} MB; {run['seconds']} s\n\n")
    return head + table(rows, columns)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", nargs="*", type=Path, help=f"databases (default: {', '.join(map(str, DEFAULT_DBS))})")
    ap.add_argument("--out", type=Path, default=RESULTS, help="the JSON file of the figures")
    ap.add_argument("--append", action="store_true", help="add this run's databases to those in --out")
    args = ap.parse_args()
    paths = [p for p in (args.db or DEFAULT_DBS) if p.exists()]
    if not paths:
        raise SystemExit("no database found: build one with qingmiao demo --persons N --db FILE")
    runs = []
    for path in paths:
        run = run_database(path)
        runs.append(run)
        print(markdown(run) + "\n", flush=True)
    old = json.loads(args.out.read_text())["runs"] if args.append and args.out.exists() else []
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for run in runs:
        run["measured_at"] = stamp
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "bench_side", "cpus": os.cpu_count(), "targets": {
            "ratio_at_1m": MAX_RATIO, "fixed_ms_at_2k": MAX_FIXED_MS,
            "limit_ms_at_1m": {c.name: c.limit_ms for c in CASES}},
        "runs": old + runs}, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
