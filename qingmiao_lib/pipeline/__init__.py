"""Use of the pipeline (SPEC §1 item 4): rank-promotion eligibility on any date and why / why not,
quota headroom, leadership-post screening, promotions per year, time from entry to the first
promotion, the recruit → promoted funnel and one person's growth record (成长档案).

Every function takes the connection first, then keyword-only dates and filters, and returns a
DataFrame with a stated grain whose ``attrs`` carry ``as_of`` (or the years) and
``rules_version``. The rules of SPEC §5 "Rank-promotion eligibility" live in one SQL table macro,
``sql/pipeline/eligibility_on.sql``; every threshold comes from the rules tables.

The package is divided by question:

- :mod:`.screening` — who may be promoted on a date: eligibility, its counts, quota usage and
  the leadership-post screening (and where the eligibility reads from);
- :mod:`.promotions` — promotions per year by kind and grouping, and the funnel;
- :mod:`.survival` — time from entry to the first promotion (Kaplan–Meier);
- :mod:`.profiles` — the profile picker and one person's growth record;
- :mod:`._stored` — the eligibility stored on year ends (:func:`store_eligibility`);
- :mod:`._common` — what they share: :data:`COLUMNS`, the filters, the default cohorts,
  :func:`_frame` and :func:`_finish`.

Everything is re-exported here, so ``qingmiao_lib.pipeline.<name>`` works as before the split
(the private helpers too, e.g. ``_eligibility_sources`` for :mod:`qingmiao_lib.shortlist`).

>>> import datetime as dt, qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")                                # doctest: +SKIP
>>> qm.pipeline.eligibility(con, as_of=dt.date(2024, 3, 31), within_months=6)  # doctest: +SKIP
"""

from __future__ import annotations

# every name of the module this package replaced is here; the private helpers are re-exported
# explicitly (``_name as _name``)
from . import _common as _common
from . import profiles, promotions, screening, survival
from ._common import COLUMNS
from ._common import _cohorts as _cohorts
from ._common import _date as _date
from ._common import _default_cohorts as _default_cohorts
from ._common import _finish as _finish
from ._common import _frame as _frame
from ._common import _units as _units
from ._stored import store as store_eligibility
from .profiles import people, profile
from .promotions import EVENT_GROUPS, EVENT_KINDS, FUNNEL_STEPS, funnel, promotion_events
from .screening import _GRADE_MASK_YEARS as _GRADE_MASK_YEARS
from .screening import _eligibility_sources as _eligibility_sources
from .screening import _grades_stored as _grades_stored
from .screening import eligibility, eligibility_counts, holding, leadership_screening, quota_usage
from .survival import _HALF as _HALF
from .survival import _Z95 as _Z95
from .survival import _kaplan_meier as _kaplan_meier
from .survival import time_to_promotion

__all__ = [
    "COLUMNS", "EVENT_GROUPS", "EVENT_KINDS", "FUNNEL_STEPS", "eligibility", "eligibility_counts",
    "funnel", "holding", "leadership_screening", "people", "profile", "profiles", "promotion_events",
    "promotions", "quota_usage", "screening", "store_eligibility", "survival", "time_to_promotion",
]
