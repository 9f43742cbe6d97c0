"""The report section 各县对比 of a combined (prefecture or province) database: F1–F9 of every
county side by side with their total, each county's figures computed under its own rules
(:func:`qingmiao_lib.combine.headline_by_county`), every count protected with the report (the
total is the sum of the counties: a county's small count cannot be read off the total)."""

from __future__ import annotations

from .. import combine
from ..disclosure import TOTAL
from ._render import Context, Section, render


def build(ctx: Context) -> Section | None:
    """The section, or None for a county's own database and for a unit report."""
    if ctx.units is not None or not combine.is_combined(ctx.con):
        return None
    long = combine.headline_by_county(ctx.con, year=ctx.year)
    table = combine.counties(ctx.con)
    body = long[long["county"] != TOTAL]
    names = dict(zip(table["county"], table["name"], strict=True))
    codes = list(dict.fromkeys(body["county"]))
    columns = [names.get(c, c) if list(names.values()).count(names.get(c, c)) == 1 else f"{names.get(c, c)}（{c}）"
               for c in codes]
    figures = list(dict.fromkeys(body["code"]))
    wide = (body.pivot(index="code", columns="county", values="value").reindex(index=figures, columns=codes)
            .fillna(0).astype("int64"))
    wide.columns = columns
    labels = long[long["county"] == TOTAL].set_index("code")["label"]
    p = ctx.artefact.table(wide, totals="row", name="各县核心指标（F1–F9）", principal="row_totals")
    versions = table[["name", "rules_version"]].drop_duplicates("rules_version")
    differ = len(versions) > 1

    def html():
        shown = p.shown()
        rows = [{"code": k, "label": labels.get(k, k), "cells": [shown.at[k, c] for c in [*columns, TOTAL]]}
                for k in figures]
        return render("counties.html.j2", year=ctx.year, header=[*columns, "合计"], rows=rows,
                      threshold=ctx.threshold, differ=differ,
                      rules=[{"name": n, "version": v} for n, v in zip(table["name"], table["rules_version"],
                                                                          strict=True)])

    return Section(id="counties", title="各县对比", html=html, artefact=ctx.artefact)


__all__ = ["build"]
