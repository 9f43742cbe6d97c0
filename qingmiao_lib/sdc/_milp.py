"""Complementary suppression: the exact model (Fischetti–Salazar cut generation with HiGHS) and
the greedy baseline.

Decision variables ``x_i ∈ {0, 1}`` for the *candidates*: cells with ``a_i ≥ t`` that are not
printed elsewhere as-is and not in a withheld table (zeros never, small cells are always hidden).
The cost of hiding candidate i is its value ``a_i`` (τ-ARGUS' default: hide as few persons as
possible); a principal cell costs ``P + a_i`` with ``P`` one more than the cost of hiding every
other candidate of its component, so a principal cell is hidden only when no protection without
it exists (lexicographic), and then as few as possible.

Protection of a sensitive cell p (a ``"<t"`` cell or a small count of a withheld table): the
attacker's range of p, max − min over the polytope {M y = 0, bounds by published state}, is at
least ``spl`` (sliding protection level, default 1: two integers). For a suppression pattern x
both extremes are LPs; by weak duality any dual solution (λ, reduced costs r) of
``max z_p`` gives a bound linear in x that holds for *every* pattern:

    max z_p ≤ Σ_i max(r_i, 0)·(−lo_i(x)) + max(−r_i, 0)·hi_i(x),

with ``lo_i(x) = (t − a_i)·x_i`` and ``hi_i(x) = U·x_i`` for a candidate (U a large cap on a
"×" cell: finite so that the bound is finite; a tighter attacker than the real one). Adding the
bounds of ``max z_p`` and ``max −z_p`` gives the cut ``Σ_i coef_i·x_i ≥ spl − const`` (coefficients
capped at the right-hand side), tight at the pattern it was computed from. The loop: solve the
master MILP (minimum cost subject to the cuts so far, starting from one *line* cut per relation
of each sensitive cell), check each sensitive cell by its two LPs, add the violated cuts, repeat.
When every LP range is wide enough, each sensitive cell's *integer* range is checked
(:mod:`._audit`); a cell still pinned (possible only when linked tables make the relations
non-unimodular) gets a no-good cut — hide at least one cell outside the current pattern (hiding
less never helps) — and the loop goes on. Independent groups of linked cells are solved apart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from ._audit import Attacker, components, ranges, z_bounds
from ._model import COMPLEMENTARY, PRIMARY, SHOWN, WITHHELD, Compiled
from ._network import Network

_TOL = 1e-7


@dataclass
class Setup:
    """What is fixed before choosing complements: ``state0`` (small cells ``"primary"``, cells of
    withheld tables ``"withheld"``, the rest shown), the candidates, the sensitive cells."""

    cp: Compiled
    t: int
    state0: np.ndarray
    cand: np.ndarray            # bool per cell
    needs: np.ndarray           # bool per cell: must not be pinned
    U: float
    _groups: list | None = None

    @property
    def groups(self) -> list[tuple[np.ndarray, np.ndarray, Network]]:
        """Independent groups of linked cells: ``(cells, relations, network)``."""
        if self._groups is None:
            self._groups = [(c, r, Network(self.cp, c, r))
                            for c, r in components(self.cp, np.ones(self.cp.n, bool))]
        return self._groups

    def group_of(self, cell: int):
        for g in self.groups:
            if cell in set(g[0].tolist()):
                return g
        raise KeyError(cell)

    def pinned(self, state: np.ndarray, cells, cap: float | None = None) -> list[int]:
        """Which of ``cells`` (hidden) the attacker pins: by graph search in network groups,
        else by the integer ranges (``cap``: the bound on "×" and withheld cells, default ∞)."""
        cells = {int(c) for c in cells}
        out, rest = [], []
        for comp, _, net in self.groups:
            mine = [int(c) for c in comp if int(c) in cells]
            if not mine:
                continue
            if net.ok:
                out += [c for c in mine if net.check(c, state, self.cp.values, self.t)[0]]
            else:
                rest += mine
        if rest:
            rng = ranges(self.cp, state, self.t, cells=rest,
                         cap=float("inf") if cap is None else cap)
            out += [c for c, (lo, hi) in rng.items() if lo == hi]
        return sorted(out)

    @classmethod
    def build(cls, cp: Compiled, t: int, withheld: np.ndarray) -> Setup:
        a = cp.values
        small = (a > 0) & (a < t)
        state0 = np.full(cp.n, SHOWN, dtype=object)
        state0[small] = PRIMARY
        state0[withheld] = WITHHELD
        cand = (a >= t) & ~cp.fixed & ~withheld
        return cls(cp, t, state0, cand, small.copy(), float(2 * a.sum() + 2 * t))

    def hidden_state(self, chosen) -> np.ndarray:
        state = self.state0.copy()
        state[np.asarray(chosen, dtype=np.int64)] = COMPLEMENTARY
        return state


@dataclass
class Stats:
    iterations: int = 0
    cuts: int = 0
    lps: int = 0
    nogoods: int = 0
    optimal: bool = True
    seconds: float = 0.0
    fallbacks: list = field(default_factory=list)


def unprotectable(S: Setup, spl: float = 1.0) -> list[int]:
    """Sensitive cells the attacker pins even with every candidate hidden (or, for ``spl`` > 1,
    whose LP range stays narrower than ``spl``)."""
    state = S.hidden_state(np.flatnonzero(S.cand))
    bad = S.pinned(state, np.flatnonzero(S.needs), cap=S.U)
    if spl > 1:
        lo, hi = z_bounds(S.cp.values, state, S.t, S.U)
        for cells, rels in components(S.cp, state != SHOWN):
            for p in cells[S.needs[cells]]:
                att = Attacker(S.cp, cells, rels, lo, hi)
                width = -att.lp(int(p), -1.0).fun - att.lp(int(p), 1.0).fun
                if width < spl - _TOL and int(p) not in bad:
                    bad.append(int(p))
    return sorted(bad)


# -- the exact model -------------------------------------------------------------------------


def _protection_cut(S: Setup, state, p: int, comp, rels, lo, hi, spl: float, stats: Stats):
    """The width of p's LP range and, when below ``spl``, the cut ``(cells, coefs, rhs)``."""
    att = Attacker(S.cp, comp, rels, lo, hi)
    Mr = S.cp.M[rels]
    width, score = 0.0, np.zeros(S.cp.n)
    pos_part, neg_part = np.zeros(S.cp.n), np.zeros(S.cp.n)
    for sense in (-1.0, 1.0):           # max z_p, then max −z_p
        res = att.lp(p, sense)
        stats.lps += 1
        width += -res.fun
        lam = res.eqlin.marginals if att.A is not None else np.zeros(0)
        r = -(Mr.T @ lam) if len(lam) else np.zeros(S.cp.n)
        r = np.asarray(r).ravel()
        r[p] += sense
        r[np.abs(r) < 1e-9] = 0.0
        pos_part += np.maximum(r, 0)
        neg_part += np.maximum(-r, 0)
    if width >= spl - _TOL:
        return width, None
    fixed_hidden = (S.state0 != SHOWN)
    const = float(np.sum(pos_part[fixed_hidden] * -lo[fixed_hidden]
                         + neg_part[fixed_hidden] * hi[fixed_hidden]))
    rhs = spl - const
    a = S.cp.values.astype(float)
    coef = pos_part * (a - S.t) + neg_part * S.U
    cells = np.flatnonzero(S.cand & (coef > 1e-9))
    coef = np.minimum(coef[cells], rhs)
    score[cells] = coef
    at_x = float(score[state == COMPLEMENTARY].sum())
    if rhs <= _TOL or at_x >= rhs - 1e-6:
        return width, "nogood"           # numerically weak dual: fall back to a no-good cut
    return width, (cells, coef, rhs)


def _master(cands: np.ndarray, cost: np.ndarray, cuts: list, time_limit: float):
    if not cuts:
        return np.zeros(len(cands), bool), True
    col = {int(c): k for k, c in enumerate(cands)}
    rows, cols, data, rhs = [], [], [], []
    for k, (cells, coef, b) in enumerate(cuts):
        for c, v in zip(cells, coef, strict=True):
            if int(c) in col:
                rows.append(k)
                cols.append(col[int(c)])
                data.append(v)
        rhs.append(b)
    A = sparse.csr_matrix((data, (rows, cols)), shape=(len(cuts), len(cands)))
    res = milp(cost, integrality=np.ones(len(cands)), bounds=Bounds(0, 1),
               constraints=LinearConstraint(A, np.array(rhs), np.inf),
               options={"mip_rel_gap": 0, "time_limit": max(time_limit, 0.05)})
    if res.x is None:
        return None, False
    return res.x > 0.5, res.status == 0


def solve_optimal(S: Setup, spl: float = 1.0, time_limit: float = 30.0, stats: Stats | None = None
                  ) -> np.ndarray:
    """The cheapest protecting set of complements (cell ids)."""
    stats = stats or Stats()
    start = time.perf_counter()
    chosen: list[int] = []
    for comp, _, net in S.groups:
        needs = comp[S.needs[comp]]
        if not len(needs):
            continue
        cands = comp[S.cand[comp]]
        left = time_limit - (time.perf_counter() - start)
        got = _solve_component(S, needs, cands, spl, left, stats,
                               net if net.ok and spl <= 1 else None)
        if got is None:                  # out of time: the greedy answer for this group
            stats.optimal = False
            stats.fallbacks.append(int(S.cp.rep[needs[0]]))
            got = solve_greedy(S, restrict=comp)
        chosen += [int(c) for c in got]
    stats.seconds = time.perf_counter() - start
    return np.array(sorted(chosen), dtype=np.int64)


def _solve_component(S: Setup, needs, cands, spl, time_limit, stats: Stats, net=None):
    start = time.perf_counter()
    cp, a = S.cp, S.cp.values
    base = a[cands].astype(float)
    prin = cp.principal[cands]
    penalty = 1.0 + base[~prin].sum()
    cost = base + penalty * prin
    cuts: list = []
    M = cp.M.tocsr()
    for p in needs:                       # line cuts: no relation may hide p alone
        for r in cp.cell_rels[p]:
            members = M.indices[M.indptr[r]:M.indptr[r + 1]]
            if any(S.state0[j] != SHOWN for j in members if j != p):
                continue
            cs = members[S.cand[members]]
            cuts.append((cs, np.ones(len(cs)), 1.0))
    ok: set = set()
    while True:
        left = time_limit - (time.perf_counter() - start)
        if left <= 0:
            return None
        x, proven = _master(cands, cost, cuts, left)
        stats.iterations += 1
        if x is None:
            return None
        stats.optimal &= proven
        state = S.hidden_state(cands[x])
        if net is not None:              # a network: exact graph test and combinatorial cuts
            new = []
            for p in needs:
                is_pinned, cut = net.check(int(p), state, a, S.t, S.cand)
                if is_pinned:
                    if not cut:
                        return None
                    new.append((np.array(cut), np.ones(len(cut)), 1.0))
            if not new:
                return cands[x]
            stats.cuts += len(new)
            cuts += new
            continue
        lo, hi = z_bounds(a, state, S.t, S.U)
        comp_of = {}
        for cells, rels in components(cp, state != SHOWN):
            for c in cells:
                comp_of[int(c)] = (cells, rels)
        new, lp_ok = [], []
        for p in needs:
            cells, rels = comp_of[int(p)]
            key = (int(p), cells.tobytes())
            if key in ok:
                continue
            width, cut = _protection_cut(S, state, int(p), cells, rels, lo, hi, spl, stats)
            if cut is None:
                lp_ok.append((int(p), key, cells, rels))
            elif isinstance(cut, str):
                new.append(_nogood(S, cands, x))
            else:
                new.append(cut)
        if not new:                        # every LP range wide enough: check the integers
            for p, key, cells, rels in lp_ok:
                zlo, zhi = Attacker(cp, cells, rels, lo, hi).range(p)
                if zlo == zhi:
                    new.append(_nogood(S, cands, x))
                    stats.nogoods += 1
                    break
                ok.add(key)
        if not new:
            return cands[x]
        stats.cuts += len(new)
        cuts += new


def _nogood(S: Setup, cands, x):
    """Hide at least one candidate outside the current pattern."""
    out = cands[~x]
    return out, np.ones(len(out)), 1.0


# -- the greedy baseline ---------------------------------------------------------------------


def solve_greedy(S: Setup, restrict: np.ndarray | None = None) -> np.ndarray:
    """Smallest first, as :mod:`qingmiao_lib.disclosure` does: close every relation left with one
    hidden cell by hiding its cheapest candidate (principal cells last, then by value); while the
    integer audit pins a sensitive cell, hide the cheapest candidate of its shortest relation;
    then show again every complement not needed, largest first."""
    cp, t = S.cp, S.t
    M = cp.M.tocsr()
    members = [M.indices[M.indptr[r]:M.indptr[r + 1]] for r in range(M.shape[0])]
    inside = np.ones(cp.n, bool) if restrict is None else np.isin(np.arange(cp.n), restrict)
    state = S.state0.copy()

    def free(cells):
        return [int(c) for c in cells if S.cand[c] and inside[c] and state[c] == SHOWN]

    def pick(cells):
        f = free(cells)
        return min(f, key=lambda i: (cp.principal[i], cp.values[i], i)) if f else None

    def close():
        changed = True
        while changed:
            changed = False
            for mem in members:
                if sum(state[j] != SHOWN for j in mem) == 1 and (i := pick(mem)) is not None:
                    state[i] = COMPLEMENTARY
                    changed = True

    def is_pinned(p):
        return bool(S.pinned(state, [p], cap=S.U))

    close()
    needs = [int(p) for p in np.flatnonzero(S.needs & inside)]
    for p in needs:
        while is_pinned(p):
            i = None
            for r in sorted(cp.cell_rels[p], key=lambda r: (len(members[r]), r)):
                if (i := pick(members[r])) is not None:
                    break
            if i is None:
                i = pick(np.flatnonzero(S.cand))
            if i is None:
                raise RuntimeError("nothing left to hide; the precheck should have withheld this")
            state[i] = COMPLEMENTARY
            close()
    for i in sorted(np.flatnonzero(state == COMPLEMENTARY), key=lambda i: (-cp.values[i], -i)):
        state[i] = SHOWN
        lonely = any(sum(state[j] != SHOWN for j in members[r]) == 1 for r in cp.cell_rels[i])
        if lonely or any(is_pinned(p) for p in needs):
            state[i] = COMPLEMENTARY
    return np.flatnonzero((state == COMPLEMENTARY) & inside)


def release_pinned(S: Setup, state: np.ndarray) -> np.ndarray:
    """Show again every complement the attacker can pin anyway: its value is known, so showing it
    changes nothing the attacker can learn (all of them at once: each is fixed in every table
    consistent with what is published)."""
    comp = np.flatnonzero(state == COMPLEMENTARY)
    out = state.copy()
    for c in S.pinned(state, comp) if len(comp) else ():
        out[c] = SHOWN
    return out
