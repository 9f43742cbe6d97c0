"""优秀 streaks and the merits they earn, and rewards: runs of 优秀 years, the 三等功 each block
earns (recorded or not), 三等功 with no streak behind them, rewards by kind and age group.

- Streaks: runs of consecutive valid 优秀 years (any other grade, 不定等次 or a missing year ends a
  run), cut into blocks of ``assessment.streak_block_years``; a block earns a 三等功 in its last
  year — the F6 definition (``sql/evaluation/excellent_runs.sql``).
- A due merit is recorded by a 三等功 awarded in the block's last year or the year after
  (``assessment.merit_record_window_years`` when the rules set it, else 1); a 三等功 matched to
  no block is a reward with no streak behind it.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from ._common import Units, _slice_kw, _yearly


def streaks(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None,
            age_group: str | None = None, young: bool | None = None,
            entry_cohort: int | None = None,
            cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """优秀 runs up to ``year`` of the active persons with any 优秀: one row per person with
    ``current_run`` (0 when ``year`` is not 优秀), ``longest_run``, ``blocks`` (三等功 due so far),
    ``last_block_year`` and ``excellent_years``."""
    return _yearly(con, "streaks", year, **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))


def _person_age_groups(con: duckdb.DuckDBPyConnection, *, year: int) -> pd.DataFrame:
    """The age group of each person active on 31 December of ``year`` (``person_id``,
    ``age_group``): the evaluation dashboard selects a year's :func:`streaks` of every active
    person by it instead of asking for an age group's (``sql/evaluation/person_age_groups.sql``)."""
    return _yearly(con, "person_age_groups", year)


def merits(con: duckdb.DuckDBPyConnection, *, year: int, first_year: int | None = None,
           units: Units = None, age_group: str | None = None, young: bool | None = None,
           entry_cohort: int | None = None,
           cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """三等功 due for blocks completed in ``first_year`` (default ``year``) … ``year``: one row per
    block with ``block_start``, ``block_end``, ``window_end``, ``awarded_on``, ``recorded`` and
    ``status`` (已记功 / 未记功 / 待记功 while the window is still open at the end of the data:
    31 Dec of meta ``data_to``, else of the latest grade)."""
    return _yearly(con, "merits", year, first_year=year if first_year is None else first_year,
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))


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
                      cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """三等功 awarded in ``first_year`` (default ``year``) … ``year`` with no streak behind them:
    one row per reward with ``awarded_on`` and ``reason``."""
    return _yearly(con, "unmatched_rewards", year, first_year=year if first_year is None else first_year,
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))


def rewards_by_kind(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None,
                    age_group: str | None = None, young: bool | None = None,
                    entry_cohort: int | None = None,
                    cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """Rewards awarded in ``year`` by ``kind`` and ``age_group`` (ages on 31 Dec): ``rewards``,
    ``persons``."""
    return _yearly(con, "rewards", year, **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))
