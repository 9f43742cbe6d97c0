"""Widget of the start-here notebook: a year picker redrawing the headline bars and the age
pyramid for the chosen year. Wiring only: numbers from ``qingmiao_lib.figures`` and
``qingmiao_lib.structure``, figures from ``qingmiao_lib.charts``."""

from __future__ import annotations

import datetime as dt

import duckdb
import ipywidgets as widgets
from IPython.display import display

from .. import _steady, charts, figures, structure
from . import Fixed, Static, kept


def year_picker(con: duckdb.DuckDBPyConnection, *, year: int, years: list[int],
                export: bool = False) -> widgets.VBox | Static:
    """A year dropdown; choosing a year draws its headline bars and pyramid below. With
    ``export`` a :class:`Static` with one line only: the notebook above already shows ``year``."""
    if export:
        return Static([f"导出版本显示 {year} 年；其他年份请在 JupyterLab 中选择，"
                       f"或用 make export YEAR=… 重新导出。"], controls={"year": Fixed(year)})
    picker = widgets.Dropdown(options=years, value=year, description="年份")
    out = widgets.Output()
    memo: dict = {}

    def frames(chosen: int):
        with _steady.steady(con):   # one update: the rules and stored tables looked up once
            return (figures.headline(con, year=chosen),
                    structure.age_pyramid(con, as_of=dt.date(chosen, 12, 31), band_years=1, young_only=True))

    def show(chosen: int) -> None:
        # a year shown lately is drawn from what it was computed from then
        headline, pyr = kept(memo, int(chosen), lambda: frames(chosen))
        out.clear_output(wait=True)
        with out:
            display(charts.headline_bars(headline))
            display(charts.pyramid(pyr))

    picker.observe(lambda change: show(change["new"]), names="value")
    box = widgets.VBox([picker, out])
    box.controls = {"year": picker}
    box.output = out
    return box
