"""The report section 选拔使用 (use of the pipeline): rank-promotion eligibility and quotas on the
report date, promotions per year, time from entry to the first promotion and the funnel.
Counts and curves only: no named lists, no names; counts below the threshold are suppressed."""

from __future__ import annotations

import pandas as pd

from .. import charts, figures, pipeline
from ..privacy import show_count
from ._render import Context, Section, figure_html, render

#: Years of promotions shown, ending with the report year.
HISTORY_YEARS = 10
#: The forward view of the eligibility table: time condition met within this many months.
WITHIN_MONTHS = 6
#: KM curves: the cohorts shown (every few years) and the milestones tabulated (years).
KM_EVERY = 2
KM_MILESTONES = (3, 5, 8)


def build(ctx: Context) -> Section | None:
    """The section, or None when the database holds no one."""
    span = figures.data_years(ctx.con)
    if span is None:
        return None
    t = ctx.threshold
    counts = pipeline.eligibility_counts(ctx.con, as_of=ctx.as_of, within_months=WITHIN_MONTHS)
    quota = pipeline.quota_usage(ctx.con, as_of=ctx.as_of)
    first = max(span[0], ctx.year - HISTORY_YEARS + 1)
    events = pipeline.promotion_events(ctx.con, first_year=first, last_year=ctx.year, by="age_group")
    cohorts = list(range(span[0], ctx.year))[::-1][::KM_EVERY][::-1]
    km = pipeline.time_to_promotion(ctx.con, as_of=ctx.as_of, cohorts=cohorts)
    funnel = pipeline.funnel(ctx.con, as_of=ctx.as_of, cohorts=list(range(span[0], ctx.year - 2)))
    html = render(
        "pipeline.html.j2",
        as_of=ctx.as_of.isoformat(), year=ctx.year, threshold=t, within=WITHIN_MONTHS,
        summary=_summary(counts, t),
        eligibility_chart=figure_html(charts.pipeline.eligibility_bars(counts, quota=quota, small_cell=t)),
        eligibility=_eligibility_rows(counts, quota, t),
        quota_chart=figure_html(charts.pipeline.quota_bars(quota)) if len(quota) else None,
        quota=[{"unit": r.unit_name, "rank": r.rank, "max": f"{r.max_count:,}",
                "holders": f"{r.holders:,}", "headroom": f"{r.headroom:,}"} for r in quota.itertuples()],
        events_chart=figure_html(charts.pipeline.promotions_per_year(events)),
        events=_event_rows(events, t),
        km_chart=figure_html(charts.pipeline.km_curves(km, min_at_risk=t)),
        km=_km_rows(km, t), milestones=KM_MILESTONES,
        funnel_chart=figure_html(charts.pipeline.funnel_chart(funnel, small_cell=t)),
        funnel_steps=list(pipeline.FUNNEL_STEPS.values()),
        funnel=_funnel_rows(funnel, t),
    )
    return Section(id="pipeline", title="选拔使用", html=html)


def _summary(counts: pd.DataFrame, t: int) -> dict:
    total = counts[["persons", "eligible", "quota_blocked", "not_qualified", "due_within"]].sum()
    return {k: show_count(v, t) for k, v in total.items()}


def _eligibility_rows(counts: pd.DataFrame, quota: pd.DataFrame, t: int) -> list[dict]:
    cols = ["persons", "eligible", "quota_blocked", "not_qualified", "short_tenure", "grade_failed",
            "blocked", "due_within"]
    by_rank = counts.groupby(["next_step", "next_rank"])[cols].sum().reset_index().sort_values("next_step")
    room = quota[quota["unit_id"].isna()].set_index("rank")["headroom"] if len(quota) else pd.Series()
    rows = [{"rank": r["next_rank"], **{c: show_count(r[c], t) for c in cols},
             "room": f"{int(room[r['next_rank']]):,}" if r["next_rank"] in room.index else "不限"}
            for _, r in by_rank.iterrows()]
    total = by_rank[cols].sum()
    rows.append({"rank": "合计", **{c: show_count(total[c], t) for c in cols}, "room": ""})
    return rows


def _event_rows(events: pd.DataFrame, t: int) -> list[dict]:
    wide = events.pivot_table(index="year", columns=["kind", "grp"], values="persons",
                              aggfunc="sum", fill_value=0)
    keys = [("leadership", "40岁以下"), ("leadership", "40岁及以上"), ("rank", "40岁以下"),
            ("rank", "40岁及以上"), ("step_down", "40岁及以上")]
    wide = wide.reindex(columns=pd.MultiIndex.from_tuples(keys), fill_value=0)
    return [{"year": int(y), "cells": [show_count(v, t) for v in row]} for y, row in wide.iterrows()]


def _km_rows(km: pd.DataFrame, t: int) -> list[dict]:
    rows = []
    medians = km.attrs.get("median_months", {})
    for cohort, g in km.groupby("cohort"):
        cells = []
        for years in KM_MILESTONES:
            seen = g[g["months"] <= 12 * years]
            # a milestone is shown only while enough persons are still observed there
            at = g[g["months"] >= 12 * years]["at_risk"]
            enough = len(at) and at.iloc[0] >= t or (len(seen) and seen["months"].max() == 12 * years)
            cells.append(f"{1 - seen['survival'].iloc[-1]:.0%}" if len(seen) and enough else "—")
        median = medians.get(cohort)
        rows.append({"cohort": int(cohort), "persons": show_count(g["at_risk"].iloc[0], t),
                     "cells": cells,
                     "median": "未过半" if median is None else f"{median / 12:.1f}年"})
    return rows


def _funnel_rows(funnel: pd.DataFrame, t: int) -> list[dict]:
    wide = funnel.pivot_table(index="cohort", columns="step_no", values="persons", aggfunc="sum")
    wide.loc["合计"] = wide.sum()
    return [{"cohort": c, "cells": [show_count(v, t) for v in row]} for c, row in wide.iterrows()]
