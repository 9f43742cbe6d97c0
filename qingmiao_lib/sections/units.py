"""The report section 分单位查看: a unit selector that works without a kernel.

Four main charts — the young's age and gender, the four training rules' coverage, the year's
assessment grades and the rank-promotion eligibility — are computed for every unit at once
(set-based queries grouped by unit, never one query per unit), protected by the disclosure
control like every table of the report, and embedded as JSON (a hidden cell has no value in
it: it is drawn as a grey hatched placeholder of fixed size, as in the report's other charts). A
plain ``<select>`` and ``Plotly.react`` swap the charts and their tables in the browser; nothing
runs on a server.

What the county report's selector offers is bounded, whatever the number of units: the
jurisdiction, each unit kind (市直机关合计, 乡镇街道合计 …: the sum of its units) and the
:data:`SELECTOR_UNITS` units with the most persons in post (a keyword of :func:`build` and of
``report.render_report``). Every unit, listed or not, has its own report in the batch
``qingmiao report --by-unit``; when units are left out, the section says how many and where
they are. The per-unit tables are sums into one array per chart (numpy, no per-unit pandas),
and only the units offered are protected and drawn, so the section costs the same at 100 or
50,000 units apart from the four grouped queries.

In a unit report (``report --by-unit``) the selector offers the unit and the jurisdiction, and a
comparison table puts the unit's key indicators beside the jurisdiction's.

This module draws the section; its parts live beside it and their names are re-exported here:
the selector's options and tables (:mod:`._unit_gather`), their registration with the report's
artefact and the unit report's comparison (:mod:`._unit_register`), and the charts' plain-JSON
specs (:mod:`._unit_specs`).
"""

from __future__ import annotations

import json

import numpy as np
from markupsafe import Markup

from ..charts._base import COLORS
from ..labels import young_labels, young_limit
from ._release import release as release  # re-exported: unit_section.release
from ._render import Context, Section, render
from ._unit_gather import (  # noqa: F401 - re-exported: unit_section.<name> as before the split
    ALL,
    ALL_NAME,
    CHARTS,
    COVERAGE,
    ELIGIBILITY,
    GENDERS,
    GRADE_ORDER,
    KIND,
    KIND_ORDER,
    SELECTOR_UNITS,
    Gathered,
    UnitTables,
    gather,
)
from ._unit_register import (  # noqa: F401 - re-exported
    COVERAGE_LABEL,
    EXCELLENT_LABEL,
    _compare_tables,
    _indicators,
    _register,
)
from ._unit_specs import WITHHELD_CELL as WITHHELD_CELL  # what a withheld table's cell shows
from ._unit_specs import (
    _base_layout,
    _blank_if_hidden,
    _grades_spec,
    _placeholders,
    _pyramid_spec,
    _stacked_spec,
    _table,
    _View,
)

COVERAGE_COLORS = {"已训": COLORS["accent"], "待训": "#e9c46a", "未训": COLORS["warn"]}
ELIGIBILITY_COLORS = {"符合条件": COLORS["accent"], "职数受限": "#e9a03b", "未满足条件": "#c9ced3"}


def _young(ctx: Context) -> str:
    """"40岁以下" — the rules' young age limit, as every section names it."""
    key = ("young-label",)
    if key not in ctx.cache:
        ctx.cache[key] = young_labels(young_limit(ctx.con))[0]
    return ctx.cache[key]


def _specs(views: dict[str, _View], name: str, ctx: Context) -> list[dict]:
    signs = ({"男": -1}, {}, {}, {})             # the pyramid's men are drawn to the left
    return [_placeholders(_blank_if_hidden(s, ctx.threshold), ctx.threshold, sign)
            for s, sign in zip(_specs_drawn(views, name, ctx), signs, strict=True)]


def _specs_drawn(v: dict[str, _View], name: str, ctx: Context) -> list[dict]:
    day, year = ctx.as_of.isoformat(), ctx.year
    return [
        _pyramid_spec(v["pyramid"], f"{name}：{_young(ctx)}公务员年龄性别结构（截至 {day}）"),
        _stacked_spec(v["training"], f"{name}：四类培训覆盖（{year}年，截至 {day}）", COVERAGE_COLORS),
        _grades_spec(v["grades"], f"{name}：{year}年度考核等次分布"),
        _stacked_spec(v["eligibility"], f"{name}：职级晋升资格（{day}）", ELIGIBILITY_COLORS),
    ]


def _scope_note(g: Gathered, ctx: Context) -> Markup:
    """What the county report's selector leaves out, and where it is."""
    if ctx.units is not None or not g.left_out:
        return Markup("")
    return Markup('<p class="note selector-scope" id="selector-scope">选择器列出全辖区、{kinds} 个单位类别的合计'
                  '和在岗人数最多的 {shown} 个单位（共 {total} 个单位有在岗人员）；其余 {rest} 个单位的图表和数据表'
                  '见分单位报告 <code>qingmiao report --year {year} --by-unit</code>（每个单位一份，'
                  '目录页 index.html）。</p>').format(
        kinds=len(g.kinds), shown=f"{len(g.units):,}", total=f"{len(g.listing):,}",
        rest=f"{g.left_out:,}", year=ctx.year)


def build(ctx: Context, *, max_units: int | None = SELECTOR_UNITS) -> Section | None:
    """The selector section. A county report offers the jurisdiction, every unit kind's sum and
    the ``max_units`` units with the most persons in post (None: every unit), and says where
    the others are; a unit report offers the unit and the jurisdiction. None when no unit has
    anyone in post."""
    g = gather(ctx, max_units=max_units)
    if g.listing.empty:
        return None
    units = g.units
    names = {ALL: ALL_NAME, **dict(g.kinds), **dict(zip(units["unit_id"], units["unit_name"], strict=True))}
    registered = _register(g, names, ctx)
    compared = _compare_tables(ctx) if ctx.units is not None else None
    _young(ctx)                     # read now: the page renders after the database work
    title = "分单位查看" if ctx.units is None else "本单位与全辖区对比"
    return Section(id="units", title=title, html=lambda: _scope_note(g, ctx) + _html(ctx, g, names, registered, compared),
                   artefact=ctx.artefact)


def _html(ctx: Context, g: Gathered, names: dict[str, str], registered: dict, compared) -> Markup:
    """The selector's HTML once every table of the report is protected."""
    units = g.units
    views = {uid: {key: _View.of(p) for key, p in t.items()} for uid, t in registered.items()}
    unit_options = [(uid, names[uid]) for uid in units["unit_id"]]
    options = (unit_options + [(ALL, ALL_NAME)] if ctx.units is not None
               else [(ALL, ALL_NAME), *g.kinds, *unit_options])
    groups: dict[str, list] = {}
    if ctx.units is None:
        if g.kinds:
            groups["单位类别（合计）"] = list(g.kinds)
        for r in units.itertuples():
            groups.setdefault(r.unit_kind, []).append((r.unit_id, r.unit_name))
    figs = {uid: _specs(views[uid], name, ctx) for uid, name in options}
    tables_html = {uid: [_table(views[uid][key], corner) for key, _, corner in CHARTS]
                   for uid, _ in options}
    payload = {"layout": _base_layout(), "figures": figs, "first": options[0][0]}
    compare = None
    if ctx.units is not None and options[0][0] != ALL:
        rules = list(dict.fromkeys([*compared["all"][0].values.index, *compared["unit"][0].values.index]))
        mine = _indicators(views[options[0][0]], *compared["unit"], _young(ctx), rules)
        whole = _indicators(views[ALL], *compared["all"], _young(ctx), rules)
        compare = [{"label": a[0], "unit": a[1], "all": b[1]} for a, b in zip(mine, whole, strict=True)]
    return render(
        "units.html.j2", options=options, groups=groups, unit_report=compare is not None,
        charts=[title for _, title, _ in CHARTS], tables=tables_html, compare=compare,
        unit_name=options[0][1], threshold=ctx.threshold, as_of=ctx.as_of.isoformat(), year=ctx.year,
        payload=Markup(_json_script(payload)),
    )


def _json_script(obj) -> str:
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"),
                      default=lambda o: o.item() if isinstance(o, np.generic) else str(o))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
