"""The report section 展望 (looking ahead, SPEC §9; issue 21 item 5): statutory retirements in the
years ahead by rank, the places they open beside today's quota vacancies, the shortlist's counts
per next rank (个人条件符合 N · 职数空缺 M · 建议人选 K — never a name), and the young cohort
projected year by year, with the model's methods, limits and its backtest on the records.

Every count is registered with the report's artefact before anything renders and is the same
figure as elsewhere in the report where it is printed twice (the holders of a quota, the persons
meeting the personal conditions and the young by age band are linked to the 选拔使用 and 队伍结构
tables). The projection's values are expected persons: rounded to whole persons for display,
and not shown for an age band whose observed base is hidden (fewer than the threshold, or a
complement). The section is the jurisdiction's: a unit report leaves it out.

The projection's part (its base, chart and tables) lives in :mod:`._outlook_projection`; its
names are re-exported here."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from markupsafe import Markup

from .. import charts, figures, outlook, pipeline, projection, shortlist
from ..disclosure import DASH, TOTAL
from ._outlook_projection import (
    BY,
    YEARS,
    _backtest_shown,
    _projection,
    _projection_view,
    base_matrix,
    masked_projection,
    p_base_columns,
    stock_chart,
)
from ._protect import withheld_or
from ._render import Context, Section, figure_html, render
from .structure import chart_html

#: The label of the retirement counts (a row of the per-year table, the column of the per-rank one).
RETIRED = "法定退休"
#: The column of the persons meeting the personal conditions (the shortlist's N).
CANDIDATES = "candidates"
#: Tables of other sections holding the same figures (linked when present and equal).
HOLDERS_TABLE = "职数现有人数"
QUALIFIED_TABLE = "职级晋升资格（按拟晋升职级）"
PYRAMID_TABLE = "年轻公务员年龄性别结构"


def build(ctx: Context) -> Section | None:
    """The section on ``ctx.as_of`` (year end of ``ctx.year``), or None in a unit report or on a
    database holding no one. All database work happens here; ``html()`` only formats."""
    if ctx.units is not None or figures.data_years(ctx.con) is None:
        return None
    con, day, t, a = ctx.con, ctx.as_of, ctx.threshold, ctx.artefact
    places = outlook.places(con, as_of=day, years=YEARS)
    quota = pipeline.quota_usage(con, as_of=day)
    scoped = shortlist.shortlist_summary(con, as_of=day)
    summary = scoped[scoped["unit_id"].isna()].sort_values("rank_step", kind="stable")
    unit_quotas = bool(scoped["unit_id"].notna().any())     # quotas naming a unit: said, not tabled
    priorities = [shortlist.CRITERIA_NAMES.get(p, p) for p in shortlist.priorities(con)]
    proj, flows, bt, why = _projection(con, year=ctx.year)

    whole = places[places["unit_id"].isna()].sort_values(["rank_step", "period"], kind="stable")
    periods = sorted(whole["period"].unique().tolist())
    by_year, by_rank = retirement_tables(whole, as_of=day)
    p_year = a.table(by_year, totals="row", principal="totals", name=f"今后{YEARS}年法定退休人数（按年度）")
    p_rank = a.table(by_rank, totals="column", principal="totals", name=f"今后{YEARS}年法定退休人数（按职级）")
    a.link(a.slot(p_year, RETIRED, TOTAL), a.slot(p_rank, TOTAL, RETIRED))   # one figure, twice
    held = quota[quota["unit_id"].isna()]
    p_hold = a.table(pd.DataFrame({"holders": held["holders"].astype("int64").to_numpy()},
                                  index=held["rank"].astype(str).tolist()), totals=False,
                     name="职数现有人数（展望）")
    for i, r in enumerate(quota.itertuples()):       # the 选拔使用 section's quota rows
        if pd.isna(r.unit_id):
            a.same_figure(p_hold, (str(r.rank), "holders"), HOLDERS_TABLE, (f"q{i}", "holders"))
    p_short = a.table(shortlist_matrix(summary), totals="column", principal="totals",
                      name="个人条件符合人数（择优，按拟晋升职级）")
    for k in [*summary["rank"].astype(str), TOTAL]:   # N = the 选拔使用 section's 个人条件符合
        a.same_figure(p_short, (k, CANDIDATES), QUALIFIED_TABLE, (k, "qualified"))
    own = summary[[not suggested_by_rule(r) for r in summary.to_dict("records")]]   # a unit's quota decides K
    p_own = a.table(pd.DataFrame({"suggested": own["suggested"].astype("int64").to_numpy()},
                                 index=own["rank"].astype(str).tolist()), totals=False,
                    name="建议人选人数（有单位职数的职级）") if len(own) else None
    p_base = None
    if proj is not None:
        p_base = a.table(base_matrix(proj, by=BY), totals="row", principal="totals",
                         name="年轻公务员预测基数（按年龄段）")
        for band in [*p_base_columns(proj, BY), TOTAL]:   # the pyramid's row totals
            a.same_figure(p_base, ("实际", band), PYRAMID_TABLE, (band, TOTAL))

    def html():
        rank_rows, chart_frame = _places_rows(whole, p_rank, p_hold)
        chart_frame.attrs.update(as_of=day.isoformat(), years=YEARS)
        return render(
            "outlook.html.j2",
            as_of=day.isoformat(), year=ctx.year, years=YEARS, threshold=t,
            first=by_year.columns[0] if periods else "", last=by_year.columns[-1] if periods else "",
            retire_total=p_year.cell(RETIRED, TOTAL), retire_withheld=p_year.withheld or p_rank.withheld,
            retire_note=p_year.note or p_rank.note,
            year_labels=list(by_year.columns), year_cells=[p_year.cell(RETIRED, c) for c in by_year.columns],
            year_chart=_year_chart(by_year, p_year, day, t), places_rows=rank_rows,
            places_chart=_places_chart(chart_frame, day, t),
            short_rows=_short_rows(summary, p_short, p_hold, p_own,
                                   0 if getattr(ctx, "audience", "") == "internal" else t),   # 部内研判: exact
            short_total=p_short.cell(TOTAL, CANDIDATES), priorities=priorities, unit_quotas=unit_quotas,
            projection=None if proj is None else _projection_view(proj, flows, p_base, t),
            why=why,
            methods=projection.methods_text(bt if _backtest_shown(bt, p_base) else None, k=projection.K),
            backtest_hidden=bt is not None and not _backtest_shown(bt, p_base),
        )

    return Section(id="outlook", title="展望", html=html, artefact=a)


# -- the counts registered ----------------------------------------------------------------------

def period_label(as_of: dt.date, k: int) -> str:
    """Year ``k`` ahead as a column says it: the calendar year when ``as_of`` is a 31 December
    (year 1 from 2023-12-31 is "2024年"), else "第k年".

    >>> period_label(dt.date(2023, 12, 31), 1), period_label(dt.date(2024, 6, 30), 2)
    ('2024年', '第2年')
    """
    return f"{as_of.year + k}年" if (as_of.month, as_of.day) == (12, 31) else f"第{k}年"


def retirement_tables(whole: pd.DataFrame, *, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Statutory retirements from :func:`qingmiao_lib.outlook.places`' jurisdiction rows
    (``unit_id`` None: one row per rank and period; persons without a rank are not in them), as
    two margins — never the rank × year cross, too fine for a county: one row 法定退休 × the years
    ahead (:func:`period_label`), and the ranks (rank order) × 法定退休 over all the years."""
    years = whole.groupby("period")["retirements"].sum().sort_index()
    by_year = pd.DataFrame([years.astype("int64").to_numpy()], index=[RETIRED],
                           columns=[period_label(as_of, int(k)) for k in years.index])
    ranks = whole.groupby(["rank_step", "rank"], as_index=False)["retirements"].sum().sort_values("rank_step")
    by_rank = pd.DataFrame({RETIRED: ranks["retirements"].astype("int64").to_numpy()},
                           index=ranks["rank"].astype(str).tolist())
    return by_year, by_rank


def shortlist_matrix(summary: pd.DataFrame) -> pd.DataFrame:
    """Next ranks × 个人条件符合 (the candidates N). The suggested K and the alternates B are not
    counts of their own where K = min(N, M) (:func:`suggested_text`): published beside N and
    M, a hidden B = N − M would be pinned."""
    return pd.DataFrame({CANDIDATES: summary["candidates"].astype("int64").to_numpy()},
                        index=summary["rank"].astype(str).tolist())


def suggested_by_rule(r) -> bool:
    """Whether the rank's 建议人选 is min(个人条件符合, 职数空缺) (no quota: 0) — the rule when no
    unit quota narrows it."""
    if pd.isna(r["quota"]):
        return int(r["suggested"]) == 0
    return int(r["suggested"]) == min(int(r["candidates"]), int(r["places"]))


def suggested_text(n: int, m: int | None, *, n_text: str, m_shown: bool, threshold: int) -> str:
    """建议人选 K = min(N, M) as shown beside N (shown as ``n_text``) and M (``m_shown``): N's
    text when K = N, M when K = M and M is shown, else "—"; a positive K below the threshold
    "<t" (its value follows from N and M: a reader may work it out, the page does not print it).

    >>> suggested_text(30, 12, n_text="30", m_shown=True, threshold=5)
    '12'
    >>> suggested_text(3, 12, n_text="<5", m_shown=True, threshold=5)
    '<5'
    >>> suggested_text(30, 3, n_text="30", m_shown=True, threshold=5)
    '<5'
    >>> suggested_text(30, None, n_text="30", m_shown=True, threshold=5)   # no quota
    '0'
    """
    if m is None:
        return "0"
    k = min(n, m)
    if k == n:
        return n_text
    if not m_shown:
        return DASH
    return f"<{threshold}" if 0 < k < threshold else f"{k:,}"


# -- what html() shows -------------------------------------------------------------------------

def _places_rows(whole: pd.DataFrame, p_rank, p_hold) -> tuple[list[dict], pd.DataFrame]:
    """The places table's rows, and the frame of :func:`charts.ahead.places_by_rank` (ranks with a
    quota; NaN where hidden). A rank's places are shown only from published numbers: its holders
    (with the public quota) and its retirements over the years."""
    last = whole[whole["period"] == whole["period"].max()]
    rows, chart = [], []
    for r in last.itertuples():
        rank, has_quota = str(r.rank), not pd.isna(r.quota)
        ret_hidden = p_rank.is_hidden(rank, RETIRED)
        hold_hidden = has_quota and (rank not in p_hold.values.index or p_hold.is_hidden(rank, "holders"))
        vac = int(r.vacancies) if has_quota else None
        rows.append({
            "rank": rank, "quota": f"{int(r.quota):,}" if has_quota else "不限",
            "holders": p_hold.cell(rank, "holders") if has_quota and rank in p_hold.values.index else DASH,
            "vacancies": DASH if not has_quota or hold_hidden else _signed(vac),
            "retired": p_rank.cell(rank, RETIRED),
            "places": "未设职数" if not has_quota else DASH if hold_hidden or ret_hidden
            else f"{int(r.cumulative_places):,}"})
        if has_quota:
            open_now = None if hold_hidden else max(vac, 0)
            freed = None if hold_hidden or ret_hidden else int(r.cumulative_places) - max(vac, 0)
            chart.append({"rank": rank, "quota": int(r.quota), "vacancies": open_now, "freed": freed})
    frame = pd.DataFrame(chart, columns=["rank", "quota", "vacancies", "freed"])
    return rows, frame.astype({"vacancies": "float64", "freed": "float64"})


def _signed(v: int) -> str:
    return f"{v:,}" if v >= 0 else f"0（超出 {-v:,}）"


def _year_chart(by_year: pd.DataFrame, p_year, day: dt.date, t: int) -> Markup:
    """Retirements per year ahead from their protection (a hidden year: a placeholder)."""
    if p_year.withheld:
        return withheld_or(p_year, lambda: Markup(""))
    labels = list(by_year.columns)
    df = pd.DataFrame({"label": labels, "retirements": [p_year.masked().at[RETIRED, c] for c in labels]})
    fig = charts.ahead.retirements_per_year(df, threshold=t, texts=[p_year.cell(RETIRED, c) for c in labels],
                                            title=f"今后{YEARS}年各年法定退休人数（有职级人员，截至 {day.isoformat()}）")
    hidden = sum(p_year.is_hidden(RETIRED, c) for c in labels)
    return chart_html(fig, hidden) if hidden else figure_html(fig)


def _places_chart(frame: pd.DataFrame, day: dt.date, t: int) -> Markup | None:
    if frame.empty:
        return None
    fig = charts.ahead.places_by_rank(frame, threshold=t,
                                      title=f"{YEARS}年后各职级可用职数：现有空缺＋法定退休腾出（全辖区，截至 {day.isoformat()}）")
    hidden = int(frame[["vacancies", "freed"]].isna().to_numpy().sum())
    return chart_html(fig, hidden) if hidden else figure_html(fig)


def _short_rows(summary: pd.DataFrame, p_short, p_hold, p_own, t: int) -> list[dict]:
    """Per next rank: 个人条件符合 N · 职数空缺 M · 建议人选 K, and a note."""
    rows = []
    for r in summary.itertuples():
        k = str(r.rank)
        m_shown = not (k in p_hold.values.index and p_hold.is_hidden(k, "holders"))
        n_text = p_short.cell(k, CANDIDATES)
        if pd.isna(r.quota):
            places, note, m = "未设职数", "未设职数，只排序不提出建议人选", None
        else:
            m = int(r.places)
            places = f"{m:,}" if m_shown else DASH
            note = "无空缺，暂不能晋升" if m == 0 and m_shown else (
                "个人条件符合者多于空缺，须择优" if m_shown and not p_short.is_hidden(k, CANDIDATES)
                and int(r.candidates) > m else "")
        if p_own is not None and k in p_own.values.index:
            suggested = p_own.cell(k, "suggested")
            note = "；".join(x for x in (note, "含按单位核定的职数") if x)
        else:
            suggested = suggested_text(int(r.candidates), m, n_text=n_text, m_shown=m_shown, threshold=t)
        if r.tied_at_cut:
            note = "；".join(x for x in (note, "分界处有条件完全相同的并列人选，由党委（党组）研究确定") if x)
        rows.append({"rank": k, "candidates": n_text, "places": places, "suggested": suggested, "note": note})
    return rows


__all__ = ["BY", "YEARS", "base_matrix", "build", "masked_projection", "period_label", "retirement_tables",
           "shortlist_matrix", "stock_chart", "suggested_by_rule", "suggested_text"]
