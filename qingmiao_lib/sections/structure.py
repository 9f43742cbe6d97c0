"""The report section 队伍结构 (cohort structure): the pyramid of the young, the young by unit
kind and education, ten years of structure, the pools' flows, the unit comparison table and the
bench-strength gap list — each chart with its numbers one click away. Aggregates only."""

from __future__ import annotations

import pandas as pd

from .. import charts, structure
from ..privacy import show_count
from ._render import Context, Section, figure_html, render


def build(ctx: Context) -> Section | None:
    """The section for the report's year (all counts on ``ctx.as_of``)."""
    con, day, t = ctx.con, ctx.as_of, ctx.threshold
    pyr = structure.age_pyramid(con, as_of=day, band_years=5, young_only=True)
    young_limit = int(con.execute("select rule_num('general.young_age_limit')").fetchall()[0][0])
    by_kind = structure.headcount(con, as_of=day, by=["unit_kind", "education"], young=True)
    first = max(ctx.year - 9, _first_year(con, ctx.year))
    history = structure.over_time(con, first_year=first, last_year=ctx.year, by="generation")
    pool_first = _first_pool_year(con, first, ctx.year)
    pools = structure.pool_dynamics(con, first_year=pool_first, last_year=ctx.year)
    exits = structure.pool_exits(con, first_year=pool_first, last_year=ctx.year)
    units = structure.unit_comparison(con, as_of=day)
    towns = structure.unit_comparison(con, as_of=day, unit_kind="乡镇街道")
    gaps = structure.bench_gaps(con, as_of=day)
    html = render(
        "structure.html.j2",
        as_of=day.isoformat(), year=ctx.year, first_year=first, threshold=t, young_limit=young_limit,
        pyramid_chart=figure_html(charts.pyramid(pyr, small_cell=t)),
        pyramid=_pyramid_rows(pyr, t),
        kind_chart=figure_html(charts.structure.stacked_bars(
            by_kind, "unit_kind", "education", small_cell=t,
            title=f"40岁以下公务员按单位类别、学历分布（截至 {day.isoformat()}）")),
        kind=_wide(by_kind, "unit_kind", "education", t),
        history_chart=figure_html(charts.structure.over_time(history, "generation", small_cell=t)),
        history=_wide(history, "year", "generation", t),
        pool_chart=figure_html(charts.structure.pool_flows(pools, small_cell=t)),
        pools=_pool_rows(pools, exits, t),
        towns_chart=figure_html(charts.structure.unit_heat_table(
            towns, small_cell=t,
            title=f"乡镇（街道）队伍结构对比（截至 {day.isoformat()}；颜色越深，在各乡镇中越高）")),
        units=_unit_rows(units, t),
        gaps=[{"unit": r.unit_name, "kind": r.unit_kind, "gap": r.gap,
               "leaders": show_count(r.leader_posts, t),
               "age": "—" if pd.isna(r.leaders_avg_age) or r.leader_posts < t else f"{r.leaders_avg_age:.1f}"}
              for r in gaps.itertuples()],
        gap_rank=structure.GAP_RANK,
    )
    return Section(id="structure", title="队伍结构", html=html)


def _first_pool_year(con, first: int, year: int) -> int:
    got = con.execute("select year(min(entered_on)) from pool_members").fetchall()[0][0]
    return min(year, max(first, int(got))) if got is not None else first


def _first_year(con, year: int) -> int:
    got = con.execute("select year(min(entry_date)) from persons").fetchall()[0][0]
    return int(got) if got is not None else year


def _pyramid_rows(df: pd.DataFrame, threshold: int) -> list[dict]:
    wide = (df.pivot_table(index=["band_start", "band"], columns="gender", values="persons",
                           aggfunc="sum", fill_value=0)
            .reindex(columns=["男", "女"], fill_value=0).sort_index())
    wide.loc[(9999, "合计"), :] = wide.sum()
    return [{"band": band, "male": show_count(m, threshold), "female": show_count(f, threshold),
             "total": show_count(m + f, threshold)}
            for (_, band), m, f in zip(wide.index, wide["男"], wide["女"], strict=True)]


def _wide(df: pd.DataFrame, rows: str, cols: str, threshold: int) -> dict:
    """A cross table (rows × cols, totals) with small counts shown as "<threshold"."""
    order_r, order_c = list(dict.fromkeys(df[rows])), list(dict.fromkeys(df[cols]))
    wide = (df.pivot_table(index=rows, columns=cols, values="persons", aggfunc="sum", fill_value=0)
            .reindex(index=order_r, columns=order_c, fill_value=0))
    wide["合计"] = wide.sum(axis=1)
    return {"header": [*map(str, order_c), "合计"],
            "rows": [{"label": str(k), "cells": [show_count(v, threshold) for v in r]}
                     for k, r in zip(wide.index, wide.to_numpy(), strict=True)]}


def _pool_rows(dyn: pd.DataFrame, exits: pd.DataFrame, threshold: int) -> list[dict]:
    reasons = exits.groupby(["pool", "year"]).apply(
        lambda g: "、".join(f"{r} {show_count(n, threshold)}" for r, n in zip(g["exit_reason"], g["exits"], strict=True)),
        include_groups=False)
    return [{"pool": r.pool, "year": r.year, "start": show_count(r.size_start, threshold),
             "entries": show_count(r.entries, threshold), "exits": show_count(r.exits, threshold),
             "size": show_count(r.size, threshold), "reasons": reasons.get((r.pool, r.year), ""),
             "median": "—" if pd.isna(r.median_months) or r.size < threshold else f"{r.median_months:.0f}"}
            for r in dyn.itertuples() if r.size_start or r.size or r.exits]


def _unit_rows(df: pd.DataFrame, threshold: int) -> list[dict]:
    out = []
    for r in df.itertuples():
        hide = r.persons < threshold and not r.is_total

        def num(v, fmt, hide=hide):
            return "—" if hide or pd.isna(v) else fmt.format(v)

        out.append({"unit": r.unit_name, "kind": "" if pd.isna(r.unit_kind) else r.unit_kind,
                    "total": bool(r.is_total), "persons": show_count(r.persons, threshold),
                    "age": num(r.avg_age, "{:.1f}"), "service": num(r.avg_service_years, "{:.1f}"),
                    "party": num(r.avg_party_years, "{:.1f}"), "young": num(r.share_young, "{:.0%}"),
                    "bachelor": num(r.share_bachelor_plus, "{:.0%}"), "women": num(r.share_women, "{:.0%}")})
    return out
