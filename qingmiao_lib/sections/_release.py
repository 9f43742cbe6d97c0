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
    for name, whole in county.problem.tables.items():
        if name in county.problem.unpublished:
            continue
        mine = [u for u, a in units.items() if name in a.problem.tables and name not in a.problem.unpublished]
        if not mine:
            continue
        J = whole.values
        unit_rows = {r for r in J.index if str(r).startswith("u:")}
        same = all(units[u].problem.tables[name].values.equals(J) for u in mine)
        if same or unit_rows:
            for u in mine:
                t = units[u].problem.tables[name]
                for r in (J.index if same else [r for r in t.ids.index if r in unit_rows]):
                    for c in t.ids.columns.intersection(J.columns):
                        joint.link(joint.tables[f"county·{name}"][r, c], joint.tables[f"{u}·{name}"][r, c])
            continue
        parts = [units[u].problem.tables[name].values for u in mine]
        if not all(set(p.index) <= set(J.index) and set(p.columns) <= set(J.columns) for p in parts):
            raise ValueError(f"表“{name}”在单位报告中的行列不在全辖区表中：无法写出两者的关系")
        rest = J - sum((p.reindex(index=J.index, columns=J.columns, fill_value=0) for p in parts), 0 * J)
        if (rest.to_numpy() < 0).any():
            raise ValueError(f"表“{name}”的单位之和大于全辖区：两者不是同一口径")
        joint.add_table(f"rest·{name}", rest, totals=False, published=False)
        joint.sum_tables(f"county·{name}", [f"{u}·{name}" for u in mine] + [f"rest·{name}"])
    return joint, status


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
