"""Who may be promoted on a date: rank-promotion eligibility (职级晋升) and why / why not, its
counts by unit and next rank, quota (职数) headroom, and the leadership-post screening (选拔任用).
The rules of SPEC §5 "Rank-promotion eligibility" live in one SQL table macro,
``sql/pipeline/eligibility_on.sql``, read by the list, the counts and the forward view alike;
:func:`_eligibility_sources` picks where it reads from (the same answers either way).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import weakref
from collections.abc import Iterator, Sequence

import duckdb
import pandas as pd
import pyarrow.compute as pc

from .. import _query, sql
from .._macros import ensure
from .._steady import settled
from ..db import install_once, stored_current
from ..errors import QingmiaoError
from . import _stored
from ._common import _counties, _county_quotas, _date, _finish, _frame, _units

#: The years of the stored grade masks (snapshots/grade_years.sql): 1950 … 2076, enough for an
#: eligibility on any date up to the end of 2076 (it reads the grades up to year(as_of) − 1).
_GRADE_MASK_YEARS = range(1951, 2077)


def _grades_stored(con: duckdb.DuckDBPyConnection) -> bool:
    """May the eligibility read each person's annual grades from the stored bit masks (table
    ``grade_years``, written by :func:`qingmiao_lib.db.refresh_snapshots`)? Only when the table
    exists and the stamp stored with it still matches ``annual_assessments``
    (``sql/snapshots/grade_stamp.sql``); otherwise the masks are computed from the grade rows."""
    return stored_current(con, "grade_years", "grade_stamp")


#: per connection: the date of the :func:`holding` block in force
_HOLDING: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: per connection: [fingerprint of the records and rules, {date held_eligibility holds: its
#: rows}, the latest used last]
_HELD: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: How many dates :func:`holding` keeps held at most: an explorer going back to a date shown
#: lately finds it still held …
HELD_DATES = 3
#: … as long as they hold at most this many rows together (one per active person and date, ~250
#: bytes each in memory: ~250 MB a date at a million persons, ~2 GB at eight million, where one
#: date only is kept); the date in use is always held.
HELD_ROWS = 3_000_000


@contextlib.contextmanager
def holding(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> Iterator[None]:
    """Inside the block, :func:`eligibility` and :func:`eligibility_counts` on ``as_of`` for the
    whole database or some of its units (no ``counties``) read the eligibility of every person
    on that date computed once and held in the temporary table ``held_eligibility``
    (``sql/pipeline/hold.sql``) — for a viewer asking the same date again and again with another
    horizon or unit (the eligibility explorer). The same answers as without it.

    The rows are computed on entering when the table does not hold the date, and all of them
    again once the records or rules differ from those they were computed from (the fingerprint
    ``sql/snapshots/shortlist_stamp.sql`` of everything the eligibility reads: an import on the
    same connection is never answered from stale rows); they stay held after the block, for the
    next one on that date — the last :data:`HELD_DATES` dates used, within :data:`HELD_ROWS`.
    A date whose rows are stored (a year end, :mod:`._stored`) is read from there: nothing is held."""
    as_of = _date(as_of)
    if _stored.current(con, as_of):   # stored on a year end: read from there (_eligibility_sources)
        yield
        return
    # the fingerprint: on a read-only connection (whose records cannot change) computed once per
    # version of its rules (~0.1 s at a million persons, two holding blocks an explorer view)
    stamp = settled(con, ("held-stamp", _query.rules(con).version), lambda: con.execute(
        sql.load("snapshots/shortlist_stamp")).fetchall()[0][0])
    held = _HELD.get(con)
    if held is None or held[0] != stamp:
        ensure(con, sql.load("pipeline/hold_table"))              # the macros it calls
        con.execute(sql.load("pipeline/hold_table"))             # empty
        held = _HELD[con] = [stamp, {}]
    dates = held[1]
    if as_of in dates:
        dates[as_of] = dates.pop(as_of)                          # the latest used last
    else:
        with _eligibility_sources(con, as_of):
            dates[as_of] = con.execute(sql.load("pipeline/hold"), {"as_of": as_of}).fetchall()[0][0]
    while len(dates) > 1 and (len(dates) > HELD_DATES or sum(dates.values()) > HELD_ROWS):
        oldest = next(iter(dates))
        con.execute(sql.load("pipeline/hold_forget"), {"as_of": oldest})
        del dates[oldest]
    install_once(con, "pipeline/eligibility_held", sql.load("pipeline/eligibility_held"))
    before = _HOLDING.get(con)
    _HOLDING[con] = as_of
    try:
        yield
    finally:
        if before is None:
            _HOLDING.pop(con, None)
        else:
            _HOLDING[con] = before


@contextlib.contextmanager
def _eligibility_sources(con: duckdb.DuckDBPyConnection, as_of: dt.date, *,
                         held: bool = False) -> Iterator[None]:
    """Where the queries over ``eligibility_on`` inside the block read from (the same answers
    either way, :mod:`qingmiao_lib._query`):

    - with ``held`` (a query judging the whole database as one jurisdiction: no county filter),
      the rows stored on ``as_of`` (a year end: :mod:`._stored`) while they are current, else
      inside a :func:`holding` block on ``as_of`` the rows held for that date;

    - on a stored date (a ``snapshots`` row for ``as_of``) the plan leaves out the records branch
      (``eligibility_records``) that reads no rows that day: planning is most of the time at the
      demo scale;
    - while the stored grade masks are current (:func:`_grades_stored`) and hold the years, the
      tenure's assessment years come from the table ``grade_years`` instead of masks computed
      from every grade row.
    """
    stored_date = _query.stored_on(con, as_of)
    masks = as_of.year in _GRADE_MASK_YEARS and _grades_stored(con)
    rows = "stored" if held and _stored.current(con, as_of) else "held"
    with (_query.reading(con, "pipeline/eligibility", rows,
                         when=rows == "stored" or (held and _HOLDING.get(con) == as_of)),
          _query.reading(con, "pipeline/records", "none", when=stored_date),
          _query.reading(con, "pipeline/grades", when=masks)):
        yield


def eligibility(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                units: str | Sequence[str] | None = None,
                within_months: int | None = None,
                counties: str | Sequence[str] | None = None,
                due_only: bool = False, next_rank: str | None = None,
                limit: int | None = None, eligible_only: bool = False) -> pd.DataFrame:
    """Rank-promotion eligibility (职级晋升) of every active person on ``as_of`` (SPEC §5).

    Parameters
    ----------
    as_of
        The date of the check.
    units
        Unit ids to keep (by the unit of the person's main current post); quotas and holders are
        still counted over the jurisdiction or the quota's unit.
    counties
        County codes to keep (a combined database's: the county of the person's key). Each
        person kept is judged as their county's own database would judge them: against their
        county's jurisdiction quota (table ``county_quotas``) with its holders counted in that
        county (without ``counties`` a combined database is one jurisdiction, with no
        jurisdiction quota). Refused on a county's own database.
    within_months
        Adds the forward view: ``due_within`` is True when the time condition is met by
        ``as_of`` + ``within_months`` months if nothing else changes (``time_met_on``).
    due_only, next_rank, limit, eligible_only
        Only the persons due within ``within_months`` (which it needs), only those whose next
        rank is ``next_rank``, only the first ``limit`` rows of the list in its order, only the
        eligible: what a viewer or a report shows of a long list (:func:`eligibility_counts`
        counts all of them).

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
    if due_only and within is None:
        raise ValueError("due_only needs within_months")
    if limit is not None and int(limit) < 0:
        raise ValueError(f"limit must be 0 or more, got {limit}")
    codes = _counties(con, counties)
    with _eligibility_sources(con, as_of, held=codes is None):
        table = _query.fetch(con, "pipeline/eligibility", {
            "as_of": as_of, "units": _units(units), "counties": codes,
            "county_quotas": _county_quotas(con, as_of, codes), "within": within,
            "due_only": bool(due_only), "next_rank": next_rank, "eligible_only": bool(eligible_only),
            "first": None if limit is None else int(limit)})
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
                       within_months: int | None = None,
                       counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Eligibility on ``as_of`` counted by unit and next rank (the same rules as :func:`eligibility`).

    Returns one row per (unit, next rank) present: ``unit_id, unit_name, next_rank, next_step,
    persons, qualified, eligible, quota_blocked`` (qualified, but the quota is full),
    ``not_qualified``, the failed personal conditions ``short_tenure, grade_failed, blocked`` (a
    person may fail several) and ``due_within`` (time condition met by ``as_of`` + ``within_months``;
    0 months when not given). Persons at the ceiling or not yet graded have no next rank and
    are not counted.
    """
    as_of = _date(as_of)
    codes = _counties(con, counties)
    with _eligibility_sources(con, as_of, held=codes is None):
        df = _frame(con, "eligibility_counts", {"as_of": as_of, "units": _units(units), "counties": codes,
                                                "county_quotas": _county_quotas(con, as_of, codes),
                                                "within": None if within_months is None else int(within_months)})
    return _finish(df, con, as_of=as_of, within_months=within_months)


def quota_usage(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Quota (职数) usage on ``as_of`` against the quotas of ``year(as_of)``.

    ``counties`` (one county code of a combined database; refused on a county's own database)
    gives that county's quotas as its own database does: its units' quotas, and its quotas
    over its whole jurisdiction (table ``county_quotas``) against the holders in the county.
    One county only: each county's jurisdiction row would be unit_id None and 全辖区 alike, so
    rows of several could not be told apart (ask county by county).

    Returns one row per quota row: ``year, unit_id`` (None = the whole jurisdiction),
    ``unit_name`` (全辖区 for the jurisdiction), ``rank, rank_step, max_count, holders``
    (active persons holding the rank on ``as_of``, in the named unit if any) and ``headroom``
    (negative when over the quota). Empty when no quota is set for the year.
    """
    as_of = _date(as_of)
    codes = _counties(con, counties)
    if codes is not None and len(codes) > 1:
        raise QingmiaoError(f"职数按各县辖区核定，一次只能看一个县的职数使用（给了 {'、'.join(codes)}）：请逐县查看")
    df = _frame(con, "quota_usage", {"as_of": as_of, "counties": codes,
                                     "county_quotas": _county_quotas(con, as_of, codes)})
    return _finish(df, con, as_of=as_of, year=as_of.year)


def leadership_screening(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                         units: str | Sequence[str] | None = None,
                         counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Leadership-post promotion screening (选拔任用) on ``as_of``: the time conditions for the
    next post level (rules ``[posts]``) and no blocking supervision in effect.

    Returns one row per active person below the top level: ``person_id, name, unit_id,
    unit_name, current_level, next_level, post_months, required_post_months, work_months,
    required_work_months, meets, reasons`` ("；"-joined, "" when met). Time conditions only:
    the vacancy, the democratic recommendation and the inspection are the department's own.
    """
    as_of = _date(as_of)
    df = _frame(con, "leadership_screening", {"as_of": as_of, "units": _units(units),
                                              "counties": _counties(con, counties)})
    df["meets"] = df["meets"].astype(bool)
    return _finish(df, con, as_of=as_of)
