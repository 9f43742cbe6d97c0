"""The linked set of count tables: cells with global ids, additive relations, tables over them.

A *slot* is one cell as a table shows it (``table[row, col]``); :meth:`Problem.link` says two
slots are the same cell, so the published state of a cell is one state wherever it appears.
:meth:`Problem.compile` merges linked slots into *cells* (union–find) and checks that every
relation holds in the data. A table and its frame (totals added, cells named) are :mod:`._frames`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ._frames import Table, resolve_cells, with_totals  # noqa: F401 - with_totals, re-exported

SHOWN, PRIMARY, COMPLEMENTARY, WITHHELD = "", "primary", "complementary", "withheld"


@dataclass
class Compiled:
    """Cells after linking: ``values``, flags, relations (``M @ values == 0``), where each cell
    appears (``tables_of``) and each table's cells (``table_cells``, canonical ids)."""

    values: np.ndarray
    principal: np.ndarray
    fixed: np.ndarray
    M: sparse.csr_matrix
    cell_rels: list[list[int]]
    canon: np.ndarray                      # slot -> cell
    rep: np.ndarray                        # cell -> representative slot (the smallest)
    tables_of: list[set[str]]
    table_cells: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        return len(self.values)


class Problem:
    """A linked set of count tables (one artefact) to protect together; see the package doc."""

    def __init__(self, threshold: int = 5):
        if threshold < 3:
            raise ValueError("a threshold below 3 leaves '<t' a single value")
        self.threshold = int(threshold)
        self.tables: dict[str, Table] = {}
        self._values: list[int] = []
        self._principal: list[bool] = []
        self._fixed: list[bool] = []
        self._where: list[tuple[str, Hashable, Hashable]] = []
        self._parent: list[int] = []
        self._relations: list[list[tuple[int, int]]] = []
        self._single: set[str] = set()           # tables made by add_cell
        #: tables that tie published cells together but are not printed (e.g. the units a unit
        #: selector does not list, summed): their cells are unknown to the attacker (≥ 0), never
        #: sensitive themselves, and out of the log
        self.unpublished: set[str] = set()
        #: slots hidden whatever the solver finds (a figure another artefact or an earlier stage
        #: already published hidden): never candidates, never shown again
        self.forced: set[int] = set()
        #: tables withheld whatever the solver finds (an earlier page withheld them): printed as
        #: withheld, their cells unknown to the attacker
        self.withhold: set[str] = set()
        #: tables another artefact already printed (their cells fixed or forced): never withheld
        #: now — the page is out — so what cannot be protected withholds a table of this one
        self.frozen: set[str] = set()

    # -- building ----------------------------------------------------------------------------
    def _slot(self, table: str, row, col, value: int, principal: bool, fixed: bool) -> int:
        if fixed and 0 < value < self.threshold:
            raise ValueError(f"{table}[{row}, {col}] = {value}: a figure printed as-is cannot be "
                             f"a count below {self.threshold}")
        self._values.append(int(value))
        self._principal.append(bool(principal))
        self._fixed.append(bool(fixed))
        self._where.append((table, row, col))
        self._parent.append(len(self._parent))
        return len(self._parent) - 1

    def add_table(self, name: str, frame: pd.DataFrame | pd.Series, *,
                  totals: bool | str = True, principal=(), fixed=(), plan=None,
                  merges: Sequence | None = None, published: bool = True) -> Table:
        """Add an interior table of counts (no totals; a Series for a one-way table) with its
        totals and their relations. ``principal``: cells that should stay visible (published
        elsewhere: hidden only when no protection without them exists); ``fixed``: cells printed
        as-is elsewhere (never hidden). Both take ``(row, col)`` labels or keywords (see
        :func:`resolve_cells`). ``plan`` recodes the table first (:func:`recode`); ``merges``
        applies given merges (e.g. those of a linked table: ``merges=other.merges``).
        ``published=False``: a table printed nowhere that only carries relations (see
        :attr:`unpublished`)."""
        from ._recode import _follow, apply_merges, recode

        if name in self.tables:
            raise ValueError(f"table {name!r} already added")
        recoded = None
        if merges:
            frame = apply_merges(frame, merges)
            for m in merges:
                principal, fixed = _follow(principal, m), _follow(fixed, m)
        if plan is not None:
            recoded = recode(frame, plan, self.threshold, totals=totals, principal=principal,
                             name=name)
            frame, merges = recoded.frame, [*(merges or []), *recoded.merges]
            principal = recoded.principal
        values, rels = with_totals(frame, totals)
        pset, fset = resolve_cells(principal, values), resolve_cells(fixed, values)
        ids = pd.DataFrame(0, index=values.index, columns=values.columns, dtype="int64")
        for r in values.index:
            for c in values.columns:
                ids.at[r, c] = self._slot(name, r, c, values.at[r, c], (r, c) in pset,
                                          (r, c) in fset)
        for r, c, parts in rels:
            self._relations.append([(int(ids.at[r, c]), 1), *((int(ids.at[a, b]), -1)
                                                              for a, b in parts)])
        table = Table(name, values, ids, totals, list(merges or []), recoded)
        self.tables[name] = table
        if not published:
            self.unpublished.add(name)
        return table

    def add_cell(self, name: str, value: int, *, principal: bool = False,
                 fixed: bool = False) -> int:
        """A figure on its own (a headline such as F5) as a one-cell table named ``name``."""
        t = self.add_table(name, pd.Series([int(value)], index=[name], name="值"), totals=False,
                           principal=[name] if principal else (), fixed=[name] if fixed else ())
        self._single.add(name)
        return t[name]

    def _find(self, i: int) -> int:
        while self._parent[i] != i:
            self._parent[i] = self._parent[self._parent[i]]
            i = self._parent[i]
        return i

    def link(self, a: int, b: int) -> None:
        """Slots ``a`` and ``b`` are the same cell (e.g. a unit report's 全辖区 cell and the main
        report's cell, a chart's bar and its table's cell)."""
        if self._values[a] != self._values[b]:
            raise ValueError(f"cannot link {self.label(a)} = {self._values[a]} with "
                             f"{self.label(b)} = {self._values[b]}")
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def link_sum(self, total: int, parts: Iterable[int]) -> None:
        """Slot ``total`` equals the sum of the ``parts`` slots (e.g. a county cell and the same
        cell of every unit's table)."""
        self.add_relation([(total, 1), *((p, -1) for p in parts)])

    def add_relation(self, terms: Iterable[tuple[int, int]]) -> None:
        """Any additive relation: ``(slot, coefficient)`` pairs summing to zero."""
        terms = [(int(s), int(k)) for s, k in terms]
        if sum(k * self._values[s] for s, k in terms) != 0:
            raise ValueError("the relation does not hold in the data: "
                             + " ".join(f"{k:+d}·{self.label(s)}" for s, k in terms))
        self._relations.append(terms)

    def link_tables(self, a: str, b: str) -> int:
        """Link every cell that tables ``a`` and ``b`` both have (same row and column labels);
        returns how many were linked."""
        ta, tb = self.tables[a], self.tables[b]
        n = 0
        for r in ta.ids.index.intersection(tb.ids.index):
            for c in ta.ids.columns.intersection(tb.ids.columns):
                self.link(ta[r, c], tb[r, c])
                n += 1
        return n

    def sum_tables(self, total: str, parts: Sequence[str]) -> int:
        """Every cell of table ``total`` is the sum of the same-labelled cells of the ``parts``
        tables (a part without the label counts 0); returns how many relations were added."""
        tt, n = self.tables[total], 0
        for r in tt.ids.index:
            for c in tt.ids.columns:
                cells = [self.tables[p][r, c] for p in parts
                         if r in self.tables[p].ids.index and c in self.tables[p].ids.columns]
                self.link_sum(tt[r, c], cells)
                n += 1
        return n

    def protect(self, method: str = "optimal", *, spl: float = 1.0, time_limit: float = 30.0,
                group_limit: float | None = None, max_exact: int | None = None):
        """Protect every table together: small counts ``"<t"``, complements ``"×"`` chosen by
        ``method`` (``"optimal"``: the exact model; ``"greedy"``: smallest first, for
        comparison), tables that cannot be protected withheld. ``spl``: the smallest width of
        the attacker's range of a small count (1: at least two integers; a group where a wider
        range cannot be reached falls back to the greedy answer, which guarantees two
        integers). ``time_limit`` (seconds): past it a group of linked cells falls back to the
        greedy answer (``result.stats.optimal`` False). Returns a :class:`Result`."""
        from ._result import protect

        return protect(self, method, spl=spl, time_limit=time_limit, group_limit=group_limit,
                       max_exact=max_exact)

    # -- reading -----------------------------------------------------------------------------
    @property
    def n_slots(self) -> int:
        """Cells as the tables print them (a linked cell counts once per table)."""
        return len(self._values)

    def label(self, slot: int) -> str:
        """``表名[行, 列]`` of a slot, with every slot linked to it."""
        root = self._find(slot)
        names = [t if t in self._single else f"{t}[{r}, {c}]"
                 for i, (t, r, c) in enumerate(self._where) if self._find(i) == root]
        return " = ".join(names)

    def fix_shown(self, slot: int) -> None:
        """The slot is printed as it is (elsewhere, or by an earlier stage): never hidden."""
        if 0 < self._values[slot] < self.threshold:
            raise ValueError(f"{self.label(slot)}: a small count cannot be printed as it is")
        self._fixed[slot] = True

    def hold(self, slot: int, state: str | None) -> None:
        """Keep the slot in the ``state`` another artefact printed it in: shown stays shown
        (:meth:`fix_shown`), hidden stays hidden (:attr:`forced`)."""
        if state in (SHOWN, None):
            self.fix_shown(slot)
        else:
            self.forced.add(slot)

    def compile(self) -> Compiled:
        """The cells after linking (cached until the problem changes)."""
        linked = sum(i != p for i, p in enumerate(self._parent))
        key = (len(self._values), len(self._relations), linked, sum(self._fixed))
        if getattr(self, "_compiled", (None,))[0] == key:
            return self._compiled[1]
        self._compiled = (key, self._compile())
        return self._compiled[1]

    def _compile(self) -> Compiled:
        n_slots = len(self._values)
        roots = np.array([self._find(i) for i in range(n_slots)], dtype=np.int64)
        uniq, canon = np.unique(roots, return_inverse=True)
        n = len(uniq)
        values = np.array(self._values, dtype=np.int64)[uniq]
        principal = np.zeros(n, bool)
        fixed = np.zeros(n, bool)
        np.logical_or.at(principal, canon, np.array(self._principal, bool))
        np.logical_or.at(fixed, canon, np.array(self._fixed, bool))
        rows, cols, data = [], [], []
        m = 0
        for rel in self._relations:
            acc: dict[int, int] = {}
            for s, k in rel:
                acc[int(canon[s])] = acc.get(int(canon[s]), 0) + k
            acc = {c: k for c, k in acc.items() if k}
            if not acc:
                continue
            for c, k in acc.items():
                rows.append(m)
                cols.append(c)
                data.append(k)
            m += 1
        M = sparse.csr_matrix((np.array(data, float), (np.array(rows, int), np.array(cols, int))),
                              shape=(m, n))
        cell_rels: list[list[int]] = [[] for _ in range(n)]
        coo = M.tocoo()
        for r, c in zip(coo.row, coo.col, strict=True):
            cell_rels[c].append(int(r))
        tables_of: list[set[str]] = [set() for _ in range(n)]
        table_cells = {}
        for name, t in self.tables.items():
            cells = canon[np.array(t.slots, dtype=np.int64)]
            for c in cells:
                tables_of[c].add(name)
            table_cells[name] = np.unique(cells)
        return Compiled(values, principal, fixed, M, cell_rels, canon, uniq, tables_of,
                        table_cells)

    def state_from(self, status: Mapping[str, pd.DataFrame]) -> np.ndarray:
        """The published state of every cell from the status frames of the tables as shown
        (``""`` / ``"primary"`` / ``"complementary"`` / ``"withheld"``): a cell shown in any table
        is shown; else ``"<t"`` and ``"×"`` tell their bounds; a cell in no given table is
        withheld. For auditing what a report actually printed."""
        cp = self.compile()
        order = {SHOWN: 0, PRIMARY: 1, COMPLEMENTARY: 2, WITHHELD: 3}
        state = np.full(cp.n, WITHHELD, dtype=object)
        for name, frame in status.items():
            t = self.tables[name]
            for r in frame.index:
                for c in frame.columns:
                    cell = cp.canon[t[r, c]]
                    s = frame.at[r, c] or SHOWN
                    if order[s] < order[state[cell]]:
                        state[cell] = s
        return state
