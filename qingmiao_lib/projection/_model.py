"""The Markov manpower model's arithmetic: counted frames in, numpy arrays through, no SQL.

States are (rank step, post level step): ``s = rank_step * n_levels + level_step``; the column
``n_states`` of a rate matrix is the exit. Stocks are held by exact age (on the year end) and by
the year ahead the statutory retirement falls in (``retire_in``), so ageing and retirement are
deterministic and only the moves between states and the exits are rates. Rates depend on the age
band of the age at the start of the year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Ages the stocks are held for (0 … MAX_AGE; an older age stays at MAX_AGE).
MAX_AGE = 100
#: ``retire_in`` of a person whose statutory retirement is beyond the horizon (not computed).
BEYOND = 999


@dataclass(frozen=True)
class Space:
    """The state space: ``n_ranks`` rank steps (0 = 未定职级 … the ladder's top), ``n_levels``
    post levels (0 = 无 …), ``band_years`` wide age bands (band of age a = a // band_years),
    ``years`` projection years (retire_in slots 0 … years + 1; years + 1 = not within the
    horizon)."""

    n_ranks: int
    n_levels: int
    band_years: int
    years: int

    @property
    def n_states(self) -> int:
        return self.n_ranks * self.n_levels

    @property
    def n_bands(self) -> int:
        return MAX_AGE // self.band_years + 1

    @property
    def slots(self) -> int:
        return self.years + 2

    def state(self, rank_step, level_step) -> np.ndarray:
        return np.asarray(rank_step, dtype=np.int64) * self.n_levels + np.asarray(level_step, dtype=np.int64)

    def band(self, age) -> np.ndarray:
        return np.minimum(np.asarray(age, dtype=np.int64), MAX_AGE) // self.band_years


def rates(transitions: pd.DataFrame, space: Space, *, smoothing: float) -> tuple[np.ndarray, np.ndarray]:
    """Yearly transition rates per age band: ``(P, n)`` with ``P[band, s, s']`` the share of the
    persons in state ``s`` at a year start (band of their age then) who are in ``s'`` a year later
    (``s' = n_states``: exited), and ``n[band, s]`` the person-years observed.

    The rows are counted per band and shrunk towards the rates of the state pooled over all bands:
    ``P[b, s] = (C[b, s] + m · pooled[s]) / (n[b, s] + m)`` with ``m = smoothing`` (0: the band's
    own rates wherever it was observed). A state never observed in any band keeps its persons
    (stays, no exit): nothing observed, nothing moved.

    ``transitions`` has the columns of ``sql/projection/transitions.sql`` (age, rank_step,
    level_step, exited, to_rank_step, to_level_step, persons).
    """
    n = space.n_states
    counts = np.zeros((space.n_bands, n, n + 1))
    if len(transitions):
        t = transitions
        exited = t["exited"].to_numpy(dtype=bool)
        start = space.state(t["rank_step"], t["level_step"])
        end = np.where(exited, n, space.state(t["to_rank_step"].fillna(0).to_numpy(dtype=np.int64),
                                              t["to_level_step"].fillna(0).to_numpy(dtype=np.int64)))
        np.add.at(counts, (space.band(t["age"]), start, end), t["persons"].to_numpy(dtype=float))
    observed = counts.sum(axis=2)
    pooled_counts = counts.sum(axis=0)
    pooled_n = pooled_counts.sum(axis=1, keepdims=True)
    stay = np.hstack([np.eye(n), np.zeros((n, 1))])
    pooled = np.where(pooled_n > 0, pooled_counts / np.where(pooled_n > 0, pooled_n, 1), stay)
    m = float(smoothing)
    weight = observed[..., None] + m
    shrunk = (counts + m * pooled[None]) / np.where(weight > 0, weight, 1)
    P = np.where(weight > 0, shrunk, pooled[None])
    return P, observed


def stock_array(rows: pd.DataFrame, space: Space) -> np.ndarray:
    """Persons by (age, retire_in slot, state) from rows with age, retire_in, rank_step,
    level_step, persons (retire_in beyond the horizon goes to the last slot)."""
    out = np.zeros((MAX_AGE + 1, space.slots, space.n_states))
    if len(rows):
        age = np.minimum(rows["age"].to_numpy(dtype=np.int64), MAX_AGE)
        slot = np.clip(rows["retire_in"].to_numpy(dtype=np.int64), 1, space.slots - 1)
        np.add.at(out, (age, slot, space.state(rows["rank_step"], rows["level_step"])),
                  rows["persons"].to_numpy(dtype=float))
    return out


@dataclass
class Run:
    """A projection's arrays: ``stocks[k, age, state]`` on the year end k (0 = the start, the
    observed stocks), and per year k ≥ 1 the flows out of and into the stocks by age (on the
    year end k) and state: ``retired`` (statutory retirement, the state at the year start),
    ``exited`` (the state at the year start), ``recruited``."""

    stocks: np.ndarray
    retired: np.ndarray
    exited: np.ndarray
    recruited: np.ndarray


def project(start: np.ndarray, P: np.ndarray, recruits: pd.DataFrame, space: Space) -> Run:
    """Project ``start`` (``stock_array``) ``space.years`` years ahead.

    Each year k: the persons whose statutory retirement falls in year k leave; the others move
    between states (or exit) by the rates ``P`` of the band of their age at the year start; all
    are a year older; the year's recruits join: the rows of ``recruits`` with ``period`` k (age on
    the year end k, ``retire_in`` counted from that year end, rank_step, level_step, persons).
    """
    years, n = space.years, space.n_states
    rates_by_age = P[space.band(np.arange(MAX_AGE + 1))]           # (age, n, n + 1)
    shape = (years + 1, MAX_AGE + 1, n)
    stocks, retired, exited, recruited = (np.zeros(shape) for _ in range(4))
    period = recruits["period"].to_numpy(dtype=np.int64)
    r_age = np.minimum(recruits["age"].to_numpy(dtype=np.int64), MAX_AGE)
    r_in = recruits["retire_in"].to_numpy(dtype=np.int64)
    r_state = space.state(recruits["rank_step"], recruits["level_step"])
    r_persons = recruits["persons"].to_numpy(dtype=float)
    S = start.copy()
    stocks[0] = S.sum(axis=1)
    for k in range(1, years + 1):
        retired[k] = _older(S[:, k, :])
        S[:, k, :] = 0
        exited[k] = _older(S.sum(axis=1) * rates_by_age[:, :, n])   # by the state left
        moved = np.einsum("atn,anm->atm", S, rates_by_age)         # (age, slot, n + 1)
        S = _older(moved[..., :n])
        now = period == k
        slot = np.clip(k + r_in[now], 1, space.slots - 1)
        np.add.at(S, (r_age[now], slot, r_state[now]), r_persons[now])
        np.add.at(recruited[k], (r_age[now], r_state[now]), r_persons[now])
        stocks[k] = S.sum(axis=1)
    return Run(stocks=stocks, retired=retired, exited=exited, recruited=recruited)


def _older(a: np.ndarray) -> np.ndarray:
    """A year older along the first (age) axis; the oldest age stays the oldest."""
    out = np.zeros_like(a)
    out[1:] = a[:-1]
    out[-1] += a[-1]
    return out
