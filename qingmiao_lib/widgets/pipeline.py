"""Widgets of the pipeline notebooks. Wiring only: the numbers come from
``qingmiao_lib.pipeline``, the figures from ``qingmiao_lib.charts.pipeline``.

- ``eligibility_explorer``: as-of date, unit, next rank and within-months controls updating the
  eligibility bars (by rank and by unit) and a short list with masked names;
- ``profile_picker``: a search box and a person picker (the first 50 matches; masked names by
  default) updating the timeline chart.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import ipywidgets as widgets
import plotly.graph_objects as go
from IPython.display import display

from .. import _steady, charts, labels, pipeline
from . import Fixed, Static, kept, publisher, replace, static_caption

#: Columns of the short list shown under the eligibility explorer.
LIST_COLUMNS = ["person_id", "name", "unit_name", "current_rank", "next_rank", "tenure_months",
                "required_months", "eligible", "reasons", "time_met_on"]



def _frames(con, *, as_of: dt.date, within: int, memo: dict | None = None):
    """The whole jurisdiction's eligibility counts (by unit and next rank) and quota usage on
    ``as_of`` — from ``memo`` when the explorer showed them lately. A unit's or a rank's figures
    are a selection of these rows: the eligibility of a unit's persons is the rows they have in
    the whole list (the holders of a rank are counted over the jurisdiction either way)."""
    def counts():
        # one view: the rules and stored tables looked up once, and every person's eligibility on
        # the date computed once — and held for the next views of that date (another horizon,
        # unit or rank: pipeline.holding)
        with _steady.steady(con), pipeline.holding(con, as_of):
            return pipeline.eligibility_counts(con, as_of=as_of, within_months=within)

    def quota():   # the same on every horizon
        with _steady.steady(con):
            return pipeline.quota_usage(con, as_of=as_of)

    return (kept(memo, (as_of, within), counts),
            kept(None if memo is None else memo.setdefault("quota", {}), as_of, quota))


def _due(con, *, as_of: dt.date, unit: str | None, rank: str | None, within: int, rows: int,
         memo: dict | None = None):
    """The first ``rows`` persons due within ``within`` months in the unit and of the next rank
    chosen — what the list shows, asked of the rows held for the date (pipeline.holding)."""
    def compute():
        with _steady.steady(con), pipeline.holding(con, as_of):
            return pipeline.eligibility(con, as_of=as_of, units=[unit] if unit else None,
                                        within_months=within, due_only=True, next_rank=rank,
                                        limit=rows)

    return kept(None if memo is None else memo.setdefault("due", {}),
                (as_of, within, unit, rank, rows), compute)


def _eligibility(con, *, as_of: dt.date, unit: str | None, rank: str | None, within: int,
                 unmasked: bool, rows: int, memo: dict | None = None) -> tuple[dict[str, go.Figure], object]:
    """The two figures and the short list (names masked unless asked), its caption counting
    every person due (the counts' due_within over the unit and rank chosen)."""
    counts, quota = _frames(con, as_of=as_of, within=within, memo=memo)
    if unit:
        counts = counts[counts["unit_id"] == unit]
    of_rank = counts if rank is None else counts[counts["next_rank"] == rank]
    figs = {"by_rank": charts.pipeline.eligibility_bars(counts, quota=quota),
            "by_unit": charts.pipeline.eligibility_bars(of_rank, by="unit_name")}
    due = _due(con, as_of=as_of, unit=unit, rank=rank, within=within, rows=rows, memo=memo)
    table = labels.display_table(due[LIST_COLUMNS], "pipeline", max_rows=rows, show_names=unmasked,
                                 caption=f"{within} 个月内满足任职年限", count=True, unit="人",
                                 total_rows=int(of_rank["due_within"].sum()))
    return figs, table


def eligibility_explorer(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, within_months: int = 6,
                         unmasked: bool = False, rows: int = 15,
                         export: bool = False, audience: str = "circulation") -> widgets.VBox | Static:
    """The explorer. ``box.controls`` holds the controls, ``box.figures`` the FigureWidgets. With
    ``export`` a :class:`Static` of the figures and the list for ``as_of``, all units and ranks
    and ``within_months`` as ``audience`` may see them: names masked unless ``unmasked``; for
    circulation the figures protected and the list withheld (its count only)."""
    if export:
        pub = publisher(con, export=True, audience=audience)
        figs, table = _eligibility(con, as_of=as_of, unit=None, rank=None, within=within_months,
                                         unmasked=pub.names(), rows=rows)
        figs = {k: pub.figure(f) for k, f in figs.items()}
        if not pub.lists:
            due = pipeline.eligibility(con, as_of=as_of, within_months=within_months)
            table = pub.persons(due[due["due_within"]], None,
                                what=f"{within_months} 个月内满足任职年限人员名单")
        return Static([*figs.values(), table], figures=tuple(figs.values()), controls=(
            Fixed(as_of), Fixed(None, "全部单位"), Fixed(None, "全部职级"), Fixed(within_months)),
            caption=static_caption({"时点": str(as_of), "单位": "全部单位", "拟晋升职级": "全部职级",
                                    "几个月内": str(within_months)}))
    memo: dict = {}
    start = _frames(con, as_of=as_of, within=within_months, memo=memo)[0]   # the first view's counts
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
        figs, shown = _eligibility(con, as_of=date.value, unit=unit.value, rank=rank.value,
                                   within=within.value, unmasked=unmasked, rows=rows, memo=memo)
        replace(by_rank, figs["by_rank"])
        replace(by_unit, figs["by_unit"])
        table.clear_output(wait=True)
        with table:
            display(shown)

    for control in (date, unit, rank, within):
        control.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([date, unit]), widgets.HBox([rank, within]), by_rank, by_unit, table])
    box.controls, box.figures = (date, unit, rank, within), (by_rank, by_unit)
    return box


#: The most persons the profile picker lists at once: the first of those matching what was typed
#: into its search box (a list of a million names would take the notebook ~13 s and 5 GB to build).
PICKER_ROWS = 50
#: The search box's hint: names are searched only when shown.
SEARCH_HINT = {False: "输入人员编号或单位名称", True: "输入人员编号、姓名或单位名称"}


def _person_label(person_id: str, name: str, unit_name: str | None) -> str:
    return f"{name}（{person_id}，{unit_name or '无在任职务'}）"


def profile_picker(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, unmasked: bool = False,
                   person_id: str | None = None, export: bool = False,
                   audience: str = "circulation") -> widgets.VBox | Static:
    """A person picker (names masked unless ``unmasked``) and the growth-record timeline. With
    ``export`` a :class:`Static` of the timeline of ``person_id`` (the first person when None),
    the name masked unless ``audience`` is ``unmasked``; for circulation withheld (a note; the
    controls hold no person)."""
    if export:
        pub = publisher(con, export=True, audience=audience)
        if not pub.lists:
            return Static([pub.persons(None, None, what="个人成长档案")],
                          controls=(Fixed(None, "无"), Fixed(None, "无")))
        unmasked = pub.names()
        # the one person shown: found by id (the id's prefix matches few), else the first listed
        people = pipeline.people(con, as_of=as_of, unmasked=unmasked, match=person_id,
                                 limit=None if person_id else 1)
        rows = people[people["person_id"] == person_id] if person_id else people
        if rows.empty and person_id is None:
            return Static(caption=static_caption({"人员": "无"}), controls=(Fixed(None), Fixed(None)))
        if rows.empty:   # not active on as_of: still the person asked for
            df = pipeline.profile(con, person_id=person_id, as_of=as_of, unmasked=unmasked)
            label = _person_label(person_id, df.attrs["name"], None)
        else:
            pid, name, unit_name = rows[["person_id", "name", "unit_name"]].iloc[0]
            label = _person_label(pid, name, unit_name)
            df = pipeline.profile(con, person_id=pid, as_of=as_of, unmasked=unmasked)
        fig = charts.pipeline.person_timeline(df)
        chosen = person_id or rows["person_id"].iloc[0]
        return Static([fig], figures=(fig,), controls=(Fixed(label), Fixed(chosen, label)),
                      caption=static_caption({"人员": label}))
    picker = widgets.Combobox(placeholder=SEARCH_HINT[unmasked], ensure_option=False, description="查找",
                              continuous_update=False)
    choose = widgets.Dropdown(description="选择")
    fw = go.FigureWidget()

    def listed(match: str | None) -> list[tuple[str, str]]:
        found = pipeline.people(con, as_of=as_of, unmasked=unmasked, match=match, limit=PICKER_ROWS)
        return [(_person_label(p, n, u), p)
                for p, n, u in found[["person_id", "name", "unit_name"]].itertuples(index=False)]

    def on_text(change) -> None:
        # the persons matching what was typed (at most PICKER_ROWS), the first of them chosen
        options = listed(change["new"])
        if options:
            choose.options = options
            choose.value = options[0][1]

    def update(_=None) -> None:
        if choose.value:
            df = pipeline.profile(con, person_id=choose.value, as_of=as_of, unmasked=unmasked)
            replace(fw, charts.pipeline.person_timeline(df))

    options = listed(person_id)
    if person_id and person_id not in {p for _, p in options}:   # not active on as_of: still the one asked for
        options = [(person_id, person_id), *options]
    choose.options = options
    choose.value = person_id or (options[0][1] if options else None)
    picker.observe(on_text, names="value")
    choose.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([picker, choose]), fw])
    box.controls, box.figures = (picker, choose), (fw,)
    return box
