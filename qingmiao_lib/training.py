"""Training coverage (SPEC §1 item 2, §5 "Training"): the four rules, hours, the weekly lecture,
dual mentors and frontline practice. One function per question: connection first, keyword-only
``year``/``as_of`` and slice filters, a DataFrame with a stated grain; ``attrs`` carries
``as_of``, ``year`` and ``rules_version``. The definitions live in the SQL files
(``sql/training/*.sql``, whose headers are the reference); in short:

- **recruit**: ``entry_channel`` 考试录用 or 选调生 (rules list ``training.recruit_channels`` when a
  locality sets one); 遴选/调任/军转安置/其他 come with prior service, an empty channel is no recruit.
- **credited course**: passed (``passed = true``; 不合格 counts nowhere) and started by ``as_of``.
  Its length in days is ``end_date − start_date + 1`` for a class, ``hours / hours_per_day`` for a
  course in a non-class mode (网络), whose dates span a self-study period.
- **初任培训**: due ``entry_date + initial_deadline_months``; covered by credited 初任培训 starting on
  or before the due date (the due date itself counts) lasting ≥ ``initial_min_days`` days.
- **任职培训**: every leadership appointment (a post above the person's preceding post, as F7) owes
  credited 任职培训 starting from ``appointment_window_before_months`` before to
  ``appointment_window_after_months`` after its start (the due date), lasting ≥ the level's
  ``appointment_training_days``.
- **在职培训**: persons active all year Y owe ``in_service_min_hours`` 学时 or
  ``in_service_min_days`` days of credited training of any kind starting in Y; due 31 December.
- **专门业务培训**: the target group the caller names (``target_ids``) owes one in Y.
- **status** on ``as_of``: 已完成 (covered); 未到期 (pending: due after ``as_of``); 未完成 (missing).
  An obligation is in year Y's matrix when it falls due in Y or later and has begun by ``as_of``; a
  person who left on or before the due date without the training is in neither count.
- **weekly lecture**: read from the table ``lecture_marks`` (per person and year, the sessions owed,
  attended and excused as bit sets; written by :func:`qingmiao_lib.db.refresh_snapshots`) while
  the fingerprint stored with it matches the records and rules (``sql/snapshots/lecture_stamp.sql``),
  else computed live from ``lecture_attendance`` — the same answers either way.
- **courses per year**: on 31 December the 在职培训/专门业务培训 credit (coverage matrix, gap list,
  in-service) and the class person-times read each person's courses per calendar year from the
  table ``training_years`` (same refresh, stamp ``sql/snapshots/training_stamp.sql``, live
  fallback through :func:`_training_stored`); any other ``as_of`` sums ``trainings`` live.

>>> import qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")                        # doctest: +SKIP
>>> qm.training.coverage_matrix(con, year=2023)                       # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import pandas as pd

from . import _query, sql
from .db import stored_current

#: The four rules, in matrix order, with the principle each one enforces.
RULES = {"初任培训": "凡进必训", "任职培训": "应训必训", "专门业务培训": "突出重点", "在职培训": "全员覆盖"}
#: Status codes accepted by :func:`gap_list` → the values the frames hold.
STATUSES = {"covered": "已完成", "pending": "未到期", "missing": "未完成"}
#: Slice dimensions (allowlist) → the value the SQL switches on.
BY = {"total": "total", "unit": "unit", "unit_kind": "unit_kind", "entry_cohort": "entry_cohort"}
LECTURE_BY = {"total": "total", "unit": "unit", "unit_kind": "unit_kind"}
UNIT_KINDS = _query.UNIT_KINDS

#: :func:`hours_by_person`: its credited-hours column of each kind and of each mode (None = no
#: mode recorded) → the value in ``trainings``.
HOURS_BY_KIND = {"initial_hours": "初任培训", "appointment_hours": "任职培训",
                 "specialised_hours": "专门业务培训", "in_service_hours": "在职培训"}
HOURS_BY_MODE = {"full_time_hours": "脱产", "online_hours": "网络", "other_mode_hours": "其他",
                 "unfilled_mode_hours": None}

#: A comparison, not a causal claim (attrs["note"] of :func:`practice_outcomes`).
OUTCOME_NOTE = ("对照比较，并非因果结论：实践锻炼人选偏向表现突出者，两组晋升比例的差异"
                "不能说明实践锻炼本身带来了晋升。")

#: Chinese names of this module's output columns (merged into ``labels.chinese``).
COLUMNS: dict[str, str] = {
    "rule": "培训类别", "principle": "要求", "status": "状态", "group_id": "分组代码",
    "group_name": "分组", "obligations": "应训人数", "covered": "已完成", "due": "已到期",
    "pending": "未到期", "missing": "未完成", "coverage": "覆盖率", "year": "年度",
    "unit_name": "单位", "active": "在职", "event_date": "起算日期", "window_start": "可计入起始日",
    "due_date": "截止日期", "days_overdue": "逾期天数", "days_left": "剩余天数",
    "need_days": "应训天数", "need_hours": "应训学时", "have_days": "已训天数",
    "have_hours": "已训学时", "shortfall_days": "差额天数", "shortfall_hours": "差额学时",
    "kind": "培训类别", "mode": "培训方式", "courses": "培训次数", "failed": "不合格次数",
    "hours": "学时", "credited_hours": "计入学时", "hours_per_person": "人均计入学时",
    "class": "面授班次", "person_times": "培训人次", "young_person_times": "年轻公务员培训人次",
    "young_persons": "年轻公务员人数", "topic": "主题类别", "sessions": "应到场次",
    "first_held": "首次日期", "last_held": "末次日期", "attended": "出席", "excused": "请假",
    "absent": "缺席", "rate": "出勤率", "excused_rate": "请假率", "below": "低于出勤要求",
    "month": "月份", "political": "有政治导师", "business": "有业务导师",
    "missing_roles": "缺少导师", "orphaned": "导师已离开", "mentor_elsewhere": "导师在其他单位",
    "mentor_id": "导师人员编号", "mentees": "带教人数", "political_mentees": "政治导师带教",
    "business_mentees": "业务导师带教", "over_limit": "超过带教上限", "program": "实践项目",
    "postings": "选派人次", "young_persons_posted": "其中年轻公务员", "ended": "已结束",
    "ongoing": "进行中", "median_posting_months": "实践时长中位数（月）",
    "mean_posting_months": "实践平均时长（月）", "young_active": "在职年轻公务员", "practised": "有实践经历", "practised_this_year": "本年选派",
    "practised_promoted": "实践后晋升", "practised_rate": "实践者晋升比例",
    "initial_hours": "初任培训学时", "appointment_hours": "任职培训学时",
    "specialised_hours": "专门业务培训学时", "in_service_hours": "在职培训学时",
    "full_time_hours": "脱产学时", "online_hours": "网络学时", "other_mode_hours": "其他方式学时",
    "unfilled_mode_hours": "方式未填学时",
    "peers": "同批未实践对照", "peer_rate": "对照组晋升比例", "difference": "差异",
}


# --------------------------------------------------------------------------------------------
# shared helpers


def _as_of(con, year: int, as_of: dt.date | None) -> dt.date:
    year = int(year)
    if not 1950 <= year <= 2100:
        raise ValueError(f"year out of range: {year}")
    if as_of is None:
        return con.execute("select year_end(?::integer)", [year]).fetchall()[0][0]
    as_of = pd.Timestamp(as_of).date()
    if as_of.year != year:
        raise ValueError(f"as_of {as_of} is not in year {year}")
    return as_of


def _slice(units, unit_kinds, cohorts) -> dict:
    """The slice filters as bound parameters (:class:`qingmiao_lib._query.Slice`)."""
    return _query.Slice.of({"units": units, "unit_kinds": unit_kinds, "cohorts": cohorts}).params()


def _choose(value: str, allowed: dict[str, str], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {sorted(allowed)}")
    return allowed[value]


def _lecture_stored(con, year: int) -> bool:
    """May the lecture analyses of ``year`` read the stored bit sets (table ``lecture_marks``,
    written by :func:`qingmiao_lib.db.refresh_snapshots`)? Only when the table exists, holds the
    year, and the stamp stored with it still matches the records and this connection's rules
    (``sql/snapshots/lecture_stamp.sql``); otherwise the live computation runs — a database
    changed after its refresh, or never refreshed, is never answered from a stale copy."""
    fits, = con.execute(sql.load("training/lecture_source"), {"year": int(year)}).fetchall()[0]
    return bool(fits and stored_current(con, "lecture_marks", "lecture_stamp"))


def _training_stored(con) -> bool:
    """May the training analyses read the stored per-person-year courses (table
    ``training_years``, written by :func:`qingmiao_lib.db.refresh_snapshots`)? Only when the table
    exists and the stamp stored with it still matches the records and this connection's rules
    (``sql/snapshots/training_stamp.sql``); otherwise the live computation runs."""
    return stored_current(con, "training_years", "training_stamp")


def _courses_stored(con, as_of: dt.date) -> bool:
    """Do the course sources read the stored ``training_years`` on ``as_of``? On 31 December
    (the table holds whole calendar years), while :func:`_training_stored`."""
    return (as_of.month, as_of.day) == (12, 31) and _training_stored(con)


def _year_ends_stored(con, first_year: int, last_year: int) -> bool:
    """Is the base layer stored (table ``snapshots``) on the year_end of every year of the span?
    (:func:`coverage_trend` reads those persons straight from the table.)"""
    return con.execute(sql.load("training/year_ends_stored"),
                       {"first": first_year, "last": last_year}).fetchall()[0][0]


#: Text columns repeated down a long list: each distinct value is made once.
_REPEATED = frozenset(("rule", "status", "unit_kind", "kind", "mode", "topic", "program", "level",
                          "group_id", "group_name"))


def _run(con, name: str, params: dict, *, year: int | None, as_of: dt.date | None,
         source: str | None = None, stored: bool = False) -> pd.DataFrame:
    """``sql/training/<name>.sql`` as a frame (:func:`qingmiao_lib._query.run`), the repeated
    text columns (:data:`_REPEATED`) made once per value; read from the stored variant of
    ``source`` when ``stored``."""
    with _query.reading(con, source or "training/courses", when=stored):
        df = _query.run(con, f"training/{name}", params, repeated=_REPEATED)
    attrs = {"rules_version": _query.rules(con).version}
    if year is not None:
        attrs["year"] = int(year)
    if as_of is not None:
        attrs["as_of"] = pd.Timestamp(as_of).date().isoformat()
    df.attrs.update(attrs)
    return df


def _statuses(statuses: Iterable[str] | None) -> list[str] | None:
    if statuses is None:
        return None
    if isinstance(statuses, str):
        statuses = [statuses]
    out = []
    for s in statuses:
        if s in STATUSES:
            out.append(STATUSES[s])
        elif s in STATUSES.values():
            out.append(s)
        else:
            raise ValueError(f"unknown status {s!r}; expected one of {list(STATUSES)}")
    return out


def _rules(rules: Iterable[str] | None) -> list[str] | None:
    if rules is None:
        return None
    if isinstance(rules, str):
        rules = [rules]
    rules = list(rules)
    bad = [r for r in rules if r not in RULES]
    if bad:
        raise ValueError(f"unknown rule {bad[0]!r}; expected one of {list(RULES)}")
    return rules


def _targets(target_ids: Iterable[str] | None) -> list[str] | None:
    return None if target_ids is None else [str(t) for t in target_ids]


# --------------------------------------------------------------------------------------------
# the four rules


def coverage_matrix(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    by: str = "total", units=None, unit_kinds=None, cohorts=None, target_ids=None,
) -> pd.DataFrame:
    """The four training rules as a coverage matrix for ``year``, taken on ``as_of``.

    Parameters
    ----------
    con
        A connection from :func:`qingmiao_lib.connect`.
    year, as_of
        The reporting year and the day the status is taken on (default 31 December of ``year``;
        it must lie in ``year``).
    by
        ``"total"`` (one group 合计), ``"unit"``, ``"unit_kind"`` or ``"entry_cohort"``.
    units, unit_kinds, cohorts
        Slice filters (lists; None = all): unit ids, unit kinds, entry years. A person is placed in
        their unit on ``as_of`` (or their last unit, when they have left).
    target_ids
        The 专门业务培训 target group (person ids); None leaves that row out.

    Returns
    -------
    pandas.DataFrame
        One row per (rule, group) with an obligation: ``rule``, ``principle``, ``group_id``,
        ``group_name``, ``obligations`` (= ``covered + pending + missing``), ``covered``, ``due``
        (due on or before ``as_of``), ``pending``, ``missing``, ``coverage`` (``(due − missing) /
        due``; missing when nothing is due yet).

    Examples
    --------
    >>> coverage_matrix(con, year=2023, by="unit_kind")                # doctest: +SKIP
    """
    as_of = _as_of(con, year, as_of)
    params = {"as_of": as_of, "by": _choose(by, BY, "dimension"), "target_ids": _targets(target_ids),
              **_slice(units, unit_kinds, cohorts)}
    df = _run(con, "coverage_matrix", params, year=year, as_of=as_of,
              stored=_courses_stored(con, as_of))
    df.insert(1, "principle", _query.text(df["rule"].map(RULES)))
    return df


def coverage_trend(
    con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
    units=None, unit_kinds=None, cohorts=None, target_ids=None,
) -> pd.DataFrame:
    """:func:`coverage_matrix` (by total) for each year from ``first_year`` to ``last_year``, each
    on 31 December. Grain: one row per (year, rule); columns as the matrix plus ``year``.

    All the years are counted in one pass (``sql/training/coverage_trend.sql``) when the base layer
    is stored on every year's 31 December (:func:`qingmiao_lib.db.refresh_snapshots` stores the
    recent years), else year by year through :func:`coverage_matrix` — the same answers."""
    first_year, last_year = int(first_year), int(last_year)
    if first_year > last_year:
        df = pd.DataFrame()
    elif _year_ends_stored(con, first_year, last_year):
        last_day = _as_of(con, last_year, None)
        params = {"first_year": first_year, "last_year": last_year,
                  "target_ids": _targets(target_ids), **_slice(units, unit_kinds, cohorts)}
        df = _run(con, "coverage_trend", params, year=None, as_of=None,
                  stored=_courses_stored(con, last_day))
        df.insert(1, "principle", _query.text(df["rule"].map(RULES)))
        df.attrs.clear()
        if first_year == last_year:  # as pd.concat of the one year's matrix keeps its attrs
            df.attrs.update(rules_version=_query.rules(con).version, year=first_year,
                            as_of=last_day.isoformat())
    else:
        years = []
        for year in range(first_year, last_year + 1):
            m = coverage_matrix(con, year=year, units=units, unit_kinds=unit_kinds, cohorts=cohorts,
                                target_ids=target_ids)
            years.append(m.assign(year=year).drop(columns=["group_id", "group_name"]))
        df = pd.concat(years, ignore_index=True)
    df.attrs.update(first_year=first_year, last_year=last_year, rules_version=_query.rules(con).version)
    return df


def gap_list(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    rules=None, statuses=("missing", "pending"), units=None, unit_kinds=None, cohorts=None,
    target_ids=None,
) -> pd.DataFrame:
    """The people behind the coverage matrix: who owes what, by when — the list sent to units.

    Parameters as :func:`coverage_matrix`, plus ``rules`` (e.g. ``["初任培训"]``; None = all) and
    ``statuses`` (``"missing"``/``"pending"``/``"covered"`` or 未完成/未到期/已完成; None = all).

    Returns
    -------
    pandas.DataFrame
        One row per obligation: ``rule``, ``status``, ``person_id``, ``name`` (unmasked: mask with
        :func:`qingmiao_lib.privacy.mask_name` before showing), ``unit_id``, ``unit_name``,
        ``unit_kind``, ``entry_cohort``, ``active``, ``event_date`` (entry / appointment start /
        1 January), ``level`` (appointments), ``window_start``, ``due_date``, ``days_overdue``
        (missing), ``days_left`` (pending), ``need_days``, ``need_hours``, ``have_days``,
        ``have_hours``, ``shortfall_days``, ``shortfall_hours``. Missing first, then by due date.

    Examples
    --------
    >>> gap_list(con, year=2023, rules=["初任培训"], statuses=["missing"])   # doctest: +SKIP
    """
    as_of = _as_of(con, year, as_of)
    params = {"as_of": as_of, "target_ids": _targets(target_ids), "rules": _rules(rules),
              "statuses": _statuses(statuses), **_slice(units, unit_kinds, cohorts)}
    return _run(con, "gap_list", params, year=year, as_of=as_of,
                stored=_courses_stored(con, as_of))


def in_service(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """在职培训 per person: everyone active all ``year``, their credited hours and days and the
    shortfall. Grain: one row per person — the 在职培训 rows of :func:`gap_list` (every status,
    its columns and order) with ``meets`` third, True when covered."""
    as_of = _as_of(con, year, as_of)
    params = {"as_of": as_of, **_slice(units, unit_kinds, cohorts)}
    return _run(con, "in_service", params, year=year, as_of=as_of, stored=_courses_stored(con, as_of))


# --------------------------------------------------------------------------------------------
# hours


def hours_by_person(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """Training hours per person in ``year`` (courses starting 1 January – ``as_of``), by kind
    and by mode: the 学时 table, one line per person.

    Grain: one row per person with a course, ordered by ``person_id``: ``person_id``, ``name``
    (unmasked), ``unit_id``, ``unit_kind``, ``entry_cohort``, ``courses``, ``failed`` (not
    passed), ``hours`` (all courses), ``credited_hours`` (passed ones), the credited hours by
    kind (:data:`HOURS_BY_KIND`) and by mode (:data:`HOURS_BY_MODE`) — each group sums to
    ``credited_hours``. Summed over persons it gives :func:`hours_totals` by kind and by mode
    (which also has the two crossed).
    """
    as_of = _as_of(con, year, as_of)
    return _run(con, "hours_by_person", {"as_of": as_of, **_slice(units, unit_kinds, cohorts)},
                year=year, as_of=as_of, stored=_courses_stored(con, as_of))


def hours_totals(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """Training totals of ``year`` by kind and mode. Grain: one row per (kind, mode):
    ``class`` (a class, not 网络), ``courses``, ``persons``, ``failed``, ``hours``,
    ``credited_hours``, ``hours_per_person``."""
    as_of = _as_of(con, year, as_of)
    return _run(con, "hours_totals", {"as_of": as_of, **_slice(units, unit_kinds, cohorts)},
                year=year, as_of=as_of)


def class_person_times(
    con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
    units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """Class person-times (培训人次, F3's basis) per year; the slice is taken on 31 December of
    ``last_year``. Grain: one row per year:
    ``person_times``, ``persons``, ``young_person_times`` (= F3 without a slice),
    ``young_persons``, ``hours``."""
    params = {"first_year": int(first_year), "last_year": int(last_year),
              "as_of": _as_of(con, last_year, None), **_slice(units, unit_kinds, cohorts)}
    df = _run(con, "class_person_times", params, year=None, as_of=None, stored=_training_stored(con))
    df.attrs.update(first_year=int(first_year), last_year=int(last_year))
    return df


# --------------------------------------------------------------------------------------------
# the weekly lecture


def lecture_sessions(con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int) -> pd.DataFrame:
    """Weekly lectures held per year and topic. Grain: one row per (year, topic): ``sessions``,
    ``first_held``, ``last_held``."""
    df = _run(con, "lecture_sessions", {"first_year": int(first_year), "last_year": int(last_year)},
              year=None, as_of=None)
    df.attrs.update(first_year=int(first_year), last_year=int(last_year))
    return df


def lecture_persons(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    below_only: bool = False, units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """Weekly-lecture attendance per person in ``year`` up to ``as_of``.

    Sessions owed are those held while the person was active and young; 请假 is counted apart
    from absence (no record). Grain: one row per person owing a session: ``sessions``,
    ``attended``, ``excused``, ``absent``, ``rate`` (attended / sessions), ``excused_rate``,
    ``below`` (rate under ``lecture.attendance_threshold``). ``below_only`` keeps the flagged.
    """
    as_of = _as_of(con, year, as_of)
    df = _run(con, "lecture_persons", {"as_of": as_of, **_slice(units, unit_kinds, cohorts)},
              year=year, as_of=as_of, source="training/lectures", stored=_lecture_stored(con, as_of.year))
    return df[df["below"]].reset_index(drop=True).pipe(_keep_attrs, df) if below_only else df


def lecture_groups(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    by: str = "unit", monthly: bool = False, units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """Weekly-lecture attendance per unit (``by="unit"``), unit kind or in total, for the year or
    per month (``monthly``). Grain: one row per group (and month): ``persons``, ``sessions``
    (person-sessions owed), ``attended``, ``excused``, ``absent``, ``rate``, ``excused_rate``,
    ``below`` (persons of the group under the threshold for the year)."""
    as_of = _as_of(con, year, as_of)
    params = {"as_of": as_of, "by": _choose(by, LECTURE_BY, "dimension"), "monthly": bool(monthly),
              **_slice(units, unit_kinds, cohorts)}
    return _run(con, "lecture_groups", params, year=year, as_of=as_of,
                source="training/lectures", stored=_lecture_stored(con, as_of.year))


def lecture_person_months(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """The person × month attendance matrix of ``year`` (long form). Grain: one row per
    (person, month) owing a session: ``sessions``, ``attended``, ``excused``, ``absent``, ``rate``.
    Names are unmasked: mask them before showing."""
    as_of = _as_of(con, year, as_of)
    return _run(con, "lecture_person_months", {"as_of": as_of, **_slice(units, unit_kinds, cohorts)},
                year=year, as_of=as_of, source="training/lectures", stored=_lecture_stored(con, as_of.year))


# --------------------------------------------------------------------------------------------
# dual mentors


def mentees(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """Dual-mentor coverage of the first-five-years cohort on ``as_of``.

    A role is held when a mentorship of that role is open on ``as_of`` and its mentor is active
    that day; a mentorship still open whose mentor has left (``exit_date ≤ as_of``) is reported in
    ``orphaned`` and does not cover. Grain: one row per first-five-years person: ``political``,
    ``business``, ``covered`` (both), ``missing_roles``, ``orphaned``, ``mentor_elsewhere``
    (active mentor now in another unit).
    """
    as_of = pd.Timestamp(as_of).date()
    return _run(con, "mentees", {"as_of": as_of, **_slice(units, unit_kinds, cohorts)},
                year=as_of.year, as_of=as_of)


def mentor_load(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """Mentor load on ``as_of``: active mentees per active mentor. Grain: one row per mentor
    with a mentee: ``mentees``, ``political_mentees``, ``business_mentees``, ``over_limit``
    (more than ``mentors.max_mentees``). The slice applies to the mentor's unit."""
    as_of = pd.Timestamp(as_of).date()
    df = _run(con, "mentor_load", {"as_of": as_of, **_slice(units, unit_kinds, cohorts)},
              year=as_of.year, as_of=as_of)
    df.attrs["max_mentees"] = _query.rules(con).max_mentees
    return df


# --------------------------------------------------------------------------------------------
# frontline practice


def practice_participation(
    con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
    units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """Frontline postings by start year and program, with their duration.

    Grain: one row per (year, program): ``postings``, ``persons``, ``young_persons_posted``
    (young on 31 December of the year, as F4), ``ended``, ``ongoing`` (on 31 December of
    ``last_year``), ``median_posting_months``, ``mean_posting_months`` (full months, ended
    postings).
    """
    as_of = _as_of(con, last_year, None)
    params = {"first_year": int(first_year), "last_year": int(last_year), "as_of": as_of,
              **_slice(units, unit_kinds, cohorts)}
    df = _run(con, "practice_participation", params, year=None, as_of=as_of)
    df.attrs.update(first_year=int(first_year), last_year=int(last_year))
    return df.rename(columns={"young_persons": "young_persons_posted"})


def practice_share(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, by: str = "total",
    units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """The share of the active young who have had a frontline posting by ``as_of``. Grain: one
    row per group of ``by``: ``young_active``, ``practised``, ``practised_this_year``, ``share``."""
    as_of = pd.Timestamp(as_of).date()
    params = {"as_of": as_of, "by": _choose(by, BY, "dimension"), **_slice(units, unit_kinds, cohorts)}
    return _run(con, "practice_share", params, year=as_of.year, as_of=as_of)


def practice_outcomes(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, window_years: int | None = None,
    units=None, unit_kinds=None, cohorts=None,
) -> pd.DataFrame:
    """Promotion within ``window_years`` after a first posting, against same-cohort peers
    without one — a comparison, not a causal claim (``attrs["note"]``).

    ``window_years`` defaults to the rules' ``practice.outcome_window_years`` when a rules file
    sets it, else 2 (the issue's horizon). Promotion = a rank promotion (晋升) or a leadership
    appointment. Peers are stratified by entry cohort and posting year and their rate is
    standardised to the practised (see ``sql/training/practice_outcomes.sql``).

    Grain: one row per entry cohort, plus ``entry_cohort`` missing for all together:
    ``practised``, ``practised_promoted``, ``practised_rate``, ``peers``, ``peer_rate``,
    ``difference``.
    """
    as_of = pd.Timestamp(as_of).date()
    if window_years is None:
        got = _query.rules(con).outcome_window_years
        window_years = 2 if got is None else got
    window_years = int(window_years)
    if not 1 <= window_years <= 10:
        raise ValueError(f"window_years must be between 1 and 10, got {window_years}")
    params = {"as_of": as_of, "window_months": 12 * window_years, **_slice(units, unit_kinds, cohorts)}
    df = _run(con, "practice_outcomes", params, year=as_of.year, as_of=as_of)
    df["entry_cohort"] = df["entry_cohort"].astype("Int64")
    df.attrs.update(window_years=window_years, note=OUTCOME_NOTE)
    return df


def _keep_attrs(df: pd.DataFrame, source: pd.DataFrame) -> pd.DataFrame:
    df.attrs = dict(source.attrs)
    return df
