"""The report section 选拔使用 (use of the pipeline): rank-promotion eligibility and quotas on the
report date, promotions per year, time from entry to the first promotion and the funnel. Every
count table protected (:mod:`qingmiao_lib.disclosure`: "<5", complementary "×"), every chart drawn
from the protection; one action list — persons eligible for rank promotion — names masked unless
``--unmasked``."""

from __future__ import annotations

import pandas as pd

from .. import charts, figures, pipeline
from ..charts._base import hidden_cells
from ..charts.pipeline import OUTCOMES
from ..disclosure import TOTAL, Protected
from ..labels import young_labels, young_limit
from ..privacy import mask_name
from ._protect import Artefact
from ._render import Context, Section, figure_html, render
from .structure import chart_html

#: Years of promotions shown, ending with the report year.
HISTORY_YEARS = 10
#: The forward view of the eligibility table: time condition met within this many months.
WITHIN_MONTHS = 6
#: KM curves: the cohorts shown (every few years) and the milestones tabulated (years).
KM_EVERY = 2
KM_MILESTONES = (3, 5, 8)
#: The eligible list shows at most this many persons; the rest are counted ("另有 N 人").
LIST_CAP = 50

_OUTCOMES = ("eligible", "quota_blocked", "not_qualified")
#: The eligibility table's columns: qualified = eligible + quota_blocked, 合计 = qualified +
#: not_qualified.
_ELIGIBILITY = ("eligible", "quota_blocked", "qualified", "not_qualified")
_CONDITIONS = ("short_tenure", "grade_failed", "blocked", "due_within")


def build(ctx: Context) -> Section | None:
    """The section, or None when the database holds no one. A unit report (``ctx.units``) has
    the units' eligibility and list; quotas are the jurisdiction's; promotions per year, the
    KM curves and the funnel are jurisdiction-wide analyses and left out."""
    span = figures.data_years(ctx.con)
    if span is None:
        return None
    t, a = ctx.threshold, ctx.artefact
    u = {"units": list(ctx.units)} if ctx.units is not None else {}
    counts = pipeline.eligibility_counts(ctx.con, as_of=ctx.as_of, within_months=WITHIN_MONTHS, **u)
    quota = pipeline.quota_usage(ctx.con, as_of=ctx.as_of)
    # the list's first eligible persons, in its order (unit code, higher ranks first: the order
    # `qingmiao eligible` exports the whole list in), and how many there are (the counts')
    listed = pipeline.eligibility(ctx.con, as_of=ctx.as_of, eligible_only=True, limit=LIST_CAP, **u)
    p_out, p_cond = _protect_eligibility(counts, a)
    p_quota = a.table(pd.DataFrame({"holders": quota["holders"].astype("int64").to_numpy()},
                                   index=[f"q{i}" for i in range(len(quota))]), totals=False,
                      name="职数现有人数")
    ctx.follow_county(p_quota)                  # the jurisdiction's quotas, as the county report prints them
    if ctx.units is None:
        first = max(span[0], ctx.year - HISTORY_YEARS + 1)
        events = pipeline.promotion_events(ctx.con, first_year=first, last_year=ctx.year, by="age_group")
        cohorts = list(range(span[0], ctx.year))[::-1][::KM_EVERY][::-1]
        # curves and medians stop where fewer than the report's threshold are at risk
        km = pipeline.time_to_promotion(ctx.con, as_of=ctx.as_of, cohorts=cohorts, min_at_risk=t)
        funnel = pipeline.funnel(ctx.con, as_of=ctx.as_of, cohorts=list(range(span[0], ctx.year - 2)))
        p_events = _protect_events(events, young_labels(young_limit(ctx.con)), a)
        p_km = _protect_km(km, a)
        p_funnel = _protect_funnel(funnel, a)
    eligible_list = [{"name": r.name if ctx.unmasked else mask_name(r.name), "unit": r.unit_name or "",
                      "rank": r.current_rank, "next": r.next_rank,
                      "tenure": f"{int(r.tenure_months) // 12}年{int(r.tenure_months) % 12}个月",
                      "excellent": int(r.excellent_years)}
                     for r in listed.itertuples()]
    eligible_count = int(counts["eligible"].sum())

    def html():
        places = _places(quota, p_quota)
        quota_rows = [{"unit": r.unit_name, "rank": r.rank, "max": f"{r.max_count:,}",
                       "holders": p_quota.cell(f"q{i}", "holders"),
                       "headroom": "—" if p_quota.is_hidden(f"q{i}", "holders") else f"{r.headroom:,}"}
                      for i, r in enumerate(quota.itertuples())]
        shown_quota = quota[[not p_quota.is_hidden(f"q{i}", "holders") for i in range(len(quota))]]
        return render(
            "pipeline.html.j2",
            as_of=ctx.as_of.isoformat(), year=ctx.year, threshold=t, within=WITHIN_MONTHS,
            unit_report=ctx.units is not None,
            summary={**{c: p_out.cell(TOTAL, c) for c in _ELIGIBILITY}, "persons": p_out.cell(TOTAL, TOTAL),
                     "due_within": p_cond.cell(TOTAL, "due_within")},
            rank_lines=_rank_lines(p_out, places),
            eligibility_chart=chart_html(charts.pipeline.eligibility_bars(counts, quota=shown_quota, small_cell=t,
                                                                          protected=p_out),
                                         hidden_cells(p_out, rows=sorted(set(counts["next_rank"])),
                                                      cols=[c for c, _, _ in OUTCOMES])),
            eligibility=_eligibility_rows(p_out, p_cond, places),
            quota_chart=figure_html(charts.pipeline.quota_bars(shown_quota)) if len(shown_quota) else None,
            quota=quota_rows,
            history=None if ctx.units is not None else _history(events, km, funnel, p_events, p_km, p_funnel, t),
            milestones=KM_MILESTONES,
            funnel_steps=list(pipeline.FUNNEL_STEPS.values()),
            eligible_list=eligible_list, eligible_count=eligible_count,
            eligible_more=max(0, eligible_count - LIST_CAP),
            unmasked=ctx.unmasked,
        )

    return Section(id="pipeline", title="选拔使用", html=html, artefact=ctx.artefact)


def _history(events, km, funnel, p_events, p_km, p_funnel, t: int) -> dict:
    """The jurisdiction's promotions per year, KM curves and funnel, from their protection."""
    km_shown = km[[not p_km.is_hidden(str(int(c)), "persons") for c in km["cohort"]]]
    km_shown.attrs = dict(km.attrs)
    return {
        "events_chart": figure_html(charts.pipeline.promotions_per_year(events, protected=p_events)),
        "events_header": p_events.header,
        "events": [{"year": k, "cells": list(r)} for k, r in zip(p_events.values.index,
                                                                 p_events.shown().to_numpy(), strict=True)],
        "km_chart": figure_html(charts.pipeline.km_curves(km_shown, min_at_risk=t)),
        "km": _km_rows(km, p_km, t), "km_min_at_risk": km.attrs["min_at_risk"],
        "funnel_chart": chart_html(charts.pipeline.funnel_chart(funnel, small_cell=t, protected=p_funnel),
                                   hidden_cells(p_funnel, rows=[TOTAL])),
        "funnel": p_funnel.rows(),
    }


def _protect_eligibility(counts: pd.DataFrame, a: Artefact):
    """Next ranks (and 合计) × (eligible, quota_blocked, qualified = their sum, not_qualified,
    合计 = 有晋升空间的人数 = qualified + not_qualified), protected together; and the failed
    conditions per rank with their 合计 row (a person may fail several: no row total)."""
    by_rank = (counts.groupby(["next_step", "next_rank"])[[*_OUTCOMES, *_CONDITIONS]].sum()
               .reset_index().sort_values("next_step"))
    idx = by_rank["next_rank"].astype(str).tolist()
    out = pd.DataFrame({c: by_rank[c].astype("int64").to_numpy() for c in _OUTCOMES}, index=idx)
    out["qualified"] = out["eligible"] + out["quota_blocked"]
    out[TOTAL] = out["qualified"] + out["not_qualified"]
    out = out[[*_ELIGIBILITY, TOTAL]]
    out.loc[TOTAL] = out.sum(axis=0)
    rows = [*idx, TOTAL]
    relations = [((r, "qualified"), [(r, "eligible"), (r, "quota_blocked")]) for r in rows]
    relations += [((r, TOTAL), [(r, "qualified"), (r, "not_qualified")]) for r in rows]
    relations += [((TOTAL, c), [(r, c) for r in idx]) for c in (*_ELIGIBILITY, TOTAL)]
    cond = pd.DataFrame({c: by_rank[c].astype("int64").to_numpy() for c in _CONDITIONS}, index=idx)
    p_out = a.linear(out, relations=relations, name="职级晋升资格（按拟晋升职级）")
    return p_out, a.table(cond, totals="column", name="未满足的资格条件（按拟晋升职级）")


def _places(quota: pd.DataFrame, p_quota: Protected) -> dict[str, int | None]:
    """职数空缺 per rank with a jurisdiction-wide quota: quota − holders on the report date
    (:func:`qingmiao_lib.pipeline.quota_usage`'s ``headroom``; negative when over), None where
    the holders are hidden (the quota is published, so the places would give them away). A rank
    without a jurisdiction quota is absent (不限)."""
    out: dict[str, int | None] = {}
    for i, r in enumerate(quota.itertuples()):
        if pd.isna(r.unit_id):
            out[str(r.rank)] = None if p_quota.is_hidden(f"q{i}", "holders") else int(r.headroom)
    return out


def _places_text(rank: str, places: dict) -> str:
    if rank not in places:
        return "不限"
    room = places[rank]
    if room is None:
        return "—"
    return f"{room:,}" if room > 0 else ("0（职数已满）" if room == 0 else f"0（超出 {-room:,}）")


def _rank_lines(p: Protected, places: dict) -> list[dict]:
    """The headline per next rank: 个人条件符合 N · 职数空缺 M, and whether N exceeds M (said
    only when N is shown: a hidden N's relation to M would narrow it; "no places" depends on M
    alone)."""
    lines = []
    for k in p.values.index:
        if k == TOTAL or not p.values.at[k, TOTAL]:
            continue
        n, room = int(p.values.at[k, "qualified"]), places.get(k)
        shown = not p.is_hidden(k, "qualified")
        if k not in places:
            note = "未设职数"
        elif room is None:
            note = ""
        elif room <= 0:
            note = "无空缺，暂不能晋升"
        else:
            note = "个人条件符合者多于空缺，须择优" if shown and n > room else ""
        lines.append({"rank": k, "qualified": p.cell(k, "qualified"), "places": _places_text(k, places),
                      "note": note})
    return lines


def _eligibility_rows(p: Protected, cond: Protected, places: dict) -> list[dict]:
    return [{"rank": k, "persons": p.cell(k, TOTAL), **{c: p.cell(k, c) for c in _ELIGIBILITY},
             **{c: cond.cell(k, c) for c in _CONDITIONS},
             "room": "" if k == TOTAL else _places_text(k, places)}
            for k in p.values.index]


def _protect_events(events: pd.DataFrame, groups: tuple[str, str], a: Artefact):
    """Years × (kind · age group, kind total): each kind's total = its two groups (``groups``:
    the young and the older label of the rules' young age limit, as the events name them)."""
    years = list(range(events.attrs["first_year"], events.attrs["last_year"] + 1))
    labels = list(dict.fromkeys(events["kind_label"]))
    cols, relations, data = [], [], {}
    for label in labels:
        part = events[events["kind_label"] == label]
        present = [g for g in groups if (part["grp"] == g).any()]
        for g in present:
            got = part[part["grp"] == g].set_index("year")["persons"]
            data[f"{label}·{g}"] = [int(got.get(y, 0)) for y in years]
        data[label] = [sum(data[f"{label}·{g}"][i] for g in present) for i in range(len(years))]
        cols += [f"{label}·{g}" for g in present] + [label]
    keys = [str(y) for y in years]
    table = pd.DataFrame({c: data[c] for c in cols}, index=keys)
    for label in labels:
        parts = [c for c in cols if c.startswith(f"{label}·")]
        if len(parts) > 1:
            relations += [((k, label), [(k, c) for c in parts]) for k in keys]
    return a.linear(table, relations=relations, totals=[(k, lb) for k in keys for lb in labels],
                    name="提拔与晋升人数（按年度）")


def _protect_km(km: pd.DataFrame, a: Artefact):
    """The entrants of each cohort with a curve (its at-risk count at month 0); a cohort smaller
    than the curves' threshold has no rows and is shown "<N" by :func:`_km_rows`."""
    first = km.groupby("cohort", sort=True)["at_risk"].first()
    return a.table(pd.DataFrame({"persons": first.astype("int64").to_numpy()},
                                index=[str(int(c)) for c in first.index]), totals=False,
                   name="各录用年份人数（首次晋升分析）")


def _km_rows(km: pd.DataFrame, p: Protected, t: int) -> list[dict]:
    """One row per cohort with an entrant (``attrs["median_note"]``): entrants, the share promoted
    by each milestone while at least the threshold are observed there, and the median — or why
    there is none (``median_note``: 未过半, 过半时观察人数不足N人, 人数不足N人)."""
    rows = []
    medians, notes = km.attrs.get("median_months", {}), km.attrs.get("median_note", {})
    n = km.attrs.get("min_at_risk", t)
    for cohort in sorted(notes):
        g = km[km["cohort"] == cohort]
        key = str(int(cohort))
        if not len(g):            # fewer entrants than the threshold: no curve, no figures
            rows.append({"cohort": int(cohort), "persons": f"<{n}", "cells": ["—"] * len(KM_MILESTONES),
                         "median": notes[cohort] or "—"})
            continue
        hidden = p.is_hidden(key, "persons")
        cells = []
        for years in KM_MILESTONES:
            seen = g[g["months"] <= 12 * years]
            # a milestone is shown only while enough persons are still observed there: the curve
            # (rows with at least the threshold at risk) goes on past it, or has a row on it
            enough = (g["months"] >= 12 * years).any()
            cells.append(f"{1 - seen['survival'].iloc[-1]:.0%}" if len(seen) and enough and not hidden else "—")
        median = medians.get(cohort)
        rows.append({"cohort": int(cohort), "persons": p.cell(key, "persons"), "cells": cells,
                     "median": "—" if hidden else (notes.get(cohort) or "—" if median is None
                                                   else f"{median / 12:.1f}年")})
    return rows


def _protect_funnel(funnel: pd.DataFrame, a: Artefact):
    """Cohorts × steps (nested, not additive across steps) with the 合计 row."""
    wide = funnel.pivot_table(index="cohort", columns="step_no", values="persons", aggfunc="sum",
                              fill_value=0).astype("int64")
    wide.index = [str(int(c)) for c in wide.index]
    wide.index.name = wide.columns.name = None
    return a.table(wide, totals="column", name="成长漏斗（按录用年份）", principal="column_totals")
