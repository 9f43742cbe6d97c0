"""The report section 考核评价 (evaluation outcomes): aggregates only — no names, no person lists;
counts below the small-cell threshold shown as "<5"; every chart with its numbers in a table."""

from __future__ import annotations

import pandas as pd

from .. import charts, evaluation
from ..privacy import show_count
from ._render import Context, Section, figure_html, render

TREND_YEARS = 6      # years shown in the young-excellent trend
QUARTER_YEARS = 3    # years of quarters in the quarterly trend
TOP_UNITS = 20       # units in the excellent-share chart


def build(ctx: Context) -> Section | None:
    """Grades by age group, the cap by unit, young 优秀, streaks and merits, quarterly trend and
    the 1+N link, and early warnings on the report's as-of date."""
    con, year, n = ctx.con, ctx.year, ctx.threshold
    dist = evaluation.grade_distribution(con, year=year, by="age_group")
    total = evaluation.grade_distribution(con, year=year, by="all")
    if total["persons"].sum() == 0:
        return None
    share = evaluation.excellent_share(con, year=year)
    young = evaluation.young_excellent_share(con, year=year, first_year=year - TREND_YEARS + 1)
    streaks = evaluation.streaks(con, year=year)
    merits = evaluation.merits(con, year=year, first_year=year - 4)
    unmatched = evaluation.unmatched_rewards(con, year=year, first_year=year - 4)
    quarters = evaluation.quarterly_distribution(con, year=year, first_year=year - QUARTER_YEARS + 1)
    link = evaluation.quarterly_vs_annual(con, year=year)
    declines = evaluation.quarterly_declines(con, year=year)
    warnings = evaluation.early_warnings(con, as_of=ctx.as_of)
    counts = evaluation.warning_counts(warnings)
    html = render(
        "evaluation.html.j2",
        year=year, as_of=ctx.as_of.isoformat(), threshold=n,
        cap=f"{share['cap'].iloc[0]:.0%}" if len(share) else "",
        young_limit=young.attrs["young_limit"],
        grade_chart=figure_html(charts.evaluation.grade_distribution(dist, small_cell=n)),
        grade_rows=_grade_rows(pd.concat([dist, total.assign(sort_key=999)]), n),
        units=len(share), over=int(share["over_cap"].sum()),
        share_chart=figure_html(charts.evaluation.excellent_share(share, top=TOP_UNITS, small_cell=n)),
        share_rows=[{"unit": r.unit_name or "（无在职单位）", "kind": r.unit_kind or "",
                     "graded": show_count(r.graded, n), "excellent": show_count(r.excellent, n),
                     "share": f"{r.share:.1%}"} for r in share[share["over_cap"]].itertuples()],
        young_chart=figure_html(charts.evaluation.young_excellent_trend(young)),
        young_rows=[{"year": r.year, "excellent": show_count(r.excellent, n),
                     "young": show_count(r.young_excellent, n),
                     "share": "" if pd.isna(r.young_share) else f"{r.young_share:.1%}"}
                    for r in young.itertuples()],
        streak_chart=figure_html(charts.evaluation.streak_histogram(streaks, small_cell=n)),
        streak_rows=_streak_rows(streaks, n),
        merit_rows=_merit_rows(merits, unmatched, year, n),
        quarter_chart=figure_html(charts.evaluation.quarterly_trend(quarters, small_cell=n)),
        quarter_rows=_quarter_rows(quarters, n),
        link_rows=_link_rows(link, n), declines=show_count(len(declines), n),
        # per unit only totals, only for units with at least n: no small cell by kind and unit
        warning_chart=figure_html(charts.evaluation.warnings_by_unit(
            counts, by_kind=False, min_count=n, small_cell=n,
            title=f"苗头性问题预警人次最多的单位（{ctx.as_of.isoformat()}，仅列{n}人次及以上）")),
        warning_rows=[{"kind": label, "persons": show_count(counts.loc[counts["kind"] == k, "persons"].sum(), n)}
                      for k, label in evaluation.WARNING_KINDS.items()],
        warned=show_count(warnings["person_id"].nunique(), n),
    )
    return Section(id="evaluation", title="考核评价", html=html)


def _grade_rows(df: pd.DataFrame, n: int) -> list[dict]:
    wide = df.pivot_table(index=["sort_key", "group_name"], columns="grade", values="persons",
                          aggfunc="sum", fill_value=0).sort_index()
    rows = []
    for (_, name), r in wide.iterrows():
        graded = sum(int(r.get(g, 0)) for g in charts.evaluation.ANNUAL)
        rows.append({"group": name, **{g: show_count(r.get(g, 0), n) for g in (*charts.evaluation.ANNUAL, "不定等次")},
                     "graded": show_count(graded, n),
                     "share": f"{r.get('优秀', 0) / graded:.1%}" if graded else ""})
    return rows


def _streak_rows(df: pd.DataFrame, n: int) -> list[dict]:
    top = int(df["longest_run"].max()) if len(df) else 0
    cur, lon = df["current_run"].value_counts(), df["longest_run"].value_counts()
    return [{"years": y, "current": show_count(cur.get(y, 0), n), "longest": show_count(lon.get(y, 0), n)}
            for y in range(1, top + 1)]


def _merit_rows(merits: pd.DataFrame, unmatched: pd.DataFrame, year: int, n: int) -> list[dict]:
    rows = []
    for y in range(year - 4, year + 1):
        m = merits[merits["block_end"] == y]
        rows.append({"year": y, "due": show_count(len(m), n),
                     "recorded": show_count((m["status"] == "已记功").sum(), n),
                     "missing": show_count((m["status"] == "未记功").sum(), n),
                     "pending": show_count((m["status"] == "待记功").sum(), n),
                     "unmatched": show_count((unmatched["awarded_on"].dt.year == y).sum(), n)})
    return rows


def _quarter_rows(df: pd.DataFrame, n: int) -> list[dict]:
    wide = df.pivot_table(index=["year", "quarter"], columns="grade", values="persons", aggfunc="sum",
                          fill_value=0).sort_index()
    return [{"quarter": f"{y}年第{q}季度", "graded": show_count(sum(r), n),
             **{g: show_count(r.get(g, 0), n) for g in charts.evaluation.QUARTERLY}}
            for (y, q), r in wide.iterrows()]


def _link_rows(df: pd.DataFrame, n: int) -> list[dict]:
    rows = []
    for k in range(4, -1, -1):
        part = df[df["good_quarters"] == k]
        total = int(part["persons"].sum())
        exc = int(part.loc[part["grade"] == "优秀", "persons"].sum())
        rows.append({"good": k, "persons": show_count(total, n), "excellent": show_count(exc, n),
                     "share": f"{exc / total:.1%}" if total else ""})
    return rows
