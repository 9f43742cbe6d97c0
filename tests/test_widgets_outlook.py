"""The looking-ahead notebook's explorer (issue 22: every widget update ≤ 300 ms at a million
persons). It counts once per date, for the longest horizon the slider offers, and moving a
control redoes only the arithmetic: what it shows must be what ``outlook.places``,
``projection.project`` and ``projection.flows`` give for the new values, and a moved control
asks the database nothing. On the small demo county (300 persons)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import plotly.io as pio
import pytest

import qingmiao_lib as qm
from qingmiao_lib import outlook, projection
from qingmiao_lib.projection import _counted
from qingmiao_lib.widgets import outlook as wo
from qingmiao_lib.widgets import publisher

END = dt.date(2023, 12, 31)
MODEL = {"band_years": projection.BAND_YEARS, "smoothing": projection.SMOOTHING}


@pytest.fixture(scope="module")
def con(demo_db):
    con = qm.connect(demo_db)
    yield con
    con.close()


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.attrs == b.attrs


# ------------------------------------------------------------------------------ counted once, any horizon

@pytest.mark.parametrize("day", [END, dt.date(2024, 2, 29)])
def test_places_of_a_shorter_horizon_are_the_places_counted_for_it(con, day):
    # the retirements counted 15 years ahead, cut to the first y years, are those counted y
    # years ahead (29 February: the window's end is clamped to 28 February, as a period's)
    counts = outlook.RankCounts.read(con, as_of=day, years=wo.MAX_YEARS)
    for y in range(1, wo.MAX_YEARS + 1):
        _same(counts.places(y), outlook.places(con, as_of=day, years=y))
    with pytest.raises(ValueError):
        counts.places(wo.MAX_YEARS + 1)


@pytest.mark.parametrize("young_only", [True, False])
def test_stocks_of_a_shorter_horizon_are_the_stocks_counted_for_it(con, young_only):
    # held.sql computes a retirement date only where it can fall within the horizon: the rows
    # counted for 15 years, those dates dropped below the lowest age for y, are the query's for y
    counts = projection.counts(con, year=2023, years=wo.MAX_YEARS, young_only=young_only)
    regrouped = 0
    for y in range(1, wo.MAX_YEARS + 1):
        stocks, _ = _counted.counted(con, first=2019, last=2023, tr_first=2019, tr_last=2023, years=y,
                                     young_only=young_only)
        shorter = _counted._shorter(counts.stocks, years=y, lowest_age=counts.lowest_age)
        pd.testing.assert_frame_equal(shorter, stocks, check_exact=True)
        regrouped += len(shorter) < len(counts.stocks)
    # the whole workforce has persons near retirement: some horizons merge rows; the cohort none
    assert (regrouped > 0) == (not young_only)


@pytest.mark.parametrize("young_only", [True, False])
def test_a_projection_of_a_shorter_horizon_is_the_one_counted_for_it(con, young_only):
    counts = projection.counts(con, year=2023, years=wo.MAX_YEARS, young_only=young_only)
    for y, plan in [(1, None), (4, 0), (7, 12), (15, None), (15, 3)]:
        kw = {"years": y, "recruitment": plan, "young_only": young_only}
        _same(counts.project(years=y, recruitment=plan, **MODEL), projection.project(con, year=2023, **kw))
        _same(counts.flows(years=y, recruitment=plan, **MODEL), projection.flows(con, year=2023, **kw))
    with pytest.raises(ValueError):
        counts.project(years=wo.MAX_YEARS + 1, **MODEL)


# ------------------------------------------------------------------------------ the explorer

def _drawn(fig) -> dict:
    """A figure's traces and layout as JSON, without what a FigureWidget adds (trace uids) or
    keeps from before (its template: ``widgets.replace`` leaves it)."""
    d = json.loads(pio.to_json(fig))
    for t in d["data"]:
        t.pop("uid", None)
    d["layout"].pop("template", None)
    return {"data": d["data"], "layout": d["layout"]}


def test_the_explorer_shows_what_the_analyses_give_for_the_moved_controls(con):
    box = wo.outlook_explorer(con, as_of=END, years=3)
    pub = publisher(con, export=False)
    moves = [("years", 7, (7, None)), ("average", False, (7, 0)), ("recruitment", 25, (7, 25)),
             ("years", 15, (15, 25)), ("years", 1, (1, 25)), ("average", True, (1, None))]
    for control, value, (years, plan) in moves:
        box.controls[control].value = value
        places = outlook.places(con, as_of=END, years=years)
        proj = projection.project(con, year=END.year, years=years, recruitment=plan)
        flows = projection.flows(con, year=END.year, years=years, recruitment=plan)
        figs, _ = wo._views(places, proj, flows, pub=pub)
        for name, fw in box.figures.items():
            assert _drawn(fw) == _drawn(figs[name]), (control, value, name)


def _logged(con) -> list[str]:
    """The queries logged on ``con`` (``QueryLog``), but these reads of the log."""
    rows = con.execute("select message from duckdb_logs where type = 'QueryLog'").fetchall()
    return [m for (m,) in rows if "duckdb_logs" not in m]


def test_a_moved_control_asks_the_database_nothing(demo_db):
    own = qm.connect(demo_db)
    try:
        box = wo.outlook_explorer(own, as_of=END, years=5)
        own.execute("CALL enable_logging('QueryLog')")
        for control, value in [("years", 9), ("average", False), ("recruitment", 40), ("years", 2),
                               ("recruitment", 0), ("average", True), ("years", 15)]:
            box.controls[control].value = value
        assert _logged(own) == []
        projection.project(own, year=END.year, years=2)              # the log does record queries
        assert any(m.startswith("-- projection/stocks.sql") for m in _logged(own))
    finally:
        own.close()
