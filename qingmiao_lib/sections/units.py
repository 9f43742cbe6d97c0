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

The charts' plain-JSON specs live in :mod:`._unit_specs`. This module stays over 300 lines
because gathering the tables, registering them with their sums and ties, and the comparison
share the selector's options (ALL, the kinds, the offered units) and its :class:`Gathered`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from markupsafe import Markup

from .. import evaluation, pipeline, structure, training
from .. import units as unit_list
from ..charts._base import (
    COLORS,
)
from ..disclosure import TOTAL
from ..labels import young_labels, young_limit
from ._release import release, released_comparison
from ._render import Context, Section, render
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

#: the option of the whole jurisdiction in the selector
ALL = "__all__"
ALL_NAME = "全辖区"
#: the prefix of a unit kind's option (``__kind__:乡镇街道``): the sum of the kind's units
KIND = "__kind__:"
#: how many single units the county report's selector offers: those with the most persons in
#: post on the report's day (ties by unit id). The others are in the batch unit reports. The
#: selector's size, the page's size and the section's time grow with it, not with the units.
SELECTOR_UNITS = 60
#: the order of the unit kinds in the selector (others after them, by name)
KIND_ORDER = {"市直机关": 0, "乡镇街道": 1}

GENDERS = ["男", "女"]
COVERAGE = {"covered": "已训", "pending": "待训", "missing": "未训"}
GRADE_ORDER = ["优秀", "称职", "基本称职", "不称职", "不定等次"]
ELIGIBILITY = {"eligible": "符合条件", "quota_blocked": "职数受限", "not_qualified": "未满足条件"}
COVERAGE_COLORS = {"已训": COLORS["accent"], "待训": "#e9c46a", "未训": COLORS["warn"]}
ELIGIBILITY_COLORS = {"符合条件": COLORS["accent"], "职数受限": "#e9a03b", "未满足条件": "#c9ced3"}

#: the four charts, in order: (key, Chinese title, corner of the table); the charts' own titles
#: name the young after the rules' limit (``labels.young_labels``: "40岁以下" by default)
CHARTS = (("pyramid", "年轻公务员年龄性别结构", "年龄"),
          ("training", "四类培训覆盖", "培训"),
          ("grades", "年度考核等次", "等次"),
          ("eligibility", "职级晋升资格", "拟晋升职级"))


@dataclass(frozen=True)
class UnitTables:
    """The four interior count tables of one unit (or of the jurisdiction), before protection."""

    pyramid: pd.DataFrame      # age band × gender, young persons
    training: pd.DataFrame     # rule × 已训/待训/未训
    grades: pd.DataFrame       # 人数 × grade (one row)
    eligibility: pd.DataFrame  # next rank × 符合条件/职数受限/未满足条件


@dataclass(frozen=True)
class Gathered:
    """What the selector offers and the tables behind it.

    ``listing``: every unit with someone in post on the day (``unit_id, unit_name, unit_kind,
    persons``; in a unit report only its units), ordered by kind and unit id; ``units``: the
    units offered one by one (a subset of ``listing``, same order); ``kinds``: the unit kinds
    offered as sums (``(option id, name)``; none in a unit report); ``tables``: the tables by
    option id — :data:`ALL`, every kind's id and every offered unit's id."""

    listing: pd.DataFrame
    units: pd.DataFrame
    kinds: list[tuple[str, str]]
    tables: dict[str, UnitTables]

    @property
    def left_out(self) -> int:
        """Units with someone in post that the selector does not offer one by one."""
        return len(self.listing) - len(self.units)


def _band_order(bands) -> list[str]:
    return sorted(set(bands), key=lambda b: int(str(b).split("–")[0]))


def _kind_key(kind) -> tuple:
    return (KIND_ORDER.get(kind, len(KIND_ORDER)), str(kind))


def _listing(ctx: Context) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """Units with someone in post on ``ctx.as_of`` (with ``persons``), ordered by kind and id;
    and the kind of every unit by id and by name. Once per batch of unit reports."""
    key = ("unit-listing", ctx.as_of)
    if key not in ctx.cache:
        con = ctx.con
        units = (unit_list.load(con)[["unit_id", "name", "kind"]]
                 .rename(columns={"name": "unit_name", "kind": "unit_kind"}))
        kind_of_id = dict(zip(units["unit_id"], units["unit_kind"], strict=True))
        kind_of_name = dict(zip(units["unit_name"], units["unit_kind"], strict=True))
        active = structure.headcount(con, as_of=ctx.as_of, by=["unit"])
        listing = units.merge(active, on="unit_name", how="inner").drop_duplicates("unit_id")
        order = listing["unit_kind"].map(lambda k: _kind_key(k)[0])
        listing = (listing.assign(_k=order).sort_values(["_k", "unit_kind", "unit_id"])
                   .drop(columns="_k").reset_index(drop=True))
        ctx.cache[key] = (listing, kind_of_id, kind_of_name)
    return ctx.cache[key]


def _reserved(uid: str) -> bool:
    return str(uid) == ALL or str(uid).startswith(KIND)


def _largest(listing: pd.DataFrame, n: int | None) -> pd.DataFrame:
    """The ``n`` units with the most persons in post (ties: the smaller unit id), in listing order."""
    if n is None or n >= len(listing):
        return listing
    n = max(0, int(n))
    top = listing.sort_values(["persons", "unit_id"], ascending=[False, True], kind="stable").head(n)
    return listing[listing["unit_id"].isin(set(top["unit_id"]))].reset_index(drop=True)


def _codes(values, keys: list[str]) -> np.ndarray:
    """The place of each value in ``keys`` (-1 when absent)."""
    return pd.Index(keys).get_indexer(pd.Series(values, dtype=object).astype(str))


def _sum_into(out: np.ndarray, codes: np.ndarray, df: pd.DataFrame, row_col: str | None,
              rows: list[str], cols: list[str], *, col_col: str | None = None,
              value: str | None = None) -> None:
    """Add ``df``'s counts into ``out[key, row, col]``: wide (``cols`` are columns of ``df``) or
    long (``col_col`` holds the column label, ``value`` the count). Rows whose key, row or column
    is not listed (code -1) are left out."""
    if df.empty:
        return
    r = np.zeros(len(df), dtype=np.intp) if row_col is None else _codes(df[row_col], rows)
    if col_col is None:
        ok = (codes >= 0) & (r >= 0)
        vals = df[cols].fillna(0).to_numpy(dtype=np.int64)
        np.add.at(out, (codes[ok], r[ok]), vals[ok])
    else:
        c = _codes(df[col_col], cols)
        ok = (codes >= 0) & (r >= 0) & (c >= 0)
        np.add.at(out, (codes[ok], r[ok], c[ok]), df[value].fillna(0).to_numpy(dtype=np.int64)[ok])


def gather(ctx: Context, *, max_units: int | None = SELECTOR_UNITS) -> Gathered:
    """The tables of what the selector offers (see :class:`Gathered`).

    A county report offers the jurisdiction, every unit kind with someone in post and the
    ``max_units`` largest units (None: every unit); a unit report its units (``ctx.units``,
    those with someone in post) and the jurisdiction. The library's grouped frames are summed
    into one array per chart: no per-unit query and no per-unit pandas work.
    """
    con, day, year = ctx.con, ctx.as_of, ctx.year
    listing, kind_of_id, kind_of_name = _listing(ctx)
    if ctx.units is not None:
        wanted = set(ctx.units)
        order = {u: i for i, u in enumerate(ctx.units)}
        listing = listing[listing["unit_id"].isin(wanted)]
        listing = listing.assign(_o=listing["unit_id"].map(order)).sort_values("_o").drop(columns="_o")
        listing = listing.reset_index(drop=True)
        units = listing
        kinds: list[tuple[str, str]] = []
    else:
        units = _largest(listing, max_units)
        kinds = [(KIND + k, f"{k}合计") for k in sorted(set(listing["unit_kind"]), key=_kind_key)]
    # a unit whose id is spelt like an option of the jurisdiction or a kind is only in its own report
    units = units[~units["unit_id"].map(_reserved)].reset_index(drop=True)
    sl = None if ctx.units is None else list(units["unit_id"])

    pyr = structure.headcount(con, as_of=day, by=["unit", "age_band", "gender"], young=True,
                              **({} if sl is None else {"units": sl}))
    cov = training.coverage_matrix(con, year=year, as_of=day, by="unit", units=sl)
    grd = evaluation.grade_distribution(con, year=year, by="unit", units=sl)
    eli = pipeline.eligibility_counts(con, as_of=day, units=sl)
    key = ("units", year, day)
    if key not in ctx.cache:        # the jurisdiction's tables: once per batch of unit reports
        ctx.cache[key] = (
            structure.headcount(con, as_of=day, by=["age_band", "gender"], young=True),
            training.coverage_matrix(con, year=year, as_of=day),
            evaluation.grade_distribution(con, year=year),
            eli if ctx.units is None else pipeline.eligibility_counts(con, as_of=day))
    pyr_all, cov_all, grd_all, eli_all = ctx.cache[key]
    bands = _band_order(pyr_all["age_band"]) or ["20–24岁"]
    rules = [str(r) for r in dict.fromkeys(cov_all["rule"])]
    ranks = (eli_all[["next_step", "next_rank"]].drop_duplicates().sort_values("next_step")["next_rank"]
             .astype(str).tolist())
    ranks = list(dict.fromkeys(ranks))

    keys = [ALL, *(k for k, _ in kinds), *units["unit_id"]]
    name_to_id = dict(zip(listing["unit_name"], listing["unit_id"], strict=True))

    def codes(frame: pd.DataFrame, col: str, *, by_name: bool = False) -> list[np.ndarray]:
        """Each frame row's place among ``keys``: as its unit, and as its unit's kind."""
        ids = frame[col].astype(object)
        if by_name:
            kind = ids.map(kind_of_name)
            ids = ids.map(name_to_id)
        else:
            kind = ids.map(kind_of_id)
        out = [_codes(ids, keys)]
        if kinds:
            out.append(_codes(KIND + kind.astype(str), keys))
        return out

    def cube(rows: list[str], cols: list[str], unit_frame, code_col, all_frame, row_col, *,
             by_name=False, col_col=None, value=None) -> np.ndarray:
        out = np.zeros((len(keys), len(rows), len(cols)), dtype=np.int64)
        for c in codes(unit_frame, code_col, by_name=by_name):
            _sum_into(out, c, unit_frame, row_col, rows, cols, col_col=col_col, value=value)
        _sum_into(out, np.zeros(len(all_frame), dtype=np.intp), all_frame, row_col, rows, cols,
                  col_col=col_col, value=value)
        return out

    pyramid = cube(bands, GENDERS, pyr, "unit_name", pyr_all, "age_band", by_name=True,
                   col_col="gender", value="persons")
    coverage = cube(rules, list(COVERAGE), cov, "group_id", cov_all, "rule")
    grades = cube(["人数"], GRADE_ORDER, grd, "group_key", grd_all, None, col_col="grade",
                  value="persons")
    eligibility = cube(ranks, list(ELIGIBILITY), eli, "unit_id", eli_all, "next_rank")

    def frame(a: np.ndarray, rows: list[str], cols: list[str]) -> pd.DataFrame:
        return pd.DataFrame(a, index=pd.Index(rows, dtype=object), columns=pd.Index(cols, dtype=object))

    tables = {k: UnitTables(frame(pyramid[i], bands, GENDERS),
                            frame(coverage[i], rules, list(COVERAGE.values())),
                            frame(grades[i], ["人数"], GRADE_ORDER),
                            frame(eligibility[i], ranks, list(ELIGIBILITY.values())))
              for i, k in enumerate(keys)}
    return Gathered(listing=listing, units=units, kinds=kinds, tables=tables)


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


def _register(g: Gathered, names: dict[str, str], ctx: Context) -> dict[str, dict]:
    """Register every offered table with the report's artefact, tied to the rest of the report:
    each kind's table is the sum of its units' (those not offered summed into one unpublished
    table), the jurisdiction's is the sum of the kinds' where the numbers say so, and the
    jurisdiction's cells are the same figures as the sections' (:func:`_tie_sections`). The
    grades take the recoding of the county's grade table (one story: 基本称职及以下 everywhere).
    A unit report's jurisdiction tables are the county report's (:func:`release`), not protected
    again: the same figures in the same states, recoded alike."""
    a = ctx.artefact
    a.second_stage()
    main = release(ctx) if ctx.units is not None else None
    merges = _grade_merges(a if main is None else main)
    out: dict[str, dict] = {}
    for uid, t in g.tables.items():
        if main is not None and uid == ALL:     # the county report's figures, as it prints them
            out[uid] = {key: main.deferred(f"分单位查看·{title}·{ALL_NAME}") for key, title, _ in CHARTS}
            continue
        out[uid] = {key: a.table(getattr(t, key), name=f"分单位查看·{title}·{names[uid]}",
                                 principal="totals" if _reserved(uid) else (),
                                 merges=merges if key == "grades" else None)
                    for key, title, _ in CHARTS}
    if main is not None:          # a unit report: its units' tables are its sections' figures,
        for uid in g.units["unit_id"]:      # printed as the county report's selector prints them
            _tie_sections(a, out[uid])
            listed = getattr(main, "selector", {}).get(uid)       # by unit id: names may repeat
            for key, _, _ in CHARTS if listed else ():
                a.follow(out[uid][key], listed[key])
        a.selector = {uid: out[uid] for uid in g.units["unit_id"]}
        return out
    if ctx.units is None:
        kind_of = dict(zip(g.listing["unit_id"], g.listing["unit_kind"], strict=True))
        offered = set(g.units["unit_id"])
        for kid, kname in g.kinds:
            kind = kid[len(KIND):]
            members = [u for u in g.units["unit_id"] if str(kind_of.get(u)) == kind]
            for key, title, _ in CHARTS:
                total = getattr(g.tables[kid], key)
                rest = total - sum((getattr(g.tables[u], key) for u in members), 0 * total)
                parts = [out[u][key] for u in members]
                if (rest.to_numpy() < 0).any():       # cannot happen: the kind is its units' sum
                    continue
                if rest.to_numpy().any() or len(offered) < len(g.listing):
                    parts.append(a.table(rest, name=f"分单位查看·{title}·{kname}·未列出的单位",
                                         merges=merges if key == "grades" else None, published=False))
                a.sum(out[kid][key], parts)
        for key, _, _ in CHARTS:
            kinds_sum = sum((getattr(g.tables[k], key) for k, _ in g.kinds), 0 * getattr(g.tables[ALL], key))
            if g.kinds and kinds_sum.equals(getattr(g.tables[ALL], key)):
                a.sum(out[ALL][key], [out[k][key] for k, _ in g.kinds])
    _tie_sections(a, out[ALL])
    a.selector = out                # the tables of each offered unit, for its unit report to follow
    a.unlisted = {kid[len(KIND):]: {key: f"分单位查看·{title}·{kname}·未列出的单位" for key, title, _ in CHARTS}
                  for kid, kname in g.kinds}           # by kind: the tables of the units not offered
    a.kind_of = dict(zip(g.listing["unit_id"], g.listing["unit_kind"].astype(str), strict=True))
    return out


def _grade_merges(a) -> list:
    t = a.problem.tables.get("年度考核等次分布（按年龄段）")
    return list(t.merges) if t is not None else []


def _tie_sections(a, whole: dict) -> None:
    """The jurisdiction's selector cells are figures the sections publish too: the same cell
    (where the numbers agree — they do when both come from the same library functions)."""
    grades = "年度考核等次分布（按年龄段）"
    sel = whole["grades"]
    if a.table_named(grades) is not None:
        for c in a.table_named(grades).values.columns:
            if c != TOTAL:
                a.same_figure(sel, ("人数", c), grades, (TOTAL, c))
    a.same_figure(sel, ("人数", "不定等次"), "不定等次（按年龄段）", (TOTAL, "不定等次"))
    sel = whole["training"]
    for rule in a.problem.tables[sel.table_name].values.index:
        for col, src in (("已训", "covered"), ("待训", "pending"), ("未训", "missing"), (TOTAL, "obligations")):
            a.same_figure(sel, (rule, col), "四类培训覆盖情况", (f"{rule}|{TOTAL}", src))
    sel = whole["eligibility"]
    for rank in a.problem.tables[sel.table_name].values.index:
        for col, src in (("符合条件", "eligible"), ("职数受限", "quota_blocked"),
                         ("未满足条件", "not_qualified"), (TOTAL, TOTAL)):
            a.same_figure(sel, (rank, col), "职级晋升资格（按拟晋升职级）", (rank, src))
    for col in ("男", "女", TOTAL):
        a.same_figure(whole["pyramid"], (TOTAL, col), "年轻公务员年龄性别结构", (TOTAL, col))


#: the comparison's rows: the main report's definitions (训练: 已到期中按时完成; 考核: 优秀 ÷ 定等次)
COVERAGE_LABEL = "{rule}覆盖率（已到期中按时完成）"
EXCELLENT_LABEL = "优秀比例（优秀 ÷ 定等次）"


def _compare_tables(ctx: Context) -> dict:
    """The counts behind the unit report's comparison: the four rules' 已到期 and 按时完成 and the
    year's 优秀 and 定等次 — the unit's registered with the artefact (the same cells as its own
    sections'), 全辖区's read from the county report's tables as it prints them."""
    a, con, year, day, units = ctx.artefact, ctx.con, ctx.year, ctx.as_of, list(ctx.units)
    cov = training.coverage_matrix(con, year=year, as_of=day, units=units)
    grd = evaluation.grade_distribution(con, year=year, by="all", units=units)
    cov = cov[cov["group_name"] == TOTAL] if "group_name" in cov else cov
    rules = [str(r) for r in cov["rule"]]
    c = pd.DataFrame({"due": cov["due"].astype("int64").to_numpy(),
                      "due_covered": (cov["due"] - cov["missing"]).astype("int64").to_numpy()},
                     index=rules)
    graded = grd[grd["grade"] != "不定等次"]
    g = pd.DataFrame({"优秀": [int(graded.loc[graded["grade"] == "优秀", "persons"].sum())],
                      "定等次": [int(graded["persons"].sum())]}, index=["人数"])
    out = {"all": released_comparison(release(ctx)),
           "unit": (a.table(c, totals=False, name="本单位与全辖区对比·本单位·培训",
                            principal=[(r, x) for r in rules for x in c.columns]),
                    a.table(g, totals=False, name="本单位与全辖区对比·本单位·考核",
                            principal=[("人数", "优秀"), ("人数", "定等次")]))}
    _tie_unit_sections(a, *out["unit"])
    return out


def _tie_unit_sections(a, cov, grades) -> None:
    """The unit's comparison cells are its own sections' cells."""
    for r in a.problem.tables[cov.table_name].values.index:
        for x in ("due", "due_covered"):
            a.same_figure(cov, (r, x), "四类培训覆盖情况", (f"{r}|{TOTAL}", x))
    a.same_figure(grades, ("人数", "优秀"), "年度考核等次分布（按年龄段）", (TOTAL, "优秀"))
    a.same_figure(grades, ("人数", "定等次"), "年度考核等次分布（按年龄段）", (TOTAL, TOTAL))


def _indicators(t: dict[str, _View], cov, grades, young: str, rules: list) -> list[tuple[str, str]]:
    """(indicator, shown value) pairs for the unit–jurisdiction comparison of a unit report:
    the young from the selector's table, coverage and the 优秀 share by the main report's
    definitions from the comparison's tables, eligibility from the selector's."""
    def pct(p, r, num, den, digits):
        if p.is_hidden(r, num) or p.is_hidden(r, den) or not p.values.at[r, den]:
            return "—"
        return f"{p.values.at[r, num] / p.values.at[r, den]:.{digits}%}"

    rows = [(f"{young}公务员（人）", t["pyramid"].text(TOTAL, TOTAL))]
    for rule in rules:          # a rule nobody in the scope owes: "—"
        rows.append((COVERAGE_LABEL.format(rule=rule),
                     pct(cov, rule, "due_covered", "due", 1) if rule in cov.values.index else "—"))
    rows.append((EXCELLENT_LABEL, pct(grades, "人数", "优秀", "定等次", 1)))
    rows.append(("符合职级晋升条件（人）", t["eligibility"].text(TOTAL, "符合条件")))
    return rows


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
