"""The report section 教育培训 (training coverage): aggregates only — no person lists, no names;
counts below the small-cell threshold shown as "<5"; every chart with its numbers in a table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import training
from ..charts import training as charts
from ..privacy import show_count
from ._render import Context, Section, figure_html, render


def build(ctx: Context) -> Section | None:
    """Coverage of the four rules, in-service hours, the weekly lecture, mentors and practice."""
    con, year, t = ctx.con, ctx.year, ctx.threshold
    total = training.coverage_matrix(con, year=year, as_of=ctx.as_of)
    if total.empty:
        return None
    by_kind = training.coverage_matrix(con, year=year, as_of=ctx.as_of, by="unit_kind")
    by_kind = by_kind.sort_values("group_id", key=lambda g: g.map(_KIND_ORDER).fillna(9), kind="stable")
    matrix = pd.concat([total, by_kind], ignore_index=True)
    matrix.attrs = dict(total.attrs)
    rule = lambda k: float(con.execute("select rule_num(?)", [k]).fetchall()[0][0])  # noqa: E731
    min_hours, threshold = rule("training.in_service_min_hours"), rule("lecture.attendance_threshold")
    max_mentees = int(rule("mentors.max_mentees"))

    hours = training.in_service(con, year=year, as_of=ctx.as_of)
    lectures = training.lecture_groups(con, year=year, as_of=ctx.as_of, by="unit_kind", monthly=True)
    lecture_total = training.lecture_groups(con, year=year, as_of=ctx.as_of, by="unit_kind")
    mentees = training.mentees(con, as_of=ctx.as_of)
    load = training.mentor_load(con, as_of=ctx.as_of)
    first = max(year - 4, _first_year(con, year))
    practice = training.practice_participation(con, first_year=first, last_year=year)
    share = training.practice_share(con, as_of=ctx.as_of, by="unit_kind")
    outcomes = training.practice_outcomes(con, as_of=ctx.as_of)

    html = render(
        "training.html.j2",
        year=year, as_of=ctx.as_of.isoformat(), threshold=t,
        min_hours=f"{min_hours:g}", min_days=f"{rule('training.in_service_min_days'):g}",
        lecture_threshold=f"{threshold:.0%}", max_mentees=max_mentees,
        coverage_chart=figure_html(charts.coverage_heat(matrix, small_cell=t)),
        coverage=_coverage_rows(matrix, t),
        hours_chart=figure_html(charts.hours_histogram(hours, min_hours=min_hours, small_cell=t))
        if len(hours) else None,
        hours=_hours_rows(hours, t), hours_summary=_hours_summary(hours, t),
        lecture_chart=figure_html(charts.attendance_heatmap(lectures, threshold=threshold, small_cell=t))
        if len(lectures) else None,
        lectures=_lecture_rows(lecture_total, t),
        mentors=_mentor_summary(mentees, load, t),
        load_chart=figure_html(charts.mentor_load_bars(load, max_mentees=max_mentees, small_cell=t))
        if len(load) else None,
        load=_load_rows(load, max_mentees, t),
        practice_chart=figure_html(charts.practice_bars(practice, small_cell=t)) if len(practice) else None,
        practice=_practice_rows(practice, t), share=_share_rows(share, t),
        outcome_total=_outcome_rows(outcomes[outcomes["entry_cohort"].isna()], t),
        outcomes=_outcome_rows(outcomes[outcomes["entry_cohort"].notna()], t), outcome_note=outcomes.attrs["note"],
        outcome_window=outcomes.attrs["window_years"],
    )
    return Section(id="training", title="教育培训", html=html)


_KIND_ORDER = {k: i for i, k in enumerate(training.UNIT_KINDS)}


def _first_year(con, year: int) -> int:
    got = con.execute("select min(year(start_date)) from practices").fetchall()[0][0]
    return int(got) if got is not None else year


def _pct(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


def _coverage_rows(df: pd.DataFrame, t: int) -> list[dict]:
    return [{"rule": f"{r.rule}（{r.principle}）", "group": r.group_name,
             "obligations": show_count(r.obligations, t), "covered": show_count(r.covered, t),
             "due": show_count(r.due, t), "pending": show_count(r.pending, t),
             "missing": show_count(r.missing, t), "coverage": _pct(r.coverage)}
            for r in df.itertuples()]


def _hours_rows(df: pd.DataFrame, t: int) -> list[dict]:
    if df.empty:
        return []
    edges = [0, 30, 60, 90, 120, 150, 200, np.inf]
    bands = pd.cut(df["have_hours"].astype(float), edges, right=False)
    counts = df.groupby([bands, "meets"], observed=False).size().unstack(fill_value=0)
    rows = []
    for band, r in counts.iterrows():
        lo, hi = band.left, band.right
        label = f"{lo:.0f} 学时以上" if np.isinf(hi) else f"{lo:.0f}–{hi:.0f} 学时"
        rows.append({"band": label, "meets": show_count(r.get(True, 0), t),
                     "short": show_count(r.get(False, 0), t),
                     "total": show_count(r.get(True, 0) + r.get(False, 0), t)})
    return rows


def _hours_summary(df: pd.DataFrame, t: int) -> dict:
    short = df[~df["meets"]]
    return {"persons": show_count(len(df), t), "meets": show_count(int(df["meets"].sum()), t),
            "share": _pct(df["meets"].mean()) if len(df) else "—",
            "median": f"{df['have_hours'].median():.0f}" if len(df) else "—",
            "short_median": f"{short['shortfall_hours'].median():.0f}" if len(short) else "—"}


def _lecture_rows(df: pd.DataFrame, t: int) -> list[dict]:
    return [{"group": r.group_name, "persons": show_count(r.persons, t),
             "sessions": show_count(r.sessions, t), "attended": show_count(r.attended, t),
             "excused": show_count(r.excused, t), "absent": show_count(r.absent, t),
             "rate": _pct(r.rate), "below": show_count(r.below, t)} for r in df.itertuples()]


def _mentor_summary(mentees: pd.DataFrame, load: pd.DataFrame, t: int) -> list[dict]:
    n = len(mentees)
    one = int((mentees["missing_roles"].isin(["政治导师", "业务导师"])).sum())
    both = int((mentees["missing_roles"] == "政治导师、业务导师").sum())
    rows = [("入职五年内人员", n, None), ("双导师齐全", int(mentees["covered"].sum()), n),
            ("缺一名导师", one, n), ("两名导师均缺", both, n),
            ("导师已离开、带教关系仍未结束", int(mentees["orphaned"].notna().sum()), n),
            ("在岗导师", len(load), None),
            ("带教人数超过上限的导师", int(load["over_limit"].sum()) if len(load) else 0, len(load))]
    return [{"label": label, "value": show_count(v, t),
             "share": _pct(v / d) if d else ""} for label, v, d in rows]


def _load_rows(df: pd.DataFrame, limit: int, t: int) -> list[dict]:
    counts = df["mentees"].value_counts().sort_index()
    return [{"mentees": int(k), "mentors": show_count(v, t), "over": int(k) > limit}
            for k, v in counts.items()]


def _practice_rows(df: pd.DataFrame, t: int) -> list[dict]:
    return [{"year": int(r.year), "program": r.program, "postings": show_count(r.postings, t),
             "young": show_count(r.young_persons_posted, t), "ongoing": show_count(r.ongoing, t),
             "median": "—" if pd.isna(r.median_posting_months) else f"{r.median_posting_months:.0f}"}
            for r in df.itertuples()]


def _share_rows(df: pd.DataFrame, t: int) -> list[dict]:
    return [{"group": r.group_name, "young": show_count(r.young_active, t),
             "practised": show_count(r.practised, t), "share": _pct(r.share)}
            for r in df.itertuples()]


def _outcome_rows(df: pd.DataFrame, t: int) -> list[dict]:
    rows = []
    for r in df.itertuples():
        if not pd.isna(r.entry_cohort) and r.practised < t:
            continue  # cohorts with fewer practised persons than the threshold are not shown alone
        rows.append({"cohort": "全部" if pd.isna(r.entry_cohort) else f"{int(r.entry_cohort)}年",
                     "practised": show_count(r.practised, t),
                     "rate": _pct(r.practised_rate), "peers": show_count(r.peers, t),
                     "peer_rate": _pct(r.peer_rate),
                     "difference": "—" if pd.isna(r.difference) else f"{r.difference * 100:+.1f} 个百分点"})
    return rows
