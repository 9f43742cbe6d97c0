"""Widgets of the training notebook: year, units, rule, entry cohort and status, updating the
coverage heat table (a FigureWidget, in place) and the gap list behind the selected cell — names
masked. Clicking a cell of the heat table selects its rule and unit kind. Wiring only: numbers
from ``qingmiao_lib.training``, figures from ``qingmiao_lib.charts.training``."""

from __future__ import annotations

import duckdb
import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
from IPython.display import display

from .. import _steady, labels, training
from ..charts import training as charts
from . import Fixed, Static, kept, publisher, replace, static_caption
from ._units import UnitPicker

#: Gap-list columns shown to the analyst, in order.
GAP_COLUMNS = ["rule", "status", "name", "unit_name", "entry_cohort", "level", "due_date",
               "days_overdue", "days_left", "have_days", "need_days", "have_hours", "need_hours"]


def gap_table(gaps: pd.DataFrame, *, columns: list[str] | None = None, limit: int = 50,
              caption: str | None = None, unit: str = "项", show_names: bool = False,
              total: int | None = None):
    """A person list (a gap list by default columns) for display (:func:`labels.display_table`):
    the first ``limit`` rows, names masked, Chinese headers, a caption with the count. ``total``:
    the length of the whole list when ``gaps`` holds only its first rows (the caption counts it
    as if the whole list had been given)."""
    shown = gaps[[c for c in columns or GAP_COLUMNS if c in gaps.columns]]
    empty = [c for c in shown.columns if shown[c].head(limit).isna().all()]   # e.g. 职务层次 of 初任培训
    return labels.display_table(shown.drop(columns=empty), "training", max_rows=limit, caption=caption,
                                count=True, unit=unit, show_names=show_names, total_rows=total)


_STATUSES = [("未完成", "missing"), ("未到期", "pending"), ("已完成", "covered")]
#: The rows the gap list shows under the heat table (the rest are counted in its caption).
GAP_ROWS = 50


def _matrix(con, *, year: int, filters: dict) -> pd.DataFrame:
    """The heat table's matrix: the 合计 column and one per unit kind, from one query."""
    return training.coverage_matrix(con, year=year, by=["total", "unit_kind"], **filters)


def _coverage_figure(con, *, year: int, filters: dict) -> go.Figure | None:
    matrix = _matrix(con, year=year, filters=filters)
    return None if matrix.empty else charts.coverage_heat(matrix)


def _view(con, *, year: int, filters: dict, memo: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The heat table's matrix and the first :data:`GAP_ROWS` gap-list rows of each of its cells
    (rule, unit kind, status) for ``year`` and the slice — from ``memo`` when the explorer showed
    them lately. The gap list of any rule, unit kind and status the explorer offers starts with
    rows of these (``training.gap_list``'s ``per_cell``), and the matrix counts it, so a change
    of rule, unit kind or status asks the database nothing. The explorer's ``target_ids`` do not
    change, so they are not part of the key."""
    def compute():
        with _steady.steady(con):            # one view: the rules and stored tables looked up once
            return (_matrix(con, year=year, filters=filters),
                    training.gap_list(con, year=year, statuses=None, per_cell=GAP_ROWS, **filters))

    return kept(memo, (int(year), tuple(filters["units"] or ()), tuple(filters["cohorts"] or ())), compute)


def _listed(matrix: pd.DataFrame, heads: pd.DataFrame, *, year: int, rule: tuple[str, str | None],
            kind: tuple[str, str | None], status: tuple[str, str]):
    """The gap list of a choice (each (label, value); value None = all), masked, as :func:`_gaps`
    shows it: its first rows selected from ``heads`` (in the list's order already), its length
    the matrix's count of that status over the chosen rules and kinds (合计 for every kind)."""
    rules = list(training.RULES) if rule[1] is None else [rule[1]]
    keep = heads["rule"].isin(rules) & heads["status"].isin([training.STATUSES[status[1]]])
    if kind[1] is not None:
        keep &= heads["unit_kind"].isin([kind[1]])
    picked = heads[keep]
    cells = matrix[matrix["rule"].isin(rules) & (matrix["group_id"] == (kind[1] or "合计"))]
    return gap_table(picked.head(GAP_ROWS).reset_index(drop=True), limit=GAP_ROWS,
                     total=int(cells[status[1]].sum()),
                     caption=f"{year}年 · {rule[0]} · {kind[0]} · {status[0]}")


def _gaps(con, *, year: int, rule: tuple[str, str | None], kind: tuple[str, str | None],
          status: tuple[str, str], filters: dict):
    """The gap list (masked), its caption naming the choices. Each choice is (label, value)."""
    rows = training.gap_list(con, year=year, rules=rule[1], statuses=[status[1]],
                             unit_kinds=kind[1], **filters)
    return gap_table(rows, caption=f"{year}年 · {rule[0]} · {kind[0]} · {status[0]}")


def coverage_explorer(con: duckdb.DuckDBPyConnection, *, year: int, years: list[int] | None = None,
                      target_ids=None, export: bool = False,
                      audience: str = "circulation") -> widgets.VBox | Static:
    """The coverage explorer. ``box.controls`` holds the controls, ``box.figures`` the
    FigureWidget and ``box.gaps`` the Output with the gap list of the selected cell. With
    ``export`` a :class:`Static` of the heat table and the gap list for the initial values
    (all units and cohorts, every rule and unit kind, 未完成) as ``audience`` may see them: for
    circulation the heat table protected and the gap list withheld (its count only)."""
    if export:
        pub = publisher(con, export=True, audience=audience)
        filters = {"units": None, "cohorts": None, "target_ids": target_ids}
        heat = _coverage_figure(con, year=year, filters=filters)
        heat = pub.figure(heat) if heat is not None else None
        rows = training.gap_list(con, year=year, rules=None, statuses=[_STATUSES[0][1]],
                                 unit_kinds=None, **filters)
        table = pub.persons(rows, lambda d: gap_table(d, caption=f"{year}年 · 全部 · 全部 · {_STATUSES[0][0]}",
                                                      show_names=pub.names()),
                            what="待办名单", unit="项")
        figures = {"coverage": heat} if heat is not None else {}
        return Static([*figures.values(), table], figures=figures, controls={
            "year": Fixed(year), "units": Fixed((), "全部"), "cohorts": Fixed((), "全部"),
            "rule": Fixed(None, "全部"), "unit_kind": Fixed(None, "全部"),
            "status": Fixed(_STATUSES[0][1], _STATUSES[0][0])},
            caption=static_caption({"年度": str(year), "单位": "全部", "录用年份": "全部",
                                    "培训类别": "全部", "单位类别": "全部", "状态": _STATUSES[0][0]}))
    units = training.coverage_matrix(con, year=year, by="unit", target_ids=target_ids)
    cohorts = training.coverage_matrix(con, year=year, by="entry_cohort", target_ids=target_ids)
    unit_options = sorted(set(zip(units["group_name"], units["group_id"], strict=True)))
    year_w = widgets.Dropdown(options=years or [year], value=year, description="年度")
    units_w = UnitPicker(unit_options)
    cohort_w = widgets.SelectMultiple(options=sorted({int(c) for c in cohorts["group_id"]}),
                                      rows=6, description="录用年份")
    rule_w = widgets.Dropdown(options=[("全部", None), *[(f"{r}（{p}）", r) for r, p in training.RULES.items()]],
                              description="培训类别")
    kind_w = widgets.Dropdown(options=[("全部", None), *[(k, k) for k in training.UNIT_KINDS]],
                              description="单位类别")
    status_w = widgets.Dropdown(options=_STATUSES, description="状态")
    heat = go.FigureWidget()
    gaps = widgets.Output()
    memo: dict = {}

    def filters() -> dict:
        return {"units": list(units_w.value) or None, "cohorts": list(cohort_w.value) or None,
                "target_ids": target_ids}

    def show_gaps(_=None) -> None:
        matrix, heads = _view(con, year=year_w.value, filters=filters(), memo=memo)
        table = _listed(matrix, heads, year=year_w.value, rule=(rule_w.label, rule_w.value),
                        kind=(kind_w.label, kind_w.value), status=(status_w.label, status_w.value))
        gaps.clear_output(wait=True)
        with gaps:
            display(table)

    def update(_=None) -> None:
        matrix, _ = _view(con, year=year_w.value, filters=filters(), memo=memo)
        if not matrix.empty:
            replace(heat, charts.coverage_heat(matrix))
        show_gaps()

    def on_click(trace, points, _state) -> None:
        if not points.point_inds:
            return
        row, col = points.point_inds[0]
        rule_w.value = [r for r in training.RULES if r in trace.y[row]][0]
        kind_w.value = trace.x[col] if trace.x[col] in training.UNIT_KINDS else None

    for w in (year_w, units_w, cohort_w):
        w.observe(update, names="value")
    for w in (rule_w, kind_w, status_w):
        w.observe(show_gaps, names="value")
    update()
    if heat.data:
        heat.data[0].on_click(on_click)
    box = widgets.VBox([
        widgets.HBox([year_w, rule_w, kind_w, status_w]), widgets.HBox([units_w, cohort_w]), heat, gaps])
    box.controls = {"year": year_w, "units": units_w, "cohorts": cohort_w, "rule": rule_w,
                    "unit_kind": kind_w, "status": status_w}
    box.figures = {"coverage": heat}
    box.gaps = gaps
    box.update = update
    return box
