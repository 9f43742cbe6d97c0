"""Statistical disclosure control of count tables: primary and complementary cell suppression.

A count table leaving the workbench (a report table, a chart) goes through :func:`protect`:

* **primary suppression** — a count with ``0 < v < threshold`` is shown as ``"<5"``; 0 is shown
  (an empty cell discloses nobody);
* **complementary suppression** — no line of the table (a row with its total, a column with its
  total, or any other additive relation given to :func:`protect_linear`) may be left with exactly
  one suppressed cell, or the cell is its total minus the others. Complements are taken among
  the non-zero cells, interior cells before totals, smallest first, repeated to a fixed point;
  then, for row/column tables, every complement the audit below does not need is shown again,
  largest first (:func:`_release`);
* **audit** — an attacker who knows every shown cell, every relation, that a ``"<5"`` cell lies
  in ``[1, threshold-1]`` and that a ``"×"`` cell is at least ``threshold`` (any smaller count
  would have been ``"<5"``) computes by linear programming the smallest and largest value of each
  primary cell. When only one integer remains, more cells are suppressed and the audit repeats.
  The relations of a table with totals form a network matrix (totally unimodular), so every
  integer between the LP bounds is attainable: the LP range is the attacker's exact range.
  For such tables the audit needs no LP: another table consistent with everything shown, with a
  different value of cell p, exists exactly when p lies on a cycle of the residual graph (each
  hidden cell an arc between its two relations, usable in the directions its bounds allow) — a
  graph search of microseconds instead of two LPs of milliseconds (:class:`_Network`). Other
  relations (stocks and flows) keep the LP.

Shown strings: ``"<5"`` primary, ``"×"`` complementary (为防止由合计反推而隐去), ``"1,234"`` otherwise.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

TOTAL = "合计"
PRIMARY, COMPLEMENTARY = "primary", "complementary"
#: What a complementary cell shows, and the note explaining it.
CROSS = "×"
CROSS_NOTE = "“×”为防止由合计反推而隐去的数"
DASH = "—"

Cell = tuple[Hashable, Hashable]


@dataclass
class LogEntry:
    """One protected table in the report's suppression log."""

    table: str
    cells: int           # cells in the table (totals included)
    primary: int         # cells below the threshold
    complementary: int   # cells hidden so that the primary ones cannot be recovered
    reason: str          # in Chinese, e.g. "不足5人；防止由合计反推"


@dataclass
class Protected:
    """A protected table: ``values`` (ints, totals included), ``status`` of the same shape
    (``""`` / ``"primary"`` / ``"complementary"``) and the threshold used."""

    values: pd.DataFrame
    status: pd.DataFrame
    threshold: int
    name: str = ""
    pinned: list = field(default_factory=list)   # primary cells the audit could not protect

    # -- what a report shows -----------------------------------------------------------------
    @property
    def suppressed(self) -> pd.DataFrame:
        """Boolean frame: True where the cell is hidden."""
        return self.status.ne("")

    def shown(self) -> pd.DataFrame:
        """The table as strings: ``"<5"`` primary, ``"×"`` complementary, ``"1,234"`` otherwise."""
        out = self.values.map(lambda v: f"{int(v):,}")
        out = out.mask(self.status.eq(PRIMARY), f"<{self.threshold}")
        return out.mask(self.status.eq(COMPLEMENTARY), CROSS)

    def masked(self) -> pd.DataFrame:
        """The values as floats, NaN where suppressed (for charts: never plot a hidden value)."""
        return self.values.astype(float).mask(self.suppressed)

    def cell(self, row: Hashable, col: Hashable) -> str:
        """One cell as shown."""
        st = self.status.at[row, col]
        if st == PRIMARY:
            return f"<{self.threshold}"
        return CROSS if st == COMPLEMENTARY else f"{int(self.values.at[row, col]):,}"

    def value(self, row: Hashable, col: Hashable) -> float:
        """One cell's value, NaN when suppressed."""
        return float("nan") if self.status.at[row, col] else float(self.values.at[row, col])

    def is_hidden(self, row: Hashable, col: Hashable) -> bool:
        return bool(self.status.at[row, col])

    def share(self, denominator: Literal["row", "column", "total"] | Cell = "row", *,
              digits: int = 1, numerator: Sequence[Hashable] | None = None) -> pd.DataFrame:
        """Percentages of each cell in its row total (``"row"``: the column 合计), column total
        (``"column"``: the row 合计), the grand total (``"total"``) or a given cell
        ``(row, col)`` — formatted, ``"—"`` where the numerator or the denominator is hidden or
        the denominator is 0."""
        v, hidden = self.values.astype(float), self.suppressed
        if denominator == "row":
            den, dh = v[[TOTAL]].to_numpy(), hidden[[TOTAL]].to_numpy()
        elif denominator == "column":
            den, dh = v.loc[[TOTAL]].to_numpy(), hidden.loc[[TOTAL]].to_numpy()
        elif denominator == "total":
            den, dh = np.array([[v.at[TOTAL, TOTAL]]]), np.array([[hidden.at[TOTAL, TOTAL]]])
        else:
            r, c = denominator
            den, dh = np.array([[v.at[r, c]]]), np.array([[hidden.at[r, c]]])
        num = v.to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = num / den
        bad = hidden.to_numpy() | dh | (den == 0)
        text = np.where(bad, DASH, np.vectorize(lambda x: f"{x:.{digits}%}" if np.isfinite(x) else DASH,
                                                otypes=[object])(ratio))
        return pd.DataFrame(text, index=self.values.index, columns=self.values.columns)

    def rows(self, *, label: str = "label") -> list[dict]:
        """Template rows: ``{label: row label, "cells": [shown strings], "total": is 合计 row}``."""
        shown = self.shown()
        return [{label: str(k), "cells": list(r), "total": k == TOTAL}
                for k, r in zip(shown.index, shown.to_numpy(), strict=True)]

    @property
    def header(self) -> list[str]:
        return [str(c) for c in self.values.columns]


def shares(protected: Protected, axis: Literal["row", "column", "total"] = "row", *,
           digits: int = 1) -> pd.DataFrame:
    """:meth:`Protected.share` as a function."""
    return protected.share(axis, digits=digits)


def show(value, threshold: int, hidden: bool = False) -> str:
    """One count on its own (no relation to others): ``"<5"``, ``"×"`` when ``hidden``, or the number."""
    if hidden:
        return CROSS
    value = int(value)
    return f"<{threshold}" if 0 < value < threshold else f"{value:,}"


# -- building the relations ----------------------------------------------------------------


def protect(table: pd.DataFrame, threshold: int, *,
            totals: bool | Literal["row", "column"] = True, name: str = "",
            log: list | None = None) -> Protected:
    """Protect an interior matrix of non-negative counts (index = row labels, columns = column
    labels, no totals).

    ``totals=True`` adds a row total column 合计 and a column total row 合计 (with the grand
    total) and protects them too; ``"row"`` adds only the 合计 column (each row's total, e.g.
    years × groups where a sum over years means nothing), ``"column"`` only the 合计 row;
    ``False`` protects the interior cells alone (one-dimensional lists, tables whose totals
    appear nowhere). Appends one :class:`LogEntry` to ``log`` when given.
    """
    t = table.copy()
    t = t.fillna(0).astype("int64")
    if (t.to_numpy() < 0).any():
        raise ValueError("protect needs non-negative counts")
    row_totals = totals is True or totals == "row"
    col_totals = totals is True or totals == "column"
    interior_rows, interior_cols = list(t.index), list(t.columns)
    if TOTAL in interior_rows or TOTAL in interior_cols:
        raise ValueError(f"the interior table already has a {TOTAL} label")
    if row_totals:
        t[TOTAL] = t[interior_cols].sum(axis=1)
    if col_totals:
        t.loc[TOTAL] = t.loc[interior_rows].sum(axis=0)
    relations: list[tuple[Cell, list[Cell]]] = []
    if row_totals:
        rows = [*interior_rows, *([TOTAL] if col_totals else [])]
        relations += [((r, TOTAL), [(r, c) for c in interior_cols]) for r in rows]
    if col_totals:
        cols = [*interior_cols, *([TOTAL] if row_totals else [])]
        relations += [((TOTAL, c), [(r, c) for r in interior_rows]) for c in cols]
    return protect_linear(t, threshold, relations=relations, name=name, log=log)


def protect_linear(table: pd.DataFrame, threshold: int, *,
                   relations: Iterable[tuple[Cell, Sequence[Cell]]] = (),
                   equations: Iterable[Sequence[tuple[Cell, int]]] = (),
                   totals: Iterable[Cell] = (), name: str = "", log: list | None = None) -> Protected:
    """Protect a table whose cells are tied by other relations than rows and columns.

    ``relations`` are ``(total_cell, [part_cells])`` meaning total = sum(parts) (the total
    cells count as totals when choosing complements); ``equations`` are lists of
    ``(cell, coefficient)`` summing to zero (e.g. a stock: start + entries − exits − end = 0);
    ``totals`` names more cells to spare when choosing complements. Cells are
    ``(row label, column label)``. A relation the data does not satisfy is an error.
    """
    t = table.fillna(0).astype("int64")
    idx = {(r, c): i * t.shape[1] + j for i, r in enumerate(t.index) for j, c in enumerate(t.columns)}
    vals = t.to_numpy().ravel()
    rank = np.zeros(len(vals), dtype=int)
    eqs: list[list[tuple[int, int]]] = []
    for total, parts in relations:
        eqs.append([(idx[total], 1), *((idx[p], -1) for p in parts)])
        rank[idx[total]] = max(rank[idx[total]], 1)
    for eq in equations:
        eqs.append([(idx[c], int(k)) for c, k in eq])
    for c in totals:
        rank[idx[c]] = max(rank[idx[c]], 1)
    # a total of totals (e.g. the grand total) is spared longest
    for total, parts in relations:
        if any(rank[idx[p]] for p in parts):
            rank[idx[total]] = 2
    for eq in eqs:
        if sum(k * vals[i] for i, k in eq) != 0:
            raise ValueError(f"{name or 'table'}: a relation does not hold in the data")
    status, pinned = _suppress(vals, rank, eqs, int(threshold))
    labels = list(idx)
    st = pd.DataFrame(status.reshape(t.shape), index=t.index, columns=t.columns)
    out = Protected(values=t, status=st, threshold=int(threshold), name=name,
                    pinned=[labels[i] for i in pinned])
    if log is not None:
        log.append(log_entry(out))
    return out


def log_entry(p: Protected) -> LogEntry:
    """The suppression-log line of a protected table."""
    n_p, n_c = int(p.status.eq(PRIMARY).sum().sum()), int(p.status.eq(COMPLEMENTARY).sum().sum())
    why = []
    if n_p:
        why.append(f"不足{p.threshold}人")
    if n_c:
        why.append("防止由合计反推")
    if p.pinned:
        why.append(f"{len(p.pinned)}格无法完全保护")
    return LogEntry(table=p.name, cells=int(p.values.size), primary=n_p, complementary=n_c,
                    reason="；".join(why) or "无需隐去")


# -- the algorithm -------------------------------------------------------------------------


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
