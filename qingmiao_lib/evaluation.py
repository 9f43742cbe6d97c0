"""Evaluation outcomes (SPEC §1 item 3, §5 "Assessment"): annual grades and the 优秀 cap, 优秀
streaks and the merits they earn, quarterly (平时) assessment, early warnings, rewards.

Every function takes the connection first, then keyword-only ``year`` (or ``as_of``) and the slice
filters ``units`` (unit_id list), ``age_group`` (a label of :func:`age_groups`), ``young`` and
``entry_cohort``, all taken on 31 December of ``year`` (or on ``as_of``). Each returns a DataFrame
of stated grain whose ``attrs`` carry ``year``/``as_of`` and ``rules_version``.

Decisions where SPEC §5 is silent:

- A grade counts only if its person was active at some time in its year (entry_date ≤ 31 Dec and
  exit_date empty or after 1 Jan); other grades are data errors listed by :func:`invalid_grades`
  (for ``qingmiao check``) and counted nowhere — streaks included.
- A grade's unit, age group and young flag are those of 31 December of its year (person_snapshot).
- Excellent share = 优秀 / graded (rules ``assessment.graded``: 不定等次 excluded) per unit and
  year; a unit is over the cap only when share > ``assessment.excellent_cap`` (exactly at the cap
  is within it).
- Streaks: runs of consecutive valid 优秀 years (any other grade, 不定等次 or a missing year ends a
  run), cut into blocks of ``assessment.streak_block_years``; a block earns a 三等功 in its last
  year — the F6 definition (``sql/evaluation/excellent_runs.sql``).
- A due merit is recorded by a 三等功 awarded in the block's last year or the year after
  (``assessment.merit_record_window_years`` when the rules set it, else 1); a 三等功 matched to
  no block is a reward with no streak behind it.
- Quarterly declines: a quarter strictly worse than the one just before (好 > 较好 > 一般 > 较差),
  quarters consecutive across year ends, a missing quarter breaks the chain.
- Early warnings on d: see :func:`early_warnings`. Warning quarterly grades are 一般 and 较差 (no
  rules key exists for them yet).

>>> import qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")                         # doctest: +SKIP
>>> qm.evaluation.excellent_share(con, year=2023).query("over_cap")   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from . import _query, sql
from .db import QUARTER_MASK_YEARS, stored_current

#: Chinese names of this module's output columns (merged into ``labels.chinese``).
COLUMNS: dict[str, str] = {
    "group_key": "分组", "group_name": "分组名称", "sort_key": "排序", "grade": "等次",
    "graded": "定等人数", "unit_name": "单位名称", "excellent": "优秀人数", "cap": "优秀比例上限",
    "over_cap": "超过上限", "year": "年度", "young_excellent": "其中年轻公务员",
    "young_share": "年轻公务员占比", "previous_grade": "上年等次", "quarters": "季度等次",
    "unit_excellent_share": "本单位优秀率", "jurisdiction_excellent_share": "全辖区优秀率",
    "current_run": "当前连续优秀年数", "longest_run": "最长连续优秀年数", "blocks": "应记三等功次数",
    "last_block_year": "最近应记功年度", "excellent_years": "优秀年数", "block_start": "连续优秀起始年度",
    "block_end": "应记功年度", "window_end": "记功截止日", "awarded_on": "奖励时间", "recorded": "已记功",
    "status": "记功状态", "reason": "事由", "quarter": "季度", "grades": "等次变化",
    "from_quarter": "起始季度", "good": "好", "fairly_good": "较好", "ordinary": "一般", "poor": "较差",
    "first_grade": "首季度等次", "last_grade": "末季度等次", "change": "升降", "declines": "下降次数",
    "good_quarters": "“好”的季度数", "group_persons": "组内人数", "tasks": "任务数", "rated": "有评价数",
    "ratings": "评价", "task_names": "任务", "annual_grade": "年度考核等次", "kind": "类别",
    "evidence": "依据", "evidence_date": "依据日期", "warnings": "预警数", "age_group": "年龄段",
    "age_from": "最小年龄", "rewards": "奖励次数", "exit_date": "退出时间", "problem": "问题",
    "unit_kind": "单位类别",
}

#: Dimensions ``grade_distribution`` can group by (allowlist → Chinese name).
DIMENSIONS = {"unit": "单位", "unit_kind": "单位类别", "age_group": "年龄段", "young": "是否年轻公务员",
              "entry_cohort": "录用年份", "gender": "性别", "education": "学历", "all": "合计"}

#: Kinds of early warning, in the order reports list them (SPEC §5).
WARNING_KINDS = {"年度考核": "年度考核基本称职或不称职", "平时考核": "平时考核一般或较差",
                 "监督管理": "诫勉、组织处理或处分影响期内", "培训逾期": "初任培训或任职培训逾期未完成"}

def age_groups(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The age-group labels, youngest first (four bands tied to ``general.young_age_limit``)."""
    return [r[0] for r in con.execute(
        "select eval_age_group(lim + d, lim) from (select rule_num('general.young_age_limit')::integer as lim),"
        " unnest([-11, -6, -1, 0]) as t(d)"
    ).fetchall()]


def _year_end(con, year: int) -> dt.date:
    year = int(year)
    if not 1950 <= year <= 2100:
        raise ValueError(f"year must be between 1950 and 2100, got {year}")
    return con.execute("select year_end(?::integer)", [year]).fetchall()[0][0]


def _slice(con, units, age_group, young, entry_cohort, cohorts=None) -> dict:
    """The slice filters as bound parameters (:class:`qingmiao_lib._query.Slice`), validated
    before any SQL runs; ``entry_cohort`` is the old spelling of ``cohorts``."""
    cut = _query.Slice.of({"units": units, "age_group": age_group, "young": young, "cohorts": cohorts,
                           "entry_cohort": entry_cohort}, ("units", "age_group", "young", "cohorts"),
                          stacklevel=5)
    if cut.age_group is not None and cut.age_group not in age_groups(con):
        raise ValueError(f"unknown age_group {age_group!r}; one of {age_groups(con)}")
    return {k: v for k, v in cut.params().items() if k in ("units", "age_group", "young", "cohorts")}


#: Text columns repeated down a long list (one unit per many persons, a few thousand grade
#: sequences per million persons): each distinct string is made once.
_REPEATED = frozenset(("unit_id", "unit_name", "grades"))


def _run(con, name: str, params: dict, *, stored: bool = False, **attrs) -> pd.DataFrame:
    """``sql/evaluation/<name>.sql`` as a frame (:func:`qingmiao_lib._query.run`); the quarter
    masks read from the stored table when ``stored``."""
    with _query.reading(con, "evaluation/quarters", when=stored):
        df = _query.run(con, f"evaluation/{name}", params, repeated=_REPEATED)
    df.attrs.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in attrs.items()},
                    rules_version=_query.rules(con).version)
    return df


def _yearly(con, name, year, first_year=None, extra=None, stored=False, **filters) -> pd.DataFrame:
    """Run a query taking $year, $as_of (31 Dec of year), $first_year and the slice filters."""
    as_of = _year_end(con, year)
    params = {"year": int(year), "as_of": as_of, **_slice(con, **_slice_kw(**filters)), **(extra or {})}
    if first_year is not None:
        params["first_year"] = int(first_year)
    return _run(con, name, params, stored=stored, year=int(year), as_of=as_of)


#: The longest range (years) the quarter-mask queries hold (60 quarters in a 64-bit mask).
_MASK_YEARS = 15


def _quarters_stored(con, origin: int, last_year: int) -> bool:
    """May the quarter masks of ``origin`` … ``last_year`` come from the stored masks (table
    ``quarter_masks``, written by :func:`qingmiao_lib.db.refresh_snapshots`)? Only when the table
    exists, the stamp stored with it still matches ``regular_assessments``
    (``sql/snapshots/quarter_stamp.sql``) and the range lies in its 16 years."""
    row = con.execute("select try_cast(value as integer) from meta where key = 'quarter_masks_base'").fetchone()
    base = row[0] if row else None
    return (base is not None and base <= origin and last_year <= base + QUARTER_MASK_YEARS - 1
            and stored_current(con, "quarter_masks", "quarter_stamp"))


def _slice_kw(units=None, age_group=None, young=None, entry_cohort=None, cohorts=None) -> dict:
    return {"units": units, "age_group": age_group, "young": young, "entry_cohort": entry_cohort,
            "cohorts": cohorts}


Units = Sequence[str] | None


# --------------------------------------------------------------------------- annual grades

def grade_distribution(con: duckdb.DuckDBPyConnection, *, year: int, by: str = "all", units: Units = None,
                       age_group: str | None = None, young: bool | None = None,
                       entry_cohort: int | None = None,
                       cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """Annual grades of ``year`` by ``by`` (a key of :data:`DIMENSIONS`).

    Returns one row per (group, grade), every grade listed: ``group_key``, ``group_name``,
    ``sort_key``, ``grade``, ``persons``, ``graded`` (the group's graded persons, 不定等次
    excluded) and ``share`` (of graded; empty for 不定等次). Grade counts of the graded grades sum
    to ``graded`` in every group.

    >>> grade_distribution(con, year=2023, by="age_group")          # doctest: +SKIP
    """
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}; one of {sorted(DIMENSIONS)}")
    return _yearly(con, "grade_distribution", year, extra={"by": by},
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts))


def excellent_share(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None) -> pd.DataFrame:
    """Each unit's 优秀 share of ``year`` against the cap.

    One row per unit with a graded person: ``unit_id``, ``unit_name``, ``unit_kind``, ``graded``,
    ``excellent``, ``share``, ``cap`` and ``over_cap`` (share > cap; exactly at it is not over).
    The cap concerns whole units, so the only filter is ``units``.
    """
    return _yearly(con, "excellent_share", year, units=units)


def over_cap(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None) -> pd.DataFrame:
    """The units of :func:`excellent_share` over the cap in ``year`` (same columns)."""
    df = excellent_share(con, year=year, units=units)
    out = df[df["over_cap"]].reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out


def young_excellent_share(con: duckdb.DuckDBPyConnection, *, year: int,
                          first_year: int | None = None) -> pd.DataFrame:
    """The young share of all 优秀 per year, ``first_year`` (default ``year``) to ``year``: the F5
    basis. One row per year: ``year``, ``excellent``, ``young_excellent``, ``young_share``."""
    year = int(year)
    first = year if first_year is None else int(first_year)
    if first > year:
        raise ValueError("first_year must not be after year")
    return _run(con, "young_excellent", {"first_year": first, "year": year},
                year=year, first_year=first, as_of=_year_end(con, year), young_limit=_query.rules(con).young_limit)


def grade_history(con: duckdb.DuckDBPyConnection, *, year: int, years: int = 5, units: Units = None,
                  age_group: str | None = None, young: bool | None = None,
                  entry_cohort: int | None = None,
                  cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """Each active person's annual grades for the ``years`` years up to ``year``, one row per
    person: ``person_id``, ``name``, ``unit_id``, ``unit_name`` and one column per year (e.g.
    ``"2023"``; empty = no valid grade). Names are unmasked: mask them for display."""
    years = int(years)
    if not 1 <= years <= 30:
        raise ValueError(f"years must be between 1 and 30, got {years}")
    long = _yearly(con, "grade_history", year, first_year=int(year) - years + 1,
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts))
    cols = [str(y) for y in range(int(year) - years + 1, int(year) + 1)]
    wide = (long.assign(year=long["year"].astype(str))
            .pivot(index=["person_id", "name", "unit_id", "unit_name"], columns="year", values="grade")
            .reindex(columns=cols).reset_index())
    wide.columns.name = None
    wide.attrs = dict(long.attrs)
    return wide


def person_history(con: duckdb.DuckDBPyConnection, *, person_id: str, year: int,
                   years: int = 5) -> pd.DataFrame:
    """One person's record for the ``years`` years up to ``year`` (the 一表式 view).

    One row per year: ``year``, ``grade``, ``previous_grade``, ``quarters`` ('好/较好/好/好'),
    ``unit_id`` (the main unit on 31 Dec of ``year``), ``unit_excellent_share`` (over the persons
    holding a post in that unit on 31 Dec of each year) and ``jurisdiction_excellent_share``.
    """
    return _yearly(con, "person_history", year, first_year=int(year) - int(years) + 1,
                   extra={"person_id": str(person_id)})


# --------------------------------------------------------------------------- streaks and merits

def streaks(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None,
            age_group: str | None = None, young: bool | None = None,
            entry_cohort: int | None = None,
            cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """优秀 runs up to ``year`` of the active persons with any 优秀: one row per person with
    ``current_run`` (0 when ``year`` is not 优秀), ``longest_run``, ``blocks`` (三等功 due so far),
    ``last_block_year`` and ``excellent_years``."""
    return _yearly(con, "streaks", year, **_slice_kw(units, age_group, young, entry_cohort, cohorts))


def merits(con: duckdb.DuckDBPyConnection, *, year: int, first_year: int | None = None,
           units: Units = None, age_group: str | None = None, young: bool | None = None,
           entry_cohort: int | None = None,
           cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """三等功 due for blocks completed in ``first_year`` (default ``year``) … ``year``: one row per
    block with ``block_start``, ``block_end``, ``window_end``, ``awarded_on``, ``recorded`` and
    ``status`` (已记功 / 未记功 / 待记功 while the window is still open at the end of the data:
    31 Dec of meta ``data_to``, else of the latest grade)."""
    return _yearly(con, "merits", year, first_year=year if first_year is None else first_year,
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts))


def unrecorded_merits(con: duckdb.DuckDBPyConnection, *, year: int, first_year: int | None = None,
                      **filters) -> pd.DataFrame:
    """The merits of :func:`merits` due but not recorded (status 未记功 or 待记功)."""
    df = merits(con, year=year, first_year=first_year, **filters)
    out = df[~df["recorded"]].reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out


def unmatched_rewards(con: duckdb.DuckDBPyConnection, *, year: int, first_year: int | None = None,
                      units: Units = None, age_group: str | None = None, young: bool | None = None,
                      entry_cohort: int | None = None,
                      cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """三等功 awarded in ``first_year`` (default ``year``) … ``year`` with no streak behind them:
    one row per reward with ``awarded_on`` and ``reason``."""
    return _yearly(con, "unmatched_rewards", year, first_year=year if first_year is None else first_year,
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts))


# --------------------------------------------------------------------------- quarterly assessment

def quarterly_distribution(con: duckdb.DuckDBPyConnection, *, year: int, first_year: int | None = None,
                           units: Units = None, age_group: str | None = None,
                           young: bool | None = None, entry_cohort: int | None = None,
                           cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """Quarterly grades per quarter of ``first_year`` (default ``year``) … ``year``: one row per
    (year, quarter, grade) with ``persons``, ``graded`` and ``share``."""
    return _yearly(con, "quarterly_distribution", year, first_year=year if first_year is None else first_year,
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts))


def quarterly_trend(con: duckdb.DuckDBPyConnection, *, year: int, first_year: int | None = None,
                    units: Units = None, age_group: str | None = None, young: bool | None = None,
                    entry_cohort: int | None = None,
                    cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """Each active person's quarterly grades from ``first_year`` (default ``year`` − 1) Q1 to
    ``year`` Q4: ``grades`` in order, counts per grade, ``first_grade``, ``last_grade``, ``change``
    (last score − first, 好 4 … 较差 1) and ``declines``."""
    first = int(year) - 1 if first_year is None else int(first_year)
    # quarterly_trend.sql holds a range in 64-bit quarter masks: up to _MASK_YEARS years
    if int(year) - first >= _MASK_YEARS:
        return _yearly(con, "quarterly_trend_long", year, first_year=first,
                       **_slice_kw(units, age_group, young, entry_cohort, cohorts))
    as_of = _year_end(con, year)
    params = {"year": int(year), "first_year": first, "as_of": as_of,
              **_slice(con, **_slice_kw(units, age_group, young, entry_cohort, cohorts))}
    try:
        with _query.reading(con, "evaluation/quarters", when=_quarters_stored(con, first, int(year))):
            con.execute(sql.load("evaluation/quarterly_trend_masked"),
                        _query.bound("evaluation/quarterly_trend_masked", params))
        con.execute(sql.load("evaluation/quarterly_trend_combos"))
        combos = _query.to_pandas(_query.fetch(con, "evaluation/quarterly_trend_combo_columns"))
        persons = _query.fetch(con, "evaluation/quarterly_trend")
    finally:
        con.execute(sql.load("evaluation/quarterly_trend_drop"))
    # each person's derived columns: those of its combination, taken by number (combo_no)
    number = persons.column("combo_no").to_numpy()
    people = _query.to_pandas(persons.drop_columns(["combo_no"]), repeated=_REPEATED)
    columns = {name: people[name] for name in people.columns}
    columns.update({name: pd.Series(combos[name].array.take(number), copy=False) for name in combos.columns})
    df = pd.DataFrame(columns, index=pd.RangeIndex(len(number)), copy=False)
    df.attrs.update(year=int(year), as_of=as_of.isoformat(), rules_version=_query.rules(con).version)
    return df


def quarterly_declines(con: duckdb.DuckDBPyConnection, *, year: int, first_year: int | None = None,
                       units: Units = None, age_group: str | None = None, young: bool | None = None,
                       entry_cohort: int | None = None,
                       cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """Two consecutive quarterly declines completed in ``first_year`` (default ``year``) …
    ``year``: one row per person and quarter of the second decline, with the three ``grades``."""
    first = int(year) if first_year is None else int(first_year)
    # quarterly_declines.sql holds first_year − 1 … year in 64-bit quarter masks
    if int(year) - first + 1 < _MASK_YEARS:
        name, stored = "quarterly_declines", _quarters_stored(con, first - 1, int(year))
    else:
        name, stored = "quarterly_declines_long", False
    return _yearly(con, name, year, first_year=first, stored=stored,
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts))


def quarterly_vs_annual(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None,
                        age_group: str | None = None, young: bool | None = None,
                        entry_cohort: int | None = None,
                        cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """The 1+N link of ``year``: among persons with four quarterly grades, the annual grade by the
    number of 好 quarters — one row per (``good_quarters``, ``grade``) with ``persons``,
    ``group_persons`` and ``share``."""
    return _yearly(con, "quarterly_vs_annual", year, **_slice_kw(units, age_group, young, entry_cohort, cohorts))


def special_tasks(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None,
                  age_group: str | None = None, young: bool | None = None,
                  entry_cohort: int | None = None,
                  cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """急难险重 tasks started in ``year`` per person: ``tasks``, ``rated``, ``ratings``
    ('突出×1、良好×2'), ``task_names`` and the year's ``annual_grade``."""
    return _yearly(con, "special_tasks", year, **_slice_kw(units, age_group, young, entry_cohort, cohorts))


# --------------------------------------------------------------------------- warnings and rewards

def early_warnings(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, units: Units = None,
                   age_group: str | None = None, young: bool | None = None,
                   entry_cohort: int | None = None,
                   cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """The 苗头性问题 list on ``as_of`` (SPEC §5), for the persons active that day.

    One row per person and ``kind`` (:data:`WARNING_KINDS`) — for 培训逾期 per ``rule``: a
    基本称职/不称职 for year(as_of) − 1; a 一般/较差 quarter among the last four completed quarters;
    an active 诫勉/组织处理/处分 (``promotion.blocking_supervision``, effective_until > as_of); a
    mandatory training past due — an obligation of 初任培训 (凡进必训) or 任职培训 (应训必训)
    whose status on ``as_of`` is 未完成 in ``training_obligations`` (``sql/training/
    obligations.sql``, the one definition :func:`qingmiao_lib.training.gap_list` reads too), so
    the 培训逾期 rows name exactly the (person, rule) pairs of
    ``gap_list(rules=["初任培训", "任职培训"], statuses=["missing"])`` whose person is active.
    Like gap_list, only obligations due from 1 January of year(as_of) to ``as_of`` (a due date
    on ``as_of`` included) are listed.

    Columns: ``person_id``, ``name``, ``unit_id``, ``unit_name``, ``kind``, ``evidence``
    (Chinese, e.g. "2023-03-01任乡科级副职，任职培训应于2024-03-01前完成，未见记录"),
    ``evidence_date`` (the latest dated fact: year end, quarter end, supervision, due date),
    ``rule`` and ``due_date`` (培训逾期 only: the rule, the earliest due date of its overdue
    obligations; empty for the other kinds).
    """
    as_of = pd.Timestamp(as_of).date()
    params = {"as_of": as_of, **_slice(con, units, age_group, young, entry_cohort, cohorts)}
    return _run(con, "warnings", params, as_of=as_of)


def warning_counts(warnings: pd.DataFrame, *, by: str = "unit") -> pd.DataFrame:
    """Counts of :func:`early_warnings` by ``kind`` and ``by`` ("unit" or "all"): one row per
    (unit_id, unit_name, kind) with ``persons`` (persons warned) — every kind listed."""
    if by not in ("unit", "all"):
        raise ValueError(f"by must be 'unit' or 'all', got {by!r}")
    keys = ["unit_id", "unit_name"] if by == "unit" else []
    w = warnings.fillna({"unit_id": "—", "unit_name": "—"})
    counts = w.groupby([*keys, "kind"])["person_id"].nunique().rename("persons").reset_index()
    groups = w[keys].drop_duplicates() if keys else pd.DataFrame(index=[0])
    grid = groups.merge(pd.DataFrame({"kind": _query.text(list(WARNING_KINDS))}), how="cross")
    out = grid.merge(counts, how="left", on=[*keys, "kind"]).fillna({"persons": 0})
    out["persons"] = out["persons"].astype(int)
    out.attrs = dict(warnings.attrs)
    return out


def rewards_by_kind(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None,
                    age_group: str | None = None, young: bool | None = None,
                    entry_cohort: int | None = None,
                    cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """Rewards awarded in ``year`` by ``kind`` and ``age_group`` (ages on 31 Dec): ``rewards``,
    ``persons``."""
    return _yearly(con, "rewards", year, **_slice_kw(units, age_group, young, entry_cohort, cohorts))


def invalid_grades(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Annual grades of years their person was not active (for ``qingmiao check``): one row per
    such grade with ``person_id``, ``year``, ``grade``, ``entry_date``, ``exit_date``, ``problem``.
    Every analysis here leaves them out."""
    return _run(con, "invalid_grades", {})
