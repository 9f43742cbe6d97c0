"""The cell-suppression algorithm of :mod:`.disclosure` on flat arrays: primary cells, complements
to a fixed point, the audit of each primary cell (the LP range, :func:`audit_range`, or the graph
search of :class:`_Network` when the relations form a network) and the release of complements not
needed (:func:`_release`). The rules it follows are :mod:`.disclosure`'s docstring.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

PRIMARY, COMPLEMENTARY = "primary", "complementary"


def _suppress(vals: np.ndarray, rank: np.ndarray, eqs: list[list[tuple[int, int]]],
              t: int) -> tuple[np.ndarray, list[int]]:
    status = np.full(len(vals), "", dtype=object)
    status[(vals > 0) & (vals < t)] = PRIMARY
    primaries = np.flatnonzero(status == PRIMARY)
    if not len(primaries):
        return status, []
    by_cell: dict[int, list[int]] = {}
    for k, eq in enumerate(eqs):
        for i, _ in eq:
            by_cell.setdefault(i, []).append(k)

    def pick(cands: Iterable[int]) -> int | None:
        free = [i for i in set(cands) if not status[i] and vals[i] > 0]
        return min(free, key=lambda i: (rank[i], vals[i], i)) if free else None

    def close_lines() -> None:
        changed = True
        while changed:
            changed = False
            for eq in eqs:
                if sum(1 for i, _ in eq if status[i]) == 1:
                    i = pick(j for j, _ in eq)
                    if i is not None:
                        status[i] = COMPLEMENTARY
                        changed = True

    net = _Network(len(vals), eqs)
    close_lines()
    # Hiding more never helps the attacker (a shown value v ≥ t stays feasible under the bound
    # "× ≥ t"), so a primary cell found safe stays safe: one pass over them suffices.
    unsafe = []
    for p in primaries:
        while _pinned(p, vals, status, eqs, t, net):
            # hide more in p's own lines, the shortest line first (its row before a long column)
            i = None
            for k in sorted(by_cell.get(p, []), key=lambda k: (len(eqs[k]), k)):
                if (i := pick(j for j, _ in eqs[k])) is not None:
                    break
            if i is None:
                i = pick(j for eq in eqs for j, _ in eq)
            if i is None:                    # nothing left to hide (threshold ≤ 2)
                unsafe.append(p)
                break
            status[i] = COMPLEMENTARY
            close_lines()
    if net.ok and not unsafe:
        _release(vals, status, eqs, t, net, primaries)
    return status, unsafe


def _release(vals, status, eqs, t: int, net: _Network, primaries) -> None:
    """Show again every complementary cell that is not needed, largest first: the greedy
    choice above can hide more than it must (a cascade through the totals can hide a large
    headline cell). A cell is shown again when, without it, no line is left with exactly one
    hidden cell and no primary cell can be pinned. Only for row/column tables, whose audit is
    a graph search (cheap enough to repeat for every candidate)."""
    for i in sorted(np.flatnonzero(status == COMPLEMENTARY), key=lambda i: (-vals[i], -i)):
        status[i] = ""
        lonely = any(sum(1 for j, _ in eq if status[j]) == 1 for eq in eqs)
        if lonely or any(net.pinned(p, vals, status, t) for p in primaries):
            status[i] = COMPLEMENTARY


def audit_range(p: int, vals: np.ndarray, status: np.ndarray, eqs, t: int) -> tuple[float, float]:
    """The attacker's LP range of cell ``p`` (flat index) given the shown cells."""
    from scipy.optimize import linprog

    hidden = [i for i in range(len(vals)) if status[i]]
    col = {i: k for k, i in enumerate(hidden)}
    rows, rhs = [], []
    for eq in eqs:
        if not any(status[i] for i, _ in eq):
            continue
        a = np.zeros(len(hidden))
        b = 0.0
        for i, k in eq:
            if status[i]:
                a[col[i]] += k
            else:
                b -= k * vals[i]
        rows.append(a)
        rhs.append(b)
    bounds = [(1, t - 1) if status[i] == PRIMARY else (t, None) for i in hidden]
    if not rows:
        return float(bounds[col[p]][0]), float(bounds[col[p]][1])
    c = np.zeros(len(hidden))
    c[col[p]] = 1.0
    out = []
    for sign in (1.0, -1.0):
        res = linprog(sign * c, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=bounds, method="highs")
        if res.status != 0:   # cannot happen with true data; treat as unsafe
            return float(vals[p]), float(vals[p])
        out.append(sign * res.fun)
    return out[0], out[1]


def _pinned(p: int, vals, status, eqs, t: int, net: _Network | None = None) -> bool:
    if net is not None and net.ok:
        return net.pinned(p, vals, status, t)
    if not any(status[i] for eq in eqs if any(j == p for j, _ in eq) for i, _ in eq):
        return t - 1 <= 1
    lo, hi = audit_range(p, vals, status, eqs, t)
    return np.floor(hi + 1e-6) <= np.ceil(lo - 1e-6)


class _Network:
    """The relations of a table as a flow network, when they are one (every hidden-capable cell in
    at most two relations, coefficients ±1, signs consistent): then an alternative integer table
    with a different value of cell p exists iff p's arc lies on a cycle of the residual graph."""

    def __init__(self, n: int, eqs):
        self.ok = True
        where: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for k, eq in enumerate(eqs):
            for i, c in eq:
                if c not in (1, -1):
                    self.ok = False
                    return
                where[i].append((k, c))
        # orient equations: s[k] in {1,-1} so that a cell in two equations has opposite signs
        s = [0] * len(eqs)
        adj: list[list[tuple[int, int]]] = [[] for _ in eqs]
        for w in where:
            if len(w) > 2:
                self.ok = False
                return
            if len(w) == 2:
                (a, ca), (b, cb) = w
                if a == b:
                    self.ok = False
                    return
                rel = -ca * cb          # s[a]*ca = -s[b]*cb  ->  s[b] = s[a] * (-ca*cb)
                adj[a].append((b, rel))
                adj[b].append((a, rel))
        for root in range(len(eqs)):
            if s[root]:
                continue
            s[root] = 1
            stack = [root]
            while stack:
                a = stack.pop()
                for b, rel in adj[a]:
                    want = s[a] * rel
                    if not s[b]:
                        s[b] = want
                        stack.append(b)
                    elif s[b] != want:
                        self.ok = False
                        return
        ground = len(eqs)
        # arc of a cell: from the equation where it has sign -1 to the one with +1 (ground if none)
        self.tail = np.full(n, -1)
        self.head = np.full(n, -1)
        for i, w in enumerate(where):
            plus = [k for k, c in w if s[k] * c == 1]
            minus = [k for k, c in w if s[k] * c == -1]
            self.head[i] = plus[0] if plus else ground
            self.tail[i] = minus[0] if minus else ground
        self.nodes = ground + 1

    def pinned(self, p: int, vals, status, t: int) -> bool:
        """Whether cell p's value is the only one consistent with the shown cells and bounds.

        Exact: a different integer table is a circulation that decomposes into cycles conformal
        to it, so one of them passes through p and can move every cell on it by one unit."""
        hidden = [i for i in range(len(vals)) if status[i]]
        lo = {i: (1 if status[i] == PRIMARY else t) for i in hidden}
        hi = {i: (t - 1 if status[i] == PRIMARY else None) for i in hidden}
        succ: list[list[int]] = [[] for _ in range(self.nodes)]
        for q in hidden:
            if q == p:
                continue
            a, b = self.tail[q], self.head[q]
            if a == b:        # a cell in no relation: free in its bounds, touches nobody
                continue
            if hi[q] is None or vals[q] + 1 <= hi[q]:
                succ[a].append(b)
            if vals[q] - 1 >= lo[q]:
                succ[b].append(a)

        def reach(src, dst) -> bool:
            seen, stack = {src}, [src]
            while stack:
                u = stack.pop()
                if u == dst:
                    return True
                for v in succ[u]:
                    if v not in seen:
                        seen.add(v)
                        stack.append(v)
            return False

        a, b = self.tail[p], self.head[p]
        if a == b:
            return hi[p] is not None and hi[p] <= lo[p]
        up = (hi[p] is None or vals[p] + 1 <= hi[p]) and reach(b, a)
        if up:
            return False
        down = vals[p] - 1 >= lo[p] and reach(a, b)
        return not down
