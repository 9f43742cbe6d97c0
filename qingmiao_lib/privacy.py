"""Disclosure control for what leaves the workbench: masked names and suppressed small counts.

Reports show aggregates only. A count below the rules' ``report.small_cell_threshold`` (default
5) is shown as ``"<5"``; 0 is shown as it is (an empty cell discloses nobody).
"""

from __future__ import annotations

import sys
from functools import cache

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._dtypes import TEXT


def small_cell_threshold(con: duckdb.DuckDBPyConnection) -> int:
    """The rules' small-cell threshold (``report.small_cell_threshold``)."""
    return int(con.execute("select rule_num('report.small_cell_threshold')").fetchall()[0][0])


def show_count(value: int, threshold: int) -> str:
    """A count as a report shows it: ``"<5"`` when 0 < value < threshold, else the number."""
    value = int(value)
    return f"<{threshold}" if 0 < value < threshold else f"{value:,}"


def mask_name(name: str) -> str:
    """张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明: the surname and last character stay."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@cache
def _whitespace() -> str:
    """The characters ``str.strip()`` removes (every character for which ``str.isspace()``), so
    that :func:`mask_names` trims exactly as :func:`mask_name` does: found on first use (a pass
    over every code point, ~75 ms, not paid by every import of the package)."""
    return "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())


def mask_names(names: pd.Series) -> pd.Series:
    """:func:`mask_name` of every name of a column at once, in Arrow (no Python string per row:
    a list of 660,000 candidates took ~1.2 s name by name). A missing name stays missing. The
    result is text of the one dtype policy (:data:`qingmiao_lib._query.TEXT`), same index."""
    arr = pa.array(names.astype(TEXT), type=pa.large_string())
    s = pc.utf8_trim(arr, characters=_whitespace())
    n = pc.utf8_length(s)
    star, empty = pa.scalar("*", pa.large_string()), pa.scalar("", pa.large_string())
    first, last = pc.utf8_slice_codeunits(s, 0, 1), pc.utf8_slice_codeunits(s, -1)
    # two characters: the first and one star; more: the first, a star for each inner one, the last
    stars = pc.binary_repeat(pc.if_else(pc.is_valid(s), star, None), pc.max_element_wise(pc.subtract(n, 2), 1))
    tail = pc.if_else(pc.equal(n, 2), empty, last)
    masked = pc.if_else(pc.less_equal(n, 1), s, pc.binary_join_element_wise(first, stars, tail, empty))
    return pd.Series(TEXT.__from_arrow__(masked), index=names.index, name=names.name, copy=False)
