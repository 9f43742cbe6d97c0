"""The report section 分单位查看's tables registered with the report's artefact (:func:`_register`):
tied to the sections' figures, each kind's table the sum of its units', a unit report's
jurisdiction tables the county report's; and a unit report's comparison with the jurisdiction
(:func:`_compare_tables`, :func:`_indicators`).

Split from :mod:`.units`, which re-exports every public name here.
"""

from __future__ import annotations

import pandas as pd

from .. import evaluation, training
from ..disclosure import TOTAL
from ._release import release, released_comparison
from ._render import Context
from ._unit_gather import ALL, ALL_NAME, CHARTS, KIND, Gathered, _reserved
from ._unit_specs import _View


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
    for kid, _ in g.kinds:           # a kind's tables are the sections' rows of that kind
        _tie_kind(a, out[kid], kid[len(KIND):])
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


def _tie_kind(a, kind_tables: dict, kind: str) -> None:
    """A unit kind's selector cells are figures the sections publish in their rows of that kind:
    四类培训覆盖情况 ``<rule>|<kind>``, and the kind's young persons in 年轻公务员按单位类别、学历.
    Without the tie a reader subtracts the listed units from the section's row."""
    sel = kind_tables["training"]
    for rule in a.problem.tables[sel.table_name].values.index:
        for col, src in (("已训", "covered"), ("待训", "pending"), ("未训", "missing"), (TOTAL, "obligations")):
            a.same_figure(sel, (rule, col), "四类培训覆盖情况", (f"{rule}|{kind}", src))
    a.same_figure(kind_tables["pyramid"], (TOTAL, TOTAL), "年轻公务员按单位类别、学历", (kind, TOTAL))


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
