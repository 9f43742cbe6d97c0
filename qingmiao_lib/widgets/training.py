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

from .. import labels, training
from ..charts import training as charts
from ..privacy import mask_name
from . import replace

#: Gap-list columns shown to the analyst, in order.
GAP_COLUMNS = ["rule", "status", "name", "unit_name", "entry_cohort", "level", "due_date",
               "days_overdue", "days_left", "have_days", "need_days", "have_hours", "need_hours"]




def gap_table(gaps: pd.DataFrame, *, columns: list[str] | None = None, limit: int = 50) -> pd.DataFrame:
    """The first ``limit`` rows of a person list (a gap list by default columns) for display:
    names masked, Chinese headers."""
    shown = gaps[[c for c in columns or GAP_COLUMNS if c in gaps.columns]].head(limit).copy()
    shown["name"] = shown["name"].map(mask_name)
    shown = shown.dropna(axis=1, how="all")
    # this module's names first: another area's COLUMNS may give "status" another meaning
    return shown.rename(columns={**labels.all_columns(), **training.COLUMNS})


def coverage_explorer(con: duckdb.DuckDBPyConnection, *, year: int, years: list[int] | None = None,
                      target_ids=None) -> widgets.VBox:
    """The coverage explorer. ``box.controls`` holds the controls, ``box.figures`` the
    FigureWidget and ``box.gaps`` the Output with the gap list of the selected cell."""
    units = training.coverage_matrix(con, year=year, by="unit", target_ids=target_ids)
    cohorts = training.coverage_matrix(con, year=year, by="entry_cohort", target_ids=target_ids)
    unit_options = sorted(set(zip(units["group_name"], units["group_id"], strict=True)))
    year_w = widgets.Dropdown(options=years or [year], value=year, description="年度")
    units_w = widgets.SelectMultiple(options=unit_options, rows=6, description="单位")
    cohort_w = widgets.SelectMultiple(options=sorted({int(c) for c in cohorts["group_id"]}),
                                      rows=6, description="录用年份")
    rule_w = widgets.Dropdown(options=[("全部", None), *[(f"{r}（{p}）", r) for r, p in training.RULES.items()]],
                              description="培训类别")
    kind_w = widgets.Dropdown(options=[("全部", None), *[(k, k) for k in training.UNIT_KINDS]],
                              description="单位类别")
    status_w = widgets.Dropdown(options=[("未完成", "missing"), ("未到期", "pending"), ("已完成", "covered")],
                                description="状态")
    heat = go.FigureWidget()
    gaps = widgets.Output()

    def filters() -> dict:
        return {"units": list(units_w.value) or None, "cohorts": list(cohort_w.value) or None,
                "target_ids": target_ids}

    def show_gaps(_=None) -> None:
        rows = training.gap_list(con, year=year_w.value, rules=rule_w.value, statuses=[status_w.value],
                                 unit_kinds=kind_w.value, **filters())
        gaps.clear_output(wait=True)
        with gaps:
            print(f"{year_w.value}年 · {rule_w.label} · {kind_w.label} · {status_w.label}：共 {len(rows)} 项"
                  + ("（显示前50项）" if len(rows) > 50 else ""))
            display(gap_table(rows))

    def update(_=None) -> None:
        total = training.coverage_matrix(con, year=year_w.value, **filters())
        kinds = training.coverage_matrix(con, year=year_w.value, by="unit_kind", **filters())
        matrix = pd.concat([total, kinds], ignore_index=True)
        matrix.attrs = dict(total.attrs)
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
