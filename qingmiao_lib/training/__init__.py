"""Training coverage (SPEC §1 item 2, §5 "Training"): the four rules, hours, the weekly lecture,
dual mentors and frontline practice. One function per question: connection first, keyword-only
``year``/``as_of`` and slice filters (``units``, ``unit_kinds``, ``cohorts``, ``counties``: county
codes of a combined database), a DataFrame with a stated grain; ``attrs`` carries
``as_of``, ``year`` and ``rules_version``. The definitions live in the SQL files
(``sql/training/*.sql``, whose headers are the reference).

The package is divided by question, each module with its own docstring:

- :mod:`.coverage` — the four mandatory-training rules (初任/任职/专门业务/在职培训): the coverage
  matrix, its trend, the gap list and 在职培训 per person; the rules' definitions in short;
- :mod:`.hours` — 学时 per person, the year's totals by kind and mode, class person-times;
- :mod:`.lectures` — the weekly lecture (每周一讲) attendance, stored bit sets or live;
- :mod:`.mentors` — dual-mentor coverage and mentor load;
- :mod:`.practice` — frontline practice: participation, share and outcomes;
- :mod:`._common` — what they share: :data:`COLUMNS`, the slice and year checks, :func:`_run`
  and whether the stored per-person-year courses may be read.

Everything is re-exported here, so ``qingmiao_lib.training.<name>`` works as before the split
(the private helpers too). A test that replaces a helper must replace it where it is looked up:
``training.lectures._lecture_stored``, ``training.coverage._year_ends_stored``,
``training._common._training_stored``.

>>> import qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")                        # doctest: +SKIP
>>> qm.training.coverage_matrix(con, year=2023)                       # doctest: +SKIP
"""

from __future__ import annotations

# every name of the module this package replaced is here; the private helpers that other modules
# and the tests call are re-exported explicitly (``_name as _name``)
from . import _common as _common
from . import coverage, hours, lectures, mentors, practice
from ._common import _REPEATED as _REPEATED
from ._common import BY, COLUMNS, COUNTY_BY, UNIT_KINDS
from ._common import _as_of as _as_of
from ._common import _choose as _choose
from ._common import _courses_stored as _courses_stored
from ._common import _keep_attrs as _keep_attrs
from ._common import _run as _run
from ._common import _slice as _slice
from ._common import _training_stored as _training_stored
from .coverage import (
    RULES,
    STATUSES,
    coverage_matrix,
    coverage_trend,
    gap_list,
    in_service,
    in_service_hours,
)
from .coverage import _rules as _rules
from .coverage import _statuses as _statuses
from .coverage import _targets as _targets
from .coverage import _year_ends_stored as _year_ends_stored
from .hours import HOURS_BY_KIND, HOURS_BY_MODE, class_person_times, hours_by_person, hours_totals
from .lectures import (
    LECTURE_BY,
    lecture_groups,
    lecture_person_months,
    lecture_persons,
    lecture_sessions,
)
from .lectures import _lecture_stored as _lecture_stored
from .mentors import mentees, mentor_load
from .practice import OUTCOME_NOTE, practice_outcomes, practice_participation, practice_share

__all__ = [
    "BY", "COLUMNS", "COUNTY_BY", "HOURS_BY_KIND", "HOURS_BY_MODE", "LECTURE_BY", "OUTCOME_NOTE",
    "RULES", "STATUSES", "UNIT_KINDS", "class_person_times", "coverage", "coverage_matrix",
    "coverage_trend", "gap_list", "hours", "hours_by_person", "hours_totals", "in_service",
    "in_service_hours", "lecture_groups", "lecture_person_months", "lecture_persons",
    "lecture_sessions", "lectures", "mentees", "mentor_load", "mentors", "practice", "practice_outcomes",
    "practice_participation", "practice_share",
]
