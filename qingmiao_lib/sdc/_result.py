"""Protecting a whole problem: withhold what cannot be protected, choose complements, release
the pointless ones, audit, and give each table back as a :class:`disclosure.Protected`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..disclosure import CROSS, LogEntry, Protected
from ._audit import Range, audit, pinned
from ._greedy import release_pinned, solve_greedy
from ._milp import Setup, Stats, solve_optimal, unprotectable
from ._model import COMPLEMENTARY, PRIMARY, SHOWN, WITHHELD, Problem

#: The one-line note printed in place of a withheld table.
WITHHOLD_NOTE = "人数过少，无法在不泄露个人信息的前提下公布，本表不予显示"


@dataclass
class TableLog(LogEntry):
    """A suppression-log line (:class:`disclosure.LogEntry`) with what recoding and withholding
    did: ``hidden_before_recode`` / ``hidden_after_recode`` count hidden cells of the table on
    its own (a withheld table counts all its cells)."""

    withheld: bool = False
    merges: list[str] = field(default_factory=list)
    hidden_before_recode: int | None = None
    hidden_after_recode: int | None = None


@dataclass
class SdcProtected(Protected):
    """A protected table; a withheld one has every status ``"withheld"``, shows blanks and
    carries ``note``."""

    withheld: bool = False
    note: str = ""

    def shown(self) -> pd.DataFrame:
        out = super().shown()
        return out.mask(self.status.eq(WITHHELD), "")

    def cell(self, row, col) -> str:
        return "" if self.status.at[row, col] == WITHHELD else super().cell(row, col)


@dataclass
class Result:
    """The published state of every cell (``state``, by compiled cell), each table's
    :class:`SdcProtected`, the withheld tables with their reasons, the log and solver stats."""

    problem: Problem
    state: np.ndarray
    tables: dict[str, SdcProtected]
    withheld: dict[str, str]
    log: list[TableLog]
    method: str
    stats: Stats

    @property
    def threshold(self) -> int:
        return self.problem.threshold

    def __getitem__(self, name: str) -> SdcProtected:
        return self.tables[name]

    def audit(self) -> list[Range]:
        return audit(self)

    def pinned(self) -> list[int]:
        return pinned(self)

    def cost(self) -> int:
        """Persons hidden by complements (the sum of the complementary cells' values)."""
        cp = self.problem.compile()
        return int(cp.values[self.state == COMPLEMENTARY].sum())

    def counts(self) -> dict[str, int]:
        """Cells by published state over the whole artefact (each linked cell once)."""
        return {"primary": int((self.state == PRIMARY).sum()),
                "complementary": int((self.state == COMPLEMENTARY).sum()),
                "withheld": int((self.state == WITHHELD).sum()),
                "shown": int((self.state == SHOWN).sum())}


def protect(problem: Problem, method: str = "optimal", *, spl: float = 1.0,
            time_limit: float = 30.0, group_limit: float | None = None,
            max_exact: int | None = None) -> Result:
    """See :meth:`Problem.protect`."""
    if method not in ("optimal", "greedy"):
        raise ValueError("method is 'optimal' or 'greedy'")
    cp, t = problem.compile(), problem.threshold
    hidden_only = set(problem.unpublished)
    insensitive = np.array([bool(ts) and ts <= hidden_only for ts in cp.tables_of], dtype=bool)
    forced = np.zeros(cp.n, bool)
    if problem.forced:
        forced[cp.canon[np.array(sorted(problem.forced), dtype=np.int64)]] = True
    withheld: dict[str, str] = {n: "" for n in hidden_only} | {
        n: WITHHOLD_NOTE for n in problem.withhold if n not in hidden_only}
    while True:
        wmask = np.array([bool(ts) and ts <= set(withheld) for ts in cp.tables_of],
                         dtype=bool) & ~cp.fixed
        S = Setup.build(cp, t, wmask, spl, insensitive, forced)
        bad = unprotectable(S)
        if not bad:
            break
        names = {n for c in bad for n in cp.tables_of[c]} - withheld.keys() - problem.frozen
        reached = set(bad)
        while not names:     # withheld or printed already: withhold the tables related to it
            M = cp.M.tocsr()
            near = {int(j) for c in reached for r in cp.cell_rels[c]
                    for j in M.indices[M.indptr[r]:M.indptr[r + 1]]} - reached
            if not near:
                break
            reached |= near
            names = {n for c in near for n in cp.tables_of[c]} - withheld.keys() - problem.frozen
        if not names:
            raise RuntimeError("cannot protect: " + ", ".join(problem.label(cp.rep[c]) for c in bad))
        for n in sorted(names):
            withheld[n] = WITHHOLD_NOTE
    stats = Stats()
    if method == "optimal":
        chosen = solve_optimal(S, spl=spl, time_limit=time_limit, stats=stats, group_limit=group_limit,
                               max_exact=max_exact)
    else:
        chosen = solve_greedy(S)
    state = release_pinned(S, S.hidden_state(chosen))
    still = S.pinned(state, np.flatnonzero(S.needs), solver=False)
    if still:                # never publish an unprotected table
        raise RuntimeError("protection failed for " + ", ".join(problem.label(cp.rep[c]) for c in still))
    tables, log = {}, []
    for n in hidden_only:
        withheld.pop(n, None)
    for name, tab in problem.tables.items():
        if name in hidden_only:
            continue
        st = tab.ids.map(lambda s: state[cp.canon[s]])
        if name in withheld:
            st = st.map(lambda _: WITHHELD)
        prot = SdcProtected(values=tab.values, status=st, threshold=t, name=name,
                            withheld=name in withheld, note=withheld.get(name, ""))
        tables[name] = prot
        log.append(_log_line(prot, tab))
    return Result(problem, state, tables, withheld, log, method, stats)


def _log_line(p: SdcProtected, tab) -> TableLog:
    n_p = int(p.status.eq(PRIMARY).sum().sum())
    n_c = int(p.status.eq(COMPLEMENTARY).sum().sum())
    why = []
    rec = tab.recoded
    merges = [str(m) for m in tab.merges]
    if merges:
        why.append("合并类别：" + "；".join(merges))
    if p.withheld:
        why.append(p.note)
    else:
        if n_p:
            why.append(f"不足{p.threshold}人")
        if n_c:
            why.append(f"防止由合计或相关表反推（{CROSS}）")
    return TableLog(table=p.name, cells=int(p.values.size), primary=n_p, complementary=n_c,
                    reason="；".join(why) or "无需隐去", withheld=p.withheld, merges=merges,
                    hidden_before_recode=None if rec is None else rec.hidden_before,
                    hidden_after_recode=None if rec is None else rec.hidden_after)
