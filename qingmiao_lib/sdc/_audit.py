"""The attacker: every published number, every relation, ``"<t"`` ∈ [1, t−1], ``"×"`` ≥ t and a
withheld cell ≥ 0. The smallest and largest value of each hidden cell over the integer tables
consistent with all that.

Work in deviations ``z = y − a`` from the true table ``a`` (so ``M z = 0``, and ``z = 0`` is
feasible). Each range is first computed by LP (HiGHS); when the LP optimum is an integer vector
it is also the integer optimum (the LP relaxation bounds the integer problem and attains it), so
the LP range is exact — always the case for a single table with totals (a network matrix) and
most linked artefacts. Otherwise that bound is recomputed by a MILP over the cell's component.
Only hidden cells tied to the cell through relations with hidden cells (its *component*) enter
its LP: shown cells are constants.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from ._model import COMPLEMENTARY, PRIMARY, SHOWN, WITHHELD, Compiled

INF = float("inf")
_TOL = 1e-7


class Range(NamedTuple):
    """A hidden cell (a representative slot id) and the attacker's exact integer range."""

    cell: int
    lo: float
    hi: float


def z_bounds(values: np.ndarray, state: np.ndarray, t: int, cap: float = INF,
             clip: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of the deviation ``z`` of each cell: 0 when shown, ``[1−a, t−1−a]`` for ``"<t"``,
    ``[t−a, cap]`` for ``"×"``, ``[−a, cap]`` when withheld (``cap`` = ∞ for the attacker).
    ``clip``: the solver's attacker, whose hidden cells move at most that far from the truth."""
    a = values.astype(float)
    lo, hi = np.zeros(len(a)), np.zeros(len(a))
    p, c, w = state == PRIMARY, state == COMPLEMENTARY, state == WITHHELD
    lo[p], hi[p] = 1 - a[p], t - 1 - a[p]
    lo[c], hi[c] = t - a[c], cap
    lo[w], hi[w] = -a[w], cap
    if clip is not None:
        lo, hi = np.maximum(lo, -clip), np.minimum(hi, clip)
    return lo, hi


def components(cp: Compiled, hidden: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The hidden cells grouped by relations that contain hidden cells: ``(cells, relations)``."""
    M = cp.M.tocsr()
    Mt = cp.M.tocsc()
    seen = np.zeros(cp.n, bool)
    rel_seen = np.zeros(M.shape[0], bool)
    out = []
    for s in np.flatnonzero(hidden):
        if seen[s]:
            continue
        seen[s] = True
        stack, cells, rels = [s], [s], []
        while stack:
            i = stack.pop()
            for r in Mt.indices[Mt.indptr[i]:Mt.indptr[i + 1]]:
                if rel_seen[r]:
                    continue
                rel_seen[r] = True
                rels.append(r)
                for j in M.indices[M.indptr[r]:M.indptr[r + 1]]:
                    if hidden[j] and not seen[j]:
                        seen[j] = True
                        stack.append(j)
                        cells.append(j)
        out.append((np.array(sorted(cells)), np.array(sorted(rels), dtype=np.int64)))
    return out


class Attacker:
    """LPs over one component: ``cells`` (hidden) and ``rels``, with bounds ``lo``/``hi`` of z."""

    def __init__(self, cp: Compiled, cells: np.ndarray, rels: np.ndarray, lo: np.ndarray,
                 hi: np.ndarray):
        self.cp, self.cells, self.rels = cp, cells, rels
        self.A = cp.M[rels][:, cells] if len(rels) else None
        self.bounds = list(zip(lo[cells], [None if h == INF else h for h in hi[cells]],
                               strict=True))
        self.pos = {int(c): k for k, c in enumerate(cells)}

    def lp(self, cell: int, sense: float):
        """``min sense·z_cell``: the scipy result (status 0 optimal, 3 unbounded)."""
        c = np.zeros(len(self.cells))
        c[self.pos[cell]] = sense
        kw = {"A_eq": self.A, "b_eq": np.zeros(self.A.shape[0])} if self.A is not None else {}
        res = linprog(c, bounds=self.bounds, method="highs", **kw)
        if res.status not in (0, 3):
            raise RuntimeError(f"attacker LP failed ({res.message}); the data break a relation?")
        return res

    def extreme(self, cell: int, sense: float) -> float:
        """The integer optimum of ``min sense·z_cell`` (±inf when unbounded)."""
        res = self.lp(cell, sense)
        if res.status == 3:
            return -INF
        if np.all(np.abs(res.x - np.round(res.x)) < _TOL):
            return float(round(res.fun))
        return self._milp(cell, sense)

    def _milp(self, cell: int, sense: float) -> float:
        c = np.zeros(len(self.cells))
        c[self.pos[cell]] = sense
        lo = np.array([b[0] for b in self.bounds], float)
        hi = np.array([INF if b[1] is None else b[1] for b in self.bounds], float)
        cons = [LinearConstraint(self.A, 0, 0)] if self.A is not None else []
        res = milp(c, integrality=np.ones(len(c)), bounds=Bounds(lo, hi), constraints=cons,
                   options={"mip_rel_gap": 0})
        if res.x is None:
            raise RuntimeError(f"attacker MILP failed ({res.message})")
        return float(round(res.fun))

    def free(self, cells, cap: float) -> set[int]:
        """Cells of ``cells`` shown not pinned by a few LPs at once: maximise (then minimise)
        a randomly weighted sum of their deviations, with "×" and withheld cells capped at ``cap`` (a tighter
        attacker: a witness for it is one for the real one); every cell that moves in an
        integral optimum (an LP's, else a MILP's) has another integer value. Repeats on the
        cells left until one round certifies none."""
        todo = {int(c) for c in cells}
        out: set[int] = set()
        bounds = [(lo, cap if hi is None else min(hi, cap)) for lo, hi in self.bounds]
        kw = {"A_eq": self.A, "b_eq": np.zeros(self.A.shape[0])} if self.A is not None else {}
        rng = np.random.default_rng(len(self.cells))
        for sense in (-1.0, 1.0):
            while todo:
                c = np.zeros(len(self.cells))
                for p in todo:            # unequal weights: cells of one line trade off
                    c[self.pos[p]] = sense * rng.uniform(0.5, 1.5)
                res = linprog(c, bounds=bounds, method="highs", **kw)
                if res.status != 0:
                    break
                x = res.x
                if np.any(np.abs(x - np.round(x)) > _TOL):     # not a lattice point: MILP
                    lo = np.array([b[0] for b in bounds], float)
                    hi = np.array([b[1] for b in bounds], float)
                    cons = [LinearConstraint(self.A, 0, 0)] if self.A is not None else []
                    res = milp(c, integrality=np.ones(len(c)), bounds=Bounds(lo, hi),
                               constraints=cons, options={"mip_rel_gap": 0})
                    if res.x is None:
                        break
                    x = np.round(res.x)
                moved = {p for p in todo if abs(x[self.pos[p]]) > 0.5}
                if not moved:
                    break
                out |= moved
                todo -= moved
        return out

    def range(self, cell: int) -> tuple[float, float]:
        """Exact integer range of ``z_cell``."""
        return self.extreme(cell, 1.0), -self.extreme(cell, -1.0)


def ranges(cp: Compiled, state: np.ndarray, t: int, cells=None, cap: float = INF
           ) -> dict[int, tuple[float, float]]:
    """The attacker's integer range (of the value, not the deviation) of every hidden cell, or of
    the given ``cells`` only."""
    hidden = state != SHOWN
    lo, hi = z_bounds(cp.values, state, t, cap)
    want = None if cells is None else {int(c) for c in cells}
    out = {}
    for comp, rels in components(cp, hidden):
        todo = [int(c) for c in comp if want is None or int(c) in want]
        if not todo:
            continue
        att = Attacker(cp, comp, rels, lo, hi)
        for c in todo:
            zlo, zhi = att.range(c)
            out[c] = (_num(cp.values[c] + zlo), _num(cp.values[c] + zhi))
    return out


def pinned_cells(cp: Compiled, state: np.ndarray, t: int, cells, clip: float | None = None
                 ) -> list[int]:
    """Which of the hidden ``cells`` have a single integer value for the attacker (or for the
    solver's attacker, with ``clip``): a few batched LPs certify most cells free, the rest get
    their exact range."""
    hidden = state != SHOWN
    lo, hi = z_bounds(cp.values, state, t, clip=clip)
    finite = float(2 * cp.values.sum() + 2 * t) if clip is None else clip
    want = {int(c) for c in cells}
    out = []
    for comp, rels in components(cp, hidden):
        todo = [int(c) for c in comp if int(c) in want]
        if not todo:
            continue
        att = Attacker(cp, comp, rels, lo, hi)
        rest = set(todo) - att.free(todo, finite)
        out += [c for c in sorted(rest) if (r := att.range(c))[0] == r[1]]
    return sorted(out)


def _num(v: float) -> float:
    return int(v) if np.isfinite(v) else float(v)


def audit(problem, published=None, threshold: int | None = None) -> list[Range]:
    """Every hidden cell's exact range. ``problem`` is a :class:`Problem` (or a :class:`Result`,
    then ``published`` defaults to its states); ``published`` is an array of cell states (as
    :meth:`Problem.state_from` returns) or a mapping ``slot → state`` (slots not given are
    shown)."""
    cp, state, t = _published(problem, published, threshold)
    return [Range(int(cp.rep[c]), lo, hi) for c, (lo, hi) in sorted(ranges(cp, state, t).items())]


def pinned(problem, published=None, threshold: int | None = None) -> list[int]:
    """The hidden cells (representative slots) whose range is a single integer — as
    :func:`audit` would find, but most cells are certified free by a few batched LPs."""
    cp, state, t = _published(problem, published, threshold)
    return [int(cp.rep[c]) for c in pinned_cells(cp, state, t, np.flatnonzero(state != SHOWN))]


def _published(problem, published, threshold) -> tuple[Compiled, np.ndarray, int]:
    """What :func:`audit` and :func:`pinned` check: the compiled problem, the cell states (a
    :class:`Result`'s own when ``published`` is None) and the threshold."""
    from ._result import Result

    if isinstance(problem, Result):
        published = problem.state if published is None else published
        problem = problem.problem
    cp = problem.compile()
    t = problem.threshold if threshold is None else int(threshold)
    return cp, _as_state(cp, published), t


def _as_state(cp: Compiled, published) -> np.ndarray:
    if isinstance(published, np.ndarray) and len(published) == cp.n:
        return published.astype(object)
    state = np.full(cp.n, SHOWN, dtype=object)
    for slot, s in (published or {}).items():
        state[cp.canon[slot]] = s or SHOWN
    return state
