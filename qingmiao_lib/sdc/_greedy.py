"""The greedy baseline, and showing again the complements that protect nothing."""

from __future__ import annotations

import numpy as np

from ._audit import components
from ._milp import Setup
from ._model import COMPLEMENTARY, SHOWN

#: above this many sensitive cells, the greedy answer hides a complement for every pinned cell of
#: a round at once and skips the release pass (each of its steps is an audit of the group)
BATCH_ABOVE = 30


def solve_greedy(S: Setup, restrict: np.ndarray | None = None) -> np.ndarray:
    """Smallest first, as :mod:`qingmiao_lib.disclosure` does: close every relation left with one
    hidden cell by hiding its cheapest candidate (principal cells last, then by value); while the
    audit pins a sensitive cell, hide the cheapest candidate of its shortest relation; then show
    again every complement not needed, largest first. Returns the complements (cell ids)."""
    cp = S.cp
    M = cp.M.tocsr()
    members = [M.indices[M.indptr[r]:M.indptr[r + 1]] for r in range(M.shape[0])]
    inside = np.ones(cp.n, bool) if restrict is None else np.isin(np.arange(cp.n), restrict)
    state = S.state0.copy()

    def pick(cells):
        free = [int(c) for c in cells if S.cand[c] and inside[c] and state[c] == SHOWN]
        return min(free, key=lambda i: (cp.principal[i], cp.values[i], i)) if free else None

    def close():
        changed = True
        while changed:
            changed = False
            for mem in members:
                if sum(state[j] != SHOWN for j in mem) == 1 and (i := pick(mem)) is not None:
                    state[i] = COMPLEMENTARY
                    changed = True

    close()
    needs = [int(p) for p in np.flatnonzero(S.needs & inside)]
    batch = len(needs) > BATCH_ABOVE
    if batch:      # a head start: every relation of a sensitive cell hides at least three cells
        for p in needs:                  # (principal cells left out of it)
            for r in cp.cell_rels[p]:
                while (sum(state[j] != SHOWN for j in members[r]) < 3
                       and (i := pick(members[r])) is not None and not cp.principal[i]):
                    state[i] = COMPLEMENTARY
        close()
    while bad := S.pinned(state, needs):
        hid = 0
        for p in (bad if batch else bad[:1]):
            if state[p] == SHOWN:
                continue
            i = None
            for r in sorted(cp.cell_rels[p], key=lambda r: (len(members[r]), r)):
                if (i := pick(members[r])) is not None:
                    break
            if i is None:
                i = pick(np.flatnonzero(S.cand & inside))
            if i is None:
                i = pick(np.flatnonzero(S.cand))
            if i is None:
                break                    # everything is hidden already: check again
            state[i] = COMPLEMENTARY
            hid += 1
        if not hid:
            raise RuntimeError("nothing left to hide; the precheck should have withheld this")
        close()
    if batch:
        return np.flatnonzero((state == COMPLEMENTARY) & inside)
    keep = np.zeros(cp.n, bool) if S.forced is None else S.forced
    for i in sorted(np.flatnonzero((state == COMPLEMENTARY) & ~keep), key=lambda i: (-cp.values[i], -i)):
        near = next(set(c.tolist()) for c, _ in components(cp, state != SHOWN) if i in c)
        state[i] = SHOWN
        lonely = any(sum(state[j] != SHOWN for j in members[r]) == 1 for r in cp.cell_rels[i])
        if lonely or S.pinned(state, [p for p in needs if p in near]):
            state[i] = COMPLEMENTARY
    return np.flatnonzero((state == COMPLEMENTARY) & inside)


def release_pinned(S: Setup, state: np.ndarray) -> np.ndarray:
    """Show again every complement the attacker can pin anyway: its value is known, so showing it
    changes nothing the attacker can learn (all of them at once: each is fixed in every table
    consistent with what is published)."""
    comp = np.flatnonzero((state == COMPLEMENTARY) & (True if S.forced is None else ~S.forced))
    out = state.copy()
    for c in S.pinned(state, comp, solver=False) if len(comp) else ():
        out[c] = SHOWN
    return out
