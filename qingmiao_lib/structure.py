"""Cohort structure: who is in the pipeline on a date (SPEC §1 item 1)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from . import sql
from .db import rules_version

#: Chinese names of this module's output columns (merged into ``labels.chinese``).
COLUMNS: dict[str, str] = {}


def age_pyramid(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: dt.date,
    band_years: int = 5,
    young_only: bool = False,
) -> pd.DataFrame:
    """Active persons by age band and gender on ``as_of``.

    Parameters
    ----------
    con
        A connection from :func:`qingmiao_lib.connect`.
    as_of
        The date of the snapshot (age and activity are taken on it).
    band_years
        Width of an age band in years (1 gives single years of age).
    young_only
        Only young persons (age below the rules' ``general.young_age_limit``).

    Returns
    -------
    pandas.DataFrame
        One row per (age band, gender) present: ``band_start``, ``band_end``, ``band``
        (a label such as ``"30–34岁"``), ``gender`` and ``persons``.
        ``attrs`` carries ``as_of`` and ``rules_version``.

    Examples
    --------
    >>> age_pyramid(con, as_of=dt.date(2023, 12, 31), young_only=True)   # doctest: +SKIP
    """
    band_years = int(band_years)
    if not 1 <= band_years <= 20:
        raise ValueError(f"band_years must be between 1 and 20, got {band_years}")
    df = con.execute(
        sql.load("structure/age_pyramid"),
        {"as_of": as_of, "band_years": band_years, "young_only": bool(young_only)},
    ).df()
    df.insert(2, "band", [
        f"{s}岁" if s == e else f"{s}–{e}岁" for s, e in zip(df["band_start"], df["band_end"], strict=True)
    ])
    df["gender"] = df["gender"].astype(str)
    df.attrs.update(as_of=pd.Timestamp(as_of).date().isoformat(), rules_version=rules_version(con))
    return df
