"""The projection part of the report section 展望: the young cohort projected year by year from
its observed base (:func:`base_matrix`), drawn without the age bands whose base is hidden
(:func:`stock_chart`), its tables in whole persons (:func:`_projection_view`), and whether the
backtest's sentence may print its totals.

Split from :mod:`.outlook`, which re-exports every public name here.
"""

from __future__ import annotations

import pandas as pd

from .. import charts, projection
from ..charts._base import hidden_marks, placeholder_size
from ..disclosure import DASH, TOTAL
from ..errors import QingmiaoError
from ._render import figure_html
from .structure import chart_html

#: Years ahead of the retirements, the places and the projection (the whole section's horizon).
YEARS = 5
#: The projection's breakdown in the report (its observed base is the structure's pyramid rows).
BY = "age_band"


def p_base_columns(proj: pd.DataFrame, by: str) -> list[str]:
    key = charts.projection.BY[by][0]
    return list(dict.fromkeys(proj.sort_values(key, kind="stable")[by].astype(str)))


def base_matrix(proj: pd.DataFrame, *, by: str = BY) -> pd.DataFrame:
    """The projection's observed start (period 0) per category of ``by``, one row 实际: counts of
    persons (whole numbers), the base a projected category is shown from."""
    start = proj[proj["period"] == 0].groupby(by)["persons"].sum()
    cols = p_base_columns(proj, by)
    return pd.DataFrame([[int(round(start.get(c, 0.0))) for c in cols]], index=["实际"], columns=cols)


def _projection(con, *, year: int):
    """(projection, flows, backtest, why not) — a projection or backtest the records cannot give
    is None and ``why`` says so."""
    try:
        proj = projection.project(con, year=year, years=YEARS)
        flows = projection.flows(con, year=year, years=YEARS)
    except (QingmiaoError, ValueError) as e:
        return None, None, None, str(e)
    try:
        bt = projection.backtest(con, year=year, horizon=YEARS)
    except (QingmiaoError, ValueError):
        bt = None
    return proj, flows, bt, ""


def _backtest_shown(bt, p_base) -> bool:
    """The backtest sentence prints totals of the young: only when the base total is published."""
    return (bt is not None and p_base is not None and not p_base.withheld
            and not p_base.is_hidden("实际", TOTAL))


def masked_projection(proj: pd.DataFrame, hidden: list[str], *, by: str = BY) -> pd.DataFrame:
    """``proj`` with the persons of the categories ``hidden`` (of ``by``) set to 0 in every year:
    what a published chart of it may draw (the categories' places are marked apart)."""
    out = proj.copy()
    out.loc[out[by].astype(str).isin(hidden), "persons"] = 0.0
    out.attrs = dict(proj.attrs)
    return out


def stock_chart(proj: pd.DataFrame, hidden: list[str], *, by: str = BY, t: int = 5, title: str | None = None):
    """(figure, placeholders) of :func:`charts.projection.stock` with the ``hidden`` categories not
    drawn and each of their years marked "未显示"."""
    fig = charts.projection.stock(masked_projection(proj, hidden, by=by), by=by, title=title)
    if not hidden or not fig.data:
        return fig, 0
    years = sorted(proj["year"].unique())
    start = min(years)
    x = [f"{y}年末（实际）" if y == start else f"{y}年末" for y in years]
    mask = pd.DataFrame(True, index=x, columns=hidden)
    top = float(proj.groupby("year")["persons"].sum().max() or 1)
    hidden_marks(fig, mask, size=placeholder_size(top), threshold=t, what="人数")
    return fig, int(mask.size)


def _projection_view(proj, flows, p_base, t: int) -> dict:
    """The projection's chart and tables: whole persons; a category whose base is hidden "—"."""
    a = proj.attrs
    cols = p_base.header[:-1]
    hidden = [c for c in cols if p_base.is_hidden("实际", c)]
    wide = (proj.groupby(["year", BY])["persons"].sum().unstack(fill_value=0.0)
            .reindex(columns=cols, fill_value=0.0))
    start = int(a["year"])
    rows = [{"year": f"{start}年末（实际）", "cells": [p_base.cell("实际", c) for c in cols],
             "total": p_base.cell("实际", TOTAL)}]
    for y, r in wide.iterrows():
        if int(y) == start:
            continue
        rows.append({"year": f"{int(y)}年末", "cells": [DASH if c in hidden else f"{r[c]:,.0f}" for c in cols],
                     "total": f"{r.sum():,.0f}"})
    total_hidden = p_base.is_hidden("实际", TOTAL)
    if total_hidden:                        # a tiny cohort: no projected figure at all
        rows = rows[:1]
    fig, n = stock_chart(proj, hidden, by=BY, t=t,
                         title=f"{a['young_limit']}岁以下人员预测（按年龄段；{a['as_of']} 起，转移率 {a['transition_years']} 年）")
    flow_rows = [] if total_hidden else [
        {"year": f"{int(f.year)}年", "start": f"{f.start:,.0f}", "retired": f"{f.retired:,.0f}",
         "exited": f"{f.exited:,.0f}", "aged_out": f"{f.aged_out:,.0f}", "recruited": f"{f.recruited:,.0f}",
         "end": f"{f.end:,.0f}"} for f in flows.itertuples()]
    chart = None if p_base.withheld or total_hidden else chart_html(fig, n) if n else figure_html(fig)
    return {"chart": chart,
            "header": cols, "rows": rows, "hidden": hidden, "withheld": p_base.withheld or total_hidden,
            "flows": flow_rows, "young_limit": a["young_limit"], "transition_years": a["transition_years"],
            "recruitment": a["recruitment"], "start": start, "end": start + YEARS,
            "base_total": p_base.cell("实际", TOTAL),
            "end_total": DASH if total_hidden else f"{wide.loc[start + YEARS].sum():,.0f}"
            if start + YEARS in wide.index else DASH}
