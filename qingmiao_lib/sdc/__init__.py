"""Disclosure control of a whole artefact's count tables, as statistical offices do it
(τ-ARGUS / sdcTable practice): recode by rule, suppress the small counts, choose complements by an
exact optimisation over every linked table at once, audit by LP, withhold what cannot be
protected.

Model
-----
An artefact (the report, a unit report with its 全辖区 column, the unit selector's data) is ONE
:class:`Problem` of *cells* with global ids and additive *relations* between them::

    p = Problem(threshold=5)
    ga = p.add_table("等次×年龄", frame, principal="row_totals",          # interior counts;
                     plan=Plan("columns", adjacent=True))                   # totals are added
    gs = p.add_table("等次×性别", frame2)
    p.link(ga["优秀", "合计"], gs["优秀", "合计"])      # the same figure in two tables
    p.link(p.add_cell("F5 优秀人数", 36, principal=True), ga["优秀", "合计"])   # a headline
    p.sum_tables("全县", ["单位A", "单位B"])            # county cells = sum of the units'
    res = p.protect()                                  # Result
    res["等次×年龄"]          # SdcProtected: a disclosure.Protected (values/status with 合计)
    res.log                   # TableLog lines (disclosure.LogEntry + merges, withheld, recoding)
    res.audit(), res.pinned()

:meth:`Problem.add_table` builds the cells and relations of a two-way table with row and column
totals (``totals=True``, or ``"row"`` / ``"column"`` / ``False``) or a one-way table (a Series,
with its 合计 row); ``table[row, col]`` is a cell's id. :meth:`~Problem.link` says two cells are
one (one published state wherever it appears: a chart and its table, a unit report's 全辖区 cell
and the main report's); :meth:`~Problem.link_sum` / :meth:`~Problem.add_relation` add any other
relation; :meth:`~Problem.link_tables` / :meth:`~Problem.sum_tables` do it label by label.

Cells flagged ``principal`` (figures published elsewhere that should stay visible: F1–F9, county
totals, row totals) are hidden only if no protection without them exists; ``fixed`` cells
(printed as-is in prose) are never hidden and may not be small counts.

Published states and the attacker
---------------------------------
``""`` shown; ``"primary"`` a count ``0 < v < t`` shown ``"<t"`` (the attacker knows 1..t−1);
``"complementary"`` shown ``"×"`` — chosen only among cells ``≥ t`` (so zeros never), and the
attacker knows ``≥ t`` because any smaller count would have been ``"<t"``; ``"withheld"`` a cell
of a withheld table (the attacker knows ``≥ 0``). Zeros are shown. The attacker knows every
published number of the artefact and every relation.

Requirement: no ``"<t"`` cell and no small count of a withheld table can be pinned to one value —
its range over the integer tables consistent with everything published holds at least two
integers (``spl``, the *sliding protection level*, widens the LP range further if asked). A
``"×"`` cell the attacker could pin anyway is shown again: it protects nothing.

Choosing complements (:mod:`._milp`)
------------------------------------
Minimise the persons hidden (the sum of the complements' values — τ-ARGUS' default cost), a
principal cell costing more than all other candidates together (lexicographic). Exact, by
Fischetti–Salazar cut generation: a master problem (scipy ``milp``/HiGHS, zero gap) over one
binary per candidate; each sensitive cell's protection is checked on the attacker's polytope and
a violated check yields a cut valid for every pattern — by graph search and minimum cuts where
the relations form a network (a table with its totals: :mod:`._network`), by the duals of the
attacker's two LPs otherwise (:mod:`._cuts`). Initial cuts: no relation hides a sensitive cell
alone, no complement alone. Network groups first collect cuts on the master's LP relaxation
(cheap minimum cuts), then iterate on the MILP. The solver's attacker moves a hidden cell at
most ``spl`` from the truth (exact for networks; elsewhere never weaker than the real attacker).
After the LP ranges are wide enough the *integer* ranges are checked and a still-pinned cell gets
a no-good cut, so the answer is exact also where linked tables break total unimodularity.
Independent groups are solved apart; past ``time_limit`` a group falls back to the greedy answer
(``stats.optimal`` False). ``method="greedy"`` is the baseline (smallest first, as
:mod:`qingmiao_lib.disclosure` does, with its release pass).

Recoding (:mod:`._recode`), withholding
---------------------------------------
``plan=`` a :class:`Plan` (named groups such as ``{("基本称职", "不称职"): "基本称职及以下"}``,
adjacent categories such as age bands) merges categories one at a time while that rescues the
table from being withheld, avoids hiding a principal cell, or leaves more cells shown;
``merges=other.merges`` applies the same merges to a linked table. A sensitive cell that cannot
be protected even with every candidate hidden makes its table(s) *withheld*: every status
``"withheld"``, blanks shown, :data:`WITHHOLD_NOTE` as the one-line note; then the rest is
protected around it. Nothing is ever published unprotected: the final integer audit raises if a
sensitive cell is still pinned.

Audit (:mod:`._audit`)
----------------------
:func:`audit` gives each hidden cell's exact integer range over the attacker's polytope: an LP
(HiGHS) bound is exact when its optimal vertex is integral (always so for network relations),
else the bound is recomputed by a MILP. :func:`pinned` lists the cells with a single value.
:meth:`Problem.state_from` turns the status frames a report actually printed into states, so the
audit can check what was published, not what the engine meant.

Wiring into the report (next): build one Problem per artefact from the section frames, link
shared margins and headline figures, ``protect()``, hand each section ``res[name]`` in place of
``disclosure.protect(...)``, render withheld tables as their note, append ``res.log``.
"""

from ._audit import Range, audit, pinned
from ._milp import Stats
from ._model import COMPLEMENTARY, PRIMARY, SHOWN, WITHHELD, Problem, Table, with_totals
from ._recode import Merge, Plan, Recoded, apply_merges, band_label, recode
from ._result import WITHHOLD_NOTE, Result, SdcProtected, TableLog

__all__ = ["COMPLEMENTARY", "PRIMARY", "SHOWN", "WITHHELD", "WITHHOLD_NOTE", "Merge", "Plan",
           "Problem", "Range", "Recoded", "Result", "SdcProtected", "Stats", "Table", "TableLog",
           "apply_merges", "audit", "band_label", "pinned", "recode", "with_totals"]
