"""Widgets of the evaluation notebook: year, units and age group updating four FigureWidgets in
place, and a person picker showing one person's record year by year (name masked unless asked).
Wiring only: the numbers come from ``qingmiao_lib.evaluation``, the figures from
``qingmiao_lib.charts.evaluation``. The dashboard keeps its last views, and the whole
jurisdiction's 优秀 shares and streaks of the years it showed whole, of which a view of some units
or an age group is a selection (issue 22: every update ≤ 300 ms at a million persons)."""

from __future__ import annotations

import duckdb
import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc
from IPython.display import display

from .. import _steady, evaluation, labels
from ..charts import evaluation as ch
from ..evaluation import excellence
from ..privacy import mask_name
from . import VIEWS_KEPT, Fixed, Static, kept, publisher, replace, static_caption
from ._units import UnitPicker

ALL = "全部"


#: How many years' whole frames the dashboard keeps (:func:`_whole_year`).
YEARS_KEPT = 4


def _kept(memo: dict | None, part: str, key, compute, *, most: int = VIEWS_KEPT):
    """:func:`kept` in ``memo``'s own part ``part`` (the views, the units' person lists)."""
    return kept(None if memo is None else memo.setdefault(part, {}), key, compute, most=most)


def _selected(df, units: list[str] | None, age_group: str | None = None, ages=None):
    """The rows of a whole-jurisdiction frame whose ``unit_id`` is one of ``units`` and, when
    ``age_group`` is given, whose age group (``ages``, one per row) is it: what the analysis
    returns when asked for that slice, where each row is one unit's or one active person's of
    their main unit and age on 31 December (``excellent_share``, ``streaks``)."""
    if not units and age_group is None:
        return df
    keep = np.ones(len(df), dtype=bool)
    if units:
        keep &= df["unit_id"].isin(units).to_numpy()
    if age_group is not None:
        keep &= pc.fill_null(pc.equal(ages, age_group), False).to_numpy(zero_copy_only=False)
    out = df[keep].reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out


def _whole_year(con, year: int, memo: dict | None) -> dict | None:
    """The year's 优秀 share of every unit and streaks of every active person, kept in ``memo``
    by the views of the whole jurisdiction that compute them anyway (:func:`_dashboard_figures`,
    :func:`_unit_options`); None when none of the last :data:`YEARS_KEPT` years shown whole was
    ``year``. A view of some units or an age group is a selection of these rows (:func:`_selected`):
    it asks the database for neither."""
    if memo is None:
        return None
    kept = memo.setdefault("years", {})
    if int(year) in kept:
        kept[int(year)] = kept.pop(int(year))
    return kept.get(int(year))


def _keep_year(memo: dict | None, year: int, **frames) -> None:
    if memo is None:
        return
    kept = memo.setdefault("years", {})
    kept.setdefault(int(year), {}).update(frames)
    while len(kept) > YEARS_KEPT:
        kept.pop(next(iter(kept)))


def _streak_ages(con, year: int, whole: dict) -> pa.Array:
    """Each row's age group of the year's whole streaks (computed once, on the first view of an
    age group of that year): the persons' ids looked up in Arrow, not in a pandas index."""
    if "streak_ages" not in whole:
        ages = excellence._person_age_groups(con, year=year)
        at = pc.index_in(pa.array(whole["streaks"]["person_id"]), value_set=pa.array(ages["person_id"]))
        whole["streak_ages"] = pc.take(pa.array(ages["age_group"]), at)
    return whole["streak_ages"]


def _unit_options(con, year: int, memo: dict | None = None) -> list[tuple[str, str]]:
    whole = _whole_year(con, year, memo) or {}
    share = whole["share"] if "share" in whole else evaluation.excellent_share(con, year=year)
    _keep_year(memo, year, share=share)
    share = share[share["unit_id"].notna()].sort_values("unit_id")
    return list(zip(share["unit_name"], share["unit_id"], strict=True))


def _dashboard_figures(con, *, year: int, units: list[str], age_group: str,
                       memo: dict | None = None) -> dict[str, go.Figure]:
    """The four figures of a view, from ``memo`` when the dashboard showed it lately; the 优秀
    shares and the streaks selected from the year's whole frames when it keeps them
    (:func:`_whole_year`)."""
    filters = {"units": list(units) or None, "age_group": None if age_group == ALL else age_group}

    def compute() -> dict[str, go.Figure]:
        with _steady.steady(con):      # one update: the rules and stored tables looked up once
            whole = _whole_year(con, year, memo) or {}
            if "share" in whole:
                share = _selected(whole["share"], filters["units"])
            else:
                share = evaluation.excellent_share(con, year=year, units=filters["units"])
                if not filters["units"]:
                    _keep_year(memo, year, share=share)
            if "streaks" in whole:
                ages = _streak_ages(con, year, whole) if filters["age_group"] else None
                streaks = _selected(whole["streaks"], filters["units"], filters["age_group"], ages)
            else:
                streaks = evaluation.streaks(con, year=year, **filters)
                if not filters["units"] and not filters["age_group"]:
                    _keep_year(memo, year, streaks=streaks)
            return {
                "grades": ch.grade_distribution(evaluation.grade_distribution(con, year=year, by="unit_kind", **filters)),
                "share": ch.excellent_share(share, top=20),
                "quarters": ch.quarterly_trend(
                    evaluation.quarterly_distribution(con, year=year, first_year=year - 2, **filters)),
                "streaks": ch.streak_histogram(streaks),
            }

    return _kept(memo, "views", (int(year), tuple(units), age_group), compute, most=VIEWS_KEPT)


def dashboard(con: duckdb.DuckDBPyConnection, *, year: int, years: list[int],
              export: bool = False, audience: str = "circulation") -> widgets.VBox | Static:
    """Year, units and age group → grade distribution, 优秀 share vs cap, quarterly trend and
    streaks. ``box.controls`` holds the controls, ``box.figures`` the FigureWidgets. With
    ``export`` a :class:`Static` of the four figures for ``year``, all units and ages, as
    ``audience`` may see them."""
    if export:
        pub = publisher(con, export=True, audience=audience)
        figs = {k: pub.figure(f) for k, f in
                _dashboard_figures(con, year=year, units=[], age_group=ALL).items()}
        return Static(figs.values(), figures=figs, controls={
            "year": Fixed(year), "units": Fixed((), ALL), "age_group": Fixed(ALL)},
            caption=static_caption({"年度": str(year), "单位": ALL, "年龄段": ALL}))
    pick_year = widgets.Dropdown(options=years, value=year, description="年度")
    memo: dict = {}
    units = UnitPicker(_unit_options(con, year, memo))
    age = widgets.Dropdown(options=[ALL, *evaluation.age_groups(con)], value=ALL, description="年龄段")
    figs = {k: go.FigureWidget() for k in ("grades", "share", "quarters", "streaks")}

    def update(_=None) -> None:
        new = _dashboard_figures(con, year=pick_year.value, units=list(units.value), age_group=age.value,
                                 memo=memo)
        for key, fig in new.items():
            replace(figs[key], fig)

    for w in (pick_year, units, age):
        w.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([widgets.VBox([pick_year, age]), units]), *figs.values()])
    box.controls = {"year": pick_year, "units": units, "age_group": age}
    box.figures = figs
    box.update = update
    return box


def _people(con, *, year: int, unit: str, show_names: bool) -> list[tuple[str, str]]:
    hist = evaluation.grade_history(con, year=year, units=[unit])
    shown = hist["name"] if show_names else hist["name"].map(mask_name)
    return list(zip(shown + "（" + hist["person_id"] + "）", hist["person_id"], strict=True))


def _history_table(con, *, person_id: str, year: int):
    df = evaluation.person_history(con, person_id=person_id, year=year)
    return labels.display_table(df, "evaluation", max_rows=None)


def person_picker(con: duckdb.DuckDBPyConnection, *, year: int, show_names: bool = False,
                  export: bool = False, audience: str = "circulation") -> widgets.VBox | Static:
    """A unit, then a person of it → that person's record year by year (:func:`evaluation.
    person_history`). Names are masked (张*明) unless ``show_names``. With ``export`` a
    :class:`Static` of the record the picker first shows (first unit, its first person), the
    name masked unless ``audience`` is ``unmasked``; withheld (a note) for circulation."""
    if export:
        pub = publisher(con, export=True, audience=audience)
        if not pub.lists:
            return Static([pub.persons(None, None, what="个人考核情况")],
                          controls={"unit": Fixed(None, "无"), "person": Fixed(None, "无")})
        first_unit = next(iter(_unit_options(con, year)), None)
        people = _people(con, year=year, unit=first_unit[1], show_names=pub.names()) if first_unit else []
        if not people:
            return Static(caption=static_caption({"单位": first_unit[0] if first_unit else "无", "人员": "无"}))
        (label, pid) = people[0]
        return Static([_history_table(con, person_id=pid, year=year)],
                      controls={"unit": Fixed(first_unit[1], first_unit[0]), "person": Fixed(pid, label)},
                      caption=static_caption({"单位": first_unit[0], "人员": label}))
    evaluation.prepare_person_history(con, year=year)   # the shares every record compares with, once
    # the first record shown binds its query's macros and compiles pandas' table templates (~0.4 s
    # at any scale): paid here, on a record of no one, rather than by the first person picked
    table = _history_table(con, person_id="", year=year)
    getattr(table, "_repr_html_", lambda: None)()
    unit = widgets.Dropdown(options=_unit_options(con, year), description="单位")
    person = widgets.Dropdown(options=[], description="人员")
    out = widgets.Output()

    memo: dict = {}     # the persons of the units shown lately

    def on_unit(_=None) -> None:
        person.options = _kept(memo, "people", unit.value, most=VIEWS_KEPT, compute=lambda: _people(
            con, year=year, unit=unit.value, show_names=show_names))

    def on_person(_=None) -> None:
        out.clear_output(wait=True)
        if person.value is None:
            return
        with out:
            display(_history_table(con, person_id=person.value, year=year))

    unit.observe(on_unit, names="value")
    person.observe(on_person, names="value")
    on_unit()
    on_person()
    box = widgets.VBox([widgets.HBox([unit, person]), out])
    box.controls = {"unit": unit, "person": person}
    box.output = out
    return box
