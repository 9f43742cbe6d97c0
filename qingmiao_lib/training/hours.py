"""Training hours (学时): credited hours per person by kind and mode, the year's totals by kind and
mode, and the class person-times (培训人次, F3's basis) per year. A course counts towards
``credited_hours`` when passed (``passed = true``); ``hours`` counts every course.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from . import _common
from ._common import _as_of, _courses_stored, _run, _slice

#: :func:`hours_by_person`: its credited-hours column of each kind and of each mode (None = no
#: mode recorded) → the value in ``trainings``.
HOURS_BY_KIND = {"initial_hours": "初任培训", "appointment_hours": "任职培训",
                 "specialised_hours": "专门业务培训", "in_service_hours": "在职培训"}
HOURS_BY_MODE = {"full_time_hours": "脱产", "online_hours": "网络", "other_mode_hours": "其他",
                 "unfilled_mode_hours": None}


def hours_by_person(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    units=None, unit_kinds=None, cohorts=None, counties=None,
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
    return _run(con, "hours_by_person", {"as_of": as_of, **_slice(con, units, unit_kinds, cohorts, counties)},
                year=year, as_of=as_of, stored=_courses_stored(con, as_of))


def hours_totals(
    con: duckdb.DuckDBPyConnection, *, year: int, as_of: dt.date | None = None,
    units=None, unit_kinds=None, cohorts=None, counties=None,
) -> pd.DataFrame:
    """Training totals of ``year`` by kind and mode. Grain: one row per (kind, mode):
    ``class`` (a class, not 网络), ``courses``, ``persons``, ``failed``, ``hours``,
    ``credited_hours``, ``hours_per_person``."""
    as_of = _as_of(con, year, as_of)
    return _run(con, "hours_totals", {"as_of": as_of, **_slice(con, units, unit_kinds, cohorts, counties)},
                year=year, as_of=as_of)


def class_person_times(
    con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
    units=None, unit_kinds=None, cohorts=None, counties=None,
) -> pd.DataFrame:
    """Class person-times (培训人次, F3's basis) per year; the slice is taken on 31 December of
    ``last_year``. Grain: one row per year:
    ``person_times``, ``persons``, ``young_person_times`` (= F3 without a slice),
    ``young_persons``, ``hours``."""
    params = {"first_year": int(first_year), "last_year": int(last_year),
              "as_of": _as_of(con, last_year, None), **_slice(con, units, unit_kinds, cohorts, counties)}
    df = _run(con, "class_person_times", params, year=None, as_of=None,
              stored=_common._training_stored(con))
    df.attrs.update(first_year=int(first_year), last_year=int(last_year))
    return df
