"""Cohort structure: who is in the pipeline on a date, in any slice (SPEC §1 item 1).

Every function takes the connection first, then keyword-only dates and slice filters, and
returns a DataFrame with a stated grain whose ``attrs`` carry ``as_of`` (or the years),
``rules_version`` and ``young_limit`` (the rules' young age limit, for labels). Everything is
computed in SQL over the base layer ``person_snapshot``.

Slice filters (all optional, all bound as query parameters, spelt as in every area:
:class:`qingmiao_lib._query.Slice`): ``units`` (unit ids), ``unit_kinds`` (市直机关/乡镇街道/其他),
``genders``, ``educations``, ``cohorts`` (entry years), ``pool`` (年轻公务员库/两型干部库),
``young`` and ``first_five`` (True/False), ``counties`` (county codes of a combined database;
grouping by county: ``by="county"``, :data:`COUNTY_DIMENSION`; both refused on a county's own
database). A filter takes one value or a list of values. The old
spellings ``unit_kind``, ``gender``, ``education`` and ``entry_cohort`` still work, with a
DeprecationWarning.

The package is divided by question:

- :mod:`.cohort` — headcount by any dimensions, the roster, the age pyramid, headcount over years;
- :mod:`.pools` — the talent pools' sizes and flows per year, and their exits by reason;
- :mod:`.units` — bench strength and gaps per unit, and the unit comparison table;
- :mod:`._common` — what they share: :data:`COLUMNS`, the dimensions (:data:`DIMENSIONS`) and
  their values, the slice filters (:class:`Slice`), :func:`_grouped` and :func:`_finish`.

Everything is re-exported here, so ``qingmiao_lib.structure.<name>`` works as before the split
(the private helpers too).

>>> import qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")                                  # doctest: +SKIP
>>> qm.structure.headcount(con, as_of=dt.date(2023, 12, 31), by=["unit_kind", "gender"])  # doctest: +SKIP
"""

from __future__ import annotations

# every name of the module this package replaced is here; the private helpers are re-exported
# explicitly (``_name as _name``)
from . import _common as _common
from . import cohort, pools, units
from ._common import (
    COLUMNS,
    COUNTY_DIMENSION,
    DIMENSIONS,
    GENERATIONS,
    POOL_STATUSES,
    POOLS,
    SLICE_FILTERS,
    UNIT_KINDS,
    Slice,
)
from ._common import _dimensions as _dimensions
from ._common import _finish as _finish
from ._common import _grouped as _grouped
from ._common import _slice_params as _slice_params
from .cohort import age_pyramid, headcount, over_time, roster
from .pools import _POOL_FILTERS as _POOL_FILTERS
from .pools import _pool_params as _pool_params
from .pools import pool_dynamics, pool_exits
from .units import GAP_RANK, bench_gaps, bench_strength, unit_comparison

__all__ = [
    "COLUMNS", "COUNTY_DIMENSION", "DIMENSIONS", "GAP_RANK", "GENERATIONS", "POOLS", "POOL_STATUSES", "SLICE_FILTERS",
    "Slice", "UNIT_KINDS", "age_pyramid", "bench_gaps", "bench_strength", "cohort", "headcount",
    "over_time", "pool_dynamics", "pool_exits", "pools", "roster", "unit_comparison", "units",
]
