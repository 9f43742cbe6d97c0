"""Widgets of the pipeline notebooks. Wiring only: the numbers come from
``qingmiao_lib.pipeline``, the figures from ``qingmiao_lib.charts.pipeline``.

- ``eligibility_explorer``: as-of date, unit, next rank and within-months controls updating the
  eligibility bars (by rank and by unit) and a short list with masked names;
- ``profile_picker``: a person picker (masked names by default) updating the timeline chart.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import ipywidgets as widgets
import plotly.graph_objects as go
from IPython.display import display

from .. import charts, labels, pipeline
from . import replace

#: Columns of the short list shown under the eligibility explorer.
LIST_COLUMNS = ["person_id", "name", "unit_name", "current_rank", "next_rank", "tenure_months",
                "required_months", "eligible", "reasons", "time_met_on"]




def eligibility_explorer(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, within_months: int = 6,
                         unmasked: bool = False, rows: int = 15) -> widgets.VBox:
    """The explorer. ``box.controls`` holds the controls, ``box.figures`` the FigureWidgets."""
    from ..privacy import mask_name

    start = pipeline.eligibility_counts(con, as_of=as_of)
    units = start[["unit_id", "unit_name"]].drop_duplicates().dropna().values.tolist()
    ranks = start[["next_step", "next_rank"]].drop_duplicates().sort_values("next_step")["next_rank"].tolist()
    date = widgets.DatePicker(value=as_of, description="时点")
    unit = widgets.Dropdown(options=[("全部单位", None)] + [(n, u) for u, n in units], description="单位")
    rank = widgets.Dropdown(options=[("全部职级", None)] + [(r, r) for r in ranks], description="拟晋升职级")
    within = widgets.IntSlider(value=within_months, min=0, max=24, description="几个月内")
    by_rank, by_unit = go.FigureWidget(), go.FigureWidget()
    table = widgets.Output()

    def update(_=None) -> None:
        if date.value is None:
            return
        picked = [unit.value] if unit.value else None
        counts = pipeline.eligibility_counts(con, as_of=date.value, units=picked, within_months=within.value)
        quota = pipeline.quota_usage(con, as_of=date.value)
        of_rank = counts if rank.value is None else counts[counts["next_rank"] == rank.value]
        replace(by_rank, charts.pipeline.eligibility_bars(counts, quota=quota))
        replace(by_unit, charts.pipeline.eligibility_bars(of_rank, by="unit_name"))
        full = pipeline.eligibility(con, as_of=date.value, units=picked, within_months=within.value)
        due = full[full["due_within"] & ((full["next_rank"] == rank.value) if rank.value else True)]
        shown = due[LIST_COLUMNS].head(rows)
        if not unmasked:
            shown = shown.assign(name=shown["name"].map(mask_name))
        table.clear_output(wait=True)
        with table:
            print(f"{within.value} 个月内满足任职年限：{len(due)} 人（显示前 {len(shown)} 人）")
            display(labels.chinese(shown).style.hide(axis="index"))

    for control in (date, unit, rank, within):
        control.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([date, unit]), widgets.HBox([rank, within]), by_rank, by_unit, table])
    box.controls, box.figures = (date, unit, rank, within), (by_rank, by_unit)
    return box


def profile_picker(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, unmasked: bool = False,
                   person_id: str | None = None) -> widgets.VBox:
    """A person picker (names masked unless ``unmasked``) and the growth-record timeline."""
    people = pipeline.people(con, as_of=as_of, unmasked=unmasked)
    options = [(f"{n}（{p}，{u or '无在任职务'}）", p)
               for p, n, u in people[["person_id", "name", "unit_name"]].itertuples(index=False)]
    picker = widgets.Combobox(placeholder="输入人员编号或姓名", ensure_option=False, description="人员")
    choose = widgets.Dropdown(options=options, value=person_id or (options[0][1] if options else None),
                              description="选择")
    picker.options = [label for label, _ in options]
    by_label = dict(options)
    fw = go.FigureWidget()

    def on_text(change) -> None:
        if change["new"] in by_label:
            choose.value = by_label[change["new"]]

    def update(_=None) -> None:
        if choose.value:
            df = pipeline.profile(con, person_id=choose.value, as_of=as_of, unmasked=unmasked)
            replace(fw, charts.pipeline.person_timeline(df))

    picker.observe(on_text, names="value")
    choose.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([picker, choose]), fw])
    box.controls, box.figures = (picker, choose), (fw,)
    return box
