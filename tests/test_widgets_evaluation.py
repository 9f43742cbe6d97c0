"""The evaluation dashboard's memo (issue 22): a year's 优秀 shares and streaks are kept whole and
a view of some units selects their rows, and a view shown lately is shown again without a query.
Checked on the demo county: the selections equal the analyses asked for those units, a view's
figures equal those computed without the memo, and a repeat visit asks the database nothing."""

from __future__ import annotations

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import evaluation as ev
from qingmiao_lib.widgets import evaluation as we


@pytest.fixture(scope="module")
def demo(demo_db):
    c = qm.connect(demo_db)
    yield c
    c.close()


def _unit_sets(con) -> list[list[str]]:
    units = [r[0] for r in con.execute("select unit_id from posts group by unit_id order by count(*) desc, unit_id"
                                       ).fetchall()]
    return [units[:1], units[1:4], units[-2:], ["no such unit"], units]


@pytest.mark.parametrize("year", [2020, 2023])
def test_a_units_view_selected_from_the_years_frames_equals_the_analyses(demo, year):
    memo: dict = {}
    we._dashboard_figures(demo, year=year, units=[], age_group=we.ALL, memo=memo)   # the whole year
    frames = we._whole_year(demo, year, memo)
    for units in _unit_sets(demo):
        for name, analysis in (("share", ev.excellent_share), ("streaks", ev.streaks)):
            want = analysis(demo, year=year, units=units)
            got = we._selected(frames[name], units)
            # the same rows and values; an integer column with empty cells in the whole frame stays
            # nullable (Int32) in a selection without any (where the analysis gives int32)
            pd.testing.assert_frame_equal(got, want, check_dtype=False)
            assert got.attrs == want.attrs
    for age in ev.age_groups(demo):
        for units in [None, *_unit_sets(demo)[:2]]:
            want = ev.streaks(demo, year=year, units=units, age_group=age)
            got = we._selected(frames["streaks"], units, age, we._streak_ages(demo, year, frames))
            pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_a_views_figures_equal_those_computed_without_the_memo(demo):
    memo: dict = {}
    groups = ev.age_groups(demo)
    for year, units, age in ((2023, [], we.ALL), (2023, _unit_sets(demo)[1], we.ALL),
                             (2023, _unit_sets(demo)[0], groups[1]), (2022, [], groups[2]),
                             (2021, _unit_sets(demo)[1], we.ALL), (2021, [], we.ALL), (2021, [], groups[0])):
        kept = we._dashboard_figures(demo, year=year, units=units, age_group=age, memo=memo)
        fresh = we._dashboard_figures(demo, year=year, units=units, age_group=age)
        assert {k: f.to_dict() for k, f in kept.items()} == {k: f.to_dict() for k, f in fresh.items()}


def test_a_repeat_visit_and_a_change_of_units_ask_fewer_queries(demo, monkeypatch):
    box = we.dashboard(demo, year=2023, years=[2022, 2023])
    calls: list[str] = []
    for name in ("grade_distribution", "excellent_share", "quarterly_distribution", "streaks"):
        real = getattr(ev, name)
        monkeypatch.setattr(we.evaluation, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    units = box.controls["units"]
    first = _unit_sets(demo)[1]
    units.value = tuple(first)
    assert sorted(calls) == ["grade_distribution", "quarterly_distribution"]   # shares, streaks selected
    calls.clear()
    units.value = ()
    units.value = tuple(first)
    assert calls == []                                                         # views shown lately
    box.controls["age_group"].value = ev.age_groups(demo)[1]
    assert sorted(calls) == ["grade_distribution", "quarterly_distribution"]   # streaks selected


def test_the_person_picker_lists_a_unit_shown_lately_without_a_query(demo, monkeypatch):
    box = we.person_picker(demo, year=2023)
    unit, person = box.controls["unit"], box.controls["person"]
    first, listed = unit.value, list(person.options)
    other = [v for _, v in unit.options if v != first][0]
    calls: list[str] = []
    real = ev.grade_history
    monkeypatch.setattr(we.evaluation, "grade_history", lambda *a, **k: calls.append("grade_history") or real(*a, **k))
    unit.value = other
    assert calls == ["grade_history"]
    unit.value = first
    assert calls == ["grade_history"] and list(person.options) == listed
