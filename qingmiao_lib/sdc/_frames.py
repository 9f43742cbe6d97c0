"""The tables of a :class:`._model.Problem` (:class:`Table`: values and slot ids) and the frames
they start from: an interior table with its 合计 row and column added and the sums they state
(:func:`with_totals`), and cells named by label or keyword for ``principal=`` / ``fixed=``
(:func:`resolve_cells`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import pandas as pd

from ..disclosure import TOTAL

#: ``principal=`` keywords of :meth:`._model.Problem.add_table`.
KEYWORDS = ("totals", "row_totals", "column_totals", "grand")


@dataclass
class Table:
    """One table of a problem: ``values`` (ints, totals included), ``ids`` (slot ids, same
    shape), the merges applied by recoding and the recoding's log line."""

    name: str
    values: pd.DataFrame
    ids: pd.DataFrame
    totals: bool | str
    merges: list = field(default_factory=list)
    recoded: object | None = None          # a _recode.Recoded when a plan was given

    def __getitem__(self, key) -> int:
        if isinstance(key, tuple):
            return int(self.ids.at[key[0], key[1]])
        if self.ids.shape[1] != 1:
            raise KeyError(f"{self.name}: give (row, column) for a two-way table")
        return int(self.ids.at[key, self.ids.columns[0]])

    @property
    def slots(self) -> list[int]:
        return [int(i) for i in self.ids.to_numpy().ravel()]



def with_totals(frame: pd.DataFrame | pd.Series, totals: bool | str = True
                ) -> tuple[pd.DataFrame, list[tuple[Hashable, Hashable, list]]]:
    """An interior table with its totals added, and its relations as ``(row, col, parts)``
    meaning cell (row, col) = sum of the part cells. ``totals``: ``True`` both, ``"row"`` the
    合计 column only, ``"column"`` the 合计 row only, ``False`` none. A Series is a one-column
    table whose ``True`` means the 合计 row."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(frame.name if frame.name is not None else "人数")
        totals = "column" if totals is True else totals
    t = frame.fillna(0).astype("int64").copy()
    if (t.to_numpy() < 0).any():
        raise ValueError("counts must be non-negative")
    rows, cols = list(t.index), list(t.columns)
    by_row, by_col = totals in (True, "row"), totals in (True, "column")
    if (by_row or by_col) and (TOTAL in rows or TOTAL in cols):
        raise ValueError(f"the interior table already has a {TOTAL} label")
    if by_row:
        t[TOTAL] = t[cols].sum(axis=1)
    if by_col:
        t.loc[TOTAL] = t.loc[rows].sum(axis=0)
    rels = []
    if by_row:
        rels += [(r, TOTAL, [(r, c) for c in cols]) for r in [*rows, *([TOTAL] if by_col else [])]]
    if by_col:
        rels += [(TOTAL, c, [(r, c) for r in rows]) for c in [*cols, *([TOTAL] if by_row else [])]]
    return t, rels


def resolve_cells(spec, values: pd.DataFrame) -> set[tuple[Hashable, Hashable]]:
    """``principal=`` / ``fixed=`` as cell labels: ``(row, col)`` pairs and the keywords
    ``"totals"`` (every cell of the 合计 row and column), ``"row_totals"`` (the 合计 column),
    ``"column_totals"`` (the 合计 row), ``"grand"`` (合计, 合计); ``True`` means ``"totals"``."""
    if spec is True:
        spec = ("totals",)
    if isinstance(spec, str):
        spec = (spec,)
    out: set = set()
    rows, cols = list(values.index), list(values.columns)
    for s in spec or ():
        if isinstance(s, str) and s in KEYWORDS:
            if s in ("totals", "row_totals") and TOTAL in cols:
                out |= {(r, TOTAL) for r in rows}
            if s in ("totals", "column_totals") and TOTAL in rows:
                out |= {(TOTAL, c) for c in cols}
            if s == "grand" and TOTAL in rows and TOTAL in cols:
                out.add((TOTAL, TOTAL))
        elif isinstance(s, tuple) and len(s) == 2:
            if s[0] not in values.index or s[1] not in values.columns:
                raise KeyError(f"no cell {s!r}")
            out.add(s)
        elif len(cols) == 1 and s in values.index:
            out.add((s, cols[0]))
        else:
            raise KeyError(f"no cell {s!r}")
    return out
