"""What an attacker holds who reads several artefacts: their problems as one (issue 18).

Each artefact (the county report, a unit report, an exported notebook) is protected as a
:class:`Problem` of its own. :func:`union` puts several side by side — every table under
``"<part>·<table>"``, every relation, link, principal and unpublished table kept — so that the
relations *between* artefacts can be added (the same figure printed by two of them, a county
cell as the sum of its units' and an unpublished rest) and :func:`qingmiao_lib.sdc.audit` run
over every published number at once.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._model import Problem


def union(parts: Mapping[str, Problem]) -> Problem:
    """One problem holding every part's tables as ``"<part>·<table>"`` (slots renumbered,
    relations, links and flags kept; the first part's threshold, which every part must share)."""
    thresholds = {p.threshold for p in parts.values()}
    if len(thresholds) != 1:
        raise ValueError(f"the artefacts use different thresholds: {sorted(thresholds)}")
    out = Problem(thresholds.pop())
    for prefix, p in parts.items():
        base = len(out._values)
        out._values += p._values
        out._principal += p._principal
        out._fixed += p._fixed
        out._where += [(f"{prefix}·{t}", r, c) for t, r, c in p._where]
        out._parent += [base + p._find(i) for i in range(len(p._values))]
        out._relations += [[(base + s, k) for s, k in rel] for rel in p._relations]
        out._single |= {f"{prefix}·{t}" for t in p._single}
        out.unpublished |= {f"{prefix}·{t}" for t in p.unpublished}
        out.withhold |= {f"{prefix}·{t}" for t in p.withhold}
        out.frozen |= {f"{prefix}·{t}" for t in p.frozen}
        out.forced |= {base + s for s in p.forced}
        for name, t in p.tables.items():
            new = f"{prefix}·{name}"
            out.tables[new] = type(t)(name=new, values=t.values, ids=t.ids + base, totals=t.totals,
                                      merges=list(t.merges), recoded=t.recoded)
    return out
