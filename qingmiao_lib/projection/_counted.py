"""What a projection reads from the database, read once, and the model run on it.

:func:`qingmiao_lib.projection.project` and ``flows`` count the stocks and the transitions (SQL)
and then run the model (numpy). The counts do not depend on the recruitment plan, the age band
width or the smoothing, and the transitions not on the horizon either; the stocks depend on the
horizon only through which statutory retirement dates ``sql/projection/held.sql`` computes (those
that can fall within it: age + horizon ≥ the lowest statutory age; the others are "later"). So
the stocks counted for a horizon give those of any shorter one exactly (:func:`_shorter`): a
notebook counts once for its longest horizon and redoes only the arithmetic when a control moves
(:class:`Counts`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from .. import _query, sql
from ..db import rules_version
from ..errors import QingmiaoError
from ..labels import young_limit as rules_young_limit
from . import _counts, _frames, _model, _plan

#: The key columns of ``sql/projection/stocks.sql``'s rows, in its order.
STOCK_KEYS = ["year", "age", "rank_step", "level_step", "retire_in", "entered"]


def counted(con, *, first: int, last: int, tr_first: int, tr_last: int, years: int,
            young_only: bool, since: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stocks of the years ``first`` … ``last`` (a retirement more than ``years`` ahead as
    :data:`_model.BEYOND`) and the transitions of the years ``tr_first`` … ``tr_last``; ages under
    the young age limit only when ``young_only`` (nobody older joins the cohort, so the rates
    and the intake of the cohort are counted among its own ages). ``since``: in a steady block
    (a report), count from that year on, for the backtest that follows (:mod:`._counts`)."""
    below = rules_young_limit(con) if young_only else 1000
    stocks = _counts.stocks(con, first=first, last=last, years=years, below=below, since=since)
    stocks["retire_in"] = stocks["retire_in"].fillna(_model.BEYOND).astype("int64")
    moves = _counts.transitions(con, first=tr_first, last=tr_last, below=below, since=since)
    return stocks, moves


def run(*, year: int, years: int, k: int, recruitment, band_years: int, smoothing: float,
        stocks: pd.DataFrame, moves: pd.DataFrame, names: dict) -> tuple[_model.Run, _model.Space, str]:
    """The model run from the year end of ``year`` on counted rows (no SQL)."""
    start = stocks[stocks["year"] == year]
    if not len(start):
        raise QingmiaoError(f"{year}年末没有在职人员，无法预测（请检查年度或先导入数据）")
    if not len(moves):
        raise QingmiaoError(f"{year - k + 1}–{year}年没有可观察的人员变动，无法估计转移率")
    space = _model.Space(n_ranks=max(names["rank"]) + 1, n_levels=max(names["level"]) + 1,
                         band_years=band_years, years=years)
    P, _ = _model.rates(moves, space, smoothing=smoothing)
    intake = stocks[stocks["entered"] & stocks["year"].between(year - k + 1, year)]
    steps = {kind: {v: s for s, v in part.items()} for kind, part in names.items()}
    if isinstance(recruitment, Observed):
        plan, told = recruitment.rows, "实际录用（回测）"
    else:
        plan, told = _plan.rows(recruitment, intake, k=k, start_year=year, years=years, steps=steps)
    return _model.project(_model.stock_array(start, space), P, plan, space), space, told


def finish(df: pd.DataFrame, *, as_of: dt.date, rules: str, year: int, years: int, k: int,
           tr: tuple[int, int], told: str, limit: int, **more) -> pd.DataFrame:
    """``df`` with the attrs every projection frame carries (``rules``: the rules' version)."""
    df.attrs.update(as_of=as_of.isoformat(),
                    year=year, years=years, k=k, transition_years=f"{tr[0]}–{tr[1]}", recruitment=told,
                    rules_version=rules, young_limit=limit, **more)
    return df


class Observed:
    """The intake that came, as plan rows (a backtest's ``recruitment="observed"``)."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.rows = rows


def _shorter(stocks: pd.DataFrame, *, years: int, lowest_age: int) -> pd.DataFrame:
    """The stocks as ``stocks.sql`` counts them for the horizon ``years`` (after
    :func:`counted`), from the rows it counted for a longer one: held.sql computes a retirement
    date where age + horizon ≥ ``lowest_age`` (``sql/projection/lowest_age.sql``) and leaves it
    "later" elsewhere; where it computes one, the date and its year ahead are the same whatever the
    horizon. So the rows below that age for ``years`` become "later" (:data:`_model.BEYOND`), and
    rows that then share their keys are one row, as the query's ``group by`` makes them."""
    later = stocks["age"] + years < lowest_age
    if not later.any():
        return stocks
    out = stocks.assign(retire_in=stocks["retire_in"].where(~later, _model.BEYOND))
    return out.groupby(STOCK_KEYS, as_index=False, sort=True)["persons"].sum()[stocks.columns]


@dataclass(frozen=True)
class Counts:
    """What :func:`qingmiao_lib.projection.project` and ``flows`` read from the database for a
    projection from the year end of ``year`` (the last ``k`` years' stocks and transitions, for
    horizons up to ``years``), with the rules' values their frames carry. :meth:`project` and
    :meth:`flows` run the model for any horizon up to ``years``, any recruitment plan, band width
    and smoothing without asking the database again — and give what the functions give."""

    year: int
    years: int
    k: int
    young_only: bool
    names: dict
    stocks: pd.DataFrame
    moves: pd.DataFrame
    lowest_age: int | None
    as_of: dt.date
    rules: str
    limit: int

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, *, names: dict, year: int, years: int, k: int,
             young_only: bool, shorter: bool = True, since: int | None = None) -> Counts:
        """Count (``names``: the state names, :func:`qingmiao_lib.projection._setup`); ``shorter``:
        for shorter horizons too (one more small query), else for ``years`` only."""
        stocks, moves = counted(con, first=year - k + 1, last=year, tr_first=year - k + 1, tr_last=year,
                                years=years, young_only=young_only, since=since)
        lowest = int(con.execute(sql.load("projection/lowest_age")).fetchone()[0]) if shorter else None
        return cls(year=year, years=years, k=k, young_only=young_only, names=names, stocks=stocks,
                   moves=moves, lowest_age=lowest, as_of=_query.year_end(con, year),
                   rules=rules_version(con), limit=rules_young_limit(con))

    def _run(self, years: int, recruitment, band_years: int, smoothing: float):
        if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= self.years or (years < self.years and self.lowest_age is None):
            raise ValueError(f"years must be from 1 to the {self.years} counted, got {years!r}")
        stocks = self.stocks if years == self.years else _shorter(self.stocks, years=years,
                                                                   lowest_age=self.lowest_age)
        return run(year=self.year, years=years, k=self.k, recruitment=recruitment, band_years=band_years,
                   smoothing=smoothing, stocks=stocks, moves=self.moves, names=self.names)

    def _finish(self, df: pd.DataFrame, *, years: int, told: str, **more) -> pd.DataFrame:
        return finish(df, as_of=self.as_of, rules=self.rules, year=self.year, years=years, k=self.k,
                      tr=(self.year - self.k + 1, self.year), told=told, limit=self.limit,
                      young_only=self.young_only, **more)

    def frames(self, *, years: int, recruitment=None, band_years: int,
               smoothing: float) -> tuple[pd.DataFrame, pd.DataFrame]:
        """:func:`qingmiao_lib.projection.project` and ``flows`` for these counts, from one run."""
        result, space, told = self._run(years, recruitment, band_years, smoothing)
        return (self._cells(result, space, years=years, told=told, band_years=band_years, smoothing=smoothing),
                self._flows(result, years=years, told=told))

    def project(self, *, years: int, recruitment=None, band_years: int, smoothing: float) -> pd.DataFrame:
        """:func:`qingmiao_lib.projection.project` for these counts."""
        result, space, told = self._run(years, recruitment, band_years, smoothing)
        return self._cells(result, space, years=years, told=told, band_years=band_years, smoothing=smoothing)

    def flows(self, *, years: int, recruitment=None, band_years: int, smoothing: float) -> pd.DataFrame:
        """:func:`qingmiao_lib.projection.flows` for these counts."""
        result, _, told = self._run(years, recruitment, band_years, smoothing)
        return self._flows(result, years=years, told=told)

    def _cells(self, result, space, *, years: int, told: str, band_years: int, smoothing: float) -> pd.DataFrame:
        df = _frames.cells(result.stocks, space, self.names, limit=self.limit if self.young_only else None)
        df.insert(0, "year", df["period"] + self.year)
        df.insert(2, "projected", df["period"] > 0)
        return self._finish(df, years=years, told=told, band_years=band_years, smoothing=smoothing)

    def _flows(self, result, *, years: int, told: str) -> pd.DataFrame:
        df = _frames.flows(result, limit=self.limit if self.young_only else None)
        df.insert(0, "year", df["period"] + self.year)
        return self._finish(df, years=years, told=told)
