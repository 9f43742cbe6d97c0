"""The stored weekly-lecture bit sets (table ``lecture_marks``, written by ``refresh_snapshots``)
give exactly the live answers, and a database changed after its refresh is answered live.

Worked example (2023, sessions L1 01-04, L2 02-01, L3 02-15, L4 03-01, L5 04-05, L6 04-19):
Y1 young all year: 出席 L1 L3 L5, 请假 L2, absent L4 L6 → 6 owed, 3 attended, 1 excused.
Y2 entered 2023-02-01 (mid-year): owes L2–L6 (5), attended all.
Y3 turns 40 on 2023-03-01: owes L1 L2 L3 (3); attended L1 and L4 (L4 not owed, not counted).
Y4 left 2023-02-15 (mid-year; not active that day): owes L1 L2 (2); 出席 L1, 请假 L2, and a mark
   on L3 after leaving that does not count.
Y5 is 53: owes nothing, though marked on L1.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import training

D = dt.date.fromisoformat
SESSIONS = [("L1", "2023-01-04"), ("L2", "2023-02-01"), ("L3", "2023-02-15"), ("L4", "2023-03-01"),
            ("L5", "2023-04-05"), ("L6", "2023-04-19")]
AS_OFS = [None, D("2023-02-14"), D("2023-02-15"), D("2023-02-28"), D("2023-03-01"), D("2023-04-30")]


def person(db, pid, *, entry="2015-07-01", exit=None, born="1990-01-01", unit="U1"):
    db.add("persons", person_id=pid, entry_date=D(entry), exit_date=D(exit) if exit else None,
           birth_date=D(born), entry_channel="考试录用")
    db.add("posts", person_id=pid, unit_id=unit, level="无", start_date=D(entry))


def mark(db, pid, lid, status="出席"):
    db.add("lecture_attendance", lecture_id=lid, person_id=pid, status=status)


@pytest.fixture
def lectures(db):
    db.add("units", unit_id="U2", name="乡镇", kind="乡镇街道")
    for lid, day in SESSIONS:
        db.add("lectures", lecture_id=lid, held_on=D(day), topic="理论教育")
    person(db, "Y1")
    for lid, status in [("L1", "出席"), ("L2", "请假"), ("L3", "出席"), ("L5", "出席")]:
        mark(db, "Y1", lid, status)
    person(db, "Y2", entry="2023-02-01", unit="U2")
    for lid in ("L2", "L3", "L4", "L5", "L6"):
        mark(db, "Y2", lid)
    person(db, "Y3", born="1983-03-01")
    mark(db, "Y3", "L1"), mark(db, "Y3", "L4")
    person(db, "Y4", exit="2023-02-15", unit="U2")
    mark(db, "Y4", "L1"), mark(db, "Y4", "L2", "请假"), mark(db, "Y4", "L3")
    person(db, "Y5", born="1970-01-01")
    mark(db, "Y5", "L1")
    return db


def answers(con, as_of=None, *, every=True) -> dict[str, pd.DataFrame]:
    """The lecture analyses of 2023 on ``as_of`` (None = 31 December): every variant, or a few."""
    kw = {"year": 2023, "as_of": as_of}
    out = {"persons": training.lecture_persons(con, **kw),
           "person months": training.lecture_person_months(con, **kw),
           "groups unit True": training.lecture_groups(con, by="unit", monthly=True, **kw)}
    if every:
        out["below"] = training.lecture_persons(con, below_only=True, **kw)
        out["one unit"] = training.lecture_persons(con, units=["U2"], **kw)
        for by in training.LECTURE_BY:
            for monthly in (False, True):
                out[f"groups {by} {monthly}"] = training.lecture_groups(con, by=by, monthly=monthly, **kw)
    return out


def live(con, monkeypatch, as_of=None, *, every=True) -> dict[str, pd.DataFrame]:
    with monkeypatch.context() as m:
        m.setattr(training.lectures, "_lecture_stored", lambda con, year: False)
        return answers(con, as_of, every=every)


def assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key in want:
        pd.testing.assert_frame_equal(got[key], want[key], check_exact=True, obj=key)
        assert got[key].attrs == want[key].attrs


def test_worked_example_live_and_stored(lectures, con, monkeypatch):
    before = live(con, monkeypatch)
    p = before["persons"].set_index("person_id")
    assert sorted(p.index) == ["Y1", "Y2", "Y3", "Y4"]
    assert p.loc["Y1", ["sessions", "attended", "excused", "absent"]].tolist() == [6, 3, 1, 2]
    assert p.loc["Y2", ["sessions", "attended", "excused", "absent"]].tolist() == [5, 5, 0, 0]
    assert p.loc["Y3", ["sessions", "attended", "excused", "absent"]].tolist() == [3, 1, 0, 2]
    assert p.loc["Y4", ["sessions", "attended", "excused", "absent"]].tolist() == [2, 1, 1, 0]
    assert p.loc["Y4", "unit_id"] == "U2"          # departed: the unit of the last post
    qm.db.refresh_snapshots(con)
    assert training._lecture_stored(con, 2023)
    assert_same(answers(con), before)


@pytest.mark.parametrize("as_of", AS_OFS)
def test_stored_equals_live_on_any_day(lectures, con, monkeypatch, as_of):
    qm.db.refresh_snapshots(con)
    assert training._lecture_stored(con, 2023)
    assert_same(answers(con, as_of, every=as_of is None or as_of.day == 15),
                live(con, monkeypatch, as_of, every=as_of is None or as_of.day == 15))


def test_mid_month_counts_only_sessions_held(lectures, con):
    qm.db.refresh_snapshots(con)
    # on 2023-02-14: L1 and L2 held; Y1 attended L1, excused L2; Y2 owes L2 only
    p = training.lecture_persons(con, year=2023, as_of=D("2023-02-14")).set_index("person_id")
    assert p.loc["Y1", ["sessions", "attended", "excused"]].tolist() == [2, 1, 1]
    assert p.loc["Y2", ["sessions", "attended"]].tolist() == [1, 1]
    m = training.lecture_person_months(con, year=2023, as_of=D("2023-02-15"))
    y1 = m[m["person_id"] == "Y1"].set_index("month")[["sessions", "attended", "excused"]]
    assert y1.loc[2].tolist() == [2, 1, 1]        # L2 (excused) and L3 (attended) in February


def test_never_refreshed_is_live(lectures, con):
    assert not training._lecture_stored(con, 2023)
    assert len(training.lecture_persons(con, year=2023)) == 4


@pytest.mark.parametrize("change", [
    "insert into lecture_attendance values ('L6', 'Y1', '出席')",
    "delete from lecture_attendance where person_id = 'Y2' and lecture_id = 'L6'",
    "update persons set exit_date = date '2023-04-01' where person_id = 'Y1'",
    "update persons set entry_date = date '2023-03-01' where person_id = 'Y2'",
    "update persons set birth_date = date '1970-01-01' where person_id = 'Y1'",
    "insert into lectures values ('L7', date '2023-05-10', '理论教育', null)",
    "update lectures set held_on = date '2023-05-03' where lecture_id = 'L6'",
    "update rule_params set num = 35 where name = 'general.young_age_limit'",
])
def test_changed_after_refresh_is_not_answered_stale(lectures, con, monkeypatch, change):
    qm.db.refresh_snapshots(con)
    assert training._lecture_stored(con, 2023)
    con.execute(change)
    assert not training._lecture_stored(con, 2023)
    assert_same(answers(con, every=False), live(con, monkeypatch, every=False))
    qm.db.refresh_snapshots(con)                  # refreshed again: stored and equal
    assert training._lecture_stored(con, 2023)
    assert_same(answers(con, every=False), live(con, monkeypatch, every=False))


def test_stale_mark_shows_in_the_answer(lectures, con):
    qm.db.refresh_snapshots(con)
    assert training.lecture_persons(con, year=2023).set_index("person_id").loc["Y1", "attended"] == 3
    mark(lectures, "Y1", "L6")                    # a mark added without a refresh
    assert training.lecture_persons(con, year=2023).set_index("person_id").loc["Y1", "attended"] == 4


def test_dropped_table_is_live(lectures, con, monkeypatch):
    qm.db.refresh_snapshots(con)
    want = answers(con)
    con.execute("drop table lecture_marks")
    assert not training._lecture_stored(con, 2023)
    assert_same(answers(con), want)


def test_year_of_more_than_64_sessions_is_live(db, con, monkeypatch):
    person(db, "Y1")
    days = pd.date_range("2023-01-02", periods=70, freq="D")
    for i, day in enumerate(days):
        db.add("lectures", lecture_id=f"L{i:03d}", held_on=day.date(), topic="其他")
        if i % 3:
            mark(db, "Y1", f"L{i:03d}", "出席" if i % 2 else "请假")
    qm.db.refresh_snapshots(con)
    assert con.execute("select count(*) from lecture_marks").fetchall()[0][0] == 0
    assert not training._lecture_stored(con, 2023)
    p = training.lecture_persons(con, year=2023).set_index("person_id")
    assert p.loc["Y1", "sessions"] == 70 and p.loc["Y1", "attended"] + p.loc["Y1", "excused"] == 46
