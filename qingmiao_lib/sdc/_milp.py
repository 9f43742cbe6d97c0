"""Complementary suppression as an exact optimisation (Fischetti–Salazar cut generation, HiGHS).

Decision variables ``x_i ∈ {0, 1}`` for the *candidates*: cells with ``a_i ≥ t`` that are not
printed elsewhere as-is and not in a withheld table (zeros never; small cells are always hidden).
Hiding candidate i costs its value ``a_i`` (τ-ARGUS' default: hide as few persons as possible); a
principal cell costs ``P + a_i``, ``P`` one more than hiding every other candidate of its group,
so a principal cell is hidden only when no protection without it exists (lexicographic).

Protection of a sensitive cell p (a ``"<t"`` cell or a small count of a withheld table): the
attacker's range of p, max − min, is at least ``spl`` (sliding protection level; 1 = two
integers). The solver's attacker moves each hidden cell by at most ``spl`` from the truth (a
"×" cell is unbounded above for the real attacker): for relations forming a network (a table
with its totals) that loses nothing — any other table consistent with what is published differs
from the truth along unit cycles — elsewhere it is slightly stricter than the real attacker, so
never weaker; the final audit uses the real one.

The loop, per independent group of linked cells (:func:`_solve_group`):

* initial cuts: no relation may leave a sensitive cell the only hidden one (*line* cuts); no
  complement is the only hidden cell of a relation (it would be pinned, and showing it costs
  nothing, so some optimum satisfies this);
* phase 1, for network groups, on the LP relaxation of the master: at a fractional x the
  violated cuts come from minimum cuts (:meth:`Network.separate`), cheap enough to run for every
  sensitive cell each round (for other groups the two LPs per cell per round cost more than the
  MILP rounds they would save, so they go straight to phase 2);
* phase 2 on the MILP (``milp``, zero gap): at an integral pattern, a cell the graph search or
  the attacker's LPs find pinned adds its cut (network: the minimum cut; otherwise from the
  duals of the attacker's two LPs, :mod:`._cuts`); when every LP range is wide enough, each sensitive
  cell's *integer* range is checked and a pinned one adds a no-good cut (hide one more cell
  outside this pattern: hiding less never helps). No cut left → the pattern is optimal.

Past ``time_limit`` a group falls back to the greedy answer (``Stats.optimal`` False).

The module is over 300 lines: the master problem, the cut separation and the loop share the
:class:`Setup` of one solve and are read together.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from ._audit import Attacker, components, pinned_cells, z_bounds
from ._cuts import lp_cut
from ._model import COMPLEMENTARY, PRIMARY, SHOWN, WITHHELD, Compiled
from ._network import Network

_TOL = 1e-7


@dataclass
class Setup:
    """What is fixed before choosing complements: ``state0`` (small cells ``"primary"``, cells of
    withheld tables ``"withheld"``, the rest shown), the candidates, the sensitive cells, and
    ``clip`` (how far the solver's attacker moves a hidden cell)."""

    cp: Compiled
    t: int
    state0: np.ndarray
    cand: np.ndarray            # bool per cell
    needs: np.ndarray           # bool per cell: must not be pinned
    clip: float = 1.0
    _groups: list | None = None
    forced: np.ndarray | None = None      # bool per cell: hidden whatever (never shown again)

    @classmethod
    def build(cls, cp: Compiled, t: int, withheld: np.ndarray, spl: float = 1.0,
              insensitive: np.ndarray | None = None, forced: np.ndarray | None = None) -> Setup:
        a = cp.values
        small = (a > 0) & (a < t)
        if insensitive is not None:          # cells only in unpublished tables
            small = small & ~insensitive
        state0 = np.full(cp.n, SHOWN, dtype=object)
        state0[small] = PRIMARY
        state0[withheld] = WITHHELD
        cand = (a >= t) & ~cp.fixed & ~withheld
        if forced is not None:
            forced = forced & ~withheld & (a >= t)
            state0[forced] = COMPLEMENTARY
            cand &= ~forced
        return cls(cp, t, state0, cand, small.copy(), max(1.0, float(spl)), forced=forced)

    @property
    def groups(self) -> list[tuple[np.ndarray, np.ndarray, Network]]:
        """Independent groups of linked cells: ``(cells, relations, network)``."""
        if self._groups is None:
            self._groups = [(c, r, Network(self.cp, c, r))
                            for c, r in components(self.cp, np.ones(self.cp.n, bool))]
        return self._groups

    def hidden_state(self, chosen) -> np.ndarray:
        state = self.state0.copy()
        state[np.asarray(chosen, dtype=np.int64)] = COMPLEMENTARY
        return state

    def pinned(self, state: np.ndarray, cells, solver: bool = True) -> list[int]:
        """Which of the hidden ``cells`` are pinned: for the solver's attacker (``solver``) or
        the real one; by graph search in network groups, else by LPs and integer ranges."""
        cells = {int(c) for c in cells}
        out, rest = [], []
        for comp, _, net in self.groups:
            mine = [int(c) for c in comp if int(c) in cells]
            if net.ok:
                out += [c for c in mine if net.check(c, state, self.cp.values, self.t)[0]]
            else:
                rest += mine
        if rest:
            out += pinned_cells(self.cp, state, self.t, rest,
                                clip=self.clip if solver else None)
        return sorted(out)


@dataclass
class Stats:
    """What the solver did: master solves, cuts by kind, attacker LPs, seconds, whether every
    group's answer is proven optimal, groups that fell back to greedy (a cell of each)."""

    iterations: int = 0
    relaxations: int = 0
    cuts: int = 0
    lps: int = 0
    nogoods: int = 0
    optimal: bool = True
    seconds: float = 0.0
    fallbacks: list = field(default_factory=list)


def unprotectable(S: Setup) -> list[int]:
    """Sensitive cells the solver's attacker pins even with every candidate hidden."""
    return S.pinned(S.hidden_state(np.flatnonzero(S.cand)), np.flatnonzero(S.needs))


def solve_optimal(S: Setup, spl: float = 1.0, time_limit: float = 30.0,
                  stats: Stats | None = None, group_limit: float | None = None,
                  max_exact: int | None = None) -> np.ndarray:
    """The cheapest protecting set of complements (cell ids). ``time_limit`` bounds the whole
    solve, ``group_limit`` each group of linked cells (a group past it keeps the greedy answer,
    so one hard table does not take the time of all the others); a group with more than
    ``max_exact`` sensitive cells goes to the greedy answer at once (cut generation needs about
    a round per sensitive cell: a table of a hundred small units would spend its time limit)."""
    from ._greedy import solve_greedy

    stats = stats if stats is not None else Stats()
    start = time.perf_counter()
    chosen: list[int] = []
    for comp, _, net in S.groups:
        needs = comp[S.needs[comp]]
        if not len(needs):
            continue
        left = time_limit - (time.perf_counter() - start)
        if group_limit is not None:
            left = min(left, group_limit)
        if max_exact is not None and len(needs) > max_exact:
            left = 0.0
        got = None if left <= 0 else _solve_group(S, needs, comp[S.cand[comp]], spl, left, stats,
                           net if net.ok and spl <= 1 else None)
        if got is None:                  # out of time: the greedy answer for this group
            stats.optimal = False
            stats.fallbacks.append(int(S.cp.rep[needs[0]]))
            got = solve_greedy(S, restrict=comp)
        chosen += [int(c) for c in got]
    stats.seconds = time.perf_counter() - start
    return np.array(sorted(chosen), dtype=np.int64)


@contextlib.contextmanager
def quiet_stdout():
    """HiGHS' MIP solver may print debugging lines straight to the process's standard output
    (file descriptor 1, past Python's ``sys.stdout``): they would land in a CLI's output. Send
    that descriptor to the null device while it solves."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):          # no real descriptor 1 (some embedded runtimes)
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _master(cands, cost, cuts, time_limit: float, relax: bool = False):
    """Cheapest x over the cuts: ``(x, proven)``; x is bool (MILP) or float (``relax``)."""
    if not cuts:
        return (np.zeros(len(cands)) if relax else np.zeros(len(cands), bool)), True
    col = {int(c): k for k, c in enumerate(cands)}
    rows, cols, data, rhs = [], [], [], []
    for k, (cells, coef, b) in enumerate(cuts):
        for c, v in zip(cells, coef, strict=True):
            rows.append(k)
            cols.append(col[int(c)])
            data.append(v)
        rhs.append(b)
    A = sparse.csr_matrix((data, (rows, cols)), shape=(len(cuts), len(cands)))
    if relax:
        res = linprog(cost, A_ub=-A, b_ub=-np.array(rhs), bounds=(0, 1), method="highs")
        return (res.x if res.status == 0 else None), res.status == 0
    with quiet_stdout():
        res = milp(cost, integrality=np.ones(len(cands)), bounds=Bounds(0, 1),
                   constraints=LinearConstraint(A, np.array(rhs), np.inf),
                   options={"mip_rel_gap": 0, "time_limit": max(time_limit, 0.05)})
    if res.x is None:
        return None, False
    return res.x > 0.5, res.status == 0


def _initial_cuts(S: Setup, needs, cands) -> list:
    cp, M = S.cp, S.cp.M.tocsr()
    cuts = []
    for p in needs:                       # line cuts: no relation hides p alone
        for r in cp.cell_rels[p]:
            members = M.indices[M.indptr[r]:M.indptr[r + 1]]
            if any(S.state0[j] != SHOWN for j in members if j != p):
                continue
            cs = members[S.cand[members]]
            cuts.append((cs, np.ones(len(cs)), 1.0))
    for q in cands:                       # no complement alone: x_q ≤ Σ x_i (i ≠ q)
        for r in cp.cell_rels[q]:
            members = M.indices[M.indptr[r]:M.indptr[r + 1]]
            if any(S.state0[j] != SHOWN for j in members):
                continue
            others = [int(j) for j in members if j != q and S.cand[j]]
            cuts.append((np.array([*others, int(q)]),
                         np.array([*[1.0] * len(others), -1.0]), 0.0))
    return cuts


def _separate(S: Setup, needs, x_full: np.ndarray, spl: float, net, stats: Stats,
              ok: set | None = None) -> list:
    """Violated cuts at the pattern ``x_full`` (per cell; fractional in phase 1)."""
    cp, a, t = S.cp, S.cp.values, S.t
    if net is not None:
        new = []
        for p in needs:
            got = net.separate(int(p), S.state0, a, t, S.cand, x_full)
            if got is not None:
                new.append((np.array(got[1], dtype=np.int64), np.ones(len(got[1])), 1.0))
        return new
    hidden = (S.state0 != SHOWN) | (S.cand & (x_full > 1e-9))
    lo0, hi0 = z_bounds(a, S.state0, t, clip=S.clip)           # fixed hidden cells
    clo, chi = z_bounds(a, np.where(S.cand, COMPLEMENTARY, SHOWN), t, clip=S.clip)
    lo = np.where(S.cand, clo * x_full, lo0)
    hi = np.where(S.cand, chi * x_full, hi0)
    integral = bool(np.all((x_full < 1e-9) | (x_full > 1 - 1e-9)))
    state = S.hidden_state(np.flatnonzero(S.cand & (x_full > 0.5)))
    need_set = {int(p) for p in needs}
    new = []
    for cells, rels in components(cp, hidden):
        todo = [int(c) for c in cells if int(c) in need_set]
        if ok is not None:
            todo = [p for p in todo if (p, cells.tobytes()) not in ok]
        if not todo:
            continue
        free: set[int] = set()
        if integral and spl <= 1:         # cheap exact certificates first
            sub = Network(cp, cells, rels, hidden_only=True)
            if sub.ok:
                free = {p for p in todo if not sub.check(p, state, a, t)[0]}
            else:
                free = Attacker(cp, cells, rels, lo, hi).free(todo, S.clip)
                stats.lps += 1
        for p in todo:
            if p in free:
                if ok is not None:
                    ok.add((p, cells.tobytes()))
                continue
            stats.lps += 2
            cut = lp_cut(S, p, cells, rels, lo, hi, lo0, hi0, clo, chi, x_full, spl)
            if cut is not None and (integral or not isinstance(cut[0], str)):
                new.append(cut)
            elif cut is None and integral:      # LP range wide enough: the integers decide
                zlo, zhi = Attacker(cp, cells, rels, lo, hi).range(p)
                if zlo == zhi:
                    new.append(("nogood", None, None))
                elif ok is not None:
                    ok.add((p, cells.tobytes()))
    return new


def _solve_group(S: Setup, needs, cands, spl, time_limit, stats: Stats, net=None):
    start = time.perf_counter()
    cp = S.cp
    base = cp.values[cands].astype(float)
    prin = cp.principal[cands]
    cost = base + (1.0 + base[~prin].sum()) * prin
    cuts = _initial_cuts(S, needs, cands)
    x_full = np.zeros(cp.n)
    # phase 1: cuts at fractional points — for network groups only, where a minimum cut is
    # cheap; elsewhere two LPs per sensitive cell per round cost more than the MILP rounds saved
    for _ in range(50 if net is not None else 0):
        xf, _ok = _master(cands, cost, cuts, 0, relax=True)
        stats.relaxations += 1
        if xf is None or time.perf_counter() - start > time_limit / 2:
            break
        x_full[:] = 0
        x_full[cands] = xf
        new = [c for c in _separate(S, needs, x_full, spl, net, stats)
               if not isinstance(c[0], str)]
        if not new:
            break
        stats.cuts += len(new)
        cuts += new
    ok: set = set()
    while True:                           # phase 2: integral patterns
        left = time_limit - (time.perf_counter() - start)
        if left <= 0:
            return None
        x, proven = _master(cands, cost, cuts, left)
        stats.iterations += 1
        if x is None:
            return None
        stats.optimal &= proven
        x_full[:] = 0
        x_full[cands] = x
        new = _separate(S, needs, x_full, spl, net, stats, ok)
        if not new:
            return cands[x]
        if any(isinstance(c[0], str) for c in new):
            stats.nogoods += 1
            out = cands[~x]
            new = [c for c in new if not isinstance(c[0], str)] + [(out, np.ones(len(out)), 1.0)]
        stats.cuts += len(new)
        cuts += new


__all__ = ["COMPLEMENTARY", "PRIMARY", "SHOWN", "WITHHELD", "Setup", "Stats", "solve_optimal",
           "unprotectable"]
