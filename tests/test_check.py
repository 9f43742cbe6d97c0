"""``check.run_check``: each finding on a tiny database made to have it, and none on the demo."""

from __future__ import annotations

import datetime as dt

import pytest

import qingmiao_lib as qm
from qingmiao_lib import check

D = dt.date.fromisoformat


def finding(con, code):
    df = check.run_check(con).set_index("code")
    return int(df.loc[code, "count"]), df.loc[code, "examples"], df.loc[code, "level"]


def test_demo_database_is_clean(demo_db):
    with qm.connect(demo_db) as con:
        report = check.run_check(con)
    assert list(report.columns) == ["level", "code", "description", "count", "examples"]
    assert not check.has_errors(report)
    assert report["count"].sum() == 0, report.query("count > 0")


def test_no_findings_on_a_consistent_person(db):
    db.add("persons", person_id="P1")
    db.add("ranks", person_id="P1", rank="二级科员", start_date=D("2016-07-01"), reason="定级")
    assert check.run_check(db.con)["count"].sum() == 0


CASES = {
    "orphans": lambda db: db.con.execute(
        "insert into trainings (person_id, kind, start_date, end_date, hours) values ('P9', '在职培训', '2020-01-01', '2020-01-02', 8)"),
    "rank_overlaps": lambda db: db.add("ranks", person_id="P1", rank="二级科员", start_date=D("2016-07-01"),
                                       reason="定级").add("ranks", person_id="P1", rank="一级科员",
                                                          start_date=D("2018-01-01"), reason="晋升"),
    "post_overlaps": lambda db: db.add("posts", person_id="P1", start_date=D("2016-01-01")).add(
        "posts", person_id="P1", start_date=D("2017-01-01"), title="科员"),
    "attendance_duplicates": lambda db: db.add("lectures", lecture_id="L1", held_on=D("2020-01-01"), topic="其他")
        .add("lecture_attendance", lecture_id="L1", person_id="P1", status="出席")
        .add("lecture_attendance", lecture_id="L1", person_id="P1", status="请假"),
    "grades_inactive": lambda db: db.add("annual_assessments", person_id="P1", year=2014, grade="称职"),
    "rank_gaps": lambda db: db.add("ranks", person_id="P1", rank="二级科员", start_date=D("2016-07-01"),
                                   end_date=D("2018-01-01"), reason="定级").add(
        "ranks", person_id="P1", rank="一级科员", start_date=D("2019-01-01"), reason="晋升"),
    "rank_skips": lambda db: db.add("ranks", person_id="P1", rank="二级科员", start_date=D("2016-07-01"),
                                    end_date=D("2018-01-01"), reason="定级").add(
        "ranks", person_id="P1", rank="四级主任科员", start_date=D("2018-01-01"), reason="晋升"),
    "no_rank": lambda db: db.add("annual_assessments", person_id="P1", year=2020, grade="称职"),
    "long_trainings": lambda db: db.add("trainings", person_id="P1", start_date=D("2018-01-01"),
                                        end_date=D("2019-06-01")),
    "entry_under_18": lambda db: db.con.execute("update persons set birth_date = '2000-01-01' where person_id = 'P1'"),
    "party_under_18": lambda db: db.con.execute("update persons set party_join_date = '2005-01-01' where person_id = 'P1'"),
    "work_after_entry": lambda db: db.con.execute("update persons set work_start_date = '2016-01-01' where person_id = 'P1'"),
    "records_outside_service": lambda db: db.add("ranks", person_id="P1", rank="二级科员",
                                                 start_date=D("2014-07-01"), reason="定级"),
}


@pytest.mark.parametrize("code", list(CASES))
def test_each_finding(db, code):
    db.add("persons", person_id="P1")  # born 1990-01-01, entered 2015-07-01
    CASES[code](db)
    count, examples, level = finding(db.con, code)
    assert count >= 1
    assert examples[0] in ("P1", "trainings:P9")
    if level == check.ERROR:
        assert check.has_errors(check.run_check(db.con))
