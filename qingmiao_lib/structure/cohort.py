"""Who is in the cohort on a date: the headcount by any dimensions, the 干部名册 (roster), the age
pyramid, and the headcount on 31 December over years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Unpack

import duckdb
import pandas as pd

from .. import _query, sql
from ..privacy import mask_names
from ._common import BY, Slice, _dimensions, _finish, _grouped, _slice_params


def headcount(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, by: str | Sequence[str] = (),
              **filters: Unpack[Slice]) -> pd.DataFrame:
    """Active persons on ``as_of`` by any combination of the dimensions in :data:`DIMENSIONS`
    (and ``county``, on a combined database).

    Returns one row per combination present (one row when ``by`` is empty): one column per
    dimension (``unit`` gives ``unit_name``; ``pool`` gives ``pool_status``: 年轻公务员库 /
    两型干部库 / 两库均在 / 未入库, so the rows partition the headcount; ``county`` gives the county
    code of a combined database) and ``persons``.

    >>> headcount(con, as_of=dt.date(2023, 12, 31), by=["generation", "gender"], unit_kinds="乡镇街道")  # doctest: +SKIP
    """
    by = _dimensions(by)
    params = {"as_of": as_of, **_slice_params(con, filters, by=by)}
    df = _grouped(con, "headcount", params, by)
    return _finish(df, con, as_of=as_of, by=by)


def roster(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, unmasked: bool = False,
           **filters: Unpack[Slice]) -> pd.DataFrame:
    """The 干部名册 (cadre roster) of a slice on ``as_of``: one row per active person, ordered by
    unit, post level and rank (highest first), then entry date — birth date and age, education,
    party status and date, work start, entry, post title and level, rank and whole years in it,
    pool memberships. Names are masked (张*明) unless ``unmasked=True``.

    >>> roster(con, as_of=dt.date(2023, 12, 31), unit_kinds="乡镇街道")            # doctest: +SKIP
    """
    params = {"as_of": as_of, **_slice_params(con, filters)}
    df = _query.run(con, "structure/roster", params)
    if not unmasked:
        df["name"] = mask_names(df["name"])
    return _finish(df, con, as_of=as_of)


def age_pyramid(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, band_years: int = 5,
                young_only: bool = False, **filters: Unpack[Slice]) -> pd.DataFrame:
    """Active persons by age band and gender on ``as_of`` (of a slice).

    Returns one row per (age band, gender) present: ``band_start``, ``band_end``, ``band``
    (a label such as ``"30–34岁"``), ``gender`` and ``persons``. ``band_years`` is the width
    of a band (1 gives single years); ``young_only`` keeps the young only.

    >>> age_pyramid(con, as_of=dt.date(2023, 12, 31), young_only=True, unit_kinds="乡镇街道")  # doctest: +SKIP
    """
    band_years = int(band_years)
    if not 1 <= band_years <= 20:
        raise ValueError(f"band_years must be between 1 and 20, got {band_years}")
    params = {"as_of": as_of, "band_years": band_years, "young_only": bool(young_only),
              **_slice_params(con, filters)}
    df = _query.run(con, "structure/age_pyramid", params)
    df.insert(2, "band", _query.text([
        f"{s}岁" if s == e else f"{s}–{e}岁" for s, e in zip(df["band_start"], df["band_end"], strict=True)
    ]))
    return _finish(df, con, as_of=as_of)


def over_time(con: duckdb.DuckDBPyConnection, *, first_year: int, last_year: int,
              by: str | Sequence[str] = (), **filters: Unpack[Slice]) -> pd.DataFrame:
    """:func:`headcount` on 31 December of every year from ``first_year`` to ``last_year``, in
    one query.

    Returns one row per (year, combination present): ``year``, ``as_of``, the dimension
    columns and ``persons``.

    >>> over_time(con, first_year=2016, last_year=2025, by="generation")  # doctest: +SKIP
    """
    by = _dimensions(by)
    first_year, last_year = int(first_year), int(last_year)
    if not 0 <= last_year - first_year <= 60:
        raise ValueError(f"a range of 1 to 61 years is needed, got {first_year}–{last_year}")
    params = {"first_year": first_year, "last_year": last_year, **_slice_params(con, filters, by=by)}
    history = any(BY[d][1] for d in by) or any(
        params[k] is not None for k in ("units", "unit_kinds", "pool"))
    stored = con.execute(sql.load("structure/stored_years"),
                         {"first_year": first_year, "last_year": last_year}).fetchall()[0][0]
    # every year-end stored: read the stored base layer; else derive (history joins only when a
    # dimension or filter needs ranks, posts or pools)
    series = ("stored" if stored == last_year - first_year + 1 else "live" if history else "persons")
    with _query.reading(con, "structure/series", series):
        df = _grouped(con, "over_time", params, by, lead=("year",))
    df["as_of"] = pd.to_datetime(df["as_of"]).dt.date
    return _finish(df, con, first_year=first_year, last_year=last_year, by=by)
