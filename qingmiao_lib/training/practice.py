"""Frontline practice (一线实践锻炼): postings per year and program, the share of the active young
who have had one, and promotion after a first posting against same-cohort peers (a comparison,
not a causal claim).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from .. import _query
from ._common import BY, COUNTY_BY, _as_of, _choose, _run, _slice

#: A comparison, not a causal claim (attrs["note"] of :func:`practice_outcomes`).
OUTCOME_NOTE = ("对照比较，并非因果结论：实践锻炼人选偏向表现突出者，两组晋升比例的差异"
                "不能说明实践锻炼本身带来了晋升。")


def practice_participation(
    con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
    units=None, unit_kinds=None, cohorts=None, counties=None,
) -> pd.DataFrame:
    """Frontline postings by start year and program, with their duration.

    Grain: one row per (year, program): ``postings``, ``persons``, ``young_persons_posted``
    (young on 31 December of the year, as F4), ``ended``, ``ongoing`` (on 31 December of
    ``last_year``), ``median_posting_months``, ``mean_posting_months`` (full months, ended
    postings).
    """
    as_of = _as_of(con, last_year, None)
    params = {"first_year": int(first_year), "last_year": int(last_year), "as_of": as_of,
              **_slice(con, units, unit_kinds, cohorts, counties)}
    df = _run(con, "practice_participation", params, year=None, as_of=as_of, source=None)
    df.attrs.update(first_year=int(first_year), last_year=int(last_year))
    return df.rename(columns={"young_persons": "young_persons_posted"})


def practice_share(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, by: str = "total",
    units=None, unit_kinds=None, cohorts=None, counties=None,
) -> pd.DataFrame:
    """The share of the active young who have had a frontline posting by ``as_of``. Grain: one
    row per group of ``by``: ``young_active``, ``practised``, ``practised_this_year``, ``share``."""
    as_of = pd.Timestamp(as_of).date()
    params = {"as_of": as_of, "by": _choose(by, {**BY, **COUNTY_BY}, "dimension"),
              **_slice(con, units, unit_kinds, cohorts, counties, by=by)}
    return _run(con, "practice_share", params, year=as_of.year, as_of=as_of, source=None)


def practice_outcomes(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date, window_years: int | None = None,
    units=None, unit_kinds=None, cohorts=None, counties=None,
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
    params = {"as_of": as_of, "window_months": 12 * window_years, **_slice(con, units, unit_kinds, cohorts, counties)}
    df = _run(con, "practice_outcomes", params, year=as_of.year, as_of=as_of, source=None)
    df["entry_cohort"] = df["entry_cohort"].astype("Int64")
    df.attrs.update(window_years=window_years, note=OUTCOME_NOTE)
    return df
