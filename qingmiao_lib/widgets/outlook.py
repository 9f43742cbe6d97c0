"""Widgets of the 06-looking-ahead notebook. Wiring only: the numbers come from
``qingmiao_lib.outlook`` (retirements, places), ``qingmiao_lib.shortlist`` (counts per rank) and
``qingmiao_lib.projection`` (the cohort in N years), the figures from ``qingmiao_lib.charts``.

- :func:`outlook_explorer`: years ahead and a recruitment plan (the average intake of the last
  years, or a number per year) updating the places per year, the projected cohort and its yearly
  account in place. It counts once, for the longest horizon the slider offers, and a moved
  control redoes only the arithmetic (``outlook.RankCounts``, ``projection.counts``: the same
  frames as the analyses give for the new values, without asking the database);
- :func:`shortlist_table`: 个人条件符合 · 职数空缺 · 建议人选 per next rank (counts only);
- :func:`retirement_table`, :func:`methods`: retirements per rank and year; the methods and backtest.

An exported copy for circulation shows what the report shows: counts protected
(:class:`qingmiao_lib.published.Publisher`), and no projected figure for an age band whose
observed base is hidden (fewer than the threshold, or its complement).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
from IPython.display import display

from .. import charts, labels, outlook, projection, shortlist
from .._ledger import protect_table
from ..disclosure import DASH
from ..errors import QingmiaoError
from ..sections.outlook import (
    BY,
    base_matrix,
    period_label,
    stock_chart,
    suggested_by_rule,
    suggested_text,
)
from . import Fixed, Static, publisher, replace, static_caption

#: The flows table's columns, in order (``projection.flows``).
FLOW_COLUMNS = ["year", "start", "retired", "exited", "aged_out", "recruited", "end"]
#: The shortlist table's columns (``shortlist.shortlist_summary``, the jurisdiction's rows).
SHORTLIST_COLUMNS = ["rank", "candidates", "quota", "holders", "places", "suggested"]
#: Most years ahead the slider offers.
MAX_YEARS = 15


def thin_bands(proj: pd.DataFrame, pub) -> list[str]:
    """The age bands of ``proj`` whose observed base a circulated copy hides (the base row
    protected with its total: "<5" and its complement); none when not protecting."""
    if not pub.protects:
        return []
    base = base_matrix(proj, by=BY)
    p = protect_table(base, pub.threshold, totals="row", name="预测基数")
    return [c for c in base.columns if p.is_hidden("实际", c)]


class _Counted:
    """What the explorer's views read from the database for ``as_of``, read once for up to
    ``years`` ahead (the places' counts and the projection's): moving a control redoes only the
    arithmetic, and gives what ``outlook.places``, ``projection.project`` and ``projection.flows``
    give for the new values."""

    def __init__(self, con, *, as_of: dt.date, years: int) -> None:
        self.places_counts = outlook.RankCounts.read(con, as_of=as_of, years=years)
        self.projection_counts = projection.counts(con, year=as_of.year, years=years)

    def frames(self, *, years: int, recruitment: int | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """(places, projected cohort, its yearly account) for ``years`` ahead and the plan."""
        model = {"years": years, "recruitment": recruitment, "band_years": projection.BAND_YEARS,
                 "smoothing": projection.SMOOTHING}
        return (self.places_counts.places(years), *self.projection_counts.frames(**model))


def _views(places: pd.DataFrame, proj: pd.DataFrame, flows: pd.DataFrame, *, pub) -> tuple[dict, object]:
    """The figures (places per year, projected cohort) and the yearly account of the frames of
    :meth:`_Counted.frames`, as ``pub`` shows them."""
    hidden = thin_bands(proj, pub)
    fig, _ = stock_chart(proj, hidden, by=BY, t=pub.threshold)
    figs = {"places": pub.figure(charts.outlook.places(places)), "projection": fig}
    if pub.protects and base_matrix(proj, by=BY).to_numpy().sum() < pub.threshold:
        return {"places": figs["places"]}, labels.display_table(pd.DataFrame(), caption="人数过少，不显示预测")
    shown = flows[FLOW_COLUMNS].copy()
    shown["year"] = shown["year"].astype(str) + "年"
    table = labels.display_table(
        shown.rename(columns=projection.COLUMNS), max_rows=None,
        caption=f"逐年人数变动（期望人数，可有小数；录用计划：{flows.attrs['recruitment']}）",
        formats={projection.COLUMNS[k]: "{:,.1f}" for k in FLOW_COLUMNS[1:]})
    return figs, table


def outlook_explorer(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, years: int = 5,
                     recruitment: int | None = None, export: bool = False,
                     audience: str = "circulation") -> widgets.VBox | Static:
    """The explorer: ``years`` ahead (1–15) and the recruitment plan (None: the average intake
    of the last 5 years, as composed; a number: persons recruited each year). ``box.controls``
    holds the controls, ``box.figures`` the FigureWidgets. With ``export`` a :class:`Static` of the
    same figures and table for the parameter values, as ``audience`` may see them."""
    plan_label = "近5年平均" if recruitment is None else f"每年 {int(recruitment)} 人"
    if export:
        pub = publisher(con, export=True, audience=audience)
        counted = _Counted(con, as_of=as_of, years=years)
        figs, table = _views(*counted.frames(years=years, recruitment=recruitment), pub=pub)
        return Static([*figs.values(), table], figures=figs, controls={
            "years": Fixed(years), "average": Fixed(recruitment is None, plan_label),
            "recruitment": Fixed(recruitment, plan_label)},
            caption=static_caption({"时点": str(as_of), "预测年数": str(years), "录用计划": plan_label}))
    pub = publisher(con, export=False)
    counted = _Counted(con, as_of=as_of, years=MAX_YEARS)    # once: a control asks the database nothing
    ahead = widgets.IntSlider(value=years, min=1, max=MAX_YEARS, description="预测年数")
    average = widgets.Checkbox(value=recruitment is None, description="按近5年平均录用")
    plan = widgets.BoundedIntText(value=0 if recruitment is None else int(recruitment), min=0, max=100_000,
                                  description="每年录用", disabled=recruitment is None)
    places_fw, projection_fw = go.FigureWidget(), go.FigureWidget()
    table = widgets.Output()

    def update(_=None) -> None:
        plan.disabled = average.value
        chosen = counted.frames(years=ahead.value, recruitment=None if average.value else plan.value)
        figs, shown = _views(*chosen, pub=pub)
        replace(places_fw, figs["places"])
        replace(projection_fw, figs["projection"])
        table.clear_output(wait=True)
        with table:
            display(shown)

    for control in (ahead, average, plan):
        control.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([ahead, average, plan]), places_fw, projection_fw, table])
    box.controls = {"years": ahead, "average": average, "recruitment": plan}
    box.figures = {"places": places_fw, "projection": projection_fw}
    return box


def shortlist_table(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, pub):
    """Per next rank (the jurisdiction's quotas): 个人条件符合, 职数, 现有人数, 职数空缺 and 建议人选 —
    counts only, never names — as ``pub`` publishes them: 个人条件符合 and 现有人数 protected,
    职数空缺 "—" where the holders are hidden, 建议人选 = min(个人条件符合, 职数空缺) shown as the
    report shows it (:func:`qingmiao_lib.sections.outlook.suggested_text`)."""
    summary = shortlist.shortlist_summary(con, as_of=as_of)
    rows = summary[summary["unit_id"].isna()][SHORTLIST_COLUMNS].reset_index(drop=True)
    rows = rows.astype({"places": "float64", "quota": "float64"})
    posts = lambda v: v if isinstance(v, str) else f"{int(v):,} 个"   # noqa: E731 — 职数 counts posts
    shown = pub.frame(rows, counts=["candidates", "holders"], shares={"places": ["holders"]},
                      formats={"places": posts})
    if pub.protects:
        shown["suggested"] = [
            (pub.count(r.suggested) if not _by_rule(r) else suggested_text(
                int(r.candidates), None if pd.isna(r.quota) else int(r.places), n_text=str(n),
                m_shown=m != DASH, threshold=pub.threshold))
            for r, n, m in zip(rows.itertuples(), shown["candidates"], shown["places"], strict=True)]
    return labels.display_table(shown, max_rows=None, formats={"places": posts, "quota": posts},
                                na_rep={"places": "未设职数", "quota": "不限"},
                                caption=f"职级晋升择优人数（{as_of}；建议人选 = 个人条件符合与职数空缺中较小者；"
                                        "名单请用 qingmiao shortlist 导出）").relabel_index(
        [shortlist.COLUMNS[c] for c in SHORTLIST_COLUMNS], axis=1)


def _by_rule(r) -> bool:
    return suggested_by_rule({"quota": r.quota, "suggested": r.suggested, "candidates": r.candidates,
                               "places": r.places})


def retirement_table(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, years: int, pub):
    """Statutory retirements per rank (rows) and year ahead (columns), with totals, protected as
    ``pub`` publishes (the report shows only the two margins: the cross is fine-grained)."""
    places = outlook.places(con, as_of=as_of, years=years)
    whole = places[places["unit_id"].isna()].sort_values(["rank_step", "period"], kind="stable")
    cross = whole.pivot_table(index="rank", columns="period", values="retirements", aggfunc="sum",
                              fill_value=0, sort=False)
    cross.columns = [period_label(as_of, int(k)) for k in cross.columns]
    cross.index.name, cross.columns.name = "职级", None
    return pub.crosstab(cross, "outlook", max_rows=None,
                        caption=f"今后{years}年法定退休人数（按职级、年度；截至 {as_of}）")


def methods(con: duckdb.DuckDBPyConnection, *, year: int, horizon: int = 5) -> str:
    """The projection's methods and limits with its backtest to the year end of ``year`` (the
    report's 方法与局限); the methods alone when the records are too short to backtest."""
    try:
        bt = projection.backtest(con, year=year, horizon=horizon)
    except (QingmiaoError, ValueError) as e:
        return f"{projection.methods_text(k=projection.K)}（未能回测：{e}）"
    return projection.methods_text(bt)
