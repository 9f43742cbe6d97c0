"""The model's arrays as the frames the analyses return (one row per cell, a stated grain)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._model import MAX_AGE, Run, Space

#: The breakdowns of a backtest (an allowlist): each dimension's column and its sort key.
DIMENSIONS = {"age_band": "band_start", "rank": "rank_step", "level": "level_step"}


def band_label(start: int, band_years: int, limit: int | None) -> str:
    """The label of the band starting at ``start``, as the structure's pyramids say it ("25–29岁");
    cut at the young age limit when the cohort is cut there ("35–37岁" for a limit of 38)."""
    end = start + band_years - 1
    if limit is not None:
        end = min(end, limit - 1)
    return f"{start}–{end}岁" if end > start else f"{start}岁"


def cells(stocks: np.ndarray, space: Space, names: dict[str, dict[int, str]], *,
          limit: int | None) -> pd.DataFrame:
    """``stocks[k, age, state]`` as rows per (k, age band, rank, level): ages below ``limit``
    only (all when None); every cell with persons in some year k appears in every year (zeros
    included), so each cell has a whole series."""
    ages = np.arange(MAX_AGE + 1)
    keep = ages < limit if limit is not None else np.ones_like(ages, dtype=bool)
    bands = space.band(ages)
    banded = np.zeros((stocks.shape[0], space.n_bands, space.n_states))
    np.add.at(banded, (slice(None), bands[keep]), stocks[:, keep])
    band_idx, state_idx = np.nonzero(banded.sum(axis=0) > 1e-9)
    periods = np.arange(stocks.shape[0])
    df = pd.DataFrame({
        "period": np.repeat(periods, len(band_idx)),
        "band_start": np.tile(band_idx * space.band_years, len(periods)),
        "rank_step": np.tile(state_idx // space.n_levels, len(periods)),
        "level_step": np.tile(state_idx % space.n_levels, len(periods)),
        "persons": banded[:, band_idx, state_idx].reshape(-1),
    })
    df["age_band"] = [band_label(int(b), space.band_years, limit) for b in df["band_start"]]
    df["rank"] = df["rank_step"].map(names["rank"])
    df["level"] = df["level_step"].map(names["level"])
    cols = ["period", "age_band", "band_start", "rank", "rank_step", "level", "level_step", "persons"]
    return df.sort_values(["period", "band_start", "rank_step", "level_step"], ignore_index=True)[cols]


def flows(run: Run, *, limit: int | None) -> pd.DataFrame:
    """The cohort's account per projected year k: the stock at the start, statutory retirements,
    other exits, those ageing out of the cohort (reaching ``limit`` while in service), recruits
    joining it, the stock at the end (start − retired − exited − aged_out + recruited = end).
    Flows out are counted by the age at the year start (on the arrays: age at the year end ≤
    ``limit``)."""
    years = run.stocks.shape[0] - 1
    top = MAX_AGE + 1 if limit is None else limit
    young_end = slice(0, top)               # age on the year end < limit
    out_end = slice(0, top + 1)             # age on the year start < limit
    rows = []
    for k in range(1, years + 1):
        start = run.stocks[k - 1, :top].sum()
        aged = 0.0 if limit is None else (run.stocks[k, top] - run.recruited[k, top]).sum()
        rows.append({
            "period": k, "start": start, "retired": run.retired[k, out_end].sum(),
            "exited": run.exited[k, out_end].sum(), "aged_out": aged,
            "recruited": run.recruited[k, young_end].sum(), "end": run.stocks[k, :top].sum(),
        })
    return pd.DataFrame(rows, columns=["period", "start", "retired", "exited", "aged_out", "recruited", "end"])


def compare(projected: pd.DataFrame, observed: pd.DataFrame, baseline: pd.DataFrame,
            by: list[str]) -> pd.DataFrame:
    """Projected beside observed per cell of ``by`` (frames of :func:`cells` for one period), the
    no-change baseline (the start's cell) beside them, errors, and a 合计 row last."""
    keys = [c for d in by for c in (d, DIMENSIONS[d])]

    def summed(df: pd.DataFrame, name: str) -> pd.DataFrame:
        return df.groupby(keys, as_index=False)["persons"].sum().rename(columns={"persons": name})

    out = summed(projected, "projected").merge(summed(observed, "observed"), how="outer", on=keys)
    out = out.merge(summed(baseline, "baseline"), how="left", on=keys)
    out[["projected", "observed", "baseline"]] = out[["projected", "observed", "baseline"]].fillna(0.0)
    out = out.sort_values([DIMENSIONS[d] for d in by], ignore_index=True)
    out["is_total"] = False
    total = {c: "合计" for c in by} | {DIMENSIONS[d]: pd.NA for d in by} | {
        "projected": out["projected"].sum(), "observed": out["observed"].sum(),
        "baseline": out["baseline"].sum(), "is_total": True}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["error"] = out["projected"] - out["observed"]
    cells = ~out["is_total"]
    out["abs_error"] = out["error"].abs()
    out.loc[~cells, "abs_error"] = out.loc[cells, "abs_error"].sum()
    for d in by:
        out[DIMENSIONS[d]] = out[DIMENSIONS[d]].astype("Int64")
    return out[keys + ["projected", "observed", "error", "abs_error", "baseline", "is_total"]]


def rates_frame(P: np.ndarray, observed: np.ndarray, space: Space, names: dict[str, dict[int, str]]) -> pd.DataFrame:
    """The rates of the observed (band, state) rows as one row per outcome with a rate > 0."""
    n = space.n_states
    band, state, to = np.nonzero((observed[..., None] > 0) & (P > 1e-12))
    df = pd.DataFrame({
        "band_start": band * space.band_years, "rank_step": state // space.n_levels,
        "level_step": state % space.n_levels, "persons": observed[band, state],
        "to": to, "rate": P[band, state, to],
    })
    df["age_band"] = [band_label(int(b), space.band_years, None) for b in df["band_start"]]
    df["rank"] = df["rank_step"].map(names["rank"])
    df["level"] = df["level_step"].map(names["level"])
    left = df["to"] == n
    to_rank, to_level = df["to"] // space.n_levels, df["to"] % space.n_levels
    df["to_rank"] = to_rank.map(names["rank"]).where(~left, None)
    df["to_level"] = to_level.map(names["level"]).where(~left, None)
    up_rank, up_level = to_rank > df["rank_step"], to_level > df["level_step"]
    df["outcome"] = np.select(
        [left, up_rank & up_level, up_rank, up_level, (to_rank == df["rank_step"]) & (to_level == df["level_step"])],
        ["离开", "晋升职级和职务", "晋升职级", "晋升职务", "留任原状态"], "其他变动")
    cols = ["age_band", "band_start", "rank", "rank_step", "level", "level_step", "persons", "outcome",
            "to_rank", "to_level", "rate"]
    return df.sort_values(["band_start", "rank_step", "level_step", "to"], ignore_index=True)[cols]
