"""One artefact's disclosure control: every count table of a report (its sections, its charts'
data, the unit selector's embedded tables) is registered first and protected together, once, by
the exact engine of :mod:`qingmiao_lib.sdc`; then the sections render from the result.

A section asks :meth:`Artefact.table` (a table with its totals) or :meth:`Artefact.linear` (cells
tied by other relations: stocks and flows, rules × groups) for a :class:`Deferred` — a stand-in
for the :class:`disclosure.Protected` that :meth:`Artefact.protect` fills in — and states which
cells are the same figure elsewhere (:meth:`Artefact.link`, :meth:`Artefact.same`) or sums of
others (:meth:`Artefact.sum`). It renders only after the protection (``Section.html`` may be a
function of no arguments, called by the report once every table is protected).

What this gives: one published state per figure wherever it appears (a chart, its table, the
selector's 全辖区, the headline table); complements chosen to hide the fewest persons over the
whole report, never a principal figure when another choice exists; recoding by rule before
suppressing (``plan=``); a table that cannot be protected withheld with a one-line note; and an
audit over every published number of the report (:meth:`Artefact.audit`): no ``"<t"`` cell can be
pinned to one value.

The module is over 300 lines because :class:`Artefact` is one job — register, tie, protect in
stages, audit — whose methods the sections call together; splitting it would scatter one
protocol over several files.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import pandas as pd

from .. import sdc
from ..disclosure import TOTAL

Cell = tuple[Hashable, Hashable]
#: seconds the exact solver may spend on the whole artefact, and on one group of linked cells,
#: before a group keeps the greedy answer (still audited jointly: never published unprotected)
TIME_LIMIT, GROUP_LIMIT = 30.0, 2.0
#: a group of linked cells with more small counts than this takes the greedy answer at once
MAX_EXACT = 40


class Deferred:
    """A protected table not protected yet: after :meth:`Artefact.protect` it behaves as the
    table's :class:`qingmiao_lib.sdc.SdcProtected` (``cell``, ``shown``, ``masked``, ``share``,
    ``rows``, ``withheld``, ``note`` …); before, reading it is an error (a section rendered too
    early)."""

    __slots__ = ("_artefact", "_name")

    def __init__(self, artefact: Artefact, name: str):
        self._artefact, self._name = artefact, name

    @property
    def table_name(self) -> str:
        return self._name

    def resolved(self) -> sdc.SdcProtected:
        res = self._artefact.result
        if res is None:
            raise RuntimeError(f"表“{self._name}”在保护之前被读取（先 Artefact.protect()）")
        return res[self._name]

    def __getattr__(self, attr):
        # a special name or a slot not set yet (pickle and copy build the object empty, then ask
        # for __setstate__ before the slots are filled) is not the protected table's
        if attr.startswith("__") or attr in Deferred.__slots__:
            raise AttributeError(attr)
        return getattr(self.resolved(), attr)

    def __repr__(self) -> str:
        return f"Deferred({self._name!r})"


class Artefact:
    """The count tables of one artefact, protected together (see the module doc)."""

    def __init__(self, threshold: int, *, exact: bool = False, problem: sdc.Problem | None = None):
        self.problem = problem if problem is not None else sdc.Problem(int(threshold))
        self.threshold = int(threshold)
        #: the 部内研判 audience: exact counts, nothing recoded or hidden (names stay masked)
        self.exact = bool(exact)
        #: the first slot of the second stage (:meth:`second_stage`), or None
        self._stage2: int | None = None
        self.result: sdc.Result | None = None
        self._names: set[str] = set(self.problem.tables)
        #: a county report's unit selector: each offered unit's tables by unit id (unit reports
        #: print them in the states the county report publishes)
        self.selector: dict[str, dict] = {}
        #: the selector's unpublished tables of the units it does not offer, by kind and chart,
        #: and each unit's kind (a county report's)
        self.unlisted: dict[str, dict] = {}
        self.kind_of: dict[str, str] = {}

    # -- registering ----------------------------------------------------------------------------
    def _name(self, name: str) -> str:
        if self.result is not None:
            raise RuntimeError(f"表“{name}”在保护之后才登记")
        if name in self._names:        # a second table of the same title (e.g. two units)
            k = 2
            while f"{name}（{k}）" in self._names:
                k += 1
            name = f"{name}（{k}）"
        self._names.add(name)
        return name

    def table(self, frame: pd.DataFrame | pd.Series, *, name: str, totals: bool | str = True,
              principal=(), plan: sdc.Plan | None = None, merges=None,
              published: bool = True) -> Deferred:
        """An interior count table (no totals; the totals are added as in
        :func:`disclosure.protect`): ``totals`` True / ``"row"`` (the 合计 column) /
        ``"column"`` (the 合计 row) / False. ``principal``: cells to keep visible when another
        protection exists (keywords ``"totals"``, ``"row_totals"``, ``"column_totals"``,
        ``"grand"`` or ``(row, col)`` labels); ``plan``: recode first (:class:`sdc.Plan`)."""
        name = self._name(name)
        if self.exact:
            plan = merges = None
        self.problem.add_table(name, frame.fillna(0).astype("int64"), totals=totals,
                               principal=principal, plan=plan, merges=merges, published=published)
        return Deferred(self, name)

    def linear(self, table: pd.DataFrame, *, name: str,
               relations: Iterable[tuple[Cell, Sequence[Cell]]] = (),
               equations: Iterable[Sequence[tuple[Cell, int]]] = (),
               totals: Iterable[Cell] = ()) -> Deferred:
        """A table whose cells are tied by other relations than rows and columns, as
        :func:`disclosure.protect_linear` takes them: ``relations`` ``(total, [parts])``,
        ``equations`` ``[(cell, coefficient)]`` summing to zero; ``totals`` and the relations'
        total cells are principal (kept visible when another protection exists)."""
        relations, equations = list(relations), list(equations)
        name = self._name(name)
        t = table.fillna(0).astype("int64")
        principal = {tot for tot, _ in relations} | set(totals)
        tab = self.problem.add_table(name, t, totals=False, principal=sorted(principal, key=str))
        for tot, parts in relations:
            self.problem.link_sum(tab[tot], [tab[p] for p in parts])
        for eq in equations:
            self.problem.add_relation([(tab[c], int(k)) for c, k in eq])
        return Deferred(self, name)

    def cell(self, value: int, *, name: str, principal: bool = True) -> int:
        """A figure printed on its own (a headline): its slot, to :meth:`link` to a table cell."""
        return self.problem.add_cell(self._name(name), int(value), principal=principal)

    def slot(self, table: Deferred, row: Hashable, col: Hashable | None = None) -> int:
        """The slot of a registered table's cell (``col`` may be left out for a one-column table)."""
        t = self.problem.tables[table.table_name]
        return t[row] if col is None else t[row, col]

    def deferred(self, name: str) -> Deferred:
        """The registered table ``name`` (KeyError when there is none)."""
        if name not in self.problem.tables:
            raise KeyError(f"没有登记表“{name}”")
        return Deferred(self, name)

    def follow(self, mine: Deferred, theirs: Deferred, *, rows=None) -> int:
        """Print ``mine``'s cells in the states another artefact already published them in
        (``theirs``, protected: the county report's table of the same figures): shown there,
        shown here; hidden there, hidden here — so that reading both pins nothing the other
        hides. Cells are matched by row and column label (only ``rows`` when given: the rows of
        units, not a total that sums other things in each); returns how many were fixed."""
        res, t = theirs.resolved(), self.problem.tables[mine.table_name]
        n = 0
        for r in t.ids.index.intersection(res.status.index):
            if rows is not None and r not in rows:
                continue
            for c in t.ids.columns.intersection(res.status.columns):
                if t.values.at[r, c] != res.values.at[r, c]:
                    continue            # not the same figure after all (e.g. two units of one name)
                self.problem.hold(int(t.ids.at[r, c]), res.status.at[r, c])
                n += 1
        return n

    def plain(self, name: str) -> str:
        """A registered table's name as its report prints it (a :class:`Scoped` part's without
        its prefix)."""
        return name

    def table_named(self, name: str):
        """The registered :class:`sdc.Table` ``name``, or None."""
        return self.problem.tables.get(name)

    def has(self, table: Deferred, row: Hashable, col: Hashable) -> bool:
        ids = self.problem.tables[table.table_name].ids
        return row in ids.index and col in ids.columns

    def same_figure(self, mine: Deferred, cell: Cell, other: str, other_cell: Cell) -> bool:
        """Link ``mine``'s ``cell`` with ``other_cell`` of the table named ``other`` (another
        section's) when that table is registered, both cells exist and they hold the same count
        — one published state per figure; figures that differ are not the same figure (no
        relation exists to exploit). Returns whether they were linked."""
        tables = self.problem.tables
        if other not in tables:
            return False
        theirs = Deferred(self, other)
        if not (self.has(mine, *cell) and self.has(theirs, *other_cell)):
            return False
        x, y = self.slot(mine, *cell), self.slot(theirs, *other_cell)
        if tables[mine.table_name].values.at[cell] != tables[other].values.at[other_cell]:
            return False
        self.link(x, y)
        return True

    def link(self, a: int, b: int) -> None:
        """Slots ``a`` and ``b`` are one figure (one published state wherever it appears)."""
        self.problem.link(a, b)

    def same(self, a: Deferred, b: Deferred, *, rows=None, cols=None) -> int:
        """Link every cell the two tables share by label (optionally only ``rows``/``cols``,
        given as ``{label in a: label in b}`` or a list of common labels)."""
        ta, tb = self.problem.tables[a.table_name].ids, self.problem.tables[b.table_name].ids
        rmap = _pairs(rows, ta.index, tb.index)
        cmap = _pairs(cols, ta.columns, tb.columns)
        n = 0
        for ra, rb in rmap:
            for ca, cb in cmap:
                self.problem.link(int(ta.at[ra, ca]), int(tb.at[rb, cb]))
                n += 1
        return n

    def sum(self, total: Deferred, parts: Sequence[Deferred]) -> int:
        """Every cell of ``total`` is the sum of the same-labelled cells of ``parts``."""
        return self.problem.sum_tables(total.table_name, [p.table_name for p in parts])

    def second_stage(self) -> None:
        """Tables registered from now on are protected after the others, around them: the
        first stage's published states are kept (a figure shown stays shown, a hidden one stays
        hidden) and the second stage hides more of its own cells where the relations between the
        stages call for it. The unit selector is the second stage of a report: its many small
        per-unit tables, tied by sums to the kinds and the jurisdiction, never make a section's
        principal figures disappear."""
        if self._stage2 is None:
            self._stage2 = self.problem.n_slots

    # -- protecting -----------------------------------------------------------------------------
    def protect(self, method: str = "optimal", *, time_limit: float = TIME_LIMIT,
                group_limit: float = GROUP_LIMIT) -> sdc.Result:
        if self.result is None and self.exact:
            self.result = _exact(self.problem)
        if self.result is None:
            kw = {"time_limit": time_limit, "group_limit": group_limit, "max_exact": MAX_EXACT}
            p, boundary = self.problem, self._stage2
            if boundary is not None and boundary < p.n_slots:
                late = {n for n, t in p.tables.items() if min(t.slots, default=boundary) >= boundary}
                saved = set(p.unpublished)
                p.unpublished |= late                # stage 1: the late tables unknown, not printed
                try:
                    first = p.protect(method, **kw)
                finally:
                    p.unpublished = saved
                cp = p.compile()
                # stage 2 around stage 1's states: a stage-1 table is printed as stage 1 left it
                # (withheld there or not), never withheld by stage 2
                p.withhold |= set(first.withheld) - saved
                p.frozen |= {n for n in p.tables if n not in late}
                for slot in range(boundary):
                    state = first.state[cp.canon[slot]]
                    if state == sdc.SHOWN:
                        p.fix_shown(slot)
                    elif state == sdc.COMPLEMENTARY:
                        p.forced.add(slot)
            self.result = p.protect(method, **kw)
        return self.result

    @property
    def log(self) -> list[sdc.TableLog]:
        return [] if self.result is None else self.result.log

    def sensitive_pinned(self) -> list[str]:
        """The labels of every ``"<t"`` cell (and small count of a withheld table) an attacker
        who knows every published number and relation could pin to one value — empty, or the
        protection failed."""
        res = self.protect()
        cp = self.problem.compile()
        hidden = {int(c) for c in res.pinned()}
        small = {int(cp.rep[i]) for i in range(cp.n)
                 if 0 < cp.values[i] < self.threshold and res.state[i] != sdc.SHOWN}
        return [self.problem.label(s) for s in sorted(hidden & small)]


#: the log's reason for a table of the 部内研判 audience
EXACT_REASON = "部内研判版：显示确切人数，未作小数保护"


def _exact(problem: sdc.Problem) -> sdc.Result:
    """Every published cell shown (the 部内研判 audience), as a :class:`sdc.Result`."""
    from ..sdc._milp import Stats

    cp = problem.compile()
    tables, log = {}, []
    for name, tab in problem.tables.items():
        if name in problem.unpublished:
            continue
        st = tab.ids.map(lambda _: sdc.SHOWN)
        tables[name] = sdc.SdcProtected(values=tab.values, status=st, threshold=problem.threshold,
                                        name=name)
        log.append(sdc.TableLog(table=name, cells=int(tab.values.size), primary=0, complementary=0,
                                reason=EXACT_REASON))
    state = np.full(cp.n, sdc.SHOWN, dtype=object)
    return sdc.Result(problem, state, tables, {}, log, "exact", Stats())


def _pairs(spec, a_labels, b_labels) -> list[tuple]:
    if spec is None:
        common = [x for x in a_labels if x in set(b_labels)]
        return [(x, x) for x in common]
    if isinstance(spec, dict):
        return list(spec.items())
    return [(x, x) for x in spec]


__all__ = ["GROUP_LIMIT", "TOTAL", "TIME_LIMIT", "Artefact", "Deferred", "merge_note", "withheld_or"]


def withheld_or(p, draw):
    """A withheld table's one-line note in place of its chart, else ``draw()``."""
    from markupsafe import Markup

    if p.withheld:
        return Markup('<p class="note withheld">{}</p>').format(p.note)
    return draw()


def merge_note(*tables) -> str:
    """What recoding merged in these tables, as one sentence (empty when nothing was merged)."""
    merges = []
    for p in tables:
        t = p._artefact.problem.tables[p.table_name]
        merges += [str(m) for m in t.merges if str(m) not in merges]
    return ("为保护个人信息，" + "；".join(merges) + "。") if merges else ""
