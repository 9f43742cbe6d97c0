"""Looking ahead (SPEC §9): statutory retirements under the 2024 reform, and the places they
open beside today's quota vacancies.

The retirement rule lives in one place, the macros of ``sql/outlook/retirement.sql``
(``retirement_age_months``, ``retirement_date``), with every parameter in the rules' ``[retirement]``
section; :func:`install_macros` puts them on a connection (the analyses here call it). Every
function takes the connection first, then keyword-only dates, and returns a DataFrame with a
stated grain whose ``attrs`` carry ``as_of``, ``years`` and ``rules_version``.

>>> import datetime as dt, qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")                               # doctest: +SKIP
>>> from qingmiao_lib import outlook
>>> outlook.retirements(con, as_of=dt.date(2025, 12, 31), years=5)           # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from . import _steady, frames, sql
from ._slice import county_codes
from .db import install_once, rules_version
from .pipeline import quota_usage

#: Chinese names of this module's output columns.
COLUMNS: dict[str, str] = {
    "person_id": "人员编号", "name": "姓名", "gender": "性别", "birth_date": "出生年月",
    "retirement_age_months": "法定退休年龄（月）", "retirement_age": "法定退休年龄",
    "retirement_date": "法定退休日期", "unit_id": "单位代码", "unit_name": "单位", "level": "职务层次",
    "level_step": "职务层次序号", "rank": "职级", "rank_step": "职级序号", "period": "第几年",
    "period_start": "起（不含）", "period_end": "止（含）", "retirements": "法定退休人数",
    "quota": "职数", "holders": "现有人数", "vacancies": "现有空缺", "places": "新增可用职数",
    "cumulative_places": "累计可用职数",
}

#: Breakdowns of :func:`places` (an allowlist: each names its own query).
PLACES_BY = ("rank", "unit_level")

#: The jurisdiction-wide scope of a quota, as :func:`qingmiao_lib.pipeline.quota_usage` names it.
JURISDICTION = "全辖区"


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the retirement macros (``sql/outlook/retirement.sql``) and the table macro
    ``retirements_ahead(as_of, years)`` on ``con``, once per connection. Any query — the demo
    county's simulation included — that needs a retirement date calls this first and then uses
    ``retirement_date(birth_date, gender, county_level)``. Every call also sets the session
    variable the macros read the rules from (``sql/outlook/retirement_rules.sql``)."""
    def load_rules() -> bool:           # the rules loaded now, read by the macros
        con.execute(sql.load("outlook/retirement_rules"))
        return True

    _steady.remembered(con, ("retirement-rules",), load_rules)     # once per steady block
    install_once(con, "outlook_retirement", sql.load("outlook/retirement"))
    install_once(con, "outlook_retirements_ahead", sql.load("outlook/retirements_ahead"))


def _date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _years(years) -> int:
    if isinstance(years, bool) or int(years) != years or not 1 <= int(years) <= 50:
        raise ValueError(f"years must be a whole number from 1 to 50, got {years!r}")
    return int(years)


def _finish(df: pd.DataFrame, con, **attrs) -> pd.DataFrame:
    df.attrs.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in attrs.items()},
                    rules_version=rules_version(con))
    return df


def age_text(months: int) -> str:
    """A retirement age in months as it is said: 721 → "60岁1个月", 756 → "63岁".

    >>> age_text(721), age_text(756)
    ('60岁1个月', '63岁')
    """
    years, rest = divmod(int(months), 12)
    return f"{years}岁{rest}个月" if rest else f"{years}岁"


def retirements(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, years: int,
                units: str | Sequence[str] | None = None,
                counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Statutory retirements ahead (SPEC §9): every person active on ``as_of`` whose statutory
    retirement date falls after ``as_of`` and no later than ``as_of`` + ``years`` years.

    Parameters
    ----------
    as_of
        The date the list is taken on (a retirement date equal to it is reached already).
    years
        How many years ahead, 1–50 (the end is ``as_of`` + ``years`` years, month-end clamped).
    units
        Unit ids to keep (the unit of the person's main post on ``as_of``).
    counties
        County codes to keep (a combined database's: the county of the person's key); refused
        on a county's own database.

    Returns
    -------
    pandas.DataFrame
        One row per such person, by retirement date: ``person_id, name, gender, birth_date,
        retirement_age_months, retirement_date, unit_id, unit_name, level`` (the main post's
        level on ``as_of``, which decides the 县处级 rule), ``rank``. On a database holding only
        persons the last five are empty.

    Examples
    --------
    >>> df = retirements(con, as_of=dt.date(2024, 12, 31), years=1)      # doctest: +SKIP
    >>> df.loc[0, ["birth_date", "retirement_age_months", "retirement_date"]]  # doctest: +SKIP
    """
    as_of, years = _date(as_of), _years(years)
    chosen = None if units is None else ([units] if isinstance(units, str) else [str(u) for u in units])
    codes = county_codes(con, counties)
    install_macros(con)
    df = frames.frame(con, sql.load("outlook/retirements"),
                      {"as_of": as_of, "years": years, "units": chosen, "counties": codes})
    return _finish(df, con, as_of=as_of, years=years)


def places(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, years: int,
           by: str = "rank", counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Places that open in each of the next ``years`` years (SPEC §9 *Places*): statutory
    retirements, and by rank today's quota vacancies (quota − holders, from
    :func:`qingmiao_lib.pipeline.quota_usage` for ``year(as_of)``). Year ``k`` runs from
    ``as_of`` + (k − 1) years (excluded) to ``as_of`` + k years (included). Nothing else is
    projected: promotions, exits and recruitment are not assumed.

    Parameters
    ----------
    by
        ``"rank"``: one row per year and quota scope and rank. The scope is each quota row
        (the whole jurisdiction, ``unit_id`` None and ``unit_name`` 全辖区, or the unit the quota
        names, counting only that unit's retirements), plus a jurisdiction row for every rank
        with retirements but no jurisdiction quota (``quota``, ``holders``, ``vacancies`` empty).
        ``vacancies`` may be negative (over the quota); retirements fill an excess first:
        ``cumulative_places`` = max(0, vacancies + retirements so far) where a quota is set,
        the retirements so far where none is; ``places`` is its growth in the year (year 1 includes
        today's vacancies).
        ``"unit_level"``: one row per year, unit and post level of the retiring persons' main
        posts with at least one retirement (posts opened by retirement; no post quotas exist).
    counties
        County codes of a combined database: the retirements of those counties' persons, and
        with ``by="rank"`` the county's quotas as its own database has them (one county only, as
        :func:`qingmiao_lib.pipeline.quota_usage`). Refused on a county's own database.

    Returns
    -------
    pandas.DataFrame
        ``by="rank"``: ``period, period_start, period_end, unit_id, unit_name, rank, rank_step,
        quota, holders, vacancies, retirements, places, cumulative_places``.
        ``by="unit_level"``: ``period, period_start, period_end, unit_id, unit_name, level,
        level_step, retirements``.
    """
    if by not in PLACES_BY:
        raise ValueError(f"by must be one of {', '.join(PLACES_BY)}, got {by!r}")
    if by == "rank":
        return RankCounts.read(con, as_of=as_of, years=years, counties=counties).places(years)
    as_of, years = _date(as_of), _years(years)
    codes = county_codes(con, counties)
    install_macros(con)
    df = frames.frame(con, sql.load("outlook/places_unit_level"),
                      {"as_of": as_of, "years": years, "counties": codes})
    return _finish(df, con, as_of=as_of, years=years, by=by)


@dataclass(frozen=True)
class RankCounts:
    """What :func:`places` by rank reads from the database for ``as_of``: the quota rows and the
    retirements per (period, unit, rank) of the years 1 … ``years`` ahead. :meth:`places` gives
    the places of any horizon up to ``years`` from them without asking the database again (a
    notebook's slider): a retirement's period does not depend on the horizon asked for, and the
    rows of a horizon are those of a longer one with ``period`` ≤ it (``retirements_ahead``: the
    date is in (as_of, as_of + horizon] exactly when its year ahead is ≤ the horizon)."""

    as_of: dt.date
    years: int
    quota: pd.DataFrame
    counted: pd.DataFrame
    rules_version: str

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, *, as_of: dt.date, years: int,
             counties: str | Sequence[str] | None = None) -> RankCounts:
        """Count for ``as_of`` and up to ``years`` ahead (arguments as :func:`places`)."""
        as_of, years = _date(as_of), _years(years)
        codes = county_codes(con, counties)
        install_macros(con)
        quota = quota_usage(con, as_of=as_of, counties=codes)      # first: it refuses several counties
        counted = frames.frame(con, sql.load("outlook/retirements_by_rank"),
                               {"as_of": as_of, "years": years, "counties": codes})
        return cls(as_of=as_of, years=years, quota=quota, counted=_by_scope(counted, quota),
                   rules_version=rules_version(con))

    def places(self, years: int) -> pd.DataFrame:
        """:func:`places` by rank for ``years`` (1 … the years counted) ahead of ``as_of``."""
        years = _years(years)
        if years > self.years:
            raise ValueError(f"years must be at most the {self.years} counted, got {years}")
        counted = self.counted
        if years < self.years:      # before combining: a rank retiring only later adds no row
            counted = counted[counted["period"] <= years].reset_index(drop=True)
        df = _rank_places(counted, self.quota, as_of=self.as_of, years=years)
        df.attrs.update(as_of=self.as_of.isoformat(), years=years, by="rank", rules_version=self.rules_version)
        return df


def _by_scope(counted: pd.DataFrame, quota: pd.DataFrame) -> pd.DataFrame:
    """The retirements per (period, unit, rank) with the units no quota names summed into one
    row per (period, rank) without a unit: :func:`_rank_places` counts them only in the
    jurisdiction's sums, so it gives the same places from a few rows per year instead of one
    per unit and rank (at a million persons ~20 ms instead of ~400 ms for 15 years). The rows
    keep their order (period, rank step first); persons without a rank are left out, as there."""
    counted = counted[counted["rank"].notna()]
    unit = counted["unit_id"].where(counted["unit_id"].isin(set(quota["unit_id"].dropna())))
    return (counted.assign(unit_id=unit)
            .groupby(["period", "unit_id", "rank", "rank_step"], as_index=False, sort=False, dropna=False)
            ["retirements"].sum())


def _rank_places(counted: pd.DataFrame, quota: pd.DataFrame, *, as_of: dt.date, years: int) -> pd.DataFrame:
    """Combine the retirements per (period, unit, rank) with the quota rows (small frames: one
    row per quota and per rank and year, never per person)."""
    counted = counted[counted["rank"].notna()]
    scopes = pd.DataFrame({
        "unit_id": quota["unit_id"].astype(object).where(quota["unit_id"].notna(), None),
        "unit_name": quota["unit_name"], "rank": quota["rank"].astype(str),
        "rank_step": quota["rank_step"].astype("int64"),
        "quota": quota["max_count"].astype("float64"), "holders": quota["holders"].astype("float64"),
    })
    covered = set(scopes.loc[scopes["unit_id"].isna(), "rank"])
    extra = (counted[~counted["rank"].isin(covered)][["rank", "rank_step"]].drop_duplicates()
             .assign(unit_id=None, unit_name=JURISDICTION, quota=np.nan, holders=np.nan))
    if len(extra):          # (an empty frame in concat would decide the dtypes: pandas warns)
        scopes = pd.concat([scopes, extra[scopes.columns]], ignore_index=True)
    scopes["vacancies"] = scopes["quota"] - scopes["holders"]
    scopes["_scope"] = scopes["unit_id"].fillna("")
    # retirements per scope: the jurisdiction's all units, a unit quota's its own unit
    whole = counted.groupby(["period", "rank"], as_index=False)["retirements"].sum().assign(_scope="")
    own = counted[counted["unit_id"].notna()].rename(columns={"unit_id": "_scope"})
    own = own.groupby(["period", "_scope", "rank"], as_index=False)["retirements"].sum()
    periods = pd.DataFrame({"period": range(1, years + 1)})
    periods["period_start"] = [plus_years(as_of, k - 1) for k in periods["period"]]
    periods["period_end"] = [plus_years(as_of, k) for k in periods["period"]]
    grid = periods.merge(scopes, how="cross")
    grid = grid.merge(pd.concat([whole, own], ignore_index=True), how="left",
                      on=["period", "_scope", "rank"])
    grid["retirements"] = grid["retirements"].fillna(0).astype("int64")
    grid = grid.sort_values(["_scope", "rank_step", "period"], ignore_index=True)
    so_far = grid.groupby(["_scope", "rank"])["retirements"].cumsum()
    quota_set = grid["quota"].notna()
    grid["cumulative_places"] = np.where(quota_set, (grid["vacancies"] + so_far).clip(lower=0),
                                         so_far).astype("int64")
    grid["places"] = grid.groupby(["_scope", "rank"])["cumulative_places"].diff()
    grid["places"] = grid["places"].fillna(grid["cumulative_places"]).astype("int64")
    for col in ("quota", "holders", "vacancies"):
        grid[col] = grid[col].astype("Int64")
    grid["period_start"] = pd.to_datetime(grid["period_start"])
    grid["period_end"] = pd.to_datetime(grid["period_end"])
    cols = ["period", "period_start", "period_end", "unit_id", "unit_name", "rank", "rank_step",
            "quota", "holders", "vacancies", "retirements", "places", "cumulative_places"]
    return grid.sort_values(["period", "_scope", "rank_step"], ignore_index=True)[cols]


def plus_years(day: dt.date, years: int) -> dt.date:
    """``day`` + ``years`` years, month-end clamped (29 Feb → 28 Feb), as SQL's to_years: the
    end of the window of :func:`retirements`.

    >>> plus_years(dt.date(2024, 2, 29), 1)
    datetime.date(2025, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
