"""Annual grades (年度考核): the distribution by any dimension, each unit's 优秀 share against the
cap, the young share of all 优秀 (F5), each person's grades over the years, one person's record
(一表式), and the grades that count nowhere.

- A grade counts only if its person was active at some time in its year (entry_date ≤ 31 Dec and
  exit_date empty or after 1 Jan); other grades are data errors listed by :func:`invalid_grades`
  (for ``qingmiao check``) and counted nowhere — streaks included.
- A grade's unit, age group and young flag are those of 31 December of its year (person_snapshot).
- Excellent share = 优秀 / graded (rules ``assessment.graded``: 不定等次 excluded) per unit and
  year; a unit is over the cap only when share > ``assessment.excellent_cap`` (exactly at the cap
  is within it).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import _query, _steady
from ..db import stored_current, stored_meta
from ._common import Units, _run, _slice_kw, _year_end, _yearly

#: Dimensions ``grade_distribution`` can group by (allowlist → Chinese name).
DIMENSIONS = {"unit": "单位", "unit_kind": "单位类别", "age_group": "年龄段", "young": "是否年轻公务员",
              "entry_cohort": "录用年份", "gender": "性别", "education": "学历", "all": "合计"}
#: The county dimension (issue 23): a combined database's only, so kept out of
#: :data:`DIMENSIONS` (which every database offers) and accepted by ``by`` beside them (refused on
#: a county's own database).
COUNTY_DIMENSION = {"county": "县"}


def grade_distribution(con: duckdb.DuckDBPyConnection, *, year: int, by: str = "all", units: Units = None,
                       age_group: str | None = None, young: bool | None = None,
                       entry_cohort: int | None = None,
                       cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """Annual grades of ``year`` by ``by`` (a key of :data:`DIMENSIONS`, or ``county`` on a
    combined database: ``group_key`` is the county code).

    Returns one row per (group, grade), every grade listed: ``group_key``, ``group_name``,
    ``sort_key``, ``grade``, ``persons``, ``graded`` (the group's graded persons, 不定等次
    excluded) and ``share`` (of graded; empty for 不定等次). Grade counts of the graded grades sum
    to ``graded`` in every group.

    >>> grade_distribution(con, year=2023, by="age_group")          # doctest: +SKIP
    """
    if by not in DIMENSIONS and by not in COUNTY_DIMENSION:
        raise ValueError(f"unknown dimension {by!r}; one of {sorted({**DIMENSIONS, **COUNTY_DIMENSION})}")
    return _yearly(con, "grade_distribution", year, extra={"by": by},
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))


def excellent_share(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None,
                    counties: Units = None) -> pd.DataFrame:
    """Each unit's 优秀 share of ``year`` against the cap.

    One row per unit with a graded person: ``unit_id``, ``unit_name``, ``unit_kind``, ``graded``,
    ``excellent``, ``share``, ``cap`` and ``over_cap`` (share > cap; exactly at it is not over).
    The cap concerns whole units, so the only filters are ``units`` and ``counties`` (whole
    counties of a combined database).
    """
    return _yearly(con, "excellent_share", year, units=units, counties=counties)


def over_cap(con: duckdb.DuckDBPyConnection, *, year: int, units: Units = None,
             counties: Units = None) -> pd.DataFrame:
    """The units of :func:`excellent_share` over the cap in ``year`` (same columns)."""
    df = excellent_share(con, year=year, units=units, counties=counties)
    out = df[df["over_cap"]].reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out


def young_excellent_share(con: duckdb.DuckDBPyConnection, *, year: int,
                          first_year: int | None = None) -> pd.DataFrame:
    """The young share of all 优秀 per year, ``first_year`` (default ``year``) to ``year``: the F5
    basis. One row per year: ``year``, ``excellent``, ``young_excellent``, ``young_share``."""
    year = int(year)
    first = year if first_year is None else int(first_year)
    if first > year:
        raise ValueError("first_year must not be after year")
    return _run(con, "young_excellent", {"first_year": first, "year": year},
                year=year, first_year=first, as_of=_year_end(con, year), young_limit=_query.rules(con).young_limit)


def grade_history(con: duckdb.DuckDBPyConnection, *, year: int, years: int = 5, units: Units = None,
                  age_group: str | None = None, young: bool | None = None,
                  entry_cohort: int | None = None,
                  cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """Each active person's annual grades for the ``years`` years up to ``year``, one row per
    person: ``person_id``, ``name``, ``unit_id``, ``unit_name`` and one column per year (e.g.
    ``"2023"``; empty = no valid grade). Names are unmasked: mask them for display."""
    years = _years(years)
    long = _yearly(con, "grade_history", year, first_year=int(year) - years + 1,
                   **_slice_kw(units, age_group, young, entry_cohort, cohorts, counties))
    cols = [str(y) for y in range(int(year) - years + 1, int(year) + 1)]
    wide = (long.assign(year=long["year"].astype(str))
            .pivot(index=["person_id", "name", "unit_id", "unit_name"], columns="year", values="grade")
            .reindex(columns=cols).reset_index())
    wide.columns.name = None
    wide.attrs = dict(long.attrs)
    return wide


def person_history(con: duckdb.DuckDBPyConnection, *, person_id: str, year: int,
                   years: int = 5) -> pd.DataFrame:
    """One person's record for the ``years`` years up to ``year`` (the 一表式 view).

    One row per year: ``year``, ``grade``, ``previous_grade``, ``quarters`` ('好/较好/好/好'),
    ``unit_id`` (the main unit on 31 Dec of ``year``), ``unit_excellent_share`` (over the persons
    holding a post in that unit on 31 Dec of each year) and ``jurisdiction_excellent_share``.

    The two shares are the same for every person of a unit, and each reads every grade row of
    the years: they are computed for all units at once and kept (:func:`_shares`), so that a
    person picked next costs only the reading of that person's own rows.
    """
    year = int(year)
    first = year - _years(years) + 1
    given = _query.rules(con)
    as_of = _year_end(con, year, given=given)
    found = _query.fetch(con, "evaluation/person_unit", {"person_id": str(person_id), "as_of": as_of})
    unit_id = found.column("unit_id")[0].as_py() if found.num_rows else None
    jurisdiction, unit_shares = _shares(con, first, year, unit_id)
    params = {"person_id": str(person_id), "first_year": first, "year": year,
              "unit_id": unit_id, "unit_shares": unit_shares.get(unit_id, [None] * (year - first + 1)),
              "jurisdiction": jurisdiction}
    return _run(con, "person_history", params, given=given, year=year, as_of=as_of)


def prepare_person_history(con: duckdb.DuckDBPyConnection, *, year: int, years: int = 5) -> None:
    """Compute now the shares :func:`person_history` compares every person with for ``year`` and
    ``years`` (every unit's and the jurisdiction's), on a connection that keeps them (read-only,
    or inside a steady block): a picker of persons calls it when built, so that the first person
    picked costs what every other does."""
    if _steady.is_read_only(con) or _steady.memo_of(con) is not None:
        _shares(con, int(year) - _years(years) + 1, int(year), None)


def _shares_stored(con, first: int, year: int) -> bool:
    """May the shares of ``first`` … ``year`` be read from the stored table ``excellent_shares``
    (``sql/evaluation/shares_stored.sql``)? While its stamp matches the records and this
    connection's rules (``sql/snapshots/shares_stamp.sql``) and it holds every one of those years
    (meta ``excellent_shares_years``)."""
    held = (stored_meta(con, "excellent_shares_years") or "").split(",")
    if len(held) != 2 or not all(h.strip().isdecimal() for h in held):
        return False
    return int(held[0]) <= first and year <= int(held[1]) and \
        stored_current(con, "excellent_shares", "shares_stamp")


def _years(years: int) -> int:
    """A span of 1 to 30 years (the shares count each year as a bit of one number)."""
    years = int(years)
    if not 1 <= years <= 30:
        raise ValueError(f"years must be between 1 and 30, got {years}")
    return years


def _shares(con, first: int, year: int, unit_id: str | None) -> tuple[list, dict[str, list]]:
    """The 优秀 shares :func:`person_history` compares a person with, for each year ``first`` …
    ``year`` in order (None: no graded grade that year): the jurisdiction's, and each unit's
    (unit_id → list), both from ``sql/evaluation/shares.sql``.

    On a read-only connection they are kept for as long as it lives, every unit's at once (its
    records cannot change; the rules they read — graded grades, the year end — are part of the
    key, so a what-if changing them computes them again), and inside a steady block until it
    ends; otherwise the jurisdiction's and ``unit_id``'s alone are computed on every call."""
    def compute(units: list[str] | None) -> tuple[list, dict[str, list]]:
        n = year - first + 1
        name = "evaluation/shares_stored" if _shares_stored(con, first, year) else "evaluation/shares"
        rows = _query.fetch(con, name, {"first_year": first, "year": year, "units": units})
        jurisdiction: list = [None] * n
        by_unit: dict[str, list] = {}
        for u, y, share in zip(rows.column("unit_id").to_pylist(), rows.column("year").to_pylist(),
                               rows.column("share").to_pylist(), strict=True):
            (jurisdiction if u is None else by_unit.setdefault(u, [None] * n))[y - first] = share
        return jurisdiction, by_unit

    if not (_steady.is_read_only(con) or _steady.memo_of(con) is not None):
        return compute([] if unit_id is None else [unit_id])
    rules = _query.fetch(con, "evaluation/share_rules").column("rules")[0].as_py()
    return _steady.settled(con, ("evaluation/shares", first, year, rules), lambda: compute(None))


def invalid_grades(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Annual grades of years their person was not active (for ``qingmiao check``): one row per
    such grade with ``person_id``, ``year``, ``grade``, ``entry_date``, ``exit_date``, ``problem``.
    Every analysis here leaves them out."""
    return _run(con, "invalid_grades", {})
