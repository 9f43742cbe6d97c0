"""The stored per-person-year courses (table ``training_years``, written by ``refresh_snapshots``)
give exactly the live answers, and a database changed after its refresh is answered live.

Worked example (reporting year 2023; in-service needs 90 学时 or 12 days, 8 学时 a day):
A1 active all year: 脱产 在职培训 2023-01-01 – 01-10 (10 days, 80 h, passed), 网络 专门业务培训
   2023-12-31 – 2024-01-20 (16 h = 2 days, passed; belongs to 2023 by its start), a 脱产 在职培训
   2023-06-01 – 06-05 (40 h) failed (不合格: counts nowhere, but a class record and its hours);
   a 2022-12-31 course (2022) and a 2024-01-01 course (2024) → 2023 credit 96 h, 12 days: covered.
A2 left 2023-09-30 (mid-year): 20 h in 2023 → no 在职培训 obligation; a class record of 2023.
A3 active all year, 网络 only: 64 h → 8 days: missing.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import training

D = dt.date.fromisoformat


def person(db, pid, *, entry="2015-07-01", exit=None, born="1990-01-01", unit="U1"):
    db.add("persons", person_id=pid, entry_date=D(entry), exit_date=D(exit) if exit else None,
           birth_date=D(born), entry_channel="考试录用")
    db.add("posts", person_id=pid, unit_id=unit, level="无", start_date=D(entry))


def course(db, pid, kind, start, end, hours, mode="脱产", passed=True):
    db.add("trainings", person_id=pid, kind=kind, start_date=D(start), end_date=D(end),
           hours=hours, mode=mode, passed=passed)


@pytest.fixture
def courses(db):
    db.add("units", unit_id="U2", name="乡镇", kind="乡镇街道")
    person(db, "A1")
    course(db, "A1", "在职培训", "2023-01-01", "2023-01-10", 80)
    course(db, "A1", "专门业务培训", "2023-12-31", "2024-01-20", 16, mode="网络")
    course(db, "A1", "在职培训", "2023-06-01", "2023-06-05", 40, passed=False)
    course(db, "A1", "在职培训", "2022-12-31", "2023-01-02", 24)
    course(db, "A1", "在职培训", "2024-01-01", "2024-01-03", 24)
    person(db, "A2", exit="2023-09-30", unit="U2")
    course(db, "A2", "在职培训", "2023-03-01", "2023-03-03", 20)
    person(db, "A3", born="1995-05-05", unit="U2")
    course(db, "A3", "在职培训", "2023-02-01", "2023-05-01", 64, mode="网络")
    person(db, "N1", entry="2023-03-01")          # a recruit of 2023: 初任培训 owed
    course(db, "N1", "初任培训", "2023-04-01", "2023-04-20", 160)
    return db


def answers(con) -> dict[str, pd.DataFrame]:
    out = {}
    for year in (2022, 2023, 2024):
        out[f"matrix {year}"] = training.coverage_matrix(con, year=year, target_ids=["A1", "A3"])
        out[f"matrix unit {year}"] = training.coverage_matrix(con, year=year, by="unit")
        out[f"gaps {year}"] = training.gap_list(con, year=year, statuses=None, target_ids=["A1"])
        out[f"in service {year}"] = training.in_service(con, year=year, unit_kinds=["乡镇街道"])
        out[f"hours {year}"] = training.hours_by_person(con, year=year)
        out[f"hours unit {year}"] = training.hours_by_person(con, year=year, units=["U2"])
    out["mid-year"] = training.gap_list(con, year=2023, as_of=D("2023-06-30"), statuses=None)
    out["trend"] = training.coverage_trend(con, first_year=2021, last_year=2024, target_ids=["A3"])
    out["classes"] = training.class_person_times(con, first_year=2021, last_year=2024)
    out["classes unit"] = training.class_person_times(con, first_year=2022, last_year=2023, units=["U2"])
    return out


def live(con, monkeypatch) -> dict[str, pd.DataFrame]:
    with monkeypatch.context() as m:
        m.setattr(training._common, "_training_stored", lambda con: False)
        return answers(con)


def assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key in want:
        pd.testing.assert_frame_equal(got[key], want[key], check_exact=True, obj=key)
        assert got[key].attrs == want[key].attrs


def test_worked_example_live_and_stored(courses, con, monkeypatch):
    before = live(con, monkeypatch)
    ins = before["in service 2023"]
    assert ins["person_id"].tolist() == ["A3"]       # A2 left mid-year: no obligation
    gaps = before["gaps 2023"].query("rule == '在职培训'").set_index("person_id")
    assert sorted(gaps.index) == ["A1", "A3"]
    assert gaps.loc["A1", ["have_hours", "have_days", "status"]].tolist() == [96, 12, "已完成"]
    assert gaps.loc["A3", ["have_hours", "have_days", "status"]].tolist() == [64, 8, "未完成"]
    spec = before["gaps 2023"].query("rule == '专门业务培训'").set_index("person_id")
    assert spec.loc["A1", ["have_hours", "status"]].tolist() == [16, "已完成"]
    hours = before["hours 2023"].set_index("person_id")
    # A1's 2023: 80 h 在职 class, 16 h 专门业务 online (31 Dec), 40 h failed; the course starting
    # 2022-12-31 is 2022's. A2 left in September, still listed, in their last unit
    assert hours.loc["A1", ["courses", "failed", "hours", "credited_hours", "in_service_hours",
                            "specialised_hours", "full_time_hours", "online_hours"]].tolist() == [
        3, 1, 136, 96, 80, 16, 80, 16]
    assert hours.index.tolist() == ["A1", "A2", "A3", "N1"] and hours.loc["A2", "unit_id"] == "U2"
    assert hours.loc["N1", ["initial_hours", "credited_hours"]].tolist() == [160, 160]
    assert before["hours unit 2023"]["person_id"].tolist() == ["A2", "A3"]
    c = before["classes"].set_index("year")
    # 2023 classes: A1 ×2 (the failed one too), A2, N1; 网络 is not a class
    assert c.loc[2023, ["person_times", "persons", "hours"]].tolist() == [4, 3, 80 + 40 + 20 + 160]
    assert c.loc[2022, "person_times"] == 1 and c.loc[2024, "person_times"] == 1
    qm.db.refresh_snapshots(con)
    assert training._training_stored(con)
    assert_same(answers(con), before)


def test_never_refreshed_is_live(courses, con):
    assert not training._training_stored(con)
    assert sorted(training.in_service(con, year=2023)["person_id"]) == ["A1", "A3"]


@pytest.mark.parametrize("change", [
    "insert into trainings values ('A3', '在职培训', null, null, date '2023-11-01', date '2023-11-05', 40, '脱产', true)",
    "delete from trainings where person_id = 'A3'",
    "update rule_params set num = 4 where name = 'training.hours_per_day'",
    "delete from rule_lists where name = 'training.non_class_modes'",
])
def test_changed_after_refresh_is_not_answered_stale(courses, con, monkeypatch, change):
    qm.db.refresh_snapshots(con)
    assert training._training_stored(con)
    con.execute(change)
    assert not training._training_stored(con)
    assert_same(answers(con), live(con, monkeypatch))
    qm.db.refresh_snapshots(con)                  # refreshed again: stored and equal
    assert training._training_stored(con)
    assert_same(answers(con), live(con, monkeypatch))


def test_dropped_table_is_live(courses, con):
    qm.db.refresh_snapshots(con)
    want = answers(con)
    con.execute("drop table training_years")
    assert not training._training_stored(con)
    assert_same(answers(con), want)



@pytest.fixture
def boundaries(db):
    # in-service is owed in year y by a person active all of it: entered on or before 1 January y
    # and still there after 31 December y (leaving on 31 December itself is leaving by the due date)
    person(db, "B1", entry="2022-01-01")                  # owes 2022 and 2023
    person(db, "B2", entry="2022-01-02")                  # owes 2023 only
    person(db, "B3", entry="2015-07-01", exit="2023-12-31")   # owes 2022 only
    person(db, "B4", entry="2015-07-01", exit="2024-01-01")   # owes 2022 and 2023
    person(db, "B5", entry="2020-02-29")                  # a leap-day entry: owes 2021 on
    course(db, "B4", "在职培训", "2023-03-01", "2023-03-12", 96)   # B4 covered in 2023
    return db


def test_trend_in_service_boundaries(boundaries, con, monkeypatch):
    qm.db.refresh_snapshots(con)
    assert training._year_ends_stored(con, 2021, 2023)   # the one-pass path
    trend = training.coverage_trend(con, first_year=2021, last_year=2023)
    got = trend[trend["rule"] == "在职培训"].set_index("year")[["obligations", "covered", "missing"]]
    assert got.loc[2021].tolist() == [3, 0, 3]            # B3, B4, B5
    assert got.loc[2022].tolist() == [4, 0, 4]            # B1, B3, B4, B5
    assert got.loc[2023].tolist() == [4, 1, 3]            # B1, B2, B4 (covered), B5
    with monkeypatch.context() as m:                      # the same as year by year
        m.setattr(training.coverage, "_year_ends_stored", lambda con, first, last: False)
        slow = training.coverage_trend(con, first_year=2021, last_year=2023)
    pd.testing.assert_frame_equal(trend, slow)


def stored_rows(con) -> pd.DataFrame:
    return con.execute("from training_years order by year, person_id").df()


@pytest.mark.parametrize("persons", [1, 2, 3])
def test_written_a_range_of_persons_at_a_time_is_the_whole(courses, con, monkeypatch, persons):
    """training_years is written a range of persons at a time (issue 23: one statement over 8
    million persons spilled 26 GB); the ranges of 1, 2 or 3 persons cut the four persons A1, A2,
    A3, N1 differently, and every cut gives the rows of one range holding all four."""
    from qingmiao_lib import _db_stored
    qm.db.refresh_snapshots(con)              # 500,000 persons a range: one range
    whole = stored_rows(con)
    # A1's 2022, 2023 and 2024, A2's, A3's and N1's 2023
    assert whole[["year", "person_id"]].values.tolist() == [
        [2022, "A1"], [2023, "A1"], [2023, "A2"], [2023, "A3"], [2023, "N1"], [2024, "A1"]]
    monkeypatch.setattr(_db_stored, "TRAINING_YEARS_PERSONS", persons)
    qm.db.refresh_snapshots(con)
    pd.testing.assert_frame_equal(stored_rows(con), whole, check_exact=True)
    assert training._training_stored(con)


def test_person_parts_cut_every_person_into_one_range(courses, con):
    from qingmiao_lib import sql
    parts = con.execute(sql.load("snapshots/person_parts"), {"persons": 3}).fetchall()
    assert parts == [("A1", "A3"), ("N1", "N1")]
    assert con.execute(sql.load("snapshots/person_parts"), {"persons": 4}).fetchall() == [("A1", "N1")]


def test_obligations_stored_on_a_stored_date_until_the_records_change(courses, con, monkeypatch):
    """The obligations stored on each year end (table obligation_snapshots) are read on those
    dates only, with no target group named, and only while the records and rules are those they
    were computed from; the answers are those of the live computation throughout."""
    from qingmiao_lib.training import _common
    years = qm.db.refresh_snapshots(con)
    end, mid = D(f"{years[-1]}-12-31"), D(f"{years[-1]}-06-30")
    assert _common._obligations_stored(con, end, None)
    assert not _common._obligations_stored(con, mid, None)          # not a stored date
    assert not _common._obligations_stored(con, end, ["A1"])        # a target group: live
    stored = con.execute("select rule, person_id, status from obligation_snapshots "
                         "where snapshot_date = ? order by all", [D("2023-12-31")]).fetchall()
    # 2023 on 31 December: A1 and A3 owe 在职培训 (A1 96 学时 ≥ 90: covered; A3 64 学时 and 8
    # days: missing; A2 left), N1 初任培训 (due 2024-03-01, 12 months after entry; 20 days of
    # 初任培训 ≥ 12: covered)
    assert stored == [("初任培训", "N1", "已完成"), ("在职培训", "A1", "已完成"), ("在职培训", "A3", "未完成")]
    con.execute("insert into trainings values ('A3', '在职培训', null, null, date '2023-11-01', "
                "date '2023-11-05', 40, '脱产', true)")
    assert not _common._obligations_stored(con, D("2023-12-31"), None)
    assert_same(answers(con), live(con, monkeypatch))
