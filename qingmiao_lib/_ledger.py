"""The exported notebooks as part of the county release (issue 18): every count a circulated
notebook publishes is protected together with the county report and the other notebooks.

An export for circulation (``make export``) runs each notebook twice:

1. **collect** — every table, chart and count the notebook publishes is protected on its own
   (as a live notebook would show it; this run's pages are thrown away) and *registered* in the
   notebook's ledger file: its interior counts, how its totals are tied, and which county
   report table it repeats (``same``: a table of the same name, e.g. 年度考核等次分布（按年龄段）);
2. :func:`protect_release` builds the county report's protected artefact for the year, exactly as
   ``qingmiao report`` and the unit reports do (:func:`qingmiao_lib.sections._release.release`),
   fixes every county cell in the state the report publishes it, adds every notebook's tables
   (one :class:`~qingmiao_lib.sections._release.Scoped` part per notebook), ties each repeated
   table to the county's (the same figures are one; a county cell that merges categories, e.g.
   基本称职及以下, is the sum of the notebook's cells of those categories) and protects them in
   one problem, then checks that nobody who reads the report and every notebook pins a hidden
   count; each notebook's published states are written beside its ledger;
3. **print** — each notebook runs again and every registered table takes its state from there
   (the same values are checked: a database that changed between the runs is an error).

So a figure the report hides stays hidden in every notebook, a figure both print has one state,
and the complements are chosen over the report and all notebooks at once.

In a kernel, the notebook's :class:`qingmiao_lib.published.Publisher` activates the ledger
(:func:`activate`); charts and widgets that protect a table themselves go through
:func:`protect_table`, which uses the active ledger when there is one and
:mod:`qingmiao_lib.disclosure` otherwise.
"""

from __future__ import annotations

import pickle
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import disclosure
from .errors import QingmiaoError

Cell = tuple[Hashable, Hashable]
#: The joint problem of the last protection, beside the ledgers (an audit reads it).
RELEASE_FILE = "release.pkl"
#: Names that do not identify a figure (two tables of such a name are not the same figure).
ANONYMOUS = {"", "表", "交叉表", "单独的人数", "图表"}
#: The part of the joint problem a notebook's tables are registered under: ``笔记本<stem>``.
PART = "笔记本"


class ReleaseChanged(QingmiaoError):
    """A notebook published other figures in its print run than in its collect run."""


@dataclass
class Entry:
    """One table a notebook publishes: interior counts, totals (as :func:`disclosure.protect`)
    or relations ``(total cell, [part cells])`` (as :func:`disclosure.protect_linear`), and the
    county report table it repeats."""

    seq: int
    name: str
    values: pd.DataFrame
    totals: bool | str = True
    relations: list = field(default_factory=list)
    same: str | None = None

    @property
    def key(self) -> str:
        return f"{self.seq:03d}·{self.name or '表'}"


class Ledger:
    """One notebook's ledger: ``where`` names it (``<dir>/<notebook stem>``). Collects while no
    states were written for it, prints from them once :func:`protect_release` wrote them."""

    def __init__(self, where: str | Path):
        self.where = Path(where)
        self.seq = 0
        states = _states_file(self.where)
        self.states: dict | None = pickle.loads(states.read_bytes()) if states.exists() else None
        self.entries: list[Entry] = []

    @property
    def printing(self) -> bool:
        return self.states is not None

    def protect(self, values: pd.DataFrame, threshold: int, *, totals: bool | str = True,
                relations: Sequence = (), name: str = "", same: str | None = None):
        """``values`` protected as part of the release: on its own while collecting (and
        registered), in the release's states while printing."""
        values = values.fillna(0).astype("int64")
        entry = Entry(self.seq, str(name or ""), values, totals, list(relations), same)
        self.seq += 1
        if not self.printing:
            self.entries.append(entry)
            _entries_file(self.where).write_bytes(pickle.dumps(self.entries))
            return _alone(entry, threshold)
        got = self.states.get(entry.key)
        if got is None or not same_values(got[0], values):
            raise ReleaseChanged(f"{self.where.name}: 第 {entry.seq + 1} 张表（{entry.name or '表'}）"
                                 "两次运行的数字不同——导出期间数据库被修改？请重新导出")
        return got[1]


_ACTIVE: Ledger | None = None


def activate(where: str | Path | None) -> Ledger | None:
    """Make ``where``'s ledger the kernel's (a notebook's Publisher does, once); None leaves
    whatever is active."""
    global _ACTIVE
    if where is not None and (_ACTIVE is None or _ACTIVE.where != Path(where)):
        _ACTIVE = Ledger(where)
    return _ACTIVE


def protect_table(values: pd.DataFrame, threshold: int, *, totals: bool | str = True,
                  relations: Sequence = (), name: str = "", same: str | None = None):
    """A published count table protected: through the active ledger (an export for
    circulation), else on its own (:func:`disclosure.protect`, or :func:`disclosure.protect_linear`
    with ``relations``)."""
    if _ACTIVE is not None:
        return _ACTIVE.protect(values, threshold, totals=totals, relations=relations, name=name, same=same)
    return _alone(Entry(0, name, values.fillna(0).astype("int64"), totals, list(relations), same), threshold)


def _alone(e: Entry, threshold: int):
    if e.relations:
        return disclosure.protect_linear(e.values, threshold, relations=e.relations, name=e.name)
    return disclosure.protect(e.values, threshold, totals=e.totals, name=e.name)


def same_values(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Two count tables with the same labels (read as text) and the same values."""
    return (list(map(str, a.index)) == list(map(str, b.index))
            and list(map(str, a.columns)) == list(map(str, b.columns))
            and (a.to_numpy() == b.to_numpy()).all())


def _entries_file(where: Path) -> Path:
    return where.with_name(where.name + ".tables.pkl")


def _states_file(where: Path) -> Path:
    return where.with_name(where.name + ".states.pkl")


# ------------------------------------------------------------------------------ the parent side


def printed(ledger_dir: Path) -> tuple:
    """What an export published, read back from its ledgers: the joint problem and the status
    frame of every notebook table as printed (``"笔记本<stem>·<key>"``)."""
    problem = pickle.loads((Path(ledger_dir) / RELEASE_FILE).read_bytes())
    status = {}
    for f in sorted(Path(ledger_dir).glob("*.states.pkl")):
        stem = f.name[:-len(".states.pkl")]
        status |= {f"{PART}{stem}·{k}": p.status for k, (_, p) in pickle.loads(f.read_bytes()).items()}
    return problem, status


def collected(where: Path) -> list[Entry]:
    f = _entries_file(where)
    return pickle.loads(f.read_bytes()) if f.exists() else []


def register(base, stem: str, entries: Sequence[Entry]):
    """Register one notebook's ``entries`` in the release ``base`` (an
    :class:`~qingmiao_lib.sections._protect.Artefact`) as the part ``笔记本<stem>``; returns
    the part."""
    from .sections._release import Scoped

    part = Scoped(base, f"{PART}{stem}")
    for e in entries:
        if e.relations:
            part.linear(e.values, name=e.key, relations=e.relations)
        else:
            part.table(e.values, name=e.key, totals=e.totals,
                       principal="totals" if e.totals is True else ())
    return part


def tie_same(problem, entries: dict[str, Sequence[Entry]]) -> int:
    """Tie every registered notebook table that repeats a county table (``same``) to it — cells
    of one label and one value are the same figure; a county cell merging categories is the sum
    of the notebook's cells of those categories — and to the other notebooks' tables that repeat
    it. Returns the number of ties."""
    n = 0
    first: dict[str, str] = {}
    for stem, es in entries.items():
        for e in es:
            mine = f"{PART}{stem}·{e.key}"
            if e.same and f"county·{e.same}" in problem.tables:
                n += _tie(problem, f"county·{e.same}", mine)
            # the same table drawn twice (a chart and an explorer's static view of it): its
            # title, which names the figure and its date, or the county table it repeats
            for key in {e.same, None if e.name in ANONYMOUS else f"title:{e.name}"} - {None}:
                if key in first:
                    n += _tie(problem, first[key], mine)
                else:
                    first[key] = mine
    return n


def _tie(problem, theirs: str, mine: str) -> int:
    """Tie the notebook table ``mine`` to ``theirs`` cell by cell (labels compared as text: a
    chart's categories are text, a report's years numbers) and by ``theirs``' merges."""
    ta, tb = problem.tables[theirs], problem.tables[mine]
    rows, cols = _common(ta.ids.index, tb.ids.index), _common(ta.ids.columns, tb.ids.columns)
    n = 0
    for ra, rb in rows:
        for ca, cb in cols:
            if ta.values.at[ra, ca] == tb.values.at[rb, cb]:
                problem.link(int(ta.ids.at[ra, ca]), int(tb.ids.at[rb, cb]))
                n += 1
    for m in ta.merges:        # a merged category is the sum of its parts
        along_rows = m.axis == "index"
        labels = {str(x): x for x in (tb.ids.index if along_rows else tb.ids.columns)}
        if not all(str(p) in labels for p in m.parts):
            continue
        for oa, ob in (cols if along_rows else rows):
            total = (m.label, oa) if along_rows else (oa, m.label)
            parts = [(labels[str(p)], ob) if along_rows else (ob, labels[str(p)]) for p in m.parts]
            if total not in _cells(ta) or sum(tb.values.at[c] for c in parts) != ta.values.at[total]:
                continue
            problem.link_sum(int(ta.ids.at[total]), [int(tb.ids.at[c]) for c in parts])
            n += 1
    return n


def _common(a, b) -> list[tuple]:
    """Pairs of labels of ``a`` and ``b`` that read the same."""
    mine = {str(x): x for x in b}
    return [(x, mine[str(x)]) for x in a if str(x) in mine]


def _cells(t) -> set:
    return {(r, c) for r in t.ids.index for c in t.ids.columns}


def protect_release(con, *, year: int, ledger_dir: Path, stems: Sequence[str]):
    """The county report's release for ``year`` with every notebook's collected tables, protected
    together (see the module doc); writes each notebook's states beside its ledger and returns
    the release (an :class:`~qingmiao_lib.sections._protect.Artefact`). Raises
    :class:`~qingmiao_lib.errors.QingmiaoError` if a hidden count could still be pinned."""
    from . import _query
    from .report import shared_parts
    from .sections import Context
    from .sections._release import release
    from .sections.units import SELECTOR_UNITS

    with _query.steady(con):
        s = shared_parts(con, year=year, audience="circulation")
        ctx = Context(con=con, year=s.year, as_of=s.as_of, threshold=s.threshold, cache={},
                      audience="circulation", selector_units=SELECTOR_UNITS)
        county = release(ctx)
    return protect_around(county, ledger_dir=ledger_dir, stems=stems)


def protect_around(county, *, ledger_dir: Path, stems: Sequence[str]):
    """:func:`protect_release` around a protected county artefact ``county``: every county cell
    fixed in its published state, the notebooks' tables registered, tied and protected once."""
    from .sections._release import batch

    base = batch(county, county.threshold)
    entries = {stem: collected(Path(ledger_dir) / stem) for stem in stems}
    for stem, es in entries.items():
        register(base, stem, es)
    tie_same(base.problem, entries)
    res = base.protect()
    pinned = base.sensitive_pinned()
    if pinned:
        raise QingmiaoError("笔记本与报告合并审计仍能推算出被隐去的数：" + "；".join(pinned[:5]))
    for stem, es in entries.items():
        states = {e.key: (e.values, res[f"{PART}{stem}·{e.key}"]) for e in es}
        _states_file(Path(ledger_dir) / stem).write_bytes(pickle.dumps(states))
    (Path(ledger_dir) / RELEASE_FILE).write_bytes(pickle.dumps(base.problem))   # for an audit
    return base


__all__ = ["Entry", "Ledger", "ReleaseChanged", "activate", "protect_around", "protect_release",
           "protect_table", "register", "tie_same"]
