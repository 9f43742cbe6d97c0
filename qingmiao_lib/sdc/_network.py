"""Exact pinning test and protection cut without LP, for relations that form a network.

When every cell of a group lies in at most two relations with coefficients ±1 whose signs can be
oriented consistently (a table with row and column totals, a one-way table with its total, a
chain of stocks), each relation is a node, each cell an arc (a cell in one relation runs to a
ground node) and the relation matrix is totally unimodular. Another integer table consistent
with everything published, with cell p one higher, exists exactly when the residual graph —
each hidden cell usable forwards if it may grow by one, backwards if it may shrink by one — has
a path from p's head back to its tail (a circulation decomposes into cycles conformal to it).

When p is pinned, let R be the nodes reachable from p's head (for "up"; from its tail for
"down"). Every cycle through p must leave R along an arc usable in that direction, and none of
the hidden ones is; so any pattern that protects p hides one of the *shown* candidates crossing R
outwards in a usable direction (a "×" cell may always grow; it may shrink when above t). That
set, for both directions, gives the cut ``Σ x_i ≥ 1``, valid for every pattern — the network
form of the Fischetti–Salazar capacity cut, found by a graph search instead of two LPs.
"""

from __future__ import annotations

import numpy as np

from ._model import COMPLEMENTARY, PRIMARY, SHOWN, WITHHELD, Compiled


class Network:
    """The arcs of the cells ``cells`` over the relations ``rels`` (``ok`` False when they do
    not form a network). ``hidden_only``: other members of the relations are shown constants
    (a test of one pattern: its cuts are not valid for other patterns)."""

    def __init__(self, cp: Compiled, cells: np.ndarray, rels: np.ndarray,
                 hidden_only: bool = False):
        self.ok = False
        M = cp.M.tocsr()
        node = {int(r): k for k, r in enumerate(rels)}
        self.ground = len(rels)
        where: dict[int, list[tuple[int, float]]] = {int(c): [] for c in cells}
        for r in rels:
            for j, v in zip(M.indices[M.indptr[r]:M.indptr[r + 1]],
                            M.data[M.indptr[r]:M.indptr[r + 1]], strict=True):
                if int(j) not in where:
                    if hidden_only:
                        continue
                    return
                if v not in (1.0, -1.0):
                    return
                where[int(j)].append((node[int(r)], v))
        adj: list[list[tuple[int, float]]] = [[] for _ in rels]
        for w in where.values():
            if len(w) > 2 or (len(w) == 2 and w[0][0] == w[1][0]):
                return
            if len(w) == 2:
                (a, ca), (b, cb) = w
                adj[a].append((b, -ca * cb))
                adj[b].append((a, -ca * cb))
        sign = [0.0] * len(rels)
        for root in range(len(rels)):
            if sign[root]:
                continue
            sign[root], stack = 1.0, [root]
            while stack:
                a = stack.pop()
                for b, rel in adj[a]:
                    if not sign[b]:
                        sign[b] = sign[a] * rel
                        stack.append(b)
                    elif sign[b] != sign[a] * rel:
                        return
        self.tail, self.head = {}, {}
        for c, w in where.items():
            plus = [k for k, v in w if sign[k] * v > 0]
            minus = [k for k, v in w if sign[k] * v < 0]
            self.head[c] = plus[0] if plus else self.ground
            self.tail[c] = minus[0] if minus else self.ground
        self.cells = [int(c) for c in cells]
        self.ok = True

    @staticmethod
    def _moves(state, a: int, t: int) -> tuple[bool, bool]:
        """Whether a hidden cell of value ``a`` in ``state`` may grow / shrink by one."""
        if state == PRIMARY:
            return a + 1 <= t - 1, a - 1 >= 1
        if state == COMPLEMENTARY:
            return True, a - 1 >= t
        if state == WITHHELD:
            return True, a - 1 >= 0
        return False, False

    def _reach(self, src: int, p: int, state, values, t: int) -> set[int]:
        succ: dict[int, list[int]] = {}
        for q in self.cells:
            if q == p or state[q] == SHOWN:
                continue
            up, down = self._moves(state[q], int(values[q]), t)
            a, b = self.tail[q], self.head[q]
            if up:
                succ.setdefault(a, []).append(b)
            if down:
                succ.setdefault(b, []).append(a)
        seen, stack = {src}, [src]
        while stack:
            for v in succ.get(stack.pop(), ()):
                if v not in seen:
                    seen.add(v)
                    stack.append(v)
        return seen

    def check(self, p: int, state, values, t: int, cand: np.ndarray | None = None
              ) -> tuple[bool, list[int]]:
        """``(pinned, cut cells)``: whether p is pinned and, if so and ``cand`` is given, the
        shown candidates one of which any protecting pattern must hide."""
        up_ok, down_ok = self._moves(state[p], int(values[p]), t)
        a, b = self.tail[p], self.head[p]
        if a == b:                       # in no relation: free within its own bounds
            return not (up_ok or down_ok), []
        cut: set[int] = set()
        for go, src, dst in ((up_ok, b, a), (down_ok, a, b)):
            if not go:
                continue
            R = self._reach(src, p, state, values, t)
            if dst in R:
                return False, []
            if cand is None:
                continue
            for q in self.cells:
                if q == p or state[q] != SHOWN or not cand[q]:
                    continue
                tq, hq = self.tail[q], self.head[q]
                if tq in R and hq not in R:               # would run outwards growing
                    cut.add(q)
                elif hq in R and tq not in R and values[q] - 1 >= t:   # outwards shrinking
                    cut.add(q)
        return True, sorted(cut)

    # -- separation at a fractional pattern ------------------------------------------------
    def separate(self, p: int, state0, values, t: int, cand, x: np.ndarray
                 ) -> tuple[float, list[int]] | None:
        """At a (fractional) pattern ``x`` (per cell, 0..1): the attacker's LP width of p, the
        hidden cells moving by at most one, is the max flow from p's head to its tail (up) plus
        that from its tail to its head (down), each capped at 1; candidates carry capacity
        ``x_q`` in the directions a "×" may move, fixed hidden cells are unlimited. When the sum
        is below 1, the minimum cuts give the cut (every protecting pattern hides a candidate
        crossing one of them outwards); returns ``(width, cells)`` then, else None."""
        up_ok, down_ok = self._moves(state0[p], int(values[p]), t)
        a, b = self.tail[p], self.head[p]
        if a == b:
            return None if (up_ok or down_ok) else (0.0, [])
        big = 1e9
        edges: list[tuple[int, int, float, int]] = []
        for q in self.cells:
            if q == p:
                continue
            if state0[q] != SHOWN:
                up, down = self._moves(state0[q], int(values[q]), t)
                cap = big
            elif cand[q] and x[q] > 1e-9:
                up, down, cap = True, values[q] - 1 >= t, float(x[q])
            else:
                continue
            if up:
                edges.append((self.tail[q], self.head[q], cap, q))
            if down:
                edges.append((self.head[q], self.tail[q], cap, q))
        width, cut = 0.0, set()
        for go, src, dst in ((up_ok, b, a), (down_ok, a, b)):
            if not go:
                continue
            flow, R = _maxflow(self.ground + 1, edges, src, dst)
            width += flow
            if flow >= 1 - 1e-9:
                return None
            for q in self.cells:
                if q == p or state0[q] != SHOWN or not cand[q]:
                    continue
                tq, hq = self.tail[q], self.head[q]
                if (tq in R and hq not in R) or (hq in R and tq not in R and values[q] - 1 >= t):
                    cut.add(q)
        if width >= 1 - 1e-9:
            return None
        return width, sorted(cut)


def _maxflow(n: int, edges, s: int, t: int, limit: float = 1.0) -> tuple[float, set[int]]:
    """Edmonds–Karp from ``s`` to ``t`` over ``(u, v, capacity, _)`` arcs, stopped at ``limit``;
    returns the flow and the nodes reachable from ``s`` in the residual graph (a minimum cut
    when the flow is below ``limit``)."""
    graph: list[list[int]] = [[] for _ in range(n)]
    head, cap = [], []
    for u, v, c, _ in edges:
        graph[u].append(len(head))
        head.append(v)
        cap.append(c)
        graph[v].append(len(head))
        head.append(u)
        cap.append(0.0)
    flow = 0.0
    while True:
        prev = [-1] * n
        prev[s] = -2
        queue = [s]
        for u in queue:
            for e in graph[u]:
                if cap[e] > 1e-12 and prev[head[e]] == -1:
                    prev[head[e]] = e
                    queue.append(head[e])
        if prev[t] == -1 or flow >= limit - 1e-12:
            return flow, {v for v in range(n) if prev[v] != -1}
        push, v = limit - flow, t
        while v != s:
            e = prev[v]
            push = min(push, cap[e])
            v = head[e ^ 1]
        v = t
        while v != s:
            e = prev[v]
            cap[e] -= push
            cap[e ^ 1] += push
            v = head[e ^ 1]
        flow += push
