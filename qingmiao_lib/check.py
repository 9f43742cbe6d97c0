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
    # 三龄二历 against the 简历 and the education history (SPEC §9): each example names the person
    # and the 简历 lines; sanling() lists every finding
    ("sanling_age", WARNING, "年龄：最早的工作记录早于法定劳动年龄，或简历早于出生年月", "sanling_age", {}),
    ("sanling_work_start", WARNING, "工龄：简历或职务早于参加工作时间，或参加工作时间在全日制学习期间",
     "sanling_work_start", {}),
    ("sanling_education", WARNING, "学历：学历学位与简历的学习经历或人员表的学历不符", "sanling_education", {}),
    ("sanling_resume_gaps", WARNING, "经历：简历中有空缺", "sanling_resume_gaps", {}),
    ("sanling_resume_overlaps", WARNING, "经历：简历中的经历时间重叠", "sanling_resume_overlaps", {}),
    ("sanling_posts_resume", WARNING, "经历：职务表与简历不符", "sanling_posts_resume", {}),
)

#: The 三龄二历 findings that :func:`sanling` lists one by one.
SANLING = tuple(c[0] for c in CHECKS if c[0].startswith("sanling_"))

EXAMPLES = 5


def _params(text: str, values: dict) -> dict:
    """The values a check's SQL names (``$min_work_age`` …)."""
    return {k: v for k, v in values.items() if f"${k}" in text}


def run_check(con: duckdb.DuckDBPyConnection, *, min_work_age: int = 16,
              max_gap_months: int = 3) -> pd.DataFrame:
    """Every finding kind with how often it occurs.

    Parameters
    ----------
    con
        A connection from :func:`qingmiao_lib.connect` (read-only is enough).
    min_work_age
        年龄: a record of work before this birthday is a finding (16: the Labour Law's minimum
        working age).
    max_gap_months
        经历: a 简历 gap of more than this many full months is a finding (3: a graduate starting
        work in the autumn after a July graduation is not one).

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
    tunable = dict(min_work_age=int(min_work_age), max_gap_months=int(max_gap_months))
    for code, level, description, name, extra in CHECKS:
        params = {**extra, **_params(sql.load(f"check/{name}"), tunable)}
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


def sanling(con: duckdb.DuckDBPyConnection, *, min_work_age: int = 16, max_gap_months: int = 3,
            codes: tuple[str, ...] = SANLING) -> pd.DataFrame:
    """Every 三龄二历 finding, one row each, naming the person and the 简历 lines.

    Parameters
    ----------
    con
        A connection from :func:`qingmiao_lib.connect` (read-only is enough).
    min_work_age, max_gap_months
        As for :func:`run_check`.
    codes
        The findings to list (default: all of :data:`SANLING`).

    Returns
    -------
    pandas.DataFrame
        One row per finding: ``code``, ``description``, ``person_id``, ``lines`` (e.g.
        ``简历第3行、第5行``; empty when the finding is not about a 简历 line) and ``detail``
        (Chinese, with the dates that disagree), ordered by code, person and lines.

    Examples
    --------
    >>> check.sanling(con).head()          # doctest: +SKIP
    """
    tunable = dict(min_work_age=int(min_work_age), max_gap_months=int(max_gap_months))
    frames = []
    for code, _, description, name, _ in CHECKS:
        if code not in codes:
            continue
        text = sql.load(f"check/{name}")
        params = _params(text, tunable)
        df = con.execute(text, params).df()[["person_id", "lines", "detail"]]
        frames.append(df.sort_values(["person_id", "lines", "detail"], kind="stable")
                      .assign(code=code, description=description))
    cols = ["code", "description", "person_id", "lines", "detail"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
