"""What every pipeline analysis shares: the Chinese names of their columns (:data:`COLUMNS`),
:func:`_frame`, which runs ``sql/pipeline/<name>.sql``, the unit and cohort filters, the default
entry cohorts (those the records cover), and :func:`_finish`, which sets ``attrs``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import _query, sql
from .._slice import county_codes as _counties  # noqa: F401 - the pipeline's modules read it here

#: Chinese names of the pipeline analyses' output columns (merged into ``labels.chinese``).
COLUMNS: dict[str, str] = {
    "current_rank": "现职级", "next_rank": "拟晋升职级", "tenure_months": "任职年限（月）",
    "required_months": "需满年限（月）", "qualified": "符合资格条件", "quota_ok": "职数有空缺",
    "eligible": "可晋升", "reasons": "不符合原因", "unit_name": "单位",
    "tenure_basis": "年限依据", "tenure_start": "年限起算日", "post_months": "任领导职务月数",
    "excellent_years": "优秀年度数", "uncounted_years": "不计算年限年度数",
    "last_grade": "上年度考核", "blocking_kind": "影响期事项", "blocking_until": "影响期至",
    "quota_max": "职数", "quota_holders": "现有人数", "time_met_on": "满足年限日期",
    "months_to_eligible": "距满足年限（月）", "due_within": "期内满足年限",
    "next_step": "职级序号", "not_qualified": "不符合资格条件", "short_tenure": "任职年限不足",
    "grade_failed": "上年度考核不符合", "blocked": "处于影响期", "quota_blocked": "因职数已满暂缓",
    "rank_step": "职级序号", "max_count": "职数", "holders": "现有人数",
    "headroom": "空缺", "current_level": "现职务层次", "next_level": "拟任职务层次",
    "required_post_months": "需任职月数", "work_months": "工作月数",
    "required_work_months": "需工作月数", "meets": "符合任职年限条件", "kind": "类别",
    "kind_label": "类别", "grp": "分组", "events": "次数", "cohort": "录用年份", "months": "月数",
    "survival": "尚未晋升比例", "at_risk": "观察人数", "censored": "删失人数",
    "ci_lower": "置信下限", "ci_upper": "置信上限", "step_no": "环节序号", "step": "环节",
    "conversion": "较上一环节", "share_of_recruited": "占录用人数", "start": "开始", "end": "结束",
    "open": "至今", "detail": "详情",
}


def _frame(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pd.DataFrame:
    """``sql/pipeline/<name>.sql`` as a frame (:func:`qingmiao_lib._query.run`)."""
    return _query.run(con, f"pipeline/{name}", params)


def _units(units: str | Sequence[str] | None) -> list[str] | None:
    if units is None:
        return None
    return [units] if isinstance(units, str) else [str(u) for u in units]


def _county_quotas(con, as_of: dt.date, codes: list[str] | None) -> list[dict] | None:
    """The jurisdiction quotas of the counties ``codes`` in ``year(as_of)`` (a combined
    database's table ``county_quotas``, ``sql/pipeline/county_quotas.sql``), bound for
    ``eligibility_on``'s per-county judgement; None without a county filter (no query)."""
    if codes is None:
        return None
    rows = con.execute(sql.load("pipeline/county_quotas"), {"as_of": as_of, "counties": codes}).fetchall()
    return [{"county": c, "rank": r, "max_count": m} for c, r, m in rows]


def _cohorts(cohorts: int | Sequence[int] | None) -> list[int] | None:
    if cohorts is None:
        return None
    return [int(cohorts)] if isinstance(cohorts, int) else [int(c) for c in cohorts]


def _default_cohorts(con, as_of: dt.date, cohorts) -> list[int] | None:
    """Entry cohorts to analyse: those given, else the entry years from the first year the
    records cover (the first year of ``figures.data_years``, ``sql/pipeline/first_year.sql``) to
    ``as_of``: persons who entered before the records start have careers the records only
    partly hold (their earlier promotions are missing)."""
    if cohorts is not None:
        return _cohorts(cohorts)
    first = con.execute(sql.load("pipeline/first_year")).fetchall()[0][0]
    return [] if first is None else list(range(int(first), as_of.year + 1))


def _date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _finish(df: pd.DataFrame, con, **attrs) -> pd.DataFrame:
    df.attrs.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in attrs.items()},
                    rules_version=_query.rules(con).version)
    return df
