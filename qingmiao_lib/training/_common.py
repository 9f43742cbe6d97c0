"""What every training analysis shares: the Chinese names of their columns (:data:`COLUMNS`), the
slice dimensions, the year/``as_of`` check, the slice filters as bound parameters, whether the
stored per-person-year courses may be read, and :func:`_run`, which runs ``sql/training/<name>.sql``
and sets ``attrs`` (``as_of``, ``year``, ``rules_version``).

**Courses per year**: on 31 December the 在职培训/专门业务培训 credit (coverage matrix, gap list,
in-service) and the class person-times read each person's courses per calendar year from the
table ``training_years`` (written by :func:`qingmiao_lib.db.refresh_snapshots`, stamp
``sql/snapshots/training_stamp.sql``, live fallback through :func:`_training_stored`); any other
``as_of`` sums ``trainings`` live.

**Obligations**: on a date the base layer is stored (31 December of the recent data years) the
coverage matrix, the gap list and the early warnings read every obligation with its status from
the table ``obligation_snapshots`` (written by :func:`qingmiao_lib.db.refresh_snapshots`, stamp
``sql/snapshots/obligations_stamp.sql``) while it is current and no 专门业务培训 target group is
named (:func:`obligation_sources`); otherwise ``training_obligations`` computes them from the
records.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pandas as pd

from .. import _query, sql
from .._slice import check_counties
from .._steady import settled
from ..db import stored_current

#: Slice dimensions (allowlist) → the value the SQL switches on.
BY = {"total": "total", "unit": "unit", "unit_kind": "unit_kind", "entry_cohort": "entry_cohort"}
#: The county dimension (issue 23): a combined database's only, so kept out of :data:`BY` (the
#: dimensions every database offers) and accepted beside them; refused on a county's own database.
COUNTY_BY = {"county": "county"}
UNIT_KINDS = _query.UNIT_KINDS

#: Chinese names of the training analyses' output columns (merged into ``labels.chinese``).
COLUMNS: dict[str, str] = {
    "rule": "培训类别", "principle": "要求", "status": "状态", "group_id": "分组代码",
    "group_name": "分组", "obligations": "应训人数", "covered": "已完成", "due": "已到期",
    "pending": "未到期", "missing": "未完成", "coverage": "覆盖率",
    "unit_name": "单位", "active": "在职", "event_date": "起算日期", "window_start": "可计入起始日",
    "due_date": "截止日期", "days_overdue": "逾期天数", "days_left": "剩余天数",
    "need_days": "应训天数", "need_hours": "应训学时", "have_days": "已训天数",
    "have_hours": "已训学时", "shortfall_days": "差额天数", "shortfall_hours": "差额学时",
    "kind": "培训类别", "mode": "培训方式", "courses": "培训次数", "failed": "不合格次数",
    "hours": "学时", "credited_hours": "计入学时", "hours_per_person": "人均计入学时",
    "class": "面授班次", "person_times": "培训人次", "young_person_times": "年轻公务员培训人次",
    "young_persons": "年轻公务员人数", "topic": "主题类别", "sessions": "应到场次",
    "first_held": "首次日期", "last_held": "末次日期", "attended": "出席", "excused": "请假",
    "absent": "缺席", "rate": "出勤率", "excused_rate": "请假率", "below": "低于出勤要求",
    "month": "月份", "political": "有政治导师", "business": "有业务导师",
    "missing_roles": "缺少导师", "orphaned": "导师已离开", "mentor_elsewhere": "导师在其他单位",
    "mentor_id": "导师人员编号", "mentees": "带教人数", "political_mentees": "政治导师带教",
    "business_mentees": "业务导师带教", "over_limit": "超过带教上限", "program": "实践项目",
    "postings": "选派人次", "young_persons_posted": "其中年轻公务员", "ended": "已结束",
    "ongoing": "进行中", "median_posting_months": "实践时长中位数（月）",
    "mean_posting_months": "实践平均时长（月）", "young_active": "在职年轻公务员", "practised": "有实践经历", "practised_this_year": "本年选派",
    "practised_promoted": "实践后晋升", "practised_rate": "实践者晋升比例",
    "initial_hours": "初任培训学时", "appointment_hours": "任职培训学时",
    "specialised_hours": "专门业务培训学时", "in_service_hours": "在职培训学时",
    "full_time_hours": "脱产学时", "online_hours": "网络学时", "other_mode_hours": "其他方式学时",
    "unfilled_mode_hours": "方式未填学时",
    "peers": "同批未实践对照", "peer_rate": "对照组晋升比例", "difference": "差异",
}


def _as_of(con, year: int, as_of: dt.date | None) -> dt.date:
    year = int(year)
    if not 1950 <= year <= 2100:
        raise ValueError(f"year out of range: {year}")
    if as_of is None:
        return _query.year_end(con, year)
    as_of = pd.Timestamp(as_of).date()
    if as_of.year != year:
        raise ValueError(f"as_of {as_of} is not in year {year}")
    return as_of


def _slice(con, units, unit_kinds, cohorts, counties=None, *, by: str | None = None) -> dict:
    """The slice filters as bound parameters (:class:`qingmiao_lib._query.Slice`); a county
    filter, or ``by="county"``, only on a combined database
    (:func:`qingmiao_lib._slice.check_counties`)."""
    params = _query.Slice.of({"units": units, "unit_kinds": unit_kinds, "cohorts": cohorts,
                              "counties": counties}).params()
    check_counties(con, params["counties"], dimension=by == "county")
    return params


def _choose(value: str, allowed: dict[str, str], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {sorted(allowed)}")
    return allowed[value]


def _training_stored(con) -> bool:
    """May the training analyses read the stored per-person-year courses (table
    ``training_years``, written by :func:`qingmiao_lib.db.refresh_snapshots`)? Only when the table
    exists and the stamp stored with it still matches the records and this connection's rules
    (``sql/snapshots/training_stamp.sql``); otherwise the live computation runs."""
    return stored_current(con, "training_years", "training_stamp")


def _courses_stored(con, as_of: dt.date) -> bool:
    """Do the course sources read the stored ``training_years`` on ``as_of``? On 31 December
    (the table holds whole calendar years), while :func:`_training_stored`."""
    return (as_of.month, as_of.day) == (12, 31) and _training_stored(con)


def _obligations_stored(con, as_of: dt.date, target_ids) -> bool:
    """May ``training_obligations`` on ``as_of`` read the stored table ``obligation_snapshots``?
    Only with no target group named (the table holds no 专门业务培训 row), while the stamp stored
    with it still matches the records and this connection's rules
    (``sql/snapshots/obligations_stamp.sql``) and the table holds ``as_of``."""
    if target_ids is not None or not stored_current(con, "obligation_snapshots", "obligations_stamp"):
        return False
    return _obligations_held(con, as_of)


def _obligations_held(con, as_of: dt.date) -> bool:
    """Does ``obligation_snapshots`` hold ``as_of`` (whatever its stamp)? Looked up once per date
    on a read-only connection or in a steady block."""
    return settled(con, ("obligations-date", as_of), lambda: bool(con.execute(
        sql.load("training/obligations_date"), {"as_of": as_of}).fetchall()[0][0]))


@contextlib.contextmanager
def obligation_sources(con, as_of: dt.date, target_ids=None) -> Iterator[None]:
    """Run the block's queries calling ``training_obligations`` on ``as_of`` on the stored
    obligations when they may be read (:func:`_obligations_stored`), else on the live
    computation, itself reading the stored courses per year on 31 December
    (:func:`_courses_stored`): the same answers either way."""
    with (_query.reading(con, "training/courses", when=_courses_stored(con, as_of)),
          _query.reading(con, "training/obligations", when=_obligations_stored(con, as_of, target_ids))):
        yield


#: Text columns repeated down a long list: each distinct value is made once.
_REPEATED = frozenset(("rule", "status", "unit_kind", "kind", "mode", "topic", "program", "level",
                          "group_id", "group_name"))


def _run(con, name: str, params: dict, *, year: int | None, as_of: dt.date | None,
         source: str | None = "training/courses", stored: bool = False) -> pd.DataFrame:
    """``sql/training/<name>.sql`` as a frame (:func:`qingmiao_lib._query.run`), the repeated
    text columns (:data:`_REPEATED`) made once per value; read from the stored variant of
    ``source`` when ``stored``, from its live computation otherwise. ``source=None``: the query
    reads no source a stored table stands in for (its names are left as they point)."""
    with _query.reading(con, source, when=stored) if source else contextlib.nullcontext():
        df = _query.run(con, f"training/{name}", params, repeated=_REPEATED)
    attrs = {"rules_version": _query.rules(con).version}
    if year is not None:
        attrs["year"] = int(year)
    if as_of is not None:
        attrs["as_of"] = pd.Timestamp(as_of).date().isoformat()
    df.attrs.update(attrs)
    return df


def _keep_attrs(df: pd.DataFrame, source: pd.DataFrame) -> pd.DataFrame:
    df.attrs = dict(source.attrs)
    return df
