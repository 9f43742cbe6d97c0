"""Evaluation outcomes (SPEC §1 item 3, §5 "Assessment"): annual grades and the 优秀 cap, 优秀
streaks and the merits they earn, quarterly (平时) assessment, early warnings, rewards.

Every function takes the connection first, then keyword-only ``year`` (or ``as_of``) and the slice
filters ``units`` (unit_id list), ``counties`` (county codes of a combined database), ``age_group``
(a label of :func:`age_groups`), ``young`` and ``entry_cohort``, all taken on 31 December of ``year`` (or on ``as_of``). Each returns a DataFrame
of stated grain whose ``attrs`` carry ``year``/``as_of`` and ``rules_version``.

The package is divided by question; each module's docstring holds the decisions where SPEC §5 is
silent for its part:

- :mod:`.grades` — annual grades: distribution, the 优秀 cap, the young share of 优秀, grade
  histories, one person's record, invalid grades;
- :mod:`.excellence` — 优秀 streaks, the 三等功 they earn, unmatched 三等功, rewards by kind;
- :mod:`.quarterly` — quarterly assessment (trend, declines, the 1+N link) and 急难险重 tasks;
- :mod:`.alerts` — early warnings (苗头性问题) and their counts;
- :mod:`._common` — what they share: :data:`COLUMNS`, :func:`age_groups`, the slice filters,
  :func:`_run` / :func:`_yearly` and whether the stored quarter masks may be read.

Everything is re-exported here, so ``qingmiao_lib.evaluation.<name>`` works as before the split
(the private helpers too).

>>> import qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")                         # doctest: +SKIP
>>> qm.evaluation.excellent_share(con, year=2023).query("over_cap")   # doctest: +SKIP
"""

from __future__ import annotations

# every name of the module this package replaced is here; the private helpers are re-exported
# explicitly (``_name as _name``)
from . import _common as _common
from . import alerts, excellence, grades, quarterly
from ._common import _MASK_YEARS as _MASK_YEARS
from ._common import _REPEATED as _REPEATED
from ._common import COLUMNS, Units, age_groups
from ._common import _quarters_stored as _quarters_stored
from ._common import _run as _run
from ._common import _slice as _slice
from ._common import _slice_kw as _slice_kw
from ._common import _year_end as _year_end
from ._common import _yearly as _yearly
from .alerts import WARNING_KINDS, early_warnings, warning_counts
from .excellence import merits, rewards_by_kind, streaks, unmatched_rewards, unrecorded_merits
from .grades import (
    COUNTY_DIMENSION,
    DIMENSIONS,
    excellent_share,
    grade_distribution,
    grade_history,
    invalid_grades,
    over_cap,
    person_history,
    prepare_person_history,
    young_excellent_share,
)
from .quarterly import (
    quarterly_declines,
    quarterly_distribution,
    quarterly_trend,
    quarterly_vs_annual,
    special_tasks,
)

__all__ = [
    "COLUMNS", "COUNTY_DIMENSION", "DIMENSIONS", "Units", "WARNING_KINDS", "age_groups", "alerts", "early_warnings",
    "excellence", "excellent_share", "grade_distribution", "grade_history", "grades",
    "invalid_grades", "merits", "over_cap", "person_history", "prepare_person_history", "quarterly",
    "quarterly_declines",
    "quarterly_distribution", "quarterly_trend", "quarterly_vs_annual", "rewards_by_kind",
    "special_tasks", "streaks", "unmatched_rewards", "unrecorded_merits", "warning_counts",
    "young_excellent_share",
]
