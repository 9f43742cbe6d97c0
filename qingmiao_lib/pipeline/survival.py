"""Time from entry to the first rank promotion: Kaplan–Meier curves per entry cohort, the event
table counted in SQL (``sql/pipeline/first_promotion.sql``) and the estimate computed as
``lifelines.KaplanMeierFitter`` does (:func:`_kaplan_meier`), cut where too few are at risk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from .. import _query
from ._common import _counties, _date, _default_cohorts, _finish, _frame


def time_to_promotion(con: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                      cohorts: int | Sequence[int] | None = None,
                      min_at_risk: int | None = None,
                      counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Time from entry to the first rank promotion, by entry cohort: Kaplan–Meier curves that
    stop where fewer than ``min_at_risk`` persons are at risk.

    A promotion is the first ranks row with reason 晋升 starting after the entry date and by
    ``as_of``; everyone else is censored at exit or ``as_of`` (kept in the risk set until then).
    The event table (at risk, promoted, censored per month) is counted in SQL; the estimate and
    its bounds are those of ``lifelines.KaplanMeierFitter`` (:func:`_kaplan_meier`), over the
    whole table. ``cohorts`` (entry years) defaults to those from the first year of the records on
    (on a combined database, of all its counties' records); ``counties`` (codes, on a combined
    database) keeps the persons of those counties.

    ``min_at_risk`` defaults to the rules' small-cell threshold (``report.small_cell_threshold``,
    5): rows with fewer persons at risk are left out of the curve (at risk only falls with the
    months, so a cohort's curve stops there; a cohort smaller than that has no rows), and a
    cohort's median is given only when the curve reaches 0.5 at a month with at least
    ``min_at_risk`` at risk. ``min_at_risk=1`` gives the whole curve and lifelines' medians.

    Returns the tidy curves: one row per (cohort, month with an event or censoring, plus month 0)
    with at least ``min_at_risk`` at risk: ``cohort, months, survival`` (share not yet promoted),
    ``at_risk, events, censored, ci_lower, ci_upper``. ``attrs``: ``median_months`` maps every
    cohort with an entrant to its median time in months or None; ``median_note`` to None where a
    median is given, else why not — "未过半" (more than half not yet promoted where enough are
    at risk), "过半时观察人数不足N人" (half reached only once fewer than N are at risk), or
    "人数不足N人" (the cohort itself is smaller); ``min_at_risk`` holds N.
    """
    as_of = _date(as_of)
    t = _query.rules(con).small_cell_threshold if min_at_risk is None else int(min_at_risk)
    if t < 1:
        raise ValueError(f"min_at_risk must be at least 1, got {t}")
    table = _frame(con, "first_promotion", {"as_of": as_of, "cohorts": _default_cohorts(con, as_of, cohorts),
                                            "counties": _counties(con, counties)})
    columns = ["cohort", "months", "survival", "at_risk", "events", "censored", "ci_lower", "ci_upper"]
    if table.empty:
        return _finish(pd.DataFrame(columns=columns), con, as_of=as_of, median_months={},
                       median_note={}, min_at_risk=t)
    survival, lower, upper, medians, notes = _kaplan_meier(table, min_at_risk=t)
    df = pd.DataFrame({
        "cohort": table["cohort"].to_numpy(np.int64), "months": table["months"].to_numpy(np.int64),
        "survival": survival, "at_risk": table["at_risk"].to_numpy(np.int64),
        "events": table["events"].to_numpy(np.int64), "censored": table["censored"].to_numpy(np.int64),
        "ci_lower": lower, "ci_upper": upper,
    })
    df = df[df["at_risk"].to_numpy() >= t].reset_index(drop=True)
    return _finish(df, con, as_of=as_of, median_months=medians, median_note=notes, min_at_risk=t)


#: z of the two-sided 95% interval: ``scipy.stats.norm.ppf(0.975)``, the value lifelines uses
#: (its default alpha 0.05).
_Z95 = 1.959963984540054


#: S ≤ 0.5 for the median, with room for the rounding of exp(Σ log …): 3 of 6 promoted gives
#: exp(log 3 − log 6) = 0.5000000000000001, which lifelines (comparing with 0.5) reads as "not
#: yet half"; exactly half is the median by definition.
_HALF = 0.5 + 1e-9


def _kaplan_meier(table: pd.DataFrame, *, min_at_risk: int = 1
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict, dict]:
    """Kaplan–Meier survival with exponential-Greenwood ("log-log") 95% bounds over the event
    tables of ``sql/pipeline/first_promotion.sql`` (rows sorted by cohort, months), computed as
    ``lifelines.KaplanMeierFitter`` does, operation for operation so the floats are the same:
    S(t) = exp(Σ log(n − d) − log n), var = Σ d / (n (n − d)) (an infinite term, n = d, counts 0),
    bounds exp(−exp(log(−log S) ∓ z √var / log S)), 1 where undefined; the median is the first
    month with S ≤ 0.5 (lifelines' with ``min_at_risk`` 1, except that S exactly 0.5 counts
    whatever the rounding of the exp: :data:`_HALF`), given only when at least
    ``min_at_risk`` are at risk in that month (None otherwise). Returns survival, lower, upper, the
    medians by cohort and, by cohort, None or why the median is not given (see
    :func:`time_to_promotion`)."""
    cohort = table["cohort"].to_numpy(np.int64)
    months = table["months"].to_numpy(np.int64)
    n = table["at_risk"].to_numpy(np.float64)
    d = table["events"].to_numpy(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.log(n - d) - np.log(n)
        var_step = d / (n * (n - d))
    var_step[var_step == np.inf] = 0.0
    log_s = np.empty_like(step)
    var = np.empty_like(step)
    starts = np.flatnonzero(np.r_[True, cohort[1:] != cohort[:-1]])
    ends = np.r_[starts[1:], len(cohort)]
    medians: dict[int, float | None] = {}
    notes: dict[int, str | None] = {}
    for a, b in zip(starts, ends, strict=True):  # cumulative sums within each cohort
        log_s[a:b] = pd.Series(step[a:b]).cumsum().ffill().to_numpy()
        var[a:b] = pd.Series(var_step[a:b]).cumsum().ffill().to_numpy()
    survival = np.exp(log_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.log(survival)
        lower = np.exp(-np.exp(np.log(-v) - _Z95 * np.sqrt(var) / v))
        upper = np.exp(-np.exp(np.log(-v) + _Z95 * np.sqrt(var) / v))
    lower[np.isnan(lower)] = 1.0
    upper[np.isnan(upper)] = 1.0
    for a, b in zip(starts, ends, strict=True):
        key = int(cohort[a])
        below = np.flatnonzero(survival[a:b] <= _HALF)
        medians[key], notes[key] = None, None
        if n[a] < min_at_risk:                       # the whole cohort (at risk at its start)
            notes[key] = f"人数不足{min_at_risk}人"
        elif not len(below):
            notes[key] = "未过半"
        elif n[a + below[0]] < min_at_risk:
            notes[key] = f"过半时观察人数不足{min_at_risk}人"
        else:
            medians[key] = float(months[a + below[0]])
    return survival, lower, upper, medians, notes
