"""The cohort in N years (issue 21 item 4): a Markov manpower model of the workforce by age, rank
(职级) and leadership level (职务层次), projected year by year from the year end of ``year``, and
its backtest on the records.

The model: the persons active on a year end are counted by exact age, rank step, post level step
and the year ahead their statutory retirement falls in (``sql/projection/stocks.sql``). Each
projected year, those reaching the statutory retirement date (``outlook``'s macros, rules
``[retirement]``) leave; the others move between (rank, level) states or exit by the yearly rates
observed over the last ``k`` years (``sql/projection/transitions.sql``: one count over the ``k``
years) for their age band at the year start; everybody is a year older; the year's recruits join
(the recruitment plan, by default the average intake of the last ``k`` years). The counting is
SQL; the projection is numpy (a few hundred states). Stocks are expected values (fractions).

Every function takes the connection first, then keyword-only arguments, and returns a DataFrame
whose ``attrs`` carry ``as_of`` (the start year end), ``years``, ``k``, ``transition_years``,
``recruitment`` (a description), ``rules_version`` and ``young_limit``. :func:`counts` reads
once what :func:`project` and :func:`flows` read from the database, for every horizon up to a
longest one, and runs the model on it for any plan and horizon without asking again (a
notebook's controls: ``_counted``).

>>> import qingmiao_lib as qm                                                  # doctest: +SKIP
>>> con = qm.connect("data/qingmiao.duckdb")                                   # doctest: +SKIP
>>> from qingmiao_lib import projection
>>> projection.project(con, year=2025, years=5)                                # doctest: +SKIP
>>> projection.backtest(con, year=2025, horizon=5)                             # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import _query, outlook, sql
from ..db import install_once, rules_version
from ..labels import young_limit as rules_young_limit
from . import _counted, _counts, _frames, _model, _plan
from ._text import METHODS, backtest_text, methods_text

__all__ = ["COLUMNS", "DIMENSIONS", "METHODS", "backtest", "backtest_text", "counts", "flows",
           "methods_text", "project", "transitions"]

#: Chinese names of this module's output columns.
COLUMNS: dict[str, str] = {
    "year": "年度", "period": "第几年", "projected": "预测值", "age_band": "年龄段", "band_start": "起始年龄",
    "rank": "职级", "rank_step": "职级序号", "level": "职务层次", "level_step": "职务层次序号",
    "persons": "人数", "to_rank": "一年后职级", "to_level": "一年后职务层次", "outcome": "一年后",
    "rate": "年转移率", "start": "年初人数", "retired": "法定退休", "exited": "其他离开",
    "aged_out": "年满年龄离开", "recruited": "录用", "end": "年末人数", "observed": "实际值",
    "error": "误差", "abs_error": "绝对误差", "baseline": "不变假设", "is_total": "合计行",
}
#: The breakdowns of :func:`backtest`.
DIMENSIONS = tuple(_frames.DIMENSIONS)
#: Defaults (keyword arguments, documented in :func:`project`).
K, BAND_YEARS, SMOOTHING = 5, 5, 5.0


def _checked(year, years: int, k: int, band_years: int, smoothing: float) -> None:
    for name, value, low, high in (("year", year, 1950, 2200), ("years", years, 1, 30), ("k", k, 1, 30),
                                   ("band_years", band_years, 1, 20)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    if not float(smoothing) >= 0:
        raise ValueError(f"smoothing must be a number ≥ 0, got {smoothing!r}")


def _setup(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """The macros on ``con``; the state names ``{"rank": {step: name}, "level": {...}}``."""
    outlook.install_macros(con)
    install_once(con, "projection_held", sql.load("projection/held"))
    names = _counts.states(con)
    return {kind: dict(zip(part["step"].astype(int), part["name"], strict=True))
            for kind, part in names.groupby("kind")}


def project(con: duckdb.DuckDBPyConnection, *, year: int, years: int, k: int = K, recruitment=None,
            band_years: int = BAND_YEARS, smoothing: float = SMOOTHING, young_only: bool = True) -> pd.DataFrame:
    """The cohort ``years`` years after the year end of ``year``, year by year.

    Parameters
    ----------
    year
        The start: the persons active on its year end (rules ``general.year_end``, 31 December).
    years
        How many years ahead (1–30).
    k
        Transition rates and the default intake are those of the last ``k`` years (the years
        ``year − k + 1`` … ``year``; default 5).
    recruitment
        The recruitment plan: None (the average intake of the last ``k`` years, as composed),
        a number per year, ``{year: persons}``, or a DataFrame of ``persons`` with any of
        ``year``, ``age``, ``rank``, ``level`` (see ``projection._plan.rows``).
    band_years
        Width of the age bands the rates are estimated for, as the structure's pyramids (5).
    smoothing
        Weight (person-years) of the rates pooled over all age bands in each band's rates (5):
        a thin band leans on the pooled rates, a well-observed one on its own.
    young_only
        The cohort under the rules' young age limit (``general.young_age_limit``: under 40) —
        default; False: the whole workforce.

    Returns
    -------
    pandas.DataFrame
        One row per (year, age band, rank, level) with persons in some year: ``year, period``
        (0 = the start, observed), ``projected`` (False for the start), ``age_band, band_start,
        rank, rank_step, level, level_step, persons`` (expected persons, fractional).
    """
    _checked(year, years, k, band_years, smoothing)
    return _read(con, year=year, years=years, k=k, young_only=young_only, shorter=False).project(
        years=years, recruitment=recruitment, band_years=band_years, smoothing=smoothing)


def flows(con: duckdb.DuckDBPyConnection, *, year: int, years: int, k: int = K, recruitment=None,
          band_years: int = BAND_YEARS, smoothing: float = SMOOTHING, young_only: bool = True) -> pd.DataFrame:
    """The cohort's yearly account in the projection of :func:`project` (same arguments): one row
    per projected year: ``year, period, start, retired`` (statutory), ``exited`` (other exits),
    ``aged_out`` (reaching the young age limit in service; 0 for the whole workforce),
    ``recruited`` (joining the cohort), ``end``; start − retired − exited − aged_out + recruited
    = end."""
    _checked(year, years, k, band_years, smoothing)
    return _read(con, year=year, years=years, k=k, young_only=young_only, shorter=False).flows(
        years=years, recruitment=recruitment, band_years=band_years, smoothing=smoothing)


def counts(con: duckdb.DuckDBPyConnection, *, year: int, years: int, k: int = K,
           young_only: bool = True) -> _counted.Counts:
    """What :func:`project` and :func:`flows` from the year end of ``year`` read from the database,
    counted once for every horizon up to ``years`` (arguments as :func:`project`): its
    ``project(years=…, recruitment=…, band_years=…, smoothing=…)`` and ``flows(…)`` give what
    those functions give, without asking the database again (a notebook's controls)."""
    _checked(year, years, k, BAND_YEARS, SMOOTHING)
    return _read(con, year=year, years=years, k=k, young_only=young_only, shorter=True)


def _read(con, *, year: int, years: int, k: int, young_only: bool, shorter: bool) -> _counted.Counts:
    return _counted.Counts.read(con, names=_setup(con), year=year, years=years, k=k, young_only=young_only,
                                shorter=shorter, since=year - years - k + 1)   # and a backtest's years


def backtest(con: duckdb.DuckDBPyConnection, *, year: int, horizon: int = 5, k: int = K,
             by: str | Sequence[str] = DIMENSIONS, recruitment: str = "average",
             band_years: int = BAND_YEARS, smoothing: float = SMOOTHING, young_only: bool = True) -> pd.DataFrame:
    """Project from the year end of ``year − horizon`` to that of ``year`` with only what was known
    then (rates and intake of the ``k`` years up to ``year − horizon``) and compare with the
    persons observed on the year end of ``year``, per cell of ``by``.

    Parameters
    ----------
    by
        Any of ``"age_band"``, ``"rank"``, ``"level"`` (default all three: the model's cells).
    recruitment
        ``"average"`` (default: the plan an analyst would have set then, the average intake of
        the ``k`` years before) or ``"observed"`` (the intake that came: isolates the error of
        the rates).

    Returns
    -------
    pandas.DataFrame
        One row per cell with persons projected or observed, then a 合计 row (``is_total``):
        the ``by`` columns and their sort keys, ``projected, observed, error`` (projected −
        observed), ``abs_error`` (the 合计 row: the sum over the cells), ``baseline`` (the no-change
        forecast: the cell's persons at the start). ``attrs``: as :func:`project`, with
        ``start_year``, ``horizon``, ``projected_total``, ``observed_total``, ``abs_error_sum``,
        ``wape`` (sum of absolute errors / observed total) and ``baseline_wape``.
    """
    by = [by] if isinstance(by, str) else list(by)
    if not by or any(d not in DIMENSIONS for d in by) or len(set(by)) != len(by):
        raise ValueError(f"by must name distinct dimensions among {', '.join(DIMENSIONS)}, got {by!r}")
    if recruitment not in ("average", "observed"):
        raise ValueError(f"recruitment must be 'average' or 'observed', got {recruitment!r}")
    start = year - horizon
    _checked(start, horizon, k, band_years, smoothing)
    names = _setup(con)
    stocks, moves = _counted.counted(con, first=start - k + 1, last=year, tr_first=start - k + 1,
                                     tr_last=start, years=horizon, young_only=young_only)
    plan = None
    if recruitment == "observed":
        came = stocks[stocks["entered"] & (stocks["year"] > start)]
        plan_rows = came.assign(period=came["year"] - start)[_plan.ROWS].reset_index(drop=True)
        plan = _counted.Observed(plan_rows)
    run, space, told = _counted.run(year=start, years=horizon, k=k, recruitment=plan, band_years=band_years,
                                    smoothing=smoothing, stocks=stocks, moves=moves, names=names)
    limit = rules_young_limit(con)
    cut = limit if young_only else None
    projected = _frames.cells(run.stocks, space, names, limit=cut)
    observed_run = _model.stock_array(stocks[stocks["year"] == year], space).sum(axis=1)[None]
    observed = _frames.cells(observed_run, space, names, limit=cut)
    out = _frames.compare(projected[projected["period"] == horizon], observed,
                          projected[projected["period"] == 0], by)
    total = out[out["is_total"]].iloc[0]
    obs = float(total["observed"])
    base_abs = (out.loc[~out["is_total"], "baseline"] - out.loc[~out["is_total"], "observed"]).abs().sum()
    return _counted.finish(
        out, as_of=_query.year_end(con, start), rules=rules_version(con), year=start, years=horizon, k=k,
        tr=(start - k + 1, start), told=told, limit=limit, start_year=start, target_year=year, horizon=horizon,
        by=by, young_only=young_only, projected_total=float(total["projected"]), observed_total=obs,
        abs_error_sum=float(total["abs_error"]), wape=float(total["abs_error"]) / obs if obs else float("nan"),
        baseline_wape=float(base_abs) / obs if obs else float("nan"))


def transitions(con: duckdb.DuckDBPyConnection, *, year: int, k: int = K, band_years: int = BAND_YEARS,
                smoothing: float = SMOOTHING, young_only: bool = True) -> pd.DataFrame:
    """The yearly transition rates the projection from ``year`` uses (observed over ``year − k + 1``
    … ``year``): one row per (age band, rank, level) observed at a year start and outcome with a
    rate > 0: ``age_band, band_start, rank, rank_step, level, level_step, persons`` (person-years
    observed in the start state), ``outcome`` (留任原状态 / 晋升职级 … / 离开), ``to_rank,
    to_level`` (None for 离开), ``rate`` (after smoothing; the rates of a start state sum to 1).
    ``young_only`` (default): the start ages under the young age limit, as :func:`project` counts
    them for the cohort; False: all ages, as for the whole workforce."""
    _checked(year, 1, k, band_years, smoothing)
    names = _setup(con)
    below = rules_young_limit(con) if young_only else 1000
    moves = _counts.transitions(con, first=year - k + 1, last=year, below=below)
    space = _model.Space(n_ranks=max(names["rank"]) + 1, n_levels=max(names["level"]) + 1,
                         band_years=band_years, years=1)
    P, observed = _model.rates(moves, space, smoothing=smoothing)
    df = _frames.rates_frame(P, observed, space, names)
    limit = rules_young_limit(con)
    return _counted.finish(df, as_of=_query.year_end(con, year), rules=rules_version(con), year=year, years=0,
                           k=k, tr=(year - k + 1, year), told="", limit=limit)
