"""``qingmiao check``: a data-quality report on a database — orphans, broken histories,
impossible dates (三龄二历) — one row per kind of finding, with counts and example person_ids.

>>> import qingmiao_lib as qm
>>> from qingmiao_lib import check
>>> con = qm.connect("data/qingmiao.duckdb")                 # doctest: +SKIP
>>> check.run_check(con).query("count > 0")                   # doctest: +SKIP
"""

from __future__ import annotations

import duckdb
import pandas as pd

from . import sql
from .figures import data_years

ERROR, WARNING = "错误", "警告"

#: (code, level, description, sql file under sql/check, extra parameters)
CHECKS: tuple[tuple[str, str, str, str, dict], ...] = (
    ("orphans", ERROR, "记录引用了不存在的人员、导师、单位或讲座（示例为 表:编号）", "orphans", {}),
    ("rank_overlaps", ERROR, "同一人的职级记录时间重叠", "rank_overlaps", {}),
    ("post_overlaps", ERROR, "同一人的职务记录时间重叠", "post_overlaps", {}),
    ("attendance_duplicates", ERROR, "每周一讲出勤记录重复（同一讲座同一人多于一行）", "attendance_duplicates", {}),
    ("grades_inactive", ERROR, "年度考核年份不在本人在职期间", "grades_inactive", {}),
    ("birth_after_entry", ERROR, "出生年月不早于录用时间", "ages", {"which": "birth_after_entry"}),
    ("work_after_entry", ERROR, "参加工作时间晚于录用时间", "ages", {"which": "work_after_entry"}),
    ("rank_gaps", WARNING, "职级记录中断（上一职级结束后没有接续的职级）", "rank_gaps", {}),
    ("post_gaps", WARNING, "职务记录中断（上一职务结束后没有接续的职务）", "post_gaps", {}),
    ("rank_skips", WARNING, "职级晋升越过了一级或多级", "rank_skips", {}),
    ("no_rank", WARNING, "试用期满的在职人员没有职级记录（以数据末年12月31日计）", "no_rank", {}),
    ("long_trainings", WARNING, "培训时长超过一年", "long_trainings", {}),
    ("entry_under_18", WARNING, "录用时未满18周岁", "ages", {"which": "entry_under_18"}),
    ("party_under_18", WARNING, "入党时未满18周岁", "ages", {"which": "party_under_18"}),
    ("work_under_16", WARNING, "参加工作时未满16周岁", "ages", {"which": "work_under_16"}),
    ("records_outside_service", WARNING, "职级或职务开始于录用之前或退出之后", "records_outside_service", {}),
)

EXAMPLES = 5


def run_check(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every finding kind with how often it occurs.

    Parameters
    ----------
    con
        A connection from :func:`qingmiao_lib.connect` (read-only is enough).

    Returns
    -------
    pandas.DataFrame
        One row per finding kind, errors first: ``level`` (错误/警告), ``code``,
        ``description`` (Chinese), ``count`` and ``examples`` (up to five ids, a list).
        The CLI exits 1 when an 错误 row has ``count`` > 0.
    """
    span = data_years(con)
    as_of = None if span is None else f"{span[1]}-12-31"
    rows = []
    for code, level, description, name, extra in CHECKS:
        params = dict(extra)
        if "$as_of" in sql.load(f"check/{name}"):
            if as_of is None:
                rows.append(dict(level=level, code=code, description=description, count=0, examples=[]))
                continue
            params["as_of"] = as_of
        count, examples = con.execute(
            f"select count(*), list(distinct example order by example)[1:{EXAMPLES}] "
            f"from ({sql.load(f'check/{name}')})",
            {k: v for k, v in params.items()} if params else None,
        ).fetchall()[0]
        rows.append(dict(level=level, code=code, description=description, count=int(count),
                         examples=list(examples or [])))
    return pd.DataFrame(rows, columns=["level", "code", "description", "count", "examples"])


def has_errors(report: pd.DataFrame) -> bool:
    """True when an 错误-level finding occurs (the CLI then exits 1)."""
    return bool(((report["level"] == ERROR) & (report["count"] > 0)).any())
