"""The report section 考核评价 (evaluation outcomes): aggregates only — no names, no person lists;
every count table protected (:mod:`qingmiao_lib.disclosure`: "<5", complementary "×"), every
chart drawn from the protection; shares of hidden cells shown as "—"."""

from __future__ import annotations

import pandas as pd

from .. import charts, evaluation
from ..charts._base import hidden_cells
from ..charts.evaluation import ANNUAL, QUARTERLY, streak_matrix
from ..disclosure import TOTAL, Protected, protect
from ..labels import young_labels, young_limit
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
    con, year, n, log = ctx.con, ctx.year, ctx.threshold, ctx.log
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

    p_grade, p_unset = _protect_grades(dist, n, log)
    share_shown = _protect_shares(share, n, log)
    p_young = None
    limit = young_limit(con)
    under, over = young_labels(limit)
    if young is not None:
        p_young = protect(pd.DataFrame({under: young["young_excellent"].astype("int64").to_numpy(),
                                        over: (young["excellent"] - young["young_excellent"]).astype("int64").to_numpy()},
                                       index=[str(int(y)) for y in young["year"]]),
                          n, totals="row", name="年度考核优秀中的年轻公务员", log=log)
    p_streak = protect(streak_matrix(streaks), n, totals=False, name="连续优秀年数分布", log=log)
    p_merit, p_unmatched = _protect_merits(merits, unmatched, year, n, log)
    p_quarter = _protect_quarters(quarters, n, log)
    p_link = _protect_link(link, n, log)
    p_single = protect(pd.DataFrame({"n": [len(declines), warnings["person_id"].nunique()]},
                                    index=["declines", "warned"]), n, totals=False,
                       name="平时考核下滑人次、预警人数", log=log)
    p_kinds = protect(pd.DataFrame({"n": [int(counts.loc[counts["kind"] == k, "persons"].sum())
                                          for k in evaluation.WARNING_KINDS]},
                                   index=list(evaluation.WARNING_KINDS)), n, totals=False,
                      name="苗头性问题预警（按类别）", log=log)
    over = share_shown[share_shown["over_cap"]]
    html = render(
        "evaluation.html.j2",
        year=year, as_of=ctx.as_of.isoformat(), threshold=n,
        cap=f"{share['cap'].iloc[0]:.0%}" if len(share) else "",
        young_limit=limit,
        grade_chart=chart_html(charts.evaluation.grade_distribution(dist, small_cell=n, protected=p_grade),
                               hidden_cells(p_grade, cols=list(ANNUAL))),
        grade_rows=_grade_rows(p_grade, p_unset),
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
    return Section(id="evaluation", title="考核评价", html=html)


def _protect_grades(dist: pd.DataFrame, n: int, log: list) -> tuple[Protected, Protected]:
    """Age groups × the four grades with totals (row total = 定等次人数, the 合计 row = all
    ages), and 不定等次 per age group with its total."""
    wide = dist.pivot_table(index=["sort_key", "group_name"], columns="grade", values="persons",
                            aggfunc="sum", fill_value=0).sort_index()
    wide.index = [g for _, g in wide.index]
    main = wide.reindex(columns=list(ANNUAL), fill_value=0).astype("int64")
    main.columns.name = None
    unset = wide.reindex(columns=["不定等次"], fill_value=0).astype("int64")
    unset.columns.name = None
    return (protect(main, n, name="年度考核等次分布（按年龄段）", log=log),
            protect(unset, n, totals="column", name="不定等次（按年龄段）", log=log))


def _grade_rows(p: Protected, unset: Protected) -> list[dict]:
    shares = p.share("row")
    return [{"group": k, **{g: p.cell(k, g) for g in ANNUAL}, "不定等次": unset.cell(k, "不定等次"),
             "graded": p.cell(k, TOTAL), "share": shares.at[k, "优秀"]} for k in p.values.index]


def _protect_shares(share: pd.DataFrame, n: int, log: list) -> pd.DataFrame:
    """Units × (优秀, 其他等次) with totals; the frame back with shown counts and ``share``
    missing where the excellent count or the graded count is hidden. Beyond
    :data:`ALL_UNITS_UP_TO` units only the listed units keep a row (the rest summed into one),
    and the frame back holds those units only (``attrs["over_unlisted"]``: over-cap units left
    out of the list)."""
    share = share.reset_index(drop=True)
    listed = share.index
    if len(share) > ALL_UNITS_UP_TO:
        over = share[share["over_cap"]].sort_values("graded", ascending=False, kind="stable")
        top = share[share["graded"] >= n].sort_values(["share", "graded"], ascending=[False, False],
                                                     kind="stable")
        listed = over.index[:LISTED_OVER_CAP].union(top.index[:2 * TOP_UNITS])
    keys = [f"u{i}" for i in listed]
    table = pd.DataFrame({"优秀": share.loc[listed, "excellent"].astype("int64").to_numpy(),
                          "其他等次": (share.loc[listed, "graded"] - share.loc[listed, "excellent"])
                          .astype("int64").to_numpy()}, index=keys)
    rest = share.drop(index=listed)
    if len(rest):
        table.loc[OTHER_UNITS] = [int(rest["excellent"].sum()), int((rest["graded"] - rest["excellent"]).sum())]
    p = protect(table, n, name="各单位优秀人数与定等次人数", log=log)
    hide = [p.is_hidden(k, "优秀") or p.is_hidden(k, TOTAL) for k in keys]
    out = share.loc[listed].assign(excellent_shown=[p.cell(k, "优秀") for k in keys],
                                   graded_shown=[p.cell(k, TOTAL) for k in keys])
    out["share"] = out["share"].where([not h for h in hide])
    out.attrs = dict(share.attrs, over_unlisted=int(rest["over_cap"].sum()))
    return out


def _protect_merits(merits: pd.DataFrame, unmatched: pd.DataFrame, year: int, n: int,
                    log: list) -> tuple[Protected, Protected]:
    years = [str(y) for y in range(year - 4, year + 1)]
    rows = {}
    for y in range(year - 4, year + 1):
        m = merits[merits["block_end"] == y]
        rows[str(y)] = [int((m["status"] == s).sum()) for s in ("已记功", "未记功", "待记功")]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["已记功", "未记功", "待记功"]).loc[years]
    um = pd.DataFrame({"n": [int((unmatched["awarded_on"].dt.year == int(y)).sum()) for y in years]}, index=years)
    return (protect(table, n, totals="row", name="应记三等功（按年度）", log=log),
            protect(um, n, totals=False, name="无对应连续优秀的三等功", log=log))


def _protect_quarters(df: pd.DataFrame, n: int, log: list) -> Protected:
    wide = df.pivot_table(index=["year", "quarter"], columns="grade", values="persons", aggfunc="sum",
                          fill_value=0).sort_index()
    wide.index = [f"{y}年Q{q}" for y, q in wide.index]
    wide = wide.reindex(columns=list(QUARTERLY), fill_value=0).astype("int64")
    wide.columns.name = None
    return protect(wide, n, totals="row", name="平时考核等次（按季度）", log=log)


def _protect_link(df: pd.DataFrame, n: int, log: list) -> Protected:
    rows = {}
    for k in range(4, -1, -1):
        part = df[df["good_quarters"] == k]
        tot = int(part["persons"].sum())
        exc = int(part.loc[part["grade"] == "优秀", "persons"].sum())
        rows[k] = [exc, tot - exc]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["优秀", "非优秀"])
    return protect(table, n, totals="row", name="平时考核“好”的季度数与年度优秀", log=log)
