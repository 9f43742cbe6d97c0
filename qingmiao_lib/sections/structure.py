"""The report section 队伍结构 (cohort structure)."""

from __future__ import annotations

import pandas as pd

from .. import charts, structure
from ..privacy import show_count
from ._render import Context, Section, figure_html, render


def build(ctx: Context) -> Section | None:
    """The age × gender pyramid of the young, with its numbers one click away."""
    pyr = structure.age_pyramid(ctx.con, as_of=ctx.as_of, band_years=5, young_only=True)
    young_limit = int(ctx.con.execute("select rule_num('general.young_age_limit')").fetchall()[0][0])
    html = render(
        "structure.html.j2",
        as_of=ctx.as_of.isoformat(), threshold=ctx.threshold, young_limit=young_limit,
        pyramid_chart=figure_html(charts.pyramid(pyr, small_cell=ctx.threshold)),
        pyramid=_pyramid_rows(pyr, ctx.threshold),
    )
    return Section(id="structure", title="队伍结构", html=html)


def _pyramid_rows(df: pd.DataFrame, threshold: int) -> list[dict]:
    wide = (df.pivot_table(index=["band_start", "band"], columns="gender", values="persons",
                           aggfunc="sum", fill_value=0)
            .reindex(columns=["男", "女"], fill_value=0).sort_index())
    wide.loc[(9999, "合计"), :] = wide.sum()
    return [{"band": band, "male": show_count(m, threshold), "female": show_count(f, threshold),
             "total": show_count(m + f, threshold)}
            for (_, band), m, f in zip(wide.index, wide["男"], wide["女"], strict=True)]
