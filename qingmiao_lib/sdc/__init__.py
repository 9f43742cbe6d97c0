"""Statistical disclosure control of linked count tables (placeholder docstring)."""

from ._audit import Range, audit, pinned
from ._milp import Stats
from ._model import COMPLEMENTARY, PRIMARY, SHOWN, WITHHELD, Problem, Table, with_totals
from ._recode import Merge, Plan, Recoded, apply_merges, band_label, recode
from ._result import WITHHOLD_NOTE, Result, SdcProtected, TableLog

__all__ = ["COMPLEMENTARY", "PRIMARY", "SHOWN", "WITHHELD", "WITHHOLD_NOTE", "Merge", "Plan",
           "Problem", "Range", "Recoded", "Result", "SdcProtected", "Stats", "Table", "TableLog",
           "apply_merges", "audit", "band_label", "pinned", "recode", "with_totals"]
