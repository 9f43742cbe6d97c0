"""Quarterly (平时) assessment and 急难险重 tasks: grades per quarter, each person's sequence of
quarterly grades and its change, two consecutive declines, the 1+N link between the quarters
and the annual grade, and the special tasks of a year.

- Quarterly declines: a quarter strictly worse than the one just before (好 > 较好 > 一般 > 较差),
  quarters consecutive across year ends, a missing quarter breaks the chain.
- The quarter masks (64-bit, up to :data:`_MASK_YEARS` years) come from the table
  ``quarter_masks`` while its stamp matches (:func:`_quarters_stored`), else from the rows; longer
  ranges run the ``*_long`` queries — the same answers.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import _query, sql
from .._macros import ensure
from ._common import (
    _MASK_YEARS,
    _REPEATED,
    Units,
    _quarters_stored,
    _slice,
    _slice_kw,
    _year_end,
    _yearly,
)


def quarterly_distribution(con: duckdb.DuckDBPyConnection, *, year: int, first_year: int | None = None,
                           units: Units = None, age_group: str | None = None,
                           young: bool | None = None, entry_cohort: int | None = None,
                           cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """Quarterly grades per quarter of ``first_year`` (default ``year``) … ``year``: one row per
    (year, quarter, grade) with ``persons``, ``graded`` and ``share``."""
    first = int(year) if first_year is None else int(first_year)
    # quarterly_distribution.sql counts a range held in 64-bit quarter masks (up to _MASK_YEARS
    # years; one per distinct combination, not every quarter row); the rows beyond
    if 0 <= int(year) - first < _MASK_YEARS:
        name, stored = "quarterly_distribution", _quarters_stored(con, first, int(year))
    else:
        name, stored = "quarterly_distribution_long", None     # reads no quarter masks
    return _yearly(con, name, year, first_year=first, stored=stored,
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))


def quarterly_trend(con: duckdb.DuckDBPyConnection, *, year: int, first_year: int | None = None,
                    units: Units = None, age_group: str | None = None, young: bool | None = None,
                    entry_cohort: int | None = None,
                    cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """Each active person's quarterly grades from ``first_year`` (default ``year`` − 1) Q1 to
    ``year`` Q4: ``grades`` in order, counts per grade, ``first_grade``, ``last_grade``, ``change``
    (last score − first, 好 4 … 较差 1) and ``declines``."""
    first = int(year) - 1 if first_year is None else int(first_year)
    # quarterly_trend.sql holds a range in 64-bit quarter masks: up to _MASK_YEARS years
    if int(year) - first >= _MASK_YEARS:
        return _yearly(con, "quarterly_trend_long", year, first_year=first,
                       **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))
    as_of = _year_end(con, year)
    params = {"year": int(year), "first_year": first, "as_of": as_of,
              **_slice(con, **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))}
    try:
        with _query.reading(con, "evaluation/quarters", when=_quarters_stored(con, first, int(year))):
            ensure(con, sql.load("evaluation/quarterly_trend_masked"))
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
                       cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """Two consecutive quarterly declines completed in ``first_year`` (default ``year``) …
    ``year``: one row per person and quarter of the second decline, with the three ``grades``."""
    first = int(year) if first_year is None else int(first_year)
    # quarterly_declines.sql holds first_year − 1 … year in 64-bit quarter masks
    if int(year) - first + 1 < _MASK_YEARS:
        name, stored = "quarterly_declines", _quarters_stored(con, first - 1, int(year))
    else:
        name, stored = "quarterly_declines_long", None     # reads no quarter masks
    return _yearly(con, name, year, first_year=first, stored=stored,
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))


def quarterly_vs_annual(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None,
                        age_group: str | None = None, young: bool | None = None,
                        entry_cohort: int | None = None,
                        cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """The 1+N link of ``year``: among persons with four quarterly grades, the annual grade by the
    number of 好 quarters — one row per (``good_quarters``, ``grade``) with ``persons``,
    ``group_persons`` and ``share``."""
    return _yearly(con, "quarterly_vs_annual", year, **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))


def special_tasks(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None,
                  age_group: str | None = None, young: bool | None = None,
                  entry_cohort: int | None = None,
                  cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """急难险重 tasks started in ``year`` per person: ``tasks``, ``rated``, ``ratings``
    ('突出×1、良好×2'), ``task_names`` and the year's ``annual_grade``."""
    return _yearly(con, "special_tasks", year, **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))
