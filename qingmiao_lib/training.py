"""The training analyses (SPEC §1): one function per question, connection first, keyword-only
year/as_of and slice filters, each returning a DataFrame with a stated grain."""

from __future__ import annotations

#: Chinese names of this module's output columns (merged into ``labels.chinese``).
COLUMNS: dict[str, str] = {}
