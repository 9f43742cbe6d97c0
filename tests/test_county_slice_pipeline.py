"""The county as a slice of the promotions per year, the quota usage and the retirement outlook
(issue 23, item 2): on a combined database ``counties=[code]`` answers what that county's own
records give (``combine.county_connection``), its quotas over the whole jurisdiction included,
and a county's own database refuses a county filter. The other analyses' slices are checked in
tests/test_county_slice.py, on the same two simulated counties (conftest.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import Fixture

import qingmiao_lib as qm
from qingmiao_lib import combine, outlook, pipeline
from qingmiao_lib.errors import QingmiaoError

D = dt.date.fromisoformat
AS_OF = D("2023-12-31")


# ------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def con(prefecture_con):
    """The two counties combined (conftest)."""
    return prefecture_con


@pytest.fixture(scope="module")
def own(county_own):
    """Each county's records alone, under its own (recorded) rules."""
    return county_own


def _same(sliced: pd.DataFrame, alone: pd.DataFrame) -> None:
    """Equal frames, row order included (each analysis orders its rows)."""
    pd.testing.assert_frame_equal(sliced.reset_index(drop=True), alone.reset_index(drop=True),
                                  check_categorical=False)


def _events(by: str):
    return lambda c, **k: pipeline.promotion_events(c, first_year=2015, last_year=2023, by=by, **k)


# Every analysis of this file taking counties=: (connection, filters) → frame.
ANALYSES = {
    **{f"promotion_events_{by}": _events(by) for by in pipeline.EVENT_GROUPS},
    "quota_usage": lambda c, **k: pipeline.quota_usage(c, as_of=AS_OF, **k),
    "quota_usage_mid_year": lambda c, **k: pipeline.quota_usage(c, as_of=D("2020-06-30"), **k),
    "retirements": lambda c, **k: outlook.retirements(c, as_of=AS_OF, years=5, **k),
    "places_rank": lambda c, **k: outlook.places(c, as_of=AS_OF, years=5, **k),
    "places_unit_level": lambda c, **k: outlook.places(c, as_of=AS_OF, years=5, by="unit_level", **k),
}


# ------------------------------------------------------------------------------ the slice

@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_a_county_slice_is_what_the_countys_own_records_give(con, own, name):
    analysis = ANALYSES[name]
    for code in ("a", "b"):
        sliced = analysis(con, counties=[code])
        alone = analysis(own[code])
        assert len(alone) > 0                            # the comparison is not vacuous
        _same(sliced, alone)


def test_the_quota_usage_of_a_county_reads_its_own_jurisdiction_quotas(con, own):
    # the demo sets its quotas over the whole jurisdiction: on the combined database they are
    # in county_quotas, so without a county there is no jurisdiction row at all
    assert pipeline.quota_usage(con, as_of=AS_OF).empty
    sliced = pipeline.quota_usage(con, as_of=AS_OF, counties="a")
    assert sliced["unit_id"].isna().all() and (sliced["unit_name"] == "全辖区").all()
    _same(sliced, pipeline.quota_usage(own["a"], as_of=AS_OF))


def test_every_county_together_is_the_whole_database(con):
    for name in ("promotion_events_age_group", "promotion_events_unit", "retirements", "places_unit_level"):
        _same(ANALYSES[name](con, counties=["a", "b"]), ANALYSES[name](con))


def test_promotions_of_the_counties_add_up(con):
    # a promotion belongs to one person, so one county's: the counties' events sum to the total
    def events(**k):
        df = pipeline.promotion_events(con, first_year=2015, last_year=2023, by="all", **k)
        return df.set_index(["year", "kind"])["events"]

    total = events()
    summed = events(counties="a").add(events(counties="b"), fill_value=0).astype(total.dtype)
    pd.testing.assert_series_equal(summed.sort_index(), total.sort_index())


def test_an_unknown_county_has_nobody(con):
    assert pipeline.promotion_events(con, first_year=2015, last_year=2023, counties="zz").empty
    assert pipeline.quota_usage(con, as_of=AS_OF, counties="zz").empty
    assert outlook.retirements(con, as_of=AS_OF, years=5, counties="zz").empty


# ------------------------------------------------------------------------------ refused

def test_a_countys_own_database_refuses_the_county(demo_db):
    c = qm.connect(demo_db, read_only=True)
    try:
        for call in (lambda: pipeline.promotion_events(c, first_year=2020, last_year=2023, counties="a"),
                     lambda: pipeline.quota_usage(c, as_of=AS_OF, counties="a"),
                     lambda: outlook.retirements(c, as_of=AS_OF, years=5, counties=["a"]),
                     lambda: outlook.places(c, as_of=AS_OF, years=5, counties="a"),
                     lambda: outlook.places(c, as_of=AS_OF, years=5, by="unit_level", counties="a")):
            with pytest.raises(QingmiaoError, match="合并") as raised:
                call()
            assert "\n" not in str(raised.value)                 # one line
        assert len(pipeline.quota_usage(c, as_of=AS_OF)) > 0     # without: as before
    finally:
        c.close()


def test_the_quota_usage_of_several_counties_is_refused(con):
    # each county's jurisdiction rows would read unit_id None, 全辖区 alike: one county at a time
    for call in (lambda: pipeline.quota_usage(con, as_of=AS_OF, counties=["a", "b"]),
                 lambda: outlook.places(con, as_of=AS_OF, years=5, counties=["a", "b"])):
        with pytest.raises(QingmiaoError, match="一个县"):
            call()


# ------------------------------------------------------------------------------ by hand

def _county(path: Path, persons: list[tuple[str, str, str, str | None]],
            quotas: list[tuple[int, str | None, str, int]], units=("U1",)) -> Path:
    """A county's database: units, persons (id, unit of the post, rank since 2020-01-01 by
    晋升, exit date), quotas (year, unit or None for the jurisdiction, rank, max)."""
    c = qm.connect(path, create=True)
    db = Fixture(c)                                  # adds U1
    for unit in units[1:]:
        db.add("units", unit_id=unit)
    for pid, unit, rank, exit in persons:
        db.add("persons", person_id=pid, entry_date=D("2015-07-01"), exit_date=exit and D(exit))
        db.add("posts", person_id=pid, unit_id=unit, start_date=D("2015-07-01"))
        db.add("ranks", person_id=pid, rank=rank, start_date=D("2020-01-01"))
    for year, unit, rank, most in quotas:
        db.add("quotas", year=year, unit_id=unit, rank=rank, max_count=most)
    qm.db.set_meta(c, data_from=2020, data_to=2023)
    c.close()
    return path


def test_quota_usage_by_hand(tmp_path):
    # county x: 一级科员 P1, P2 in U1 and P3 in U2, 四级主任科员 P4 in U2; quotas for 2023: 一级科员
    #   over the jurisdiction 4, in U1 1.
    # county y: 一级科员 P1 in U1 (the same keys as x's: other persons), P2 left in 2022; quotas
    #   for 2023: 一级科员 over the jurisdiction 1, 四级主任科员 2, 一级科员 in U1 3; for 2022: 一级科员 9.
    # On 2023-06-30, x: jurisdiction 一级科员 4 − 3 holders (P1–P3, not y's P1) = 1; x:U1 1 − 2 = −1.
    # y: jurisdiction 一级科员 1 − 1 = 0, 四级主任科员 2 − 0 = 2 (x's P4 is not y's); y:U1 3 − 1 = 2.
    # Without a county, the combined database has no jurisdiction: the two units' rows only.
    x = _county(tmp_path / "x.duckdb", [("P1", "U1", "一级科员", None), ("P2", "U1", "一级科员", None),
                                        ("P3", "U2", "一级科员", None), ("P4", "U2", "四级主任科员", None)],
                [(2023, None, "一级科员", 4), (2023, "U1", "一级科员", 1)], units=("U1", "U2"))
    y = _county(tmp_path / "y.duckdb", [("P1", "U1", "一级科员", None), ("P2", "U1", "一级科员", "2022-03-31")],
                [(2023, None, "一级科员", 1), (2023, None, "四级主任科员", 2), (2023, "U1", "一级科员", 3),
                 (2022, None, "一级科员", 9)])
    out = tmp_path / "p.duckdb"
    combine.combine(out, [x, y])
    cols = ["unit_id", "unit_name", "rank", "max_count", "holders", "headroom"]
    day = D("2023-06-30")
    c = qm.connect(out, read_only=True)
    try:
        rows = {code: pipeline.quota_usage(c, as_of=day, counties=code) for code in ("x", "y")}
        assert rows["x"][cols].astype(object).where(rows["x"][cols].notna(), None).values.tolist() == [
            [None, "全辖区", "一级科员", 4, 3, 1],
            ["x:U1", "测试单位", "一级科员", 1, 2, -1]]
        assert rows["y"][cols].astype(object).where(rows["y"][cols].notna(), None).values.tolist() == [
            [None, "全辖区", "一级科员", 1, 1, 0],
            [None, "全辖区", "四级主任科员", 2, 0, 2],
            ["y:U1", "测试单位", "一级科员", 3, 1, 2]]
        both = pipeline.quota_usage(c, as_of=day)
        assert both[cols].values.tolist() == [["x:U1", "测试单位", "一级科员", 1, 2, -1],
                                              ["y:U1", "测试单位", "一级科员", 3, 1, 2]]
        for code in ("x", "y"):
            with combine.county_connection(c, code) as alone:
                _same(rows[code], pipeline.quota_usage(alone, as_of=day))
        # the promotions of 2020: x's four 晋升, y's two (P2 left later)
        events = {code: pipeline.promotion_events(c, first_year=2020, last_year=2020, by="all",
                                                  counties=code)[["kind", "persons", "events"]].values.tolist()
                  for code in ("x", "y")}
        assert events == {"x": [["rank", 4, 4]], "y": [["rank", 2, 2]]}
    finally:
        c.close()
