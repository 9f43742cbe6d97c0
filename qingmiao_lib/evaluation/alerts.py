"""Early warnings (苗头性问题, SPEC §5): the list on a day — a weak annual grade, a weak quarter,
a supervision measure in effect, a mandatory training past due — and its counts by unit and kind.
Warning quarterly grades are 一般 and 较差 (no rules key exists for them yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import _query
from ..training._common import obligation_sources
from ._common import Units, _run, _slice

#: Kinds of early warning, in the order reports list them (SPEC §5).
WARNING_KINDS = {"年度考核": "年度考核基本称职或不称职", "平时考核": "平时考核一般或较差",
                 "监督管理": "诫勉、组织处理或处分影响期内", "培训逾期": "初任培训或任职培训逾期未完成"}


def early_warnings(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, units: Units = None,
                   age_group: str | None = None, young: bool | None = None,
                   entry_cohort: int | None = None,
                   cohorts: int | Sequence[int] | None = None, counties: Units = None) -> pd.DataFrame:
    """The 苗头性问题 list on ``as_of`` (SPEC §5), for the persons active that day.

    One row per person and ``kind`` (:data:`WARNING_KINDS`) — for 培训逾期 per ``rule``: a
    基本称职/不称职 for year(as_of) − 1; a 一般/较差 quarter among the last four completed quarters;
    an active 诫勉/组织处理/处分 (``promotion.blocking_supervision``, effective_until > as_of); a
    mandatory training past due — an obligation of 初任培训 (凡进必训) or 任职培训 (应训必训)
    whose status on ``as_of`` is 未完成 in ``training_obligations`` (``sql/training/
    obligations.sql``, the one definition :func:`qingmiao_lib.training.gap_list` reads too), so
    the 培训逾期 rows name exactly the (person, rule) pairs of
    ``gap_list(rules=["初任培训", "任职培训"], statuses=["missing"])`` whose person is active.
    Like gap_list, only obligations due from 1 January of year(as_of) to ``as_of`` (a due date
    on ``as_of`` included) are listed.

    Columns: ``person_id``, ``name``, ``unit_id``, ``unit_name``, ``kind``, ``evidence``
    (Chinese, e.g. "2023-03-01任乡科级副职，任职培训应于2024-03-01前完成，未见记录"),
    ``evidence_date`` (the latest dated fact: year end, quarter end, supervision, due date),
    ``rule`` and ``due_date`` (培训逾期 only: the rule, the earliest due date of its overdue
    obligations; empty for the other kinds).
    """
    as_of = pd.Timestamp(as_of).date()
    params = {"as_of": as_of, **_slice(con, units, age_group, young, entry_cohort, cohorts, counties)}
    # the 培训逾期 rows read the obligations (training_obligations): from the stored tables on a
    # stored date while they are current, as training.gap_list does
    with obligation_sources(con, as_of):
        return _run(con, "warnings", params, as_of=as_of)


def warning_counts(warnings: pd.DataFrame, *, by: str = "unit") -> pd.DataFrame:
    """Counts of :func:`early_warnings` by ``kind`` and ``by`` ("unit" or "all"): one row per
    (unit_id, unit_name, kind) with ``persons`` (persons warned) — every kind listed."""
    if by not in ("unit", "all"):
        raise ValueError(f"by must be 'unit' or 'all', got {by!r}")
    keys = ["unit_id", "unit_name"] if by == "unit" else []
    w = warnings.fillna({"unit_id": "—", "unit_name": "—"})
    counts = w.groupby([*keys, "kind"])["person_id"].nunique().rename("persons").reset_index()
    groups = w[keys].drop_duplicates() if keys else pd.DataFrame(index=[0])
    grid = groups.merge(pd.DataFrame({"kind": _query.text(list(WARNING_KINDS))}), how="cross")
    out = grid.merge(counts, how="left", on=[*keys, "kind"]).fillna({"persons": 0})
    out["persons"] = out["persons"].astype(int)
    out.attrs = dict(warnings.attrs)
    return out
