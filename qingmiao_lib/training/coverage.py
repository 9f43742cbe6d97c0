"""The four mandatory-training rules: who owes what by when, and how much of it is done — the
coverage matrix, its trend over years, the gap list sent to units and the 在职培训 per person.
The definitions live in the SQL files (``sql/training/obligations.sql`` and the others of
``sql/training/``, whose headers are the reference); in short:

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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import duckdb
import pandas as pd

from .. import _query, sql
from .._steady import one_call
from ._common import (
    BY,
    COUNTY_BY,
    _as_of,
    _choose,
    _courses_stored,
    _obligations_held,
    _obligations_stored,
    _run,
    _slice,
    obligation_sources,
)

#: The four rules, in matrix order, with the principle each one enforces.
RULES = {"初任培训": "凡进必训", "任职培训": "应训必训", "专门业务培训": "突出重点", "在职培训": "全员覆盖"}
#: Status codes accepted by :func:`gap_list` → the values the frames hold.
STATUSES = {"covered": "已完成", "pending": "未到期", "missing": "未完成"}


def _year_ends_stored(con, first_year: int, last_year: int) -> bool:
    """Is the base layer stored (table ``snapshots``) on the year_end of every year of the span?
    (:func:`coverage_trend` reads those persons straight from the table.)"""
    return con.execute(sql.load("training/year_ends_stored"),
                       {"first": first_year, "last": last_year}).fetchall()[0][0]


def _span_obligations_stored(con, first_year: int, last_year: int, target_ids) -> bool:
    """May :func:`coverage_trend` count the stored obligations (table ``obligation_snapshots``)?
    When they may be read on the year_end of every year of the span (:func:`_obligations_stored`:
    no target group, the stamp current, the date held)."""
    return (_obligations_stored(con, _as_of(con, first_year, None), target_ids)   # the stamp, once
            and all(_obligations_held(con, _as_of(con, year, None))
                    for year in range(first_year + 1, last_year + 1)))


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


@one_call
def coverage_matrix(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    by: str | Sequence[str] = "total", units=None, unit_kinds=None, cohorts=None, counties=None,
    target_ids=None,
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
        ``"total"`` (one group 合计), ``"unit"``, ``"unit_kind"`` or ``"entry_cohort"``; on a
        combined database also ``"county"`` (the county code). A list of them gives the rows of
        each in turn, as that many calls concatenated, from one query: the obligations, the
        costly part, are computed once (``["total", "unit_kind"]`` is the notebook's heat table).
    units, unit_kinds, cohorts, counties
        Slice filters (lists; None = all): unit ids, unit kinds, entry years, county codes (a
        combined database's: the county of the person's key). A person is placed in their unit on
        ``as_of`` (or their last unit, when they have left).
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
    dims = [_choose(b, {**BY, **COUNTY_BY}, "dimension") for b in ([by] if isinstance(by, str) else by)]
    if not dims:
        raise ValueError("by names no dimension")
    params = {"as_of": as_of, "by": dims, "target_ids": _targets(target_ids),
              **_slice(con, units, unit_kinds, cohorts, counties, by="county" if "county" in dims else None)}
    with obligation_sources(con, as_of, params["target_ids"]):
        df = _run(con, "coverage_matrix", params, year=year, as_of=as_of, source=None)
    df.insert(1, "principle", _query.text(df["rule"].map(RULES)))
    return df


@one_call
def coverage_trend(
    con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
    units=None, unit_kinds=None, cohorts=None, counties=None, target_ids=None,
) -> pd.DataFrame:
    """:func:`coverage_matrix` (by total) for each year from ``first_year`` to ``last_year``, each
    on 31 December. Grain: one row per (year, rule); columns as the matrix plus ``year``.

    All the years are counted in one pass (``sql/training/coverage_trend.sql``) when the base layer
    is stored on every year's 31 December (:func:`qingmiao_lib.db.refresh_snapshots` stores the
    recent years): from the stored obligations of those dates (``obligation_snapshots``) while
    they may be read (no target group, stamp current), else computed from the records in that
    pass; otherwise year by year through :func:`coverage_matrix` — the same answers."""
    first_year, last_year = int(first_year), int(last_year)
    if first_year > last_year:
        df = pd.DataFrame()
    elif _year_ends_stored(con, first_year, last_year):
        last_day = _as_of(con, last_year, None)
        params = {"first_year": first_year, "last_year": last_year,
                  "target_ids": _targets(target_ids), **_slice(con, units, unit_kinds, cohorts, counties)}
        with _query.reading(con, "training/obligations",
                            when=_span_obligations_stored(con, first_year, last_year, params["target_ids"])):
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
            m = coverage_matrix(con, year=year, units=units, unit_kinds=unit_kinds, cohorts=cohorts, counties=counties,
                                target_ids=target_ids)
            years.append(m.assign(year=year).drop(columns=["group_id", "group_name"]))
        df = pd.concat(years, ignore_index=True)
    df.attrs.update(first_year=first_year, last_year=last_year, rules_version=_query.rules(con).version)
    return df


@one_call
def gap_list(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    rules=None, statuses=("missing", "pending"), units=None, unit_kinds=None, cohorts=None, counties=None,
    target_ids=None, per_cell: int | None = None,
) -> pd.DataFrame:
    """The people behind the coverage matrix: who owes what, by when — the list sent to units.

    Parameters as :func:`coverage_matrix`, plus ``rules`` (e.g. ``["初任培训"]``; None = all) and
    ``statuses`` (``"missing"``/``"pending"``/``"covered"`` or 未完成/未到期/已完成; None = all).
    ``per_cell`` keeps only the first ``per_cell`` rows of each cell — (rule, unit kind, status) —
    in the list's order: the first rows of any choice of rules, unit kinds and status are then
    among them (selected in order, the first N of a choice are its list's first N for N ≤
    ``per_cell``), so a viewer can fetch them once for every choice it offers.

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
    if per_cell is not None and int(per_cell) < 1:
        raise ValueError(f"per_cell must be 1 or more, not {per_cell!r}")
    params = {"as_of": as_of, "target_ids": _targets(target_ids), "rules": _rules(rules),
              "statuses": _statuses(statuses), "per_cell": None if per_cell is None else int(per_cell),
              **_slice(con, units, unit_kinds, cohorts, counties)}
    with obligation_sources(con, as_of, params["target_ids"]):
        return _run(con, "gap_list", params, year=year, as_of=as_of, source=None)


@one_call
def in_service(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    units=None, unit_kinds=None, cohorts=None, counties=None,
) -> pd.DataFrame:
    """在职培训 per person: everyone active all ``year``, their credited hours and days and the
    shortfall. Grain: one row per person — the 在职培训 rows of :func:`gap_list` (every status,
    its columns and order) with ``meets`` third, True when covered."""
    as_of = _as_of(con, year, as_of)
    params = {"as_of": as_of, **_slice(con, units, unit_kinds, cohorts, counties)}
    return _run(con, "in_service", params, year=year, as_of=as_of, stored=_courses_stored(con, as_of))


def in_service_hours(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    units=None, unit_kinds=None, cohorts=None, counties=None,
) -> pd.DataFrame:
    """The hours of :func:`in_service` without its person columns, for a distribution of the
    year's credited hours (a histogram, medians): one row per person of :func:`in_service`, in
    no particular order, with ``meets``, ``need_hours``, ``have_hours`` and ``shortfall_hours``
    as it gives them (``sql/training/in_service_hours.sql``). At national scale the list is
    millions of rows of twenty-odd columns; these are four numbers."""
    as_of = _as_of(con, year, as_of)
    params = {"as_of": as_of, **_slice(con, units, unit_kinds, cohorts, counties)}
    return _run(con, "in_service_hours", params, year=year, as_of=as_of, stored=_courses_stored(con, as_of))
