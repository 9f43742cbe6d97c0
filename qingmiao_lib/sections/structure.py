"""The report section 队伍结构 (cohort structure): the pyramid of the young, the young by unit
kind and education, ten years of structure, the pools' flows, the unit comparison table and the
bench-strength gap list — each chart with its numbers one click away. Aggregates only; every
count table protected (:mod:`qingmiao_lib.disclosure`) and every chart drawn from the protection."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from .. import charts, structure
from ..charts._base import hidden_cells
from ..charts.structure import matrix
from ..disclosure import TOTAL, Protected
from ..labels import young_labels, young_limit
from ._protect import Artefact, merge_note, withheld_or
from ._render import Context, Section, figure_html, render


def build(ctx: Context) -> Section | None:
    """The section for the report's year (all counts on ``ctx.as_of``), of ``ctx.units`` when
    given (the pools' flows are the jurisdiction's and left out of a unit report)."""
    con, day, t = ctx.con, ctx.as_of, ctx.threshold
    f = {} if ctx.units is None else {"units": list(ctx.units)}
    pyr = structure.age_pyramid(con, as_of=day, band_years=5, young_only=True, **f)
    limit = young_limit(con)
    by_kind = structure.headcount(con, as_of=day, by=["unit_kind", "education"], young=True, **f)
    first = max(ctx.year - 9, ctx.first_year("entry") or ctx.year)
    history = structure.over_time(con, first_year=first, last_year=ctx.year, by="generation", **f)
    units = structure.unit_comparison(con, as_of=day, **f)
    towns = structure.unit_comparison(con, as_of=day, unit_kinds=["乡镇街道"], **f)
    gaps = structure.bench_gaps(con, as_of=day, **f)
    units, unlisted = _listed(units, LISTED_UNITS)
    towns = _listed_towns(towns, units, LISTED_TOWNS)
    gaps_more = max(0, len(gaps) - LISTED_GAPS)
    gaps = gaps.head(LISTED_GAPS)

    a = ctx.artefact
    p_pyr = a.table(_pyramid_matrix(pyr), name="年轻公务员年龄性别结构", principal="totals")
    p_kind = a.table(matrix(by_kind, "unit_kind", "education"), name="年轻公务员按单位类别、学历",
                     principal="totals")
    a.same(p_pyr, p_kind, rows=[TOTAL], cols=[TOTAL])     # the young, counted twice
    p_hist = a.table(matrix(history, "year", "generation"), totals="row",
                     name="近年队伍结构（按出生年代）", principal="row_totals")
    p_units = _protect_units(units, a)
    p_pool = None
    if ctx.units is None:
        got = ctx.first_year("pool")
        pool_first = first if got is None else min(ctx.year, max(first, got))
        dyn = structure.pool_dynamics(con, first_year=pool_first, last_year=ctx.year)
        exits = structure.pool_exits(con, first_year=pool_first, last_year=ctx.year)
        p_pool = _protect_pools(dyn, exits, a)
    p_gap = a.table(pd.DataFrame({"leaders": gaps["leader_posts"].astype("int64").to_numpy()},
                                 index=[f"u:{u}" for u in gaps["unit_id"]]), totals=False,
                    name="梯队缺口单位的领导职务人数")
    ctx.follow_county(p_gap, unit_rows=True)

    def html():
        pools = None
        if p_pool is not None:
            pools = {"chart": chart_html(charts.structure.pool_flows(dyn, small_cell=t, protected=p_pool),
                                         hidden_cells(p_pool, cols=["entries", "exits", "size"])),
                     "rows": _pool_rows(dyn, p_pool, t)}
        return render(
            "structure.html.j2",
            as_of=day.isoformat(), year=ctx.year, first_year=first, threshold=t, young_limit=limit,
            unit_report=ctx.units is not None,
            pyramid_chart=withheld_or(p_pyr, lambda: chart_html(
                charts.pyramid(pyr, small_cell=t, protected=p_pyr), hidden_cells(p_pyr))),
            pyramid=p_pyr.rows(), merged=merge_note(p_pyr, p_kind),
            kind_chart=withheld_or(p_kind, lambda: chart_html(charts.structure.stacked_bars(
                by_kind, "unit_kind", "education", small_cell=t, protected=p_kind,
                title=f"{young_labels(limit)[0]}公务员按单位类别、学历分布（截至 {day.isoformat()}）"),
                hidden_cells(p_kind))),
            kind=_cross(p_kind),
            history_chart=withheld_or(p_hist, lambda: chart_html(charts.structure.over_time(
                history, "generation", small_cell=t, protected=p_hist), hidden_cells(p_hist))),
            history=_cross(p_hist),
            pools=pools,
            towns_chart=figure_html(charts.structure.unit_heat_table(
                towns, small_cell=t, persons_shown=_town_persons(towns, p_units),
                title=f"乡镇（街道）队伍结构对比（截至 {day.isoformat()}；颜色越深，在各乡镇中越高）"))
            if len(towns) > 1 else None,
            units=_unit_rows(units, p_units), unlisted=unlisted, gaps_more=gaps_more,
            listed_towns=LISTED_TOWNS if towns.attrs.get("capped") else None,
            gaps=[{"unit": r.unit_name, "kind": r.unit_kind, "gap": r.gap,
                   "leaders": p_gap.cell(f"u:{r.unit_id}", "leaders"),
                   "age": "—" if pd.isna(r.leaders_avg_age) or p_gap.is_hidden(f"u:{r.unit_id}", "leaders")
                   else f"{r.leaders_avg_age:.1f}"}
                  for r in gaps.itertuples()],
            gap_rank=structure.GAP_RANK,
        )

    return Section(id="structure", title="队伍结构", html=html, artefact=ctx.artefact)


#: A report lists at most this many units one by one in the unit table (the largest by persons;
#: the others of each kind as one row 其他N个单位), this many towns in the towns chart, and this
#: many units in the bench-gap list: a page a leader can read, and a report of a 50,000-unit
#: province that stays a few megabytes (every unit has its own unit report).
LISTED_UNITS, LISTED_TOWNS, LISTED_GAPS = 200, 60, 200
OTHERS = "__others__:"


def _listed(df: pd.DataFrame, n: int) -> tuple[pd.DataFrame, int]:
    """The unit comparison with at most ``n`` units of their own (the largest by persons), the
    rest of each kind summed into one row (``unit_id`` ``__others__:<kind>``, its name 其他N个单位,
    no averages); the total row kept. Returns the frame and how many units were summed."""
    body, total = df[~df["is_total"]], df[df["is_total"]]
    if len(body) <= n:
        return df, 0
    keep = body.sort_values(["persons", "unit_id"], ascending=[False, True], kind="stable").head(n).index
    rest = body.drop(index=keep)
    rows = []
    for kind, part in rest.groupby(rest["unit_kind"].astype(object).fillna(""), sort=False):
        rows.append({"unit_id": OTHERS + str(kind), "unit_name": f"其他{len(part):,}个单位",
                     "unit_kind": kind or None, "persons": int(part["persons"].sum()), "is_total": False})
    others = pd.DataFrame(rows).reindex(columns=df.columns)
    out = pd.concat([body.loc[body.index.isin(keep)], others, total], ignore_index=True)
    out["is_total"] = out["is_total"].astype(bool)
    out.attrs = dict(df.attrs)
    return out, len(rest)


def _listed_towns(towns: pd.DataFrame, units: pd.DataFrame, n: int) -> pd.DataFrame:
    """The towns chart's rows: the towns the unit table lists (at most ``n``, the largest) and
    the 乡镇街道 total."""
    body, total = towns[~towns["is_total"]], towns[towns["is_total"]]
    listed = set(units["unit_id"].dropna())
    kept = body[body["unit_id"].isin(listed)]
    kept = kept.sort_values(["persons", "unit_id"], ascending=[False, True], kind="stable").head(n)
    out = pd.concat([body[body.index.isin(kept.index)], total])
    out.attrs = dict(towns.attrs, capped=len(kept) < len(body))
    return out


def chart_html(fig, hidden: int) -> Markup:
    """A chart drawn from a protected table, in a container stating how many of its cells are
    hidden (``data-hidden-cells``): the chart draws one "未显示" placeholder for each
    (:func:`qingmiao_lib.charts._base.hidden_marks`), which the browser test checks."""
    return Markup(f'<div class="qm-chart" data-hidden-cells="{int(hidden)}">') + figure_html(fig) + Markup("</div>")


def _pyramid_matrix(df: pd.DataFrame) -> pd.DataFrame:
    bands = df[["band_start", "band"]].drop_duplicates().sort_values("band_start")["band"].tolist()
    wide = (df.pivot_table(index="band", columns="gender", values="persons", aggfunc="sum", fill_value=0)
            .reindex(index=bands, columns=["男", "女"], fill_value=0).astype("int64"))
    wide.index.name = wide.columns.name = None
    return wide


def _cross(p: Protected) -> dict:
    """A protected cross table for the template: header and rows of shown strings."""
    return {"header": p.header, "rows": p.rows()}


def _protect_pools(dyn: pd.DataFrame, exits: pd.DataFrame, a: Artefact):
    """Pools × years: start + entries − exits = size, last year's size = this year's start, and
    exits = the sum over exit reasons — all one protected table (index ``"pool|year"``)."""
    reasons = list(dict.fromkeys(exits["exit_reason"]))
    keys = [f"{p}|{y}" for p, y in zip(dyn["pool"], dyn["year"], strict=True)]
    table = pd.DataFrame({"size_start": dyn["size_start"].to_numpy(), "entries": dyn["entries"].to_numpy(),
                          "exits": dyn["exits"].to_numpy(), "size": dyn["size"].to_numpy()}, index=keys)
    for r in reasons:
        got = exits[exits["exit_reason"] == r].set_index(["pool", "year"])["exits"]
        table[f"reason:{r}"] = [int(got.get((p, y), 0)) for p, y in zip(dyn["pool"], dyn["year"], strict=True)]
    equations, relations = [], []
    prev: dict[str, str] = {}
    for k, (pool, year) in zip(keys, zip(dyn["pool"], dyn["year"], strict=True), strict=True):
        equations.append([((k, "size_start"), 1), ((k, "entries"), 1), ((k, "exits"), -1), ((k, "size"), -1)])
        if reasons:
            relations.append(((k, "exits"), [(k, f"reason:{r}") for r in reasons]))
        if pool in prev and int(year) == int(prev[pool].split("|")[1]) + 1:
            equations.append([((prev[pool], "size"), 1), ((k, "size_start"), -1)])
        prev[pool] = k
    return a.linear(table, relations=relations, equations=equations,
                    totals=[(k, "size") for k in keys], name="人才库进出")


def _pool_rows(dyn: pd.DataFrame, p: Protected, t: int) -> list[dict]:
    shown = p.shown()
    reasons = [c for c in shown.columns if c.startswith("reason:")]
    rows = []
    for r in dyn.itertuples():
        if not (r.size_start or r.size or r.exits):
            continue
        k = f"{r.pool}|{r.year}"
        why = "、".join(f"{c.split(':', 1)[1]} {shown.at[k, c]}" for c in reasons if p.values.at[k, c])
        rows.append({"pool": r.pool, "year": r.year, "start": shown.at[k, "size_start"],
                     "entries": shown.at[k, "entries"], "exits": shown.at[k, "exits"],
                     "size": shown.at[k, "size"], "reasons": why,
                     "median": "—" if pd.isna(r.median_months) or p.is_hidden(k, "size") or r.size < t
                     else f"{r.median_months:.0f}"})
    return rows


def _unit_key(r) -> str:
    if pd.isna(r.unit_id):
        return "none"
    return str(r.unit_id) if str(r.unit_id).startswith(OTHERS) else f"u:{r.unit_id}"


def _kinds(body: pd.DataFrame) -> list:
    return [k for k in (*structure.UNIT_KINDS, None)
            if (body["unit_kind"].isna() if k is None else body["unit_kind"].eq(k)).any()]


def _part(body: pd.DataFrame, kind) -> pd.DataFrame:
    return body[body["unit_kind"].isna()] if kind is None else body[body["unit_kind"] == kind]


def _protect_units(df: pd.DataFrame, a: Artefact):
    """Unit headcounts with a subtotal per unit kind and the total, protected together (the
    towns chart shows the 乡镇街道 subtotal as its total row)."""
    body = df[~df["is_total"]]
    index, values, relations, totals_parts = [], [], [], []
    for kind in _kinds(body):
        part = _part(body, kind)
        keys = [_unit_key(r) for r in part.itertuples()]
        index += keys
        values += part["persons"].astype(int).tolist()
        if kind is not None:
            index.append(f"k:{kind}")
            values.append(int(part["persons"].sum()))
            relations.append(((f"k:{kind}", "persons"), [(k, "persons") for k in keys]))
            totals_parts.append(f"k:{kind}")
        else:
            totals_parts += keys
    index.append(TOTAL)
    values.append(int(body["persons"].sum()))
    relations.append(((TOTAL, "persons"), [(k, "persons") for k in totals_parts]))
    return a.linear(pd.DataFrame({"persons": values}, index=index), relations=relations,
                    name="各单位人数（按单位类别小计）")


def _unit_rows(df: pd.DataFrame, p) -> list[dict]:
    """The unit table's rows for the template, from its protection."""
    body, rows = df[~df["is_total"]], []
    for kind in _kinds(body):
        for r in _part(body, kind).itertuples():
            rows.append(_unit_row(r, p, _unit_key(r)))
        if kind is not None:
            rows.append({"unit": f"{kind}小计", "kind": "", "total": True,
                         "persons": p.cell(f"k:{kind}", "persons"), "age": "", "service": "",
                         "party": "", "young": "", "bachelor": "", "women": ""})
    rows.append(_unit_row(df[df["is_total"]].iloc[0], p, TOTAL, is_total=True))
    return rows


def _unit_row(r, p: Protected, key: str, is_total: bool = False) -> dict:
    hide = p.is_hidden(key, "persons")

    def num(v, fmt):
        return "—" if hide or pd.isna(v) else fmt.format(v)

    kind = getattr(r, "unit_kind", None)
    return {"unit": r.unit_name, "kind": "" if kind is None or pd.isna(kind) else kind,
            "total": is_total, "persons": p.cell(key, "persons"),
            "age": num(r.avg_age, "{:.1f}"), "service": num(r.avg_service_years, "{:.1f}"),
            "party": num(r.avg_party_years, "{:.1f}"), "young": num(r.share_young, "{:.0%}"),
            "bachelor": num(r.share_bachelor_plus, "{:.0%}"), "women": num(r.share_women, "{:.0%}")}


def _town_persons(towns: pd.DataFrame, p: Protected) -> list[str]:
    """The towns chart's headcounts as the unit table shows them (its total = the 乡镇街道
    subtotal), so the chart and the table hide the same cells."""
    out = []
    for r in towns.itertuples():
        key = "k:乡镇街道" if r.is_total else _unit_key(r)
        out.append(p.cell(key, "persons") if key in p.values.index else "—")
    return out
