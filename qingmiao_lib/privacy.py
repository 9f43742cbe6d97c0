"""Disclosure control for what leaves the workbench: masked names and suppressed small counts.

Reports show aggregates only. A count below the rules' ``report.small_cell_threshold`` (default
5) is shown as ``"<5"``; 0 is shown as it is (an empty cell discloses nobody).
"""

from __future__ import annotations

import duckdb


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
