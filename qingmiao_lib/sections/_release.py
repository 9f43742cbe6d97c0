"""The county report and its unit reports as one release (issue 18): what a unit report takes
from the county report (:func:`release`, :func:`released_comparison`), the shared artefact of a
batch (:func:`batch`, :class:`Scoped`, :func:`tie_batch`), and the audit across them — what an
attacker pins who reads the county report and unit reports together.

Each report is protected as one :class:`~qingmiao_lib.sections._protect.Artefact`; a unit report
follows the county report's published states for every figure the county report prints too
(its jurisdiction tables, its units' rows, the selector's tables of a listed unit). This module
checks the result as the reader would: the reports' problems side by side
(:func:`qingmiao_lib.sdc._union.union`), tied by what a reader knows of their tables of the same
name —

- the same figures (a jurisdiction-wide table printed by both, a row ``u:<unit>`` of a unit's
  own): the cells are one;
- a county table and the same table of each unit report: the county cell is the sum of the
  units' cells and of an unpublished rest (the units without a report; zero when every unit has
  one) —

then runs the exact integer audit (:func:`qingmiao_lib.sdc.pinned`) over every published number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import pandas as pd

from .. import sdc
from ..disclosure import TOTAL
from ..sdc._union import union
from ._protect import Artefact, Cell, Deferred
from ._render import Context


def _published(a: Artefact) -> dict:
    res = a.protect()
    return {n: res[n].status for n in res.tables if n not in a.problem.unpublished}


def joint_problem(county: Artefact, units: Mapping[str, Artefact]) -> tuple[sdc.Problem, dict]:
    """The reports' problems as one, tied as a reader ties them (see the module doc), and the
    status frames of every published table, by the joint names (``"county·…"``, ``"<unit>·…"``)."""
    joint = union({"county": county.problem, **{u: a.problem for u, a in units.items()}})
    status = {f"county·{n}": s for n, s in _published(county).items()}
    for u, a in units.items():
        status |= {f"{u}·{n}": s for n, s in _published(a).items()}
    tie(joint, county, {u: ({n: t for n, t in a.problem.tables.items() if n not in a.problem.unpublished},
                            {uid: {k: f"{u}·{d.table_name}" for k, d in t.items()} for uid, t in a.selector.items()})
                        for u, a in units.items()})
    return joint, status


def tie(joint: sdc.Problem, county: Artefact, units: Mapping[str, tuple[Mapping[str, sdc.Table], dict]]) -> None:
    """Add to ``joint`` (holding the county report's tables as ``"county·<name>"`` and each unit
    report's as ``"<part>·<name>"``) what a reader knows between them. ``units``: per part, its
    published tables by plain name and its selector's tables of its unit (``{unit_id: {chart:
    joint name}}``).

    - The selector's tables of a unit the county report lists are that unit's: cell by cell.
    - The county's unpublished rest of a kind's unlisted units is the sum of those units' tables
      in the parts and an unpublished rest.
    - Any other county table a part prints too (by name): the same figures linked (a table equal
      to the county's; its rows ``u:<unit>``), else the county cell is the sum of the parts'
      cells and an unpublished rest (the units without a report)."""
    def cells(a: str, b: str) -> None:
        ta, tb = joint.tables[a], joint.tables[b]
        for r in ta.ids.index.intersection(tb.ids.index):
            for c in ta.ids.columns.intersection(tb.ids.columns):
                if ta.values.at[r, c] == tb.values.at[r, c]:
                    joint.link(ta[r, c], tb[r, c])

    def summed(total: str, parts: list[str], tag: str) -> None:
        J = joint.tables[total].values
        vals = [joint.tables[p].values for p in parts]
        if not all(set(v.index) <= set(J.index) and set(v.columns) <= set(J.columns) for v in vals):
            return                          # not one breakdown: no relation to write
        rest = J - sum((v.reindex(index=J.index, columns=J.columns, fill_value=0) for v in vals), 0 * J)
        if (rest.to_numpy() < 0).any():
            return                          # not the same definition: no relation holds
        joint.add_table(f"rest·{tag}", rest, totals=False, published=False)
        joint.sum_tables(total, [*parts, f"rest·{tag}"])

    problem = county.problem
    per_unit = {d.table_name for uid, t in county.selector.items() if not uid.startswith("__") for d in t.values()}
    unlisted: dict[tuple[str, str], list[str]] = {}
    for _part, (_, selector) in units.items():
        for uid, charts in selector.items():
            mine = county.selector.get(uid)
            for key, name in charts.items():
                if mine is not None:
                    cells(f"county·{mine[key].table_name}", name)
                elif county.kind_of.get(uid) in county.unlisted:
                    unlisted.setdefault((county.kind_of[uid], key), []).append(name)
    for (kind, key), names in unlisted.items():
        total = county.unlisted[kind][key]
        if total in problem.tables:
            summed(f"county·{total}", names, f"{total}")
    for name, whole in problem.tables.items():
        if name in problem.unpublished or name in per_unit:
            continue
        mine = [p for p, (tables, _) in units.items() if name in tables]
        if not mine:
            continue
        J = whole.values
        unit_rows = {r for r in J.index if str(r).startswith("u:")}
        if all(units[p][0][name].values.equals(J) for p in mine) or unit_rows:
            for p in mine:
                cells(f"county·{name}", f"{p}·{name}")
            continue
        summed(f"county·{name}", [f"{p}·{name}" for p in mine], name)


def batch(county: Artefact, threshold: int) -> Artefact:
    """The artefact a batch of unit reports registers into (each through a
    :class:`~qingmiao_lib.sections._release.Scoped` part named by its unit): the county
    report's tables as ``"county·<name>"``, every cell fixed in the state the county report
    published it (shown stays shown, hidden stays hidden), so the units' cells are protected
    around it, together; :func:`tie_batch` adds the relations once every part is registered."""
    res = county.protect()
    joint = union({"county": county.problem})
    cp = county.problem.compile()
    for slot in range(county.problem.n_slots):
        joint.hold(slot, res.state[cp.canon[slot]])
    # the county report is out: what it withheld stays withheld (unknown to the reader), the
    # rest is never withheld here — what cannot be protected around it withholds a page's table
    joint.withhold |= {f"county·{n}" for n in res.withheld if n not in county.problem.unpublished}
    joint.frozen |= set(joint.tables)
    return Artefact(threshold, problem=joint)


def tie_batch(base: Artefact, county: Artefact, units) -> None:
    """The relations between the county report and the batch's unit reports (:func:`tie`),
    once every unit's tables are registered in ``base`` (``units``: their
    :class:`~qingmiao_lib.sections._release.Scoped` parts)."""
    tie(base.problem, county, {
        part.prefix: ({part.plain(n): t for n, t in base.problem.tables.items()
                       if n.startswith(part.prefix + "·") and n not in base.problem.unpublished},
                      {uid: {k: d.table_name for k, d in t.items()} for uid, t in part.selector.items()})
        for part in units})


def pinned_across(county: Artefact, units: Mapping[str, Artefact]) -> list[str]:
    """The labels of every small count (``0 < n < threshold``) hidden in some report that a
    reader of the county report and these unit reports together pins to one value: empty, or
    the reports leak. (An unpublished rest is, as in one artefact, unknown and nobody's figure.)"""
    joint, status = joint_problem(county, units)
    return pinned_printed(joint, status)


def pinned_printed(problem: sdc.Problem, status: Mapping) -> list[str]:
    """The labels of the small counts hidden in the tables as printed (their ``status`` frames)
    that ``problem``'s relations pin to one value; an unpublished table's cell is nobody's
    figure and never counted."""
    state = problem.state_from(status)
    cp = problem.compile()
    small = {int(cp.rep[i]) for i in range(cp.n) if 0 < cp.values[i] < problem.threshold
             and state[i] != sdc.SHOWN and cp.tables_of[i] - problem.unpublished}
    return [problem.label(s) for s in sdc.pinned(problem, state) if s in small]


def release(ctx: Context):
    """The county report's artefact for ``ctx``'s year and audience, protected — built once per
    batch of unit reports (``ctx.cache``) exactly as :func:`qingmiao_lib.report.render_report`
    builds the county report (every section, then the selector of ``ctx.selector_units``
    units). A unit report prints the jurisdiction's figures from it: one figure, one state and
    one recoding in the county report and every unit report."""
    from . import AREAS
    from .units import build

    key = ctx.release_key
    if key not in ctx.cache:
        main = Context(con=ctx.con, year=ctx.year, as_of=ctx.as_of, threshold=ctx.threshold,
                       unmasked=ctx.unmasked, cache=ctx.cache, audience=ctx.audience,
                       selector_units=ctx.selector_units)
        for area in AREAS:
            area.build(main)
        build(main, max_units=ctx.selector_units)
        main.artefact.protect()
        ctx.cache[key] = main.artefact
    return ctx.cache[key]


class _Cells:
    """Cells of a county-report table read under the comparison's labels: ``(row, col)`` →
    ``cells[(row, col)]`` of ``p`` (``values.at`` and ``is_hidden``, as :func:`_indicators`
    reads a table)."""

    def __init__(self, p, cells: dict):
        self._p, self._cells = p, {k: v for k, v in cells.items() if v[0] in p.values.index
                                   and v[1] in p.values.columns}
        rows = list(dict.fromkeys(r for r, _ in self._cells))
        cols = list(dict.fromkeys(c for _, c in self._cells))
        self.values = pd.DataFrame({c: [p.values.at[self._cells[(r, c)]] if (r, c) in self._cells else 0
                                        for r in rows] for c in cols}, index=pd.Index(rows, dtype=object))

    def is_hidden(self, row, col) -> bool:
        return (row, col) not in self._cells or self._p.is_hidden(*self._cells[(row, col)])


def released_comparison(main) -> tuple[_Cells, _Cells]:
    """The jurisdiction's column of the comparison from the county report's tables: each rule's
    已到期 and 按时完成 from 四类培训覆盖情况 (its rows ``<rule>|合计``), 优秀 and 定等次 from the
    county grade table."""
    cov = main.deferred("四类培训覆盖情况")
    head = f"|{TOTAL}"
    rules = [str(r)[:-len(head)] for r in main.problem.tables[cov.table_name].values.index
             if str(r).endswith(head)]
    grades = main.deferred("年度考核等次分布（按年龄段）")
    return (_Cells(cov, {(r, x): (f"{r}|{TOTAL}", x) for r in rules for x in ("due", "due_covered")}),
            _Cells(grades, {("人数", "优秀"): (TOTAL, "优秀"), ("人数", "定等次"): (TOTAL, TOTAL)}))


class Scoped:
    """One report's part of an :class:`Artefact` shared by a batch of reports: its tables are
    registered as ``"<prefix>·<name>"`` (names looked up in the part first), its log is its own
    tables' (names as the report prints them), and the batch is protected in one stage, once
    (:meth:`second_stage` does nothing: a batch's tables are all late)."""

    def __init__(self, base: Artefact, prefix: str):
        self.base, self.prefix = base, str(prefix)
        self.selector: dict[str, dict] = {}
        self.unlisted: dict[str, dict] = {}
        self.kind_of: dict[str, str] = {}

    def _full(self, name: str) -> str:
        return f"{self.prefix}·{name}"

    def plain(self, name: str) -> str:
        """A registered table's name as its report prints it (the prefix taken off)."""
        head = self.prefix + "·"
        return name[len(head):] if name.startswith(head) else name

    def __getattr__(self, attr):        # slot, has, link, same, sum, follow, problem, threshold …
        return getattr(self.base, attr)

    def table(self, frame, *, name: str, **kw) -> Deferred:
        return self.base.table(frame, name=self._full(name), **kw)

    def linear(self, table, *, name: str, **kw) -> Deferred:
        return self.base.linear(table, name=self._full(name), **kw)

    def cell(self, value: int, *, name: str, principal: bool = True) -> int:
        return self.base.cell(value, name=self._full(name), principal=principal)

    def same_figure(self, mine: Deferred, cell: Cell, other: str, other_cell: Cell) -> bool:
        return self.base.same_figure(mine, cell, self._full(other), other_cell)

    def deferred(self, name: str) -> Deferred:
        return self.base.deferred(self._full(name))

    def table_named(self, name: str):
        return self.base.table_named(self._full(name))

    def second_stage(self) -> None:
        return None

    @property
    def log(self) -> list:
        head = self.prefix + "·"
        return [dataclasses.replace(e, table=e.table[len(head):]) for e in self.base.log
                if e.table.startswith(head)]

    def sensitive_pinned(self) -> list[str]:
        return self.base.sensitive_pinned()
