"""The weekly lecture (每周一讲): sessions held, attendance per person, per group and month, and
the person × month matrix. Sessions owed are those held while the person was active and young;
请假 is counted apart from absence (no record).

Attendance is read from the table ``lecture_marks`` (per person and year, the sessions owed,
attended and excused as bit sets; written by :func:`qingmiao_lib.db.refresh_snapshots`) while
the fingerprint stored with it matches the records and rules (``sql/snapshots/lecture_stamp.sql``),
else computed live from ``lecture_attendance`` — the same answers either way
(:func:`_lecture_stored` decides).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from .. import _query, sql
from ..db import stored_current
from ._common import COUNTY_BY, _as_of, _choose, _keep_attrs, _run, _slice

LECTURE_BY = {"total": "total", "unit": "unit", "unit_kind": "unit_kind"}


def _lecture_stored(con, year: int) -> bool:
    """May the lecture analyses of ``year`` read the stored bit sets (table ``lecture_marks``,
    written by :func:`qingmiao_lib.db.refresh_snapshots`)? Only when the table exists, holds the
    year, and the stamp stored with it still matches the records and this connection's rules
    (``sql/snapshots/lecture_stamp.sql``); otherwise the live computation runs — a database
    changed after its refresh, or never refreshed, is never answered from a stale copy."""
    fits, = _query.remembered(con, ("lecture-source", int(year)), lambda: con.execute(
        sql.load("training/lecture_source"), {"year": int(year)}).fetchall()[0])
    return bool(fits and stored_current(con, "lecture_marks", "lecture_stamp"))


def lecture_sessions(con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int) -> pd.DataFrame:
    """Weekly lectures held per year and topic. Grain: one row per (year, topic): ``sessions``,
    ``first_held``, ``last_held``."""
    df = _run(con, "lecture_sessions", {"first_year": int(first_year), "last_year": int(last_year)},
              year=None, as_of=None, source=None)
    df.attrs.update(first_year=int(first_year), last_year=int(last_year))
    return df


def lecture_persons(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    below_only: bool = False, units=None, unit_kinds=None, cohorts=None, counties=None,
) -> pd.DataFrame:
    """Weekly-lecture attendance per person in ``year`` up to ``as_of``.

    Sessions owed are those held while the person was active and young; 请假 is counted apart
    from absence (no record). Grain: one row per person owing a session: ``sessions``,
    ``attended``, ``excused``, ``absent``, ``rate`` (attended / sessions), ``excused_rate``,
    ``below`` (rate under ``lecture.attendance_threshold``). ``below_only`` keeps the flagged.
    """
    as_of = _as_of(con, year, as_of)
    df = _run(con, "lecture_persons", {"as_of": as_of, **_slice(con, units, unit_kinds, cohorts, counties)},
              year=year, as_of=as_of, source="training/lectures", stored=_lecture_stored(con, as_of.year))
    return df[df["below"]].reset_index(drop=True).pipe(_keep_attrs, df) if below_only else df


def lecture_groups(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    by: str = "unit", monthly: bool = False, units=None, unit_kinds=None, cohorts=None, counties=None,
) -> pd.DataFrame:
    """Weekly-lecture attendance per unit (``by="unit"``), unit kind or in total, for the year or
    per month (``monthly``). Grain: one row per group (and month): ``persons``, ``sessions``
    (person-sessions owed), ``attended``, ``excused``, ``absent``, ``rate``, ``excused_rate``,
    ``below`` (persons of the group under the threshold for the year)."""
    as_of = _as_of(con, year, as_of)
    params = {"as_of": as_of, "by": _choose(by, {**LECTURE_BY, **COUNTY_BY}, "dimension"),
              "monthly": bool(monthly), **_slice(con, units, unit_kinds, cohorts, counties, by=by)}
    return _run(con, "lecture_groups", params, year=year, as_of=as_of,
                source="training/lectures", stored=_lecture_stored(con, as_of.year))


def lecture_person_months(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    units=None, unit_kinds=None, cohorts=None, counties=None,
) -> pd.DataFrame:
    """The person × month attendance matrix of ``year`` (long form). Grain: one row per
    (person, month) owing a session: ``sessions``, ``attended``, ``excused``, ``absent``, ``rate``.
    Names are unmasked: mask them before showing."""
    as_of = _as_of(con, year, as_of)
    return _run(con, "lecture_person_months", {"as_of": as_of, **_slice(con, units, unit_kinds, cohorts, counties)},
                year=year, as_of=as_of, source="training/lectures", stored=_lecture_stored(con, as_of.year))
