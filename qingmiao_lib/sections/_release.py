"""The audit across artefacts (issue 18): what an attacker pins who reads the county report and
unit reports together.

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

from collections.abc import Mapping

from .. import sdc
from ..sdc._union import union
from ._protect import Artefact


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
    :class:`~qingmiao_lib.sections._protect.Scoped` part named by its unit): the county
    report's tables as ``"county·<name>"``, every cell fixed in the state the county report
    published it (shown stays shown, hidden stays hidden), so the units' cells are protected
    around it, together; :func:`tie_batch` adds the relations once every part is registered."""
    res = county.protect()
    joint = union({"county": county.problem})
    cp = county.problem.compile()
    for slot in range(county.problem.n_slots):
        if res.state[cp.canon[slot]] == sdc.SHOWN:
            joint.fix_shown(slot)
        else:
            joint.forced.add(slot)
    return Artefact(threshold, problem=joint)


def tie_batch(base: Artefact, county: Artefact, units) -> None:
    """The relations between the county report and the batch's unit reports (:func:`tie`),
    once every unit's tables are registered in ``base`` (``units``: their
    :class:`~qingmiao_lib.sections._protect.Scoped` parts)."""
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
    state = joint.state_from(status)
    cp = joint.compile()
    small = {int(cp.rep[i]) for i in range(cp.n) if 0 < cp.values[i] < joint.threshold
             and state[i] != sdc.SHOWN and cp.tables_of[i] - joint.unpublished}   # a rest is no one's figure
    return [joint.label(s) for s in sdc.pinned(joint, state) if s in small]
