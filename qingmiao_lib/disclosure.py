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

The algorithm on arrays is :mod:`._suppression` (its names are importable from here).

Shown strings: ``"<5"`` primary, ``"×"`` complementary (为防止由合计反推而隐去), ``"1,234"`` otherwise.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ._suppression import COMPLEMENTARY, PRIMARY, _Network, _pinned, _suppress, audit_range  # noqa: F401

TOTAL = "合计"
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
