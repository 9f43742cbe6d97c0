"""The report section 教育培训 (training coverage): every count table protected
(:mod:`qingmiao_lib.disclosure`: "<5", complementary "×"), every chart drawn from the protection;
one action list — persons whose required training is 未完成 — names masked unless ``--unmasked``."""

from __future__ import annotations

import pandas as pd

from .. import _query, training
from ..charts import training as charts
from ..charts._base import hidden_cells
from ..disclosure import TOTAL, Protected
from ..privacy import mask_name
from ._protect import Artefact
from ._render import Context, Section, figure_html, render
from .structure import chart_html

#: The action list shows at most this many persons; the rest are counted ("另有 N 人").
LIST_CAP = 50
#: Width of the in-service hours bins (chart and table alike).
HOURS_BIN = 30


def build(ctx: Context) -> Section | None:
    """Coverage of the four rules, in-service hours, the weekly lecture, mentors and practice,
    and the list of missing required training — of ``ctx.units`` when given."""
    con, year, t, a = ctx.con, ctx.year, ctx.threshold, ctx.artefact
    u = {"units": list(ctx.units)} if ctx.units is not None else {}
    total = training.coverage_matrix(con, year=year, as_of=ctx.as_of, **u)
    if total.empty:
        return None
    by_kind = training.coverage_matrix(con, year=year, as_of=ctx.as_of, by="unit_kind", **u)
    by_kind = by_kind.sort_values("group_id", key=lambda g: g.map(_KIND_ORDER).fillna(9), kind="stable")
    matrix = pd.concat([total, by_kind], ignore_index=True)
    matrix.attrs = dict(total.attrs)
    rules = _query.rules(con)
    min_hours, threshold = rules.in_service_min_hours, rules.attendance_threshold
    max_mentees, limit = rules.max_mentees, rules.young_limit

    hours = training.in_service_hours(con, year=year, as_of=ctx.as_of, **u)   # the list's hours alone
    lectures = training.lecture_groups(con, year=year, as_of=ctx.as_of, by="unit_kind", monthly=True, **u)
    lecture_total = training.lecture_groups(con, year=year, as_of=ctx.as_of, by="unit_kind", **u)
    mentees = training.mentees(con, as_of=ctx.as_of, **u)
    load = training.mentor_load(con, as_of=ctx.as_of, **u)
    first = max(year - 4, ctx.first_year("practice") or year)
    practice = training.practice_participation(con, first_year=first, last_year=year, **u)
    share = training.practice_share(con, as_of=ctx.as_of, by="unit_kind", **u)
    outcomes = training.practice_outcomes(con, as_of=ctx.as_of, **u)
    gaps = training.gap_list(con, year=year, as_of=ctx.as_of, statuses=["missing"], **u)

    p_cov = _protect_coverage(matrix, a)
    p_hours = a.table(charts.hours_bins(hours, min_hours=min_hours, bin_hours=HOURS_BIN),
                      name="在职培训学时分布", principal="totals") if len(hours) else None
    p_lect = _protect_lectures(lecture_total, a)
    p_ment = _protect_mentors(mentees, load, max_mentees, a)
    p_post, p_young, p_ongo = _protect_practice(practice, a)
    p_share = a.table(pd.DataFrame({"有实践经历": share["practised"].astype("int64").to_numpy(),
                                    "无实践经历": (share["young_active"] - share["practised"]).astype("int64").to_numpy()},
                                   index=share["group_name"].astype(str).tolist()),
                      totals="row", name="年轻公务员实践经历（按单位类别）", principal="row_totals")
    p_out = _protect_outcomes(outcomes, a)
    # what the page shows of the long list, kept instead of it until it renders (a row per
    # obligation missing: millions at national scale)
    gap_rows, gap_count = _gap_list(gaps, ctx.unmasked), len(gaps)
    del gaps

    def html():
        return render(
            "training.html.j2",
            year=year, as_of=ctx.as_of.isoformat(), threshold=t, young_limit=limit,
            min_hours=f"{min_hours:g}", min_days=f"{rules.in_service_min_days:g}",
            lecture_threshold=f"{threshold:.0%}", max_mentees=max_mentees, hours_bin=HOURS_BIN,
            coverage_chart=figure_html(charts.coverage_heat(matrix, small_cell=t, protected=p_cov)),
            coverage=_coverage_rows(matrix, p_cov),
            hours_chart=chart_html(charts.hours_histogram(hours, min_hours=min_hours, bin_hours=HOURS_BIN,
                                                          small_cell=t, protected=p_hours),
                                   hidden_cells(p_hours, cols=["未达标", "达标"]))
            if p_hours is not None else None,
            hours=p_hours.rows() if p_hours is not None else [], hours_summary=_hours_summary(hours, p_hours),
            lecture_chart=figure_html(charts.attendance_heatmap(lectures, threshold=threshold, small_cell=t,
                                                                young_limit=limit))
            if len(lectures) else None,
            lectures=_lecture_rows(lecture_total, p_lect),
            mentors=_mentor_summary(p_ment),
            load_chart=chart_html(charts.mentor_load_bars(load, max_mentees=max_mentees, small_cell=t,
                                                          protected=p_ment),
                                  hidden_cells(p_ment, rows=[k for k in p_ment.values.index if k.isdigit()]))
            if len(load) else None,
            load=[{"mentees": int(k), "mentors": p_ment.cell(k, "n"), "over": int(k) > max_mentees}
                  for k in p_ment.values.index if k.isdigit() and p_ment.values.at[k, "n"]],
            practice_chart=chart_html(charts.practice_bars(practice, small_cell=t, protected=p_post,
                                                           young_protected=p_young), hidden_cells(p_post))
            if len(practice) else None,
            practice=_practice_rows(practice, p_post, p_young, p_ongo),
            share=[{"group": g, "young": p_share.cell(g, TOTAL), "practised": p_share.cell(g, "有实践经历"),
                    "share": p_share.share("row").at[g, "有实践经历"]} for g in p_share.values.index],
            outcome_total=_outcome_rows(outcomes[outcomes["entry_cohort"].isna()], p_out),
            outcomes=_outcome_rows(outcomes[outcomes["entry_cohort"].notna()], p_out),
            outcome_note=outcomes.attrs["note"], outcome_window=outcomes.attrs["window_years"],
            gap_list=gap_rows, gap_more=max(0, gap_count - LIST_CAP),
            gap_count=gap_count, unmasked=ctx.unmasked,
        )

    return Section(id="training", title="教育培训", html=html, artefact=ctx.artefact)



_KIND_ORDER = {k: i for i, k in enumerate(training.UNIT_KINDS)}
_COV_COLS = ("obligations", "covered", "pending", "missing", "due", "due_covered")


def _holds(df: pd.DataFrame, total: str, parts: list[str]) -> bool:
    return bool((df[total] == df[parts].sum(axis=1)).all())


def _protect_coverage(df: pd.DataFrame, a: Artefact):
    """Rules × groups: 应训 = 已完成 + 未到期 + 未完成 and 已到期 = 按时完成 + 未完成 per row, and
    per rule and count the 合计 group = the sum of the unit kinds (when the data says so)."""
    d = df.assign(due_covered=df["due"] - df["missing"])
    keys = [f"{r}|{g}" for r, g in zip(d["rule"], d["group_name"], strict=True)]
    table = pd.DataFrame({c: d[c].astype("int64").to_numpy() for c in _COV_COLS}, index=keys)
    relations = []
    for k in keys:
        relations.append(((k, "obligations"), [(k, "covered"), (k, "pending"), (k, "missing")]))
        relations.append(((k, "due"), [(k, "due_covered"), (k, "missing")]))
    for rule_name, g in d.groupby("rule", sort=False):
        tot = g[g["group_name"] == TOTAL]
        parts = g[g["group_name"] != TOTAL]
        if len(tot) != 1 or not len(parts):
            continue
        tk, pk = f"{rule_name}|{TOTAL}", [f"{rule_name}|{n}" for n in parts["group_name"]]
        for c in _COV_COLS:
            if int(table.loc[tk, c]) == int(table.loc[pk, c].sum()):
                relations.append(((tk, c), [(k, c) for k in pk]))
    ok = [r for r in relations if int(table.at[r[0]]) == sum(int(table.at[p]) for p in r[1])]
    return a.linear(table, relations=ok, name="四类培训覆盖情况")


def _coverage_rows(df: pd.DataFrame, p: Protected) -> list[dict]:
    rows = []
    for r in df.itertuples():
        k = f"{r.rule}|{r.group_name}"
        hidden = p.is_hidden(k, "due") or p.is_hidden(k, "due_covered") or pd.isna(r.coverage)
        rows.append({"rule": f"{r.rule}（{r.principle}）", "group": r.group_name,
                     **{c: p.cell(k, c) for c in _COV_COLS},
                     "coverage": "—" if hidden else f"{r.coverage:.1%}"})
    return rows


def _hours_summary(df: pd.DataFrame, p: Protected | None) -> dict:
    if p is None:
        return {"persons": "0", "meets": "0", "share": "—", "median": "—", "short_median": "—"}
    short = df[~df["meets"]]
    return {"persons": p.cell(TOTAL, TOTAL), "meets": p.cell(TOTAL, "达标"),
            "share": p.share("total").at[TOTAL, "达标"],
            "median": f"{df['have_hours'].median():.0f}",
            "short_median": f"{short['shortfall_hours'].median():.0f}" if len(short) >= p.threshold else "—"}


_LECT = ("persons", "below", "sessions", "attended", "excused", "absent")


def _protect_lectures(df: pd.DataFrame, a: Artefact):
    keys = df["group_name"].astype(str).tolist()
    table = pd.DataFrame({c: df[c].fillna(0).astype("int64").to_numpy() for c in _LECT}, index=keys)
    rel = [((k, "sessions"), [(k, "attended"), (k, "excused"), (k, "absent")]) for k in keys]
    rel = [r for r in rel if int(table.at[r[0]]) == sum(int(table.at[c]) for c in r[1])]
    return a.linear(table, relations=rel, name="每周一讲出勤（按单位类别）")


def _lecture_rows(df: pd.DataFrame, p: Protected) -> list[dict]:
    out = []
    for r in df.itertuples():
        k = str(r.group_name)
        hidden = p.is_hidden(k, "attended") or p.is_hidden(k, "sessions")
        out.append({"group": k, **{c: p.cell(k, c) for c in _LECT},
                    "rate": "—" if hidden or pd.isna(r.rate) else f"{r.rate:.1%}"})
    return out


def _protect_mentors(mentees: pd.DataFrame, load: pd.DataFrame, limit: int, a: Artefact):
    """The mentor figures in one table: 入职五年内 = 齐全 + 缺一 + 两缺; 在岗导师 = the sum of the
    load distribution; over the limit = the sum of its rows above the limit."""
    one = int(mentees["missing_roles"].isin(["政治导师", "业务导师"]).sum())
    both = int((mentees["missing_roles"] == "政治导师、业务导师").sum())
    counts = load["mentees"].value_counts() if len(load) else pd.Series(dtype=int)
    top = int(counts.index.max()) if len(counts) else 0
    rows = {"mentees": len(mentees), "covered": int(mentees["covered"].sum()), "one": one, "both": both,
            "orphaned": int(mentees["orphaned"].notna().sum()), "mentors": len(load),
            **{str(k): int(counts.get(k, 0)) for k in range(1, top + 1)},
            "over": int((load["mentees"] > limit).sum()) if len(load) else 0}
    table = pd.DataFrame({"n": list(rows.values())}, index=list(rows))
    rel = [(("mentees", "n"), [("covered", "n"), ("one", "n"), ("both", "n")]),
           (("mentors", "n"), [(str(k), "n") for k in range(1, top + 1)]),
           (("over", "n"), [(str(k), "n") for k in range(limit + 1, top + 1)])]
    rel = [r for r in rel if r[1] and int(table.at[r[0]]) == sum(int(table.at[c]) for c in r[1])]
    return a.linear(table, relations=rel, name="双导师与带教人数")


def _mentor_summary(p: Protected) -> list[dict]:
    rows = [("入职五年内人员", "mentees", None), ("双导师齐全", "covered", "mentees"),
            ("缺一名导师", "one", "mentees"), ("两名导师均缺", "both", "mentees"),
            ("导师已离开、带教关系仍未结束", "orphaned", "mentees"), ("在岗导师", "mentors", None),
            ("带教人数超过上限的导师", "over", "mentors")]
    out = []
    for label, k, d in rows:
        share = ""
        if d:
            hide = p.is_hidden(k, "n") or p.is_hidden(d, "n") or not p.values.at[d, "n"]
            share = "—" if hide else f"{p.values.at[k, 'n'] / p.values.at[d, 'n']:.1%}"
        out.append({"label": label, "value": p.cell(k, "n"), "share": share})
    return out


def _protect_practice(df: pd.DataFrame, a: Artefact):
    """Years × programs of postings, of the young posted and of the ongoing (no totals shown:
    a stacked bar's height is the sum of what is drawn)."""
    years = sorted(df["year"].unique())
    programs = list(dict.fromkeys(df["program"]))

    def wide(col):
        w = df.pivot_table(index="year", columns="program", values=col, aggfunc="sum", fill_value=0)
        w = w.reindex(index=years, columns=programs, fill_value=0).fillna(0).astype("int64")
        w.index.name = w.columns.name = None
        return w

    return (a.table(wide("postings"), totals=False, name="一线实践锻炼选派人次"),
            a.table(wide("young_persons_posted"), totals=False, name="一线实践锻炼中的年轻公务员"),
            a.table(wide("ongoing"), totals=False, name="一线实践锻炼进行中人次"))


def _practice_rows(df: pd.DataFrame, post: Protected, young: Protected, ongo: Protected) -> list[dict]:
    return [{"year": int(r.year), "program": r.program, "postings": post.cell(r.year, r.program),
             "young": young.cell(r.year, r.program), "ongoing": ongo.cell(r.year, r.program),
             "median": "—" if pd.isna(r.median_posting_months) or post.is_hidden(r.year, r.program)
             else f"{r.median_posting_months:.0f}"}
            for r in df.itertuples()]


def _protect_outcomes(df: pd.DataFrame, a: Artefact):
    """Entry cohorts × (practised, peer person-times) with the 全部 row as their total."""
    cohorts = df[df["entry_cohort"].notna()]
    table = pd.DataFrame({"practised": cohorts["practised"].fillna(0).astype("int64").to_numpy(),
                          "peers": cohorts["peers"].fillna(0).astype("int64").to_numpy()},
                         index=[str(int(c)) for c in cohorts["entry_cohort"]])
    p = a.table(table, totals="column", name="实践锻炼后晋升对照（按录用年份）", principal="column_totals")
    allrow = df[df["entry_cohort"].isna()]
    if len(allrow) and int(allrow["practised"].fillna(0).iloc[0]) != int(table["practised"].sum()):
        raise ValueError("practice_outcomes: the 全部 row is not the sum of the cohorts")
    return p


def _outcome_rows(df: pd.DataFrame, p: Protected) -> list[dict]:
    rows = []
    for r in df.itertuples():
        k = TOTAL if pd.isna(r.entry_cohort) else str(int(r.entry_cohort))
        hp, hq = p.is_hidden(k, "practised"), p.is_hidden(k, "peers")
        rows.append({"cohort": "全部" if k == TOTAL else f"{k}年",
                     "practised": p.cell(k, "practised"), "peers": p.cell(k, "peers"),
                     "rate": "—" if hp else _pct(r.practised_rate),
                     "peer_rate": "—" if hq else _pct(r.peer_rate),
                     "difference": "—" if hp or hq or pd.isna(r.difference)
                     else f"{r.difference * 100:+.1f} 个百分点"})
    return rows


def _pct(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


def _gap_list(df: pd.DataFrame, unmasked: bool) -> list[dict]:
    """The first :data:`LIST_CAP` missing obligations: most overdue first."""
    d = df.sort_values(["days_overdue", "rule"], ascending=[False, True], kind="stable").head(LIST_CAP)
    return [{"name": r.name if unmasked else mask_name(r.name), "unit": r.unit_name or "",
             "rule": r.rule, "due": pd.Timestamp(r.due_date).date().isoformat(),
             "overdue": "" if pd.isna(r.days_overdue) else f"{int(r.days_overdue)}",
             "short": "" if pd.isna(r.shortfall_hours) else f"{r.shortfall_hours:.0f} 学时"}
            for r in d.itertuples()]
