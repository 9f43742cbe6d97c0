"""The report section 考核评价 (evaluation outcomes): aggregates only — no names, no person lists;
every count table protected (:mod:`qingmiao_lib.disclosure`: "<5", complementary "×"), every
chart drawn from the protection; shares of hidden cells shown as "—"."""

from __future__ import annotations

import pandas as pd

from .. import charts, evaluation
from ..charts._base import hidden_cells
from ..charts.evaluation import ANNUAL, QUARTERLY, streak_matrix
from ..disclosure import TOTAL
from ..labels import young_labels, young_limit
from ..sdc import Plan
from ._protect import Artefact, merge_note
from ._render import Context, Section, figure_html, render
from .structure import chart_html

TREND_YEARS = 6      # years shown in the young-excellent trend
QUARTER_YEARS = 3    # years of quarters in the quarterly trend
TOP_UNITS = 20       # units in the excellent-share chart
#: With more units than this, the cap table keeps its own rows for the over-cap units with the most
#: graded persons (LISTED_OVER_CAP) and the units the chart can draw (2 × TOP_UNITS highest
#: shares); the other units are one row 其他单位, so the county's totals stay the table's totals
#: and its protection does not grow with the number of units (10,000 units: minutes → <1 s).
ALL_UNITS_UP_TO = 200
LISTED_OVER_CAP = 50
OTHER_UNITS = "__other_units__"


def build(ctx: Context) -> Section | None:
    """Grades by age group, the cap by unit, young 优秀, streaks and merits, quarterly trend and
    the 1+N link, and early warnings on the report's as-of date — of ``ctx.units`` when given
    (the young-优秀 trend is the jurisdiction's and left out of a unit report)."""
    con, year, n, a = ctx.con, ctx.year, ctx.threshold, ctx.artefact
    u = {"units": list(ctx.units)} if ctx.units is not None else {}
    dist = evaluation.grade_distribution(con, year=year, by="age_group", **u)
    total = evaluation.grade_distribution(con, year=year, by="all", **u)
    if total["persons"].sum() == 0:
        return None
    share = evaluation.excellent_share(con, year=year, **u)
    young = (evaluation.young_excellent_share(con, year=year, first_year=year - TREND_YEARS + 1)
             if ctx.units is None else None)
    streaks = evaluation.streaks(con, year=year, **u)
    merits = evaluation.merits(con, year=year, first_year=year - 4, **u)
    unmatched = evaluation.unmatched_rewards(con, year=year, first_year=year - 4, **u)
    quarters = evaluation.quarterly_distribution(con, year=year, first_year=year - QUARTER_YEARS + 1, **u)
    link = evaluation.quarterly_vs_annual(con, year=year, **u)
    declines = evaluation.quarterly_declines(con, year=year, **u)
    warnings = evaluation.early_warnings(con, as_of=ctx.as_of, **u)
    counts = evaluation.warning_counts(warnings)

    merges = None
    if ctx.units is not None:        # a unit report recodes as the county report did
        from ._release import release

        county = release(ctx).problem.tables.get("年度考核等次分布（按年龄段）")
        merges = list(county.merges) if county is not None else None
    p_grade, p_unset = _protect_grades(dist, a, merges=merges)
    p_share, share_keys = _protect_shares(share, n, a)
    ctx.follow_county(p_share, unit_rows=True)
    p_young = None
    limit = young_limit(con)
    under, over = young_labels(limit)
    if young is not None:
        p_young = a.table(pd.DataFrame({under: young["young_excellent"].astype("int64").to_numpy(),
                                        over: (young["excellent"] - young["young_excellent"]).astype("int64").to_numpy()},
                                       index=[str(int(y)) for y in young["year"]]),
                          totals="row", name="年度考核优秀中的年轻公务员", principal="row_totals")
        if str(year) in _years(young):
            # this year's 优秀 total is the grade table's
            a.link(a.slot(p_young, str(year), TOTAL), a.slot(p_grade, TOTAL, "优秀"))
    p_streak = a.table(streak_matrix(streaks), totals=False, name="连续优秀年数分布")
    p_merit, p_unmatched = _protect_merits(merits, unmatched, year, a)
    p_quarter = _protect_quarters(quarters, a)
    p_link = _protect_link(link, a)
    p_single = a.table(pd.DataFrame({"n": [len(declines), warnings["person_id"].nunique()]},
                                    index=["declines", "warned"]), totals=False,
                       name="平时考核下滑人次、预警人数")
    p_kinds = a.table(pd.DataFrame({"n": [int(counts.loc[counts["kind"] == k, "persons"].sum())
                                          for k in evaluation.WARNING_KINDS]},
                                   index=list(evaluation.WARNING_KINDS)), totals=False,
                      name="苗头性问题预警（按类别）")

    def html():
        share_shown = _shares_shown(share, p_share, share_keys)
        return _html(ctx, dist, share, share_shown, young, streaks, quarters, warnings, counts,
                     p_grade, p_unset, p_young, p_streak, p_merit, p_unmatched, p_quarter, p_link,
                     p_single, p_kinds, limit)

    return Section(id="evaluation", title="考核评价", html=html, artefact=ctx.artefact)


def _years(young: pd.DataFrame) -> set[str]:
    return {str(int(y)) for y in young["year"]}


def _html(ctx, dist, share, share_shown, young, streaks, quarters, warnings, counts, p_grade,
          p_unset, p_young, p_streak, p_merit, p_unmatched, p_quarter, p_link, p_single, p_kinds,
          limit):
    """The section's HTML from its protected tables."""
    year, n = ctx.year, ctx.threshold
    over = share_shown[share_shown["over_cap"]]
    return render(
        "evaluation.html.j2",
        year=year, as_of=ctx.as_of.isoformat(), threshold=n,
        cap=f"{share['cap'].iloc[0]:.0%}" if len(share) else "",
        young_limit=limit,
        grade_chart=chart_html(charts.evaluation.grade_distribution(dist, small_cell=n, protected=p_grade),
                               hidden_cells(p_grade, cols=_grades_of(p_grade))),
        grade_rows=_grade_rows(p_grade, p_unset), grade_header=_grades_of(p_grade),
        merged=merge_note(p_grade),
        units=len(share), over=int(share["over_cap"].sum()),
        over_unlisted=share_shown.attrs.get("over_unlisted", 0),
        share_chart=figure_html(charts.evaluation.excellent_share(share_shown, top=TOP_UNITS, small_cell=n))
        if share_shown["share"].notna().any() else None,
        share_rows=[{"unit": r.unit_name or "（无在职单位）", "kind": r.unit_kind or "",
                     "graded": r.graded_shown, "excellent": r.excellent_shown,
                     "share": "—" if pd.isna(r.share) else f"{r.share:.1%}"} for r in over.itertuples()],
        young_chart=chart_html(charts.evaluation.young_excellent_trend(young, protected=p_young),
                               hidden_cells(p_young, cols=p_young.header[:2]))
        if young is not None else None,
        young_rows=[{"year": k, "excellent": p_young.cell(k, TOTAL), "young": p_young.cell(k, p_young.header[0]),
                     "share": p_young.share("row").at[k, p_young.header[0]]}
                    for k in p_young.values.index] if p_young is not None else [],
        streak_chart=chart_html(charts.evaluation.streak_histogram(streaks, small_cell=n, protected=p_streak),
                                hidden_cells(p_streak)),
        streak_rows=[{"years": k, "current": c, "longest": lo}
                     for k, (c, lo) in zip(p_streak.values.index, p_streak.shown().to_numpy(), strict=True)],
        merit_rows=[{"year": k, "due": p_merit.cell(k, TOTAL), "recorded": p_merit.cell(k, "已记功"),
                     "missing": p_merit.cell(k, "未记功"), "pending": p_merit.cell(k, "待记功"),
                     "unmatched": p_unmatched.cell(k, "n")} for k in p_merit.values.index],
        quarter_chart=chart_html(charts.evaluation.quarterly_trend(quarters, small_cell=n, protected=p_quarter),
                                 hidden_cells(p_quarter, cols=list(QUARTERLY))),
        quarter_rows=[{"quarter": k.replace("年Q", "年第") + "季度", "graded": p_quarter.cell(k, TOTAL),
                       **{g: p_quarter.cell(k, g) for g in QUARTERLY}} for k in p_quarter.values.index],
        link_rows=[{"good": k, "persons": p_link.cell(k, TOTAL), "excellent": p_link.cell(k, "优秀"),
                    "share": p_link.share("row").at[k, "优秀"]} for k in p_link.values.index],
        declines=p_single.cell("declines", "n"),
        # per unit only totals, only for units with at least n: no small cell by kind and unit
        warning_chart=figure_html(charts.evaluation.warnings_by_unit(
            counts, by_kind=False, min_count=n, small_cell=n,
            title=f"苗头性问题预警人次最多的单位（{ctx.as_of.isoformat()}，仅列{n}人次及以上）")),
        warning_rows=[{"kind": label, "persons": p_kinds.cell(k, "n")}
                      for k, label in evaluation.WARNING_KINDS.items()],
        warned=p_single.cell("warned", "n"),
    )


def _protect_grades(dist: pd.DataFrame, a: Artefact, *, merges: list | None = None):
    """Age groups × the four grades with totals (row total = 定等次人数, the 合计 row = all
    ages), and 不定等次 per age group with its total. ``merges``: the county report's recoding
    (a unit report's), else :data:`GRADE_PLAN` decides."""
    wide = dist.pivot_table(index=["sort_key", "group_name"], columns="grade", values="persons",
                            aggfunc="sum", fill_value=0).sort_index()
    wide.index = [g for _, g in wide.index]
    main = wide.reindex(columns=list(ANNUAL), fill_value=0).astype("int64")
    main.columns.name = None
    unset = wide.reindex(columns=["不定等次"], fill_value=0).astype("int64")
    unset.columns.name = None
    # 优秀 of every age group and the totals stay visible; 基本称职 and 不称职 may be shown as one
    principal = ["totals", *((g, "优秀") for g in main.index)]
    recode = {"plan": GRADE_PLAN} if merges is None else {"merges": merges}
    return (a.table(main, name="年度考核等次分布（按年龄段）", principal=principal, **recode),
            a.table(unset, totals="column", name="不定等次（按年龄段）", principal="column_totals"))


#: Recoding of the grade tables: the two lowest grades may be shown together.
GRADE_PLAN = Plan("columns", groups={("基本称职", "不称职"): "基本称职及以下"})


def _grades_of(p) -> list[str]:
    return [c for c in p.values.columns if c != TOTAL]


def _grade_rows(p, unset) -> list[dict]:
    shares = p.share("row")
    return [{"group": k, "cells": [p.cell(k, g) for g in _grades_of(p)], "不定等次": unset.cell(k, "不定等次"),
             "graded": p.cell(k, TOTAL), "share": shares.at[k, "优秀"]} for k in p.values.index]


def _protect_shares(share: pd.DataFrame, n: int, a: Artefact):
    """Units × (优秀, 其他等次) with totals; the frame back with shown counts and ``share``
    missing where the excellent count or the graded count is hidden. Only the units the
    section prints keep a row — the over-cap units (the first :data:`LISTED_OVER_CAP` by graded
    persons beyond :data:`ALL_UNITS_UP_TO` units) and the chart's candidates — the others are
    summed into one row that is printed nowhere: a count nobody sees needs no protection, and
    the listed units' cells are not hidden to protect it. The frame back holds the listed units
    only (``attrs["over_unlisted"]``: over-cap units left out of the list)."""
    share = share.reset_index(drop=True)
    over = share[share["over_cap"]].sort_values("graded", ascending=False, kind="stable")
    top = share[share["graded"] >= n].sort_values(["share", "graded"], ascending=[False, False],
                                                 kind="stable")
    cap_rows = over.index[:LISTED_OVER_CAP] if len(share) > ALL_UNITS_UP_TO else over.index
    listed = cap_rows.union(top.index[:2 * TOP_UNITS])
    keys = [f"u:{u}" for u in share.loc[listed, "unit_id"]]
    table = pd.DataFrame({"优秀": share.loc[listed, "excellent"].astype("int64").to_numpy(),
                          "其他等次": (share.loc[listed, "graded"] - share.loc[listed, "excellent"])
                          .astype("int64").to_numpy()}, index=keys)
    rest = share.drop(index=listed)
    if len(rest):
        table.loc[OTHER_UNITS] = [int(rest["excellent"].sum()), int((rest["graded"] - rest["excellent"]).sum())]
    # an over-cap unit's counts stay visible when another protection exists (the list names it)
    over_keys = [k for k, i in zip(keys, listed, strict=True) if bool(share.at[i, "over_cap"])]
    p = a.table(table, name="各单位优秀人数与定等次人数",
                principal=["column_totals", *((k, c) for k in over_keys for c in ("优秀", TOTAL))])
    return p, (listed, keys, rest)


def _shares_shown(share: pd.DataFrame, p, got) -> pd.DataFrame:
    """The share frame back with shown counts, ``share`` missing where hidden (see
    :func:`_protect_shares`)."""
    share = share.reset_index(drop=True)
    listed, keys, rest = got
    hide = [p.is_hidden(k, "优秀") or p.is_hidden(k, TOTAL) for k in keys]
    cap = float(share["cap"].iloc[0]) if len(share) else 1.0
    graded = [p.cell(k, TOTAL) if not _cap_pins(share.at[i, "over_cap"], p, k, cap) else "×"
              for k, i in zip(keys, listed, strict=True)]
    out = share.loc[listed].assign(excellent_shown=[p.cell(k, "优秀") for k in keys],
                                   graded_shown=graded)
    out["share"] = out["share"].where([not h for h in hide])
    out.attrs = dict(share.attrs, over_unlisted=int(rest["over_cap"].sum()))
    return out


def _cap_pins(over_cap, p, key, cap: float) -> bool:
    """Whether printing an over-cap unit's graded count beside its "<t" 优秀 count would pin the
    latter: "over the cap" says 优秀 > cap × graded, which with the graded count shown may leave
    one value in 1..t−1 (18 graded, cap 20%: 优秀 > 3.6, so "<5" means 4). Then the graded
    count is not printed in the list of over-cap units (it is printed nowhere else)."""
    if not over_cap or p.status.at[key, "优秀"] != "primary" or p.is_hidden(key, TOTAL):
        return False
    graded = int(p.values.at[key, TOTAL])
    return sum(1 for e in range(1, p.threshold) if e > cap * graded) < 2


def _protect_merits(merits: pd.DataFrame, unmatched: pd.DataFrame, year: int, a: Artefact):
    years = [str(y) for y in range(year - 4, year + 1)]
    rows = {}
    for y in range(year - 4, year + 1):
        m = merits[merits["block_end"] == y]
        rows[str(y)] = [int((m["status"] == s).sum()) for s in ("已记功", "未记功", "待记功")]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["已记功", "未记功", "待记功"]).loc[years]
    um = pd.DataFrame({"n": [int((unmatched["awarded_on"].dt.year == int(y)).sum()) for y in years]}, index=years)
    return (a.table(table, totals="row", name="应记三等功（按年度）", principal="row_totals"),
            a.table(um, totals=False, name="无对应连续优秀的三等功"))


def _protect_quarters(df: pd.DataFrame, a: Artefact):
    wide = df.pivot_table(index=["year", "quarter"], columns="grade", values="persons", aggfunc="sum",
                          fill_value=0).sort_index()
    wide.index = [f"{y}年Q{q}" for y, q in wide.index]
    wide = wide.reindex(columns=list(QUARTERLY), fill_value=0).astype("int64")
    wide.columns.name = None
    return a.table(wide, totals="row", name="平时考核等次（按季度）", principal="row_totals")


def _protect_link(df: pd.DataFrame, a: Artefact):
    rows = {}
    for k in range(4, -1, -1):
        part = df[df["good_quarters"] == k]
        tot = int(part["persons"].sum())
        exc = int(part.loc[part["grade"] == "优秀", "persons"].sum())
        rows[k] = [exc, tot - exc]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["优秀", "非优秀"])
    return a.table(table, totals="row", name="平时考核“好”的季度数与年度优秀", principal="row_totals")
