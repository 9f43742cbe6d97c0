"""Use of the pipeline (SPEC §1 item 4): rank-promotion eligibility on any date and why / why not,
quota headroom, leadership-post screening, promotions per year, time from entry to the first
promotion, the recruit → promoted funnel and one person's growth record (成长档案).

Every function takes the connection first, then keyword-only dates and filters, and returns a
DataFrame with a stated grain whose ``attrs`` carry ``as_of`` (or the years) and
``rules_version``. The rules of SPEC §5 "Rank-promotion eligibility" live in one SQL table macro,
``sql/pipeline/eligibility_on.sql``; every threshold comes from the rules tables.

>>> import datetime as dt, qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")                                # doctest: +SKIP
>>> qm.pipeline.eligibility(con, as_of=dt.date(2024, 3, 31), within_months=6)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow.compute as pc

from . import _query, sql
from .db import stored_current
from .privacy import mask_name

#: Chinese names of this module's output columns (merged into ``labels.chinese``).
COLUMNS: dict[str, str] = {
    "current_rank": "现职级", "next_rank": "拟晋升职级", "tenure_months": "任职年限（月）",
    "required_months": "需满年限（月）", "qualified": "符合资格条件", "quota_ok": "职数有空缺",
    "eligible": "可晋升", "reasons": "不符合原因", "unit_name": "单位",
    "tenure_basis": "年限依据", "tenure_start": "年限起算日", "post_months": "任领导职务月数",
    "excellent_years": "优秀年度数", "uncounted_years": "不计算年限年度数",
    "last_grade": "上年度考核", "blocking_kind": "影响期事项", "blocking_until": "影响期至",
    "quota_max": "职数", "quota_holders": "现有人数", "time_met_on": "满足年限日期",
    "months_to_eligible": "距满足年限（月）", "due_within": "期内满足年限",
    "next_step": "职级序号", "not_qualified": "不符合资格条件", "short_tenure": "任职年限不足",
    "grade_failed": "上年度考核不符合", "blocked": "处于影响期", "quota_blocked": "因职数已满暂缓",
    "year": "年度", "rank_step": "职级序号", "max_count": "职数", "holders": "现有人数",
    "headroom": "空缺", "current_level": "现职务层次", "next_level": "拟任职务层次",
    "required_post_months": "需任职月数", "work_months": "工作月数",
    "required_work_months": "需工作月数", "meets": "符合任职年限条件", "kind": "类别",
    "kind_label": "类别", "grp": "分组", "events": "次数", "cohort": "录用年份", "months": "月数",
    "survival": "尚未晋升比例", "at_risk": "观察人数", "censored": "删失人数",
    "ci_lower": "置信下限", "ci_upper": "置信上限", "step_no": "环节序号", "step": "环节",
    "conversion": "较上一环节", "share_of_recruited": "占录用人数", "start": "开始", "end": "结束",
    "open": "至今", "detail": "详情",
}

#: Promotion kinds of :func:`promotion_events` and their Chinese names.
EVENT_KINDS = {"leadership": "提拔领导职务", "rank": "职级晋升", "step_down": "退出领导岗位并晋升职级"}
#: Groupings of :func:`promotion_events` (an allowlist: the value is bound, never pasted).
EVENT_GROUPS = ("age_group", "unit", "entry_cohort", "all")
#: The funnel's steps in order: column of ``sql/pipeline/funnel.sql`` → Chinese name.
FUNNEL_STEPS = {
    "recruited": "录用", "trained": "完成初任培训", "young_pool": "进入年轻公务员库",
    "two_type_pool": "进入两型干部库", "practised": "一线实践锻炼", "excellent": "至少一次优秀",
    "rank_promoted": "职级晋升", "leader_promoted": "提拔领导职务",
}


def _frame(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pd.DataFrame:
    """``sql/pipeline/<name>.sql`` as a frame (:func:`qingmiao_lib._query.run`)."""
    return _query.run(con, f"pipeline/{name}", params)


#: The years of the stored grade masks (snapshots/grade_years.sql): 1950 … 2076, enough for an
#: eligibility on any date up to the end of 2076 (it reads the grades up to year(as_of) − 1).
_GRADE_MASK_YEARS = range(1951, 2077)


def _grades_stored(con: duckdb.DuckDBPyConnection) -> bool:
    """May the eligibility read each person's annual grades from the stored bit masks (table
    ``grade_years``, written by :func:`qingmiao_lib.db.refresh_snapshots`)? Only when the table
    exists and the stamp stored with it still matches ``annual_assessments``
    (``sql/snapshots/grade_stamp.sql``); otherwise the masks are computed from the grade rows."""
    return stored_current(con, "grade_years", "grade_stamp")


@contextlib.contextmanager
def _eligibility_sources(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> Iterator[None]:
    """Where the queries over ``eligibility_on`` inside the block read from (the same answers
    either way, :mod:`qingmiao_lib._query`):

    - on a stored date (a ``snapshots`` row for ``as_of``) the plan leaves out the records branch
      (``eligibility_records``) that reads no rows that day: planning is most of the time at the
      demo scale;
    - while the stored grade masks are current (:func:`_grades_stored`) and hold the years, the
      tenure's assessment years come from the table ``grade_years`` instead of masks computed
      from every grade row.
    """
    stored_date = con.execute(sql.load("pipeline/stored_date"), {"as_of": as_of}).fetchall()[0][0]
    masks = as_of.year in _GRADE_MASK_YEARS and _grades_stored(con)
    with (_query.reading(con, "pipeline/records", "none", when=stored_date),
          _query.reading(con, "pipeline/grades", when=masks)):
        yield


def _units(units: str | Sequence[str] | None) -> list[str] | None:
    if units is None:
        return None
    return [units] if isinstance(units, str) else [str(u) for u in units]


def _cohorts(cohorts: int | Sequence[int] | None) -> list[int] | None:
    if cohorts is None:
        return None
    return [int(cohorts)] if isinstance(cohorts, int) else [int(c) for c in cohorts]


def _default_cohorts(con, as_of: dt.date, cohorts) -> list[int] | None:
    """Entry cohorts to analyse: those given, else the entry years from the first year the
    records cover (the first year of ``figures.data_years``, ``sql/pipeline/first_year.sql``) to
    ``as_of``: persons who entered before the records start have careers the records only
    partly hold (their earlier promotions are missing)."""
    if cohorts is not None:
        return _cohorts(cohorts)
    first = con.execute(sql.load("pipeline/first_year")).fetchall()[0][0]
    return [] if first is None else list(range(int(first), as_of.year + 1))


def _date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _finish(df: pd.DataFrame, con, **attrs) -> pd.DataFrame:
    df.attrs.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in attrs.items()},
                    rules_version=_query.rules(con).version)
    return df


def eligibility(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                units: str | Sequence[str] | None = None,
                within_months: int | None = None) -> pd.DataFrame:
    """Rank-promotion eligibility (职级晋升) of every active person on ``as_of`` (SPEC §5).

    Parameters
    ----------
    as_of
        The date of the check.
    units
        Unit ids to keep (by the unit of the person's main current post); quotas and holders are
        still counted over the jurisdiction or the quota's unit.
    within_months
        Adds the forward view: ``due_within`` is True when the time condition is met by
        ``as_of`` + ``within_months`` months if nothing else changes (``time_met_on``).

    Returns
    -------
    pandas.DataFrame
        One row per active person: ``person_id, name, unit_id, current_rank, next_rank,
        tenure_months, required_months, qualified, quota_ok, eligible, reasons`` — tenure is
        counted (uncounted years already taken off), the requirement already cut for 优秀 years;
        ``qualified`` = the personal conditions, ``quota_ok`` = room in every quota that applies
        (true when no quota row is set, or when there is no next rank); ``reasons`` joins every
        failed condition with "；" ("" when eligible). Then ``unit_name``, ``tenure_basis``
        (职级 / 职务), ``tenure_start``, ``rank_months``, ``post_months``, ``excellent_years``,
        ``uncounted_years``, ``last_grade``, ``blocking_kind``, ``blocking_until``, ``quota_max``,
        ``quota_holders``, ``time_met_on``, ``months_to_eligible`` and, with ``within_months``,
        ``due_within``.

    Examples
    --------
    >>> df = eligibility(con, as_of=dt.date(2024, 3, 31))           # doctest: +SKIP
    >>> df.loc[~df.eligible, ["person_id", "reasons"]].head()          # doctest: +SKIP
    """
    as_of = _date(as_of)
    within = None if within_months is None else int(within_months)
    if within is not None and not 0 <= within <= 120:
        raise ValueError(f"within_months must be between 0 and 120, got {within_months}")
    with _eligibility_sources(con, as_of):
        table = _query.fetch(con, "pipeline/eligibility", {"as_of": as_of, "units": _units(units), "within": within})
    if within is None:
        table = table.drop_columns(["due_within"])
    reasons = table.schema.get_field_index("reasons")
    table = table.set_column(reasons, "reasons", pc.fill_null(table.column(reasons), ""))
    df = _query.to_pandas(table)
    for col in ("qualified", "quota_ok", "eligible"):
        df[col] = df[col].astype(bool)
    if within is not None:
        df["due_within"] = df["due_within"].astype(bool)
    return _finish(df, con, as_of=as_of, within_months=within)


def eligibility_counts(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                       units: str | Sequence[str] | None = None,
                       within_months: int | None = None) -> pd.DataFrame:
    """Eligibility on ``as_of`` counted by unit and next rank (the same rules as :func:`eligibility`).

    Returns one row per (unit, next rank) present: ``unit_id, unit_name, next_rank, next_step,
    persons, qualified, eligible, quota_blocked`` (qualified, but the quota is full),
    ``not_qualified``, the failed personal conditions ``short_tenure, grade_failed, blocked`` (a
    person may fail several) and ``due_within`` (time condition met by ``as_of`` + ``within_months``;
    0 months when not given). Persons at the ceiling or not yet graded have no next rank and
    are not counted.
    """
    as_of = _date(as_of)
    with _eligibility_sources(con, as_of):
        df = _frame(con, "eligibility_counts", {"as_of": as_of, "units": _units(units),
                                                "within": None if within_months is None else int(within_months)})
    return _finish(df, con, as_of=as_of, within_months=within_months)


def quota_usage(con: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """Quota (职数) usage on ``as_of`` against the quotas of ``year(as_of)``.

    Returns one row per quota row: ``year, unit_id`` (None = the whole jurisdiction),
    ``unit_name`` (全辖区 for the jurisdiction), ``rank, rank_step, max_count, holders``
    (active persons holding the rank on ``as_of``, in the named unit if any) and ``headroom``
    (negative when over the quota). Empty when no quota is set for the year.
    """
    as_of = _date(as_of)
    df = _frame(con, "quota_usage", {"as_of": as_of})
    return _finish(df, con, as_of=as_of, year=as_of.year)


def leadership_screening(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                         units: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Leadership-post promotion screening (选拔任用) on ``as_of``: the time conditions for the
    next post level (rules ``[posts]``) and no blocking supervision in effect.

    Returns one row per active person below the top level: ``person_id, name, unit_id,
    unit_name, current_level, next_level, post_months, required_post_months, work_months,
    required_work_months, meets, reasons`` ("；"-joined, "" when met). Time conditions only:
    the vacancy, the democratic recommendation and the inspection are the department's own.
    """
    as_of = _date(as_of)
    df = _frame(con, "leadership_screening", {"as_of": as_of, "units": _units(units)})
    df["meets"] = df["meets"].astype(bool)
    return _finish(df, con, as_of=as_of)


def promotion_events(con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
                     by: str = "age_group") -> pd.DataFrame:
    """Promotions per year from ``first_year`` to ``last_year``, by a grouping.

    ``by`` is one of :data:`EVENT_GROUPS`: ``age_group`` (the rules' young age limit: 40岁以下 / 40岁及以上 by default, on 31 December),
    ``unit`` (of the new post; for rank promotions the main post held that day),
    ``entry_cohort`` or ``all``. Kinds (:data:`EVENT_KINDS`): ``leadership`` (F7 basis),
    ``rank`` (F9 basis), ``step_down`` (F8 basis). F7 and F9 of a year are the 40岁以下 rows of
    ``leadership`` and ``rank``, F8 the 40岁及以上 row of ``step_down``.

    Returns one row per (year, kind, group) with an event: ``year, kind, kind_label, grp,
    persons`` (distinct persons) and ``events``.
    """
    if by not in EVENT_GROUPS:
        raise ValueError(f"by must be one of {', '.join(EVENT_GROUPS)}, got {by!r}")
    first_year, last_year = int(first_year), int(last_year)
    if first_year > last_year:
        raise ValueError(f"first_year {first_year} is after last_year {last_year}")
    df = _frame(con, "promotion_events", {"first": first_year, "last": last_year, "by": by})
    df.insert(2, "kind_label", _query.text(df["kind"].map(EVENT_KINDS)))
    return _finish(df, con, first_year=first_year, last_year=last_year, by=by)


def time_to_promotion(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                      cohorts: int | Sequence[int] | None = None,
                      min_at_risk: int | None = None) -> pd.DataFrame:
    """Time from entry to the first rank promotion, by entry cohort: Kaplan–Meier curves that
    stop where fewer than ``min_at_risk`` persons are at risk.

    A promotion is the first ranks row with reason 晋升 starting after the entry date and by
    ``as_of``; everyone else is censored at exit or ``as_of`` (kept in the risk set until then).
    The event table (at risk, promoted, censored per month) is counted in SQL; the estimate and
    its bounds are those of ``lifelines.KaplanMeierFitter`` (:func:`_kaplan_meier`), over the
    whole table. ``cohorts`` (entry years) defaults to those from the first year of the records on.

    ``min_at_risk`` defaults to the rules' small-cell threshold (``report.small_cell_threshold``,
    5): rows with fewer persons at risk are left out of the curve (at risk only falls with the
    months, so a cohort's curve stops there; a cohort smaller than that has no rows), and a
    cohort's median is given only when the curve reaches 0.5 at a month with at least
    ``min_at_risk`` at risk. ``min_at_risk=1`` gives the whole curve and lifelines' medians.

    Returns the tidy curves: one row per (cohort, month with an event or censoring, plus month 0)
    with at least ``min_at_risk`` at risk: ``cohort, months, survival`` (share not yet promoted),
    ``at_risk, events, censored, ci_lower, ci_upper``. ``attrs``: ``median_months`` maps every
    cohort with an entrant to its median time in months or None; ``median_note`` to None where a
    median is given, else why not — "未过半" (more than half not yet promoted where enough are
    at risk), "过半时观察人数不足N人" (half reached only once fewer than N are at risk), or
    "人数不足N人" (the cohort itself is smaller); ``min_at_risk`` holds N.
    """
    as_of = _date(as_of)
    t = _query.rules(con).small_cell_threshold if min_at_risk is None else int(min_at_risk)
    if t < 1:
        raise ValueError(f"min_at_risk must be at least 1, got {t}")
    table = _frame(con, "first_promotion", {"as_of": as_of, "cohorts": _default_cohorts(con, as_of, cohorts)})
    columns = ["cohort", "months", "survival", "at_risk", "events", "censored", "ci_lower", "ci_upper"]
    if table.empty:
        return _finish(pd.DataFrame(columns=columns), con, as_of=as_of, median_months={},
                       median_note={}, min_at_risk=t)
    survival, lower, upper, medians, notes = _kaplan_meier(table, min_at_risk=t)
    df = pd.DataFrame({
        "cohort": table["cohort"].to_numpy(np.int64), "months": table["months"].to_numpy(np.int64),
        "survival": survival, "at_risk": table["at_risk"].to_numpy(np.int64),
        "events": table["events"].to_numpy(np.int64), "censored": table["censored"].to_numpy(np.int64),
        "ci_lower": lower, "ci_upper": upper,
    })
    df = df[df["at_risk"].to_numpy() >= t].reset_index(drop=True)
    return _finish(df, con, as_of=as_of, median_months=medians, median_note=notes, min_at_risk=t)


#: z of the two-sided 95% interval: ``scipy.stats.norm.ppf(0.975)``, the value lifelines uses
#: (its default alpha 0.05).
_Z95 = 1.959963984540054
#: S ≤ 0.5 for the median, with room for the rounding of exp(Σ log …): 3 of 6 promoted gives
#: exp(log 3 − log 6) = 0.5000000000000001, which lifelines (comparing with 0.5) reads as "not
#: yet half"; exactly half is the median by definition.
_HALF = 0.5 + 1e-9


def _kaplan_meier(table: pd.DataFrame, *, min_at_risk: int = 1
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict, dict]:
    """Kaplan–Meier survival with exponential-Greenwood ("log-log") 95% bounds over the event
    tables of ``sql/pipeline/first_promotion.sql`` (rows sorted by cohort, months), computed as
    ``lifelines.KaplanMeierFitter`` does, operation for operation so the floats are the same:
    S(t) = exp(Σ log(n − d) − log n), var = Σ d / (n (n − d)) (an infinite term, n = d, counts 0),
    bounds exp(−exp(log(−log S) ∓ z √var / log S)), 1 where undefined; the median is the first
    month with S ≤ 0.5 (lifelines' with ``min_at_risk`` 1, except that S exactly 0.5 counts
    whatever the rounding of the exp: :data:`_HALF`), given only when at least
    ``min_at_risk`` are at risk in that month (None otherwise). Returns survival, lower, upper, the
    medians by cohort and, by cohort, None or why the median is not given (see
    :func:`time_to_promotion`)."""
    cohort = table["cohort"].to_numpy(np.int64)
    months = table["months"].to_numpy(np.int64)
    n = table["at_risk"].to_numpy(np.float64)
    d = table["events"].to_numpy(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.log(n - d) - np.log(n)
        var_step = d / (n * (n - d))
    var_step[var_step == np.inf] = 0.0
    log_s = np.empty_like(step)
    var = np.empty_like(step)
    starts = np.flatnonzero(np.r_[True, cohort[1:] != cohort[:-1]])
    ends = np.r_[starts[1:], len(cohort)]
    medians: dict[int, float | None] = {}
    notes: dict[int, str | None] = {}
    for a, b in zip(starts, ends, strict=True):  # cumulative sums within each cohort
        log_s[a:b] = pd.Series(step[a:b]).cumsum().ffill().to_numpy()
        var[a:b] = pd.Series(var_step[a:b]).cumsum().ffill().to_numpy()
    survival = np.exp(log_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.log(survival)
        lower = np.exp(-np.exp(np.log(-v) - _Z95 * np.sqrt(var) / v))
        upper = np.exp(-np.exp(np.log(-v) + _Z95 * np.sqrt(var) / v))
    lower[np.isnan(lower)] = 1.0
    upper[np.isnan(upper)] = 1.0
    for a, b in zip(starts, ends, strict=True):
        key = int(cohort[a])
        below = np.flatnonzero(survival[a:b] <= _HALF)
        medians[key], notes[key] = None, None
        if n[a] < min_at_risk:                       # the whole cohort (at risk at its start)
            notes[key] = f"人数不足{min_at_risk}人"
        elif not len(below):
            notes[key] = "未过半"
        elif n[a + below[0]] < min_at_risk:
            notes[key] = f"过半时观察人数不足{min_at_risk}人"
        else:
            medians[key] = float(months[a + below[0]])
    return survival, lower, upper, medians, notes


def funnel(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
           cohorts: int | Sequence[int] | None = None) -> pd.DataFrame:
    """The pipeline funnel per entry cohort on ``as_of`` (steps in :data:`FUNNEL_STEPS`).

    ``cohorts`` (entry years) defaults to those from the first year of the records on.
    Steps are nested: each counts the persons who also passed every earlier step, so the
    counts never increase along a cohort. Returns one row per (cohort, step): ``cohort,
    step_no, step`` (Chinese), ``persons``, ``conversion`` (persons / previous step; NaN for
    the first step or an empty previous step) and ``share_of_recruited``.
    """
    as_of = _date(as_of)
    wide = _frame(con, "funnel", {"as_of": as_of, "cohorts": _default_cohorts(con, as_of, cohorts)})
    long = wide.melt(id_vars="cohort", value_vars=list(FUNNEL_STEPS), var_name="key", value_name="persons")
    long["step_no"] = long["key"].map({k: i for i, k in enumerate(FUNNEL_STEPS, start=1)})
    long["step"] = _query.text(long["key"].map(FUNNEL_STEPS))
    long = long.sort_values(["cohort", "step_no"], ignore_index=True)
    long["persons"] = long["persons"].astype(int)
    prev = long.groupby("cohort")["persons"].shift(1)
    long["conversion"] = (long["persons"] / prev.where(prev > 0)).astype(float)
    first = long.groupby("cohort")["persons"].transform("first")
    long["share_of_recruited"] = (long["persons"] / first.where(first > 0)).astype(float)
    df = long[["cohort", "step_no", "step", "persons", "conversion", "share_of_recruited"]]
    return _finish(df, con, as_of=as_of)


def people(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
           units: str | Sequence[str] | None = None, unmasked: bool = False) -> pd.DataFrame:
    """Active persons on ``as_of`` for a profile picker: ``person_id, name`` (masked unless
    ``unmasked``), ``unit_id, unit_name, rank, level, age``; one row per person."""
    as_of = _date(as_of)
    df = _frame(con, "people", {"as_of": as_of, "units": _units(units)})
    if not unmasked:
        df["name"] = _query.text(df["name"].map(mask_name))
    return _finish(df, con, as_of=as_of, unmasked=bool(unmasked))


def profile(con: duckdb.DuckDBPyConnection, *, person_id: str, as_of: dt.date | None = None,
            unmasked: bool = False) -> pd.DataFrame:
    """One person's growth record (成长档案) as one long timeline.

    Returns one row per record starting by ``as_of`` (all records when None): ``kind`` (录用,
    职务, 职级, 人才库, 培训, 每周一讲 — one row per year —, 导师, 实践锻炼, 年度考核, 急难险重,
    奖励, 监督管理), ``start``, ``end`` (NaT for a one-day event or an open interval), ``open``
    (still current), ``label`` and ``detail``. Names (the person's in ``attrs["name"]``, the
    mentors' in ``detail``) are masked unless ``unmasked``. Raises ``KeyError`` for an unknown
    person.
    """
    as_of = None if as_of is None else _date(as_of)
    found = con.execute(sql.load("pipeline/person"), {"person_id": person_id}).fetchall()
    if not found:
        raise KeyError(f"人员编号不存在：{person_id}")
    name = found[0][0] if unmasked else mask_name(found[0][0])
    df = _frame(con, "profile", {"person_id": person_id, "as_of": as_of})
    who = df["who"].map(lambda n: n if unmasked or pd.isna(n) else mask_name(n)).astype(object)
    df["detail"] = _query.text((who.fillna("") + " " + df["detail"].astype(object).fillna("")).str.strip())
    df["open"] = df["open"].astype(bool)
    df = df.drop(columns=["who", "kind_order"])
    return _finish(df, con, as_of=as_of, person_id=person_id, name=name, unmasked=bool(unmasked))
