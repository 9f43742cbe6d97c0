"""Dual mentors (双导师): the first-five-years cohort's political and business mentors on a day,
and each mentor's load against ``mentors.max_mentees``.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from .. import _query
from ._common import _run, _slice


def mentees(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, units=None, unit_kinds=None, cohorts=None, counties=None,
) -> pd.DataFrame:
    """Dual-mentor coverage of the first-five-years cohort on ``as_of``.

    A role is held when a mentorship of that role is open on ``as_of`` and its mentor is active
    that day; a mentorship still open whose mentor has left (``exit_date ≤ as_of``) is reported in
    ``orphaned`` and does not cover. Grain: one row per first-five-years person: ``political``,
    ``business``, ``covered`` (both), ``missing_roles``, ``orphaned``, ``mentor_elsewhere``
    (active mentor now in another unit).
    """
    as_of = pd.Timestamp(as_of).date()
    return _run(con, "mentees", {"as_of": as_of, **_slice(con, units, unit_kinds, cohorts, counties)},
                year=as_of.year, as_of=as_of, source=None)


def mentor_load(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, units=None, unit_kinds=None, cohorts=None, counties=None,
) -> pd.DataFrame:
    """Mentor load on ``as_of``: active mentees per active mentor. Grain: one row per mentor
    with a mentee: ``mentees``, ``political_mentees``, ``business_mentees``, ``over_limit``
    (more than ``mentors.max_mentees``). The slice applies to the mentor's unit."""
    as_of = pd.Timestamp(as_of).date()
    df = _run(con, "mentor_load", {"as_of": as_of, **_slice(con, units, unit_kinds, cohorts, counties)},
              year=as_of.year, as_of=as_of, source=None)
    df.attrs["max_mentees"] = _query.rules(con).max_mentees
    return df
