"""Training coverage (SPEC §5 "Training", issue 5) on tiny hand-made databases whose answers are
worked out by hand in the comments, edge by edge. Default rules: 初任培训 due 12 months after entry
and ≥ 12 days; 任职培训 window 12 months either side, ≥ 15 days (乡科级) / 30 days (县处级);
在职培训 ≥ 90 学时 or 12 days; 8 学时 a day; lecture threshold 80%; at most 3 mentees a mentor.

Unless a test says otherwise the year is 2023 and the status is taken on 2023-12-31.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import training

D = dt.date.fromisoformat
END = D("2023-12-31")


def person(db, pid, *, entry="2015-07-01", exit=None, born="1990-01-01", channel="考试录用",
           unit="U1"):
    db.add("persons", person_id=pid, entry_date=D(entry), exit_date=D(exit) if exit else None,
           birth_date=D(born), entry_channel=channel)
    db.add("posts", person_id=pid, unit_id=unit, level="无", start_date=D(entry))


def course(db, pid, kind, start, end, hours=None, *, mode="脱产", passed=True):
    days = (D(end) - D(start)).days + 1
    db.add("trainings", person_id=pid, kind=kind, start_date=D(start), end_date=D(end),
           hours=hours if hours is not None else 8 * days, mode=mode, passed=passed)


def matrix(con, **kw) -> pd.DataFrame:
    kw.setdefault("year", 2023)
    return training.coverage_matrix(con, **kw).set_index("rule")


def statuses(con, rule, **kw) -> dict[str, str]:
    kw.setdefault("year", 2023)
    g = training.gap_list(con, rules=[rule], statuses=None, **kw)
    return dict(zip(g["person_id"], g["status"], strict=True))


# ---------------------------------------------------------------------------------------------
# 初任培训 (凡进必训)


@pytest.fixture
def recruits(db):
    # R1 entered 2022-07-01 → due 2023-07-01; a 12-day course starting ON the due day → covered
    person(db, "R1", entry="2022-07-01")
    course(db, "R1", "初任培训", "2023-07-01", "2023-07-12")
    # R2 same entry, course one day late (2023-07-02) → missing, 183 days overdue on 12-31
    person(db, "R2", entry="2022-07-01")
    course(db, "R2", "初任培训", "2023-07-02", "2023-07-13")
    # R3 entered 2023-03-01 → due 2024-03-01 (after 12-31): not yet due → pending, 61 days left
    #   (31 days of January + 29 of February 2024 + 1)
    person(db, "R3", entry="2023-03-01")
    # R4 entered 2022-05-01 → due 2023-05-01; took the course and FAILED it (不合格) → missing
    person(db, "R4", entry="2022-05-01")
    course(db, "R4", "初任培训", "2022-09-01", "2022-09-14", passed=False)
    # R5 entered 2022-08-01 → due 2023-08-01, left 2023-03-01 untrained → neither
    person(db, "R5", entry="2022-08-01", exit="2023-03-01")
    # R6 came by 遴选 (prior service): not a recruit
    person(db, "R6", entry="2022-07-01", channel="遴选")
    # R7 选调生 entered 2022-06-01 → due 2023-06-01; a 10-day course, short of 12 → missing
    person(db, "R7", entry="2022-06-01", channel="选调生")
    course(db, "R7", "初任培训", "2022-10-10", "2022-10-19")
    # R8 entered 2021-06-01 → due 2022-06-01, before 2023: not in 2023's matrix
    person(db, "R8", entry="2021-06-01")
    return db


def test_initial_training_statuses(recruits, con):
    assert statuses(con, "初任培训") == {
        "R1": "已完成", "R2": "未完成", "R3": "未到期", "R4": "未完成", "R7": "未完成"}


def test_initial_training_matrix_and_reconciliation(recruits, con):
    # recruits in 2023: R1 R2 R3 R4 R7 = 5 (R5 left before due, R6 no recruit, R8 due in 2022)
    # covered 1 (R1) + pending 1 (R3) + missing 3 (R2 R4 R7) = 5; due = 4 (all but R3)
    # coverage = (due − missing) / due = (4 − 3) / 4 = 0.25
    row = matrix(con).loc["初任培训"]
    assert (row["obligations"], row["covered"], row["due"], row["pending"], row["missing"]) == (5, 1, 4, 1, 3)
    assert row["covered"] + row["pending"] + row["missing"] == row["obligations"]
    assert row["coverage"] == pytest.approx(0.25)
    assert row["principle"] == "凡进必训"


def test_initial_training_days_overdue_and_left(recruits, con):
    g = training.gap_list(con, year=2023, rules="初任培训").set_index("person_id")
    assert g.loc["R2", "days_overdue"] == 183          # 2023-07-01 → 2023-12-31
    assert g.loc["R4", "days_overdue"] == 244          # 2023-05-01 → 2023-12-31
    assert g.loc["R3", "days_left"] == 61              # 2023-12-31 → 2024-03-01
    assert pd.isna(g.loc["R3", "days_overdue"])
    assert g.loc["R4", "have_days"] == 0               # the failed course counts for nothing
    assert g.loc["R7", "shortfall_days"] == 2          # 12 − 10
    assert "R1" not in g.index                         # default statuses: missing and pending


def test_pending_recruit_is_never_missing_before_due(recruits, con):
    # R3 is due 2024-03-01: pending on 2024-02-29 (year 2024: due in 2024 ≥ 1 Jan), and only on the
    # due day itself, with no course started by then, does it become missing.
    assert statuses(con, "初任培训", year=2024, as_of=D("2024-02-29"))["R3"] == "未到期"
    assert statuses(con, "初任培训", year=2024, as_of=D("2024-03-01"))["R3"] == "未完成"
    # mid-2023: R1's course (2023-07-01) has not started on 2023-06-30 and R1 is not due → pending
    assert statuses(con, "初任培训", as_of=D("2023-06-30"))["R1"] == "未到期"


def test_recruit_channels_can_be_widened_by_rules(recruits, con):
    # a locality listing 遴选 among recruit channels makes R6 a recruit (due 2023-07-01, missing)
    con.execute("delete from rule_lists where name = 'training.recruit_channels'")
    con.execute("insert into rule_lists values ('training.recruit_channels', '考试录用'), "
                "('training.recruit_channels', '遴选')")
    got = statuses(con, "初任培训")
    assert got["R6"] == "未完成" and "R7" not in got      # 选调生 no longer listed


# ---------------------------------------------------------------------------------------------
# 任职培训 (应训必训)


@pytest.fixture
def appointments(db):
    def post(pid, level, start, end=None, unit="U1"):
        db.add("posts", person_id=pid, unit_id=unit, level=level, start_date=D(start),
               end_date=D(end) if end else None)

    for pid in ("A1", "A2", "A3", "A4", "A5"):
        db.add("persons", person_id=pid, entry_date=D("2010-07-01"), entry_channel="考试录用")
    db.add("units", unit_id="U2")
    # A1: 无 → 乡科级副职 on 2023-03-01 (due 2024-03-01); trained 2022-05-01…15 (15 days) BEFORE
    #   the start but inside the window (from 2022-03-01) → covered
    post("A1", "无", "2010-07-01", "2023-03-01")
    post("A1", "乡科级副职", "2023-03-01")
    course(db, "A1", "任职培训", "2022-05-01", "2022-05-15")
    # A2: 无 → 乡科级副职 on 2023-02-01 (window from 2022-02-01, due 2024-02-01); trained
    #   2021-12-01…15, before the window → not counted → pending
    post("A2", "无", "2010-07-01", "2023-02-01")
    post("A2", "乡科级副职", "2023-02-01")
    course(db, "A2", "任职培训", "2021-12-01", "2021-12-15")
    # A3: 乡科级正职 → 县处级副职 on 2022-06-01 (due 2023-06-01, needs 30 days); 20 days → missing
    post("A3", "乡科级正职", "2018-01-01", "2022-06-01")
    post("A3", "县处级副职", "2022-06-01")
    course(db, "A3", "任职培训", "2022-09-01", "2022-09-20")
    # A4: a first-ever post at 乡科级正职 (transferred in): no preceding post → no appointment
    post("A4", "乡科级正职", "2022-09-01")
    # A5: 乡科级副职 → 乡科级副职 in another unit: not above the preceding level → no appointment
    post("A5", "乡科级副职", "2019-01-01", "2023-04-01")
    post("A5", "乡科级副职", "2023-04-01", unit="U2")
    return db


def test_appointment_training(appointments, con):
    assert statuses(con, "任职培训") == {"A1": "已完成", "A2": "未到期", "A3": "未完成"}
    g = training.gap_list(con, year=2023, rules="任职培训", statuses=None).set_index("person_id")
    assert g.loc["A1", "have_days"] == 15 and g.loc["A1", "need_days"] == 15
    assert g.loc["A3", "need_days"] == 30 and g.loc["A3", "shortfall_days"] == 10
    assert g.loc["A3", "level"] == "县处级副职"
    assert g.loc["A2", "window_start"] == pd.Timestamp("2022-02-01")
    # covered 1 (A1) + pending 1 (A2) + missing 1 (A3) = 3. Due on or before 12-31: A3 only (A1
    # and A2 fall due in 2024; A1 is covered early) → due 1, missing 1 → coverage (1 − 1) / 1 = 0.
    row = matrix(con).loc["任职培训"]
    assert (row["obligations"], row["covered"], row["due"], row["pending"], row["missing"]) == (3, 1, 1, 1, 1)
    assert row["coverage"] == 0


# ---------------------------------------------------------------------------------------------
# 在职培训 (全员覆盖)


@pytest.fixture
def staff(db):
    # S1: 60 h online + 30 h class = 90 h, exactly the minimum → covered
    person(db, "S1")
    course(db, "S1", "在职培训", "2023-02-01", "2023-06-30", 60, mode="网络")
    course(db, "S1", "在职培训", "2023-09-04", "2023-09-07", 30)
    # S2: class 2023-03-01…05 (5 days, 40 h) + online 49 h (49 / 8 = 6.125 days): 89 h and
    #   11.125 days → missing, 1 学时 short
    person(db, "S2")
    course(db, "S2", "在职培训", "2023-03-01", "2023-03-05", 40)
    course(db, "S2", "在职培训", "2023-01-10", "2023-11-30", 49, mode="网络")
    # S3: one 12-day class with only 60 h → covered by days
    person(db, "S3")
    course(db, "S3", "专门业务培训", "2023-04-01", "2023-04-12", 60)
    # S4: left 2023-06-30 (mid-year): not active all year → not in the rule
    person(db, "S4", exit="2023-06-30")
    # S5: entered 2023-03-01: not active all year → not in the rule
    person(db, "S5", entry="2023-03-01", channel="遴选")
    # S6: 100 h failed (不合格) → 0 h → missing
    person(db, "S6")
    course(db, "S6", "在职培训", "2023-05-01", "2023-05-20", 100, passed=False)
    # S7: 100 h starting 2022-12-28: belongs to 2022 → missing
    person(db, "S7")
    course(db, "S7", "在职培训", "2022-12-28", "2023-01-08", 100)
    return db


def test_in_service_training(staff, con):
    assert statuses(con, "在职培训") == {
        "S1": "已完成", "S2": "未完成", "S3": "已完成", "S6": "未完成", "S7": "未完成"}
    p = training.in_service(con, year=2023).set_index("person_id")
    assert p.loc["S2", "have_hours"] == 89 and p.loc["S2", "have_days"] == pytest.approx(11.125)
    assert p.loc["S2", "shortfall_hours"] == 1
    assert p.loc["S1", "shortfall_hours"] == 0 and p.loc["S1", "meets"]
    assert p.loc["S6", "have_hours"] == 0 and p.loc["S6", "shortfall_hours"] == 90
    row = matrix(con).loc["在职培训"]
    # 5 persons, all due on 12-31: covered 2, missing 3, coverage 0.4
    assert (row["obligations"], row["covered"], row["due"], row["pending"], row["missing"]) == (5, 2, 5, 0, 3)
    assert row["coverage"] == pytest.approx(0.4)


def test_in_service_mid_year_is_pending(staff, con):
    # on 2023-06-30 S1 has 60 h (the class is in September): not yet met, due 12-31 → pending;
    # S4 is still active that day but leaves that very day (exit 2023-06-30 is not > as_of) → out
    got = statuses(con, "在职培训", as_of=D("2023-06-30"))
    assert got["S1"] == "未到期" and got["S3"] == "已完成" and "S4" not in got


def test_hours_by_person_sum_to_totals(staff, con):
    # S1 90 · S2 89 · S3 60 · S4 0 · S6 100 (failed: hours 100, credited 0); S7's course is 2022's
    per = training.hours_by_person(con, year=2023)
    tot = training.hours_totals(con, year=2023)
    assert per.set_index("person_id")["hours"].to_dict() == {"S1": 90, "S2": 89, "S3": 60, "S6": 100}
    assert per["hours"].sum() == tot["hours"].sum() == 339
    assert per["credited_hours"].sum() == tot["credited_hours"].sum() == 239
    assert per["courses"].sum() == tot["courses"].sum() and per["failed"].sum() == tot["failed"].sum() == 1
    # each person's credited hours split by kind and by mode; summed, the totals' kinds and modes
    for columns, dim in ((training.HOURS_BY_KIND, "kind"), (training.HOURS_BY_MODE, "mode")):
        assert (per[list(columns)].sum(axis=1) == per["credited_hours"]).all()
        want = tot.groupby(dim)["credited_hours"].sum()
        got = {value or "未填": per[column].sum() for column, value in columns.items()}
        assert {k: v for k, v in got.items() if v} == {k: v for k, v in want.items() if v}
    # S1: 60 h 网络 + 30 h in a class of the default mode, all 在职培训
    s1 = per.set_index("person_id").loc["S1"]
    assert (s1["in_service_hours"], s1["online_hours"], s1["online_hours"] + s1["full_time_hours"]
            + s1["other_mode_hours"] + s1["unfilled_mode_hours"]) == (90, 60, 90)
    # S6's only course failed: 100 h, none credited, in no kind or mode
    s6 = per.set_index("person_id").loc["S6"]
    assert (s6["courses"], s6["failed"], s6["credited_hours"]) == (1, 1, 0)
    assert s6[list(training.HOURS_BY_KIND) + list(training.HOURS_BY_MODE)].sum() == 0


def test_specialised_training_for_a_named_group(staff, con):
    # target S3 (专门业务培训 in April → covered) and S1 (none → missing at 12-31)
    assert "专门业务培训" not in matrix(con).index          # no group named → no row
    row = matrix(con, target_ids=["S1", "S3"]).loc["专门业务培训"]
    assert (row["obligations"], row["covered"], row["missing"]) == (2, 1, 1)


# ---------------------------------------------------------------------------------------------
# the matrix's slices


def test_matrix_by_entry_cohort_reconciles(recruits, con):
    by = training.coverage_matrix(con, year=2023, by="entry_cohort")
    total = matrix(con)
    for col in ("obligations", "covered", "due", "pending", "missing"):
        assert by.groupby("rule")[col].sum().to_dict() == total[col].to_dict()
    init = by[by["rule"] == "初任培训"].set_index("group_id")
    assert init["obligations"].to_dict() == {"2022": 4, "2023": 1}
    sliced = matrix(con, cohorts=[2023]).loc["初任培训"]
    assert (sliced["obligations"], sliced["pending"]) == (1, 1)


def test_matrix_by_several_dimensions_is_the_calls_concatenated(demo_db):
    # one query for several dimensions (the obligations computed once) gives the rows of each
    # dimension's own call, one after the other, in the order named
    con = qm.connect(demo_db)
    gaps = training.gap_list(con, year=2023, statuses=None)
    targets = gaps["person_id"].drop_duplicates().head(40).tolist()
    for by, kw in [(["total", "unit_kind"], {}),
                   (["unit_kind", "total"], {"cohorts": [2019, 2020, 2021]}),
                   (["entry_cohort", "unit", "total", "unit_kind"], {"target_ids": targets}),
                   (["total", "total"], {})]:
        one = training.coverage_matrix(con, year=2023, by=by, **kw)
        each = [training.coverage_matrix(con, year=2023, by=b, **kw) for b in by]
        pd.testing.assert_frame_equal(one, pd.concat(each, ignore_index=True))
        assert one.attrs == each[0].attrs
    with pytest.raises(ValueError):
        training.coverage_matrix(con, year=2023, by=["total", "name"])
    with pytest.raises(ValueError):
        training.coverage_matrix(con, year=2023, by=[])
    con.close()


def test_gap_list_per_cell_keeps_each_cells_first_rows(demo_db):
    # per_cell: the first rows of each (rule, unit kind, status) in the list's order, so the
    # first rows of any choice of rules, kinds and status are among them, in order
    con = qm.connect(demo_db)
    full = training.gap_list(con, year=2023, statuses=None)
    heads = training.gap_list(con, year=2023, statuses=None, per_cell=3)
    cells = ["rule", "unit_kind", "status"]
    expected = full.groupby(cells, dropna=False, sort=False, observed=True).head(3).reset_index(drop=True)
    pd.testing.assert_frame_equal(heads, expected)
    assert len(heads) < len(full)
    in_service = full[(full["rule"] == "在职培训") & (full["status"] == "未完成")].head(3)
    picked = heads[(heads["rule"] == "在职培训") & (heads["status"] == "未完成")].head(3)
    pd.testing.assert_frame_equal(picked.reset_index(drop=True), in_service.reset_index(drop=True))
    with pytest.raises(ValueError):
        training.gap_list(con, year=2023, per_cell=0)
    con.close()


def test_unknown_choices_are_refused_before_sql(con):
    with pytest.raises(ValueError):
        training.coverage_matrix(con, year=2023, by="name; drop table persons")
    with pytest.raises(ValueError):
        training.gap_list(con, year=2023, statuses=["lost"])
    with pytest.raises(ValueError):
        training.gap_list(con, year=2023, rules=["培训"])
    with pytest.raises(ValueError):
        training.coverage_matrix(con, year=2023, unit_kinds=["县直"])
    with pytest.raises(ValueError):
        training.coverage_matrix(con, year=2023, as_of=D("2024-01-01"))


def test_attrs(recruits, con):
    m = training.coverage_matrix(con, year=2023)
    assert m.attrs == {"year": 2023, "as_of": "2023-12-31", "rules_version": qm.rules_version(con)}


# ---------------------------------------------------------------------------------------------
# the weekly lecture


@pytest.fixture
def lectures(db):
    for lid, day in [("L1", "2023-01-04"), ("L2", "2023-02-01"), ("L3", "2023-03-01"),
                     ("L4", "2023-04-05")]:
        db.add("lectures", lecture_id=lid, held_on=D(day), topic="理论教育")

    def mark(pid, lid, status="出席"):
        db.add("lecture_attendance", lecture_id=lid, person_id=pid, status=status)

    # Y1 young all year: attended L1 L3, excused L2, absent L4 → 4 owed, rate 2/4 → below 80%
    person(db, "Y1")
    mark("Y1", "L1"), mark("Y1", "L2", "请假"), mark("Y1", "L3")
    # Y2 entered 2023-02-01: owes L2 L3 L4, attended all → 3/3
    person(db, "Y2", entry="2023-02-01")
    for lid in ("L2", "L3", "L4"):
        mark("Y2", lid)
    # Y3 born 1983-03-01 turns 40 on 2023-03-01: young for L1 L2 only; attended L1 (and L3, which
    #   is not owed and does not count) → 1/2 → below
    person(db, "Y3", born="1983-03-01")
    mark("Y3", "L1"), mark("Y3", "L3")
    # Y4 left 2023-03-01 (not active that day): owes L1 L2, attended both → 2/2
    person(db, "Y4", exit="2023-03-01")
    mark("Y4", "L1"), mark("Y4", "L2")
    # Y5 is 53: owes nothing
    person(db, "Y5", born="1970-01-01")
    return db


def test_lecture_attendance_per_person(lectures, con):
    p = training.lecture_persons(con, year=2023).set_index("person_id")
    assert sorted(p.index) == ["Y1", "Y2", "Y3", "Y4"]
    assert p.loc["Y1", ["sessions", "attended", "excused", "absent"]].tolist() == [4, 2, 1, 1]
    assert p.loc["Y1", "rate"] == 0.5 and p.loc["Y1", "excused_rate"] == 0.25
    assert p.loc["Y2", ["sessions", "attended"]].tolist() == [3, 3]
    assert p.loc["Y3", ["sessions", "attended"]].tolist() == [2, 1]
    assert p.loc["Y4", ["sessions", "attended"]].tolist() == [2, 2]
    assert sorted(p.index[p["below"]]) == ["Y1", "Y3"]
    # the flagged, lowest rate first (a tie at 0.5 ordered by unit, then person)
    assert training.lecture_persons(con, year=2023, below_only=True)["person_id"].tolist() == ["Y1", "Y3"]


def test_lecture_groups_and_months_reconcile(lectures, con):
    # owed 4 + 3 + 2 + 2 = 11, attended 2 + 3 + 1 + 2 = 8, excused 1, absent 2; 2 below
    g = training.lecture_groups(con, year=2023, by="total").iloc[0]
    assert (g["persons"], g["sessions"], g["attended"], g["excused"], g["absent"], g["below"]) == (4, 11, 8, 1, 2, 2)
    m = training.lecture_person_months(con, year=2023)
    assert m["sessions"].sum() == 11 and m["attended"].sum() == 8
    y1 = m[m["person_id"] == "Y1"].set_index("month")["attended"].to_dict()
    assert y1 == {1: 1, 2: 0, 3: 1, 4: 0}
    monthly = training.lecture_groups(con, year=2023, by="unit", monthly=True)
    assert monthly["sessions"].sum() == 11 and set(monthly["month"]) == {1, 2, 3, 4}
    s = training.lecture_sessions(con, first_year=2023, last_year=2023)
    assert s[["year", "topic", "sessions"]].values.tolist() == [[2023, "理论教育", 4]]


# ---------------------------------------------------------------------------------------------
# dual mentors


@pytest.fixture
def mentors(db):
    person(db, "P1", born="1980-01-01")                  # 政治导师, active
    person(db, "P2", born="1980-01-01")                  # 业务导师, active
    person(db, "P3", born="1980-01-01", exit="2023-06-30")  # 政治导师 who left mid-year
    for pid, entry in [("M1", "2021-07-01"), ("M2", "2021-07-01"), ("M3", "2022-07-01"),
                       ("M4", "2017-07-01"), ("M5", "2020-07-01"), ("M6", "2022-07-01")]:
        person(db, pid, entry=entry)

    def mentor(pid, mid, role, start="2021-08-01", end=None):
        db.add("mentorships", person_id=pid, mentor_id=mid, role=role, start_date=D(start),
               end_date=D(end) if end else None)

    mentor("M1", "P1", "政治导师"), mentor("M1", "P2", "业务导师")   # both → covered
    mentor("M2", "P1", "政治导师")                                   # 业务导师 missing
    mentor("M3", "P3", "政治导师"), mentor("M3", "P2", "业务导师")   # 政治导师 left → orphaned
    mentor("M4", "P1", "业务导师")        # M4 entered 2017: past the first five years (not listed)
    mentor("M5", "P1", "政治导师", end="2023-12-31")                 # ended on the day → missing
    mentor("M5", "P2", "业务导师")
    mentor("M6", "P1", "政治导师")
    return db


def test_mentor_coverage(mentors, con):
    m = training.mentees(con, as_of=END).set_index("person_id")
    assert sorted(m.index) == ["M1", "M2", "M3", "M5", "M6"]
    assert m["covered"].to_dict() == {"M1": True, "M2": False, "M3": False, "M5": False, "M6": False}
    assert m.loc["M2", "missing_roles"] == "业务导师"
    assert m.loc["M3", "missing_roles"] == "政治导师" and m.loc["M3", "orphaned"] == "政治导师"
    assert m.loc["M5", "missing_roles"] == "政治导师"
    assert pd.isna(m.loc["M1", "orphaned"])


def test_mentor_load(mentors, con):
    # P1: M1 M2 M4 M6 open on 12-31 (M5's ended that day) = 4 > 3 → over; P2: M1 M3 M5 = 3;
    # P3 has left: no load (M3 shows as orphaned instead)
    load = training.mentor_load(con, as_of=END).set_index("mentor_id")
    assert load["mentees"].to_dict() == {"P1": 4, "P2": 3}
    assert load["over_limit"].to_dict() == {"P1": True, "P2": False}
    assert load.loc["P1", "political_mentees"] == 3 and load.loc["P1", "business_mentees"] == 1


def test_training_people_can_leave_the_departed_unplaced(db, con):
    # the mentor analyses read only active persons' units: departed := false spares the latest-post
    # lookup of everyone who left (B, post closed on leaving), not of an active person without a
    # post that day (C)
    db.add("units", unit_id="U2", name="乡镇", kind="乡镇街道")
    person(db, "A")
    db.add("persons", person_id="B", entry_date=D("2015-07-01"), exit_date=D("2023-06-30"),
           birth_date=D("1990-01-01"), entry_channel="考试录用")
    db.add("posts", person_id="B", unit_id="U1", level="无", start_date=D("2015-07-01"),
           end_date=D("2023-06-30"))
    db.add("persons", person_id="C", entry_date=D("2015-07-01"), birth_date=D("1990-01-01"),
           entry_channel="考试录用")
    db.add("posts", person_id="C", unit_id="U2", level="无", start_date=D("2015-07-01"),
           end_date=D("2022-01-01"))
    qm.db.install_all(con)  # training_people called in the test's own SQL
    query = "select person_id, unit_id, unit_kind from training_people(?::date{}) order by 1"
    assert con.execute(query.format(""), [END]).fetchall() == [
        ("A", "U1", "市直机关"), ("B", "U1", "市直机关"), ("C", "U2", "乡镇街道")]
    assert con.execute(query.format(", departed := false"), [END]).fetchall() == [
        ("A", "U1", "市直机关"), ("B", None, None), ("C", "U2", "乡镇街道")]


# ---------------------------------------------------------------------------------------------
# frontline practice


@pytest.fixture
def practice(db):
    # X posted 2020-03-01 (cohort 2015), rank promotion 2021-05-01: within 2 years → promoted
    # peers of cohort 2015 without a posting, active on 2020-07-01: Q1 promoted 2021-01-01 (in the
    #   window to 2022-07-01) → promoted; Q2 never; Q3 promoted 2023-01-01 (outside) → not.
    # practised rate 1/1; peer rate 1/3; difference 2/3.  O (53 years old, cohort 2010) had a 2023
    # posting; O is a peer of cohort 2010 only, where nobody practised in time → no 2010 row.
    for pid in ("X", "Q1", "Q2", "Q3"):
        person(db, pid)
    person(db, "O", born="1970-01-01", entry="2010-07-01")
    db.add("practices", person_id="X", program="驻村帮扶", start_date=D("2020-03-01"),
           end_date=D("2021-09-01"))
    db.add("practices", person_id="O", program="千万工程", start_date=D("2023-04-01"))
    db.add("ranks", person_id="X", rank="四级主任科员", start_date=D("2021-05-01"))
    db.add("ranks", person_id="Q1", rank="四级主任科员", start_date=D("2021-01-01"))
    db.add("ranks", person_id="Q3", rank="四级主任科员", start_date=D("2023-01-01"))
    return db


def test_practice_participation_and_share(practice, con):
    p = training.practice_participation(con, first_year=2020, last_year=2023)
    assert p[["year", "program", "postings", "young_persons_posted", "ended", "ongoing"]].values.tolist() == [
        [2020, "驻村帮扶", 1, 1, 1, 0], [2023, "千万工程", 1, 0, 0, 1]]
    assert p.loc[0, "median_posting_months"] == 18
    s = training.practice_share(con, as_of=END).iloc[0]
    # young active: X Q1 Q2 Q3 = 4, practised: X → 0.25
    assert (s["young_active"], s["practised"], s["share"]) == (4, 1, 0.25)


def test_practice_outcomes(practice, con):
    out = training.practice_outcomes(con, as_of=END)
    row = out[out["entry_cohort"] == 2015].iloc[0]
    assert (row["practised"], row["practised_promoted"], row["peers"]) == (1, 1, 3)
    assert row["practised_rate"] == 1 and row["peer_rate"] == pytest.approx(1 / 3)
    assert row["difference"] == pytest.approx(2 / 3)
    assert "因果" in out.attrs["note"] and out.attrs["window_years"] == 2
    assert out["entry_cohort"].isna().sum() == 1 and 2010 not in set(out["entry_cohort"].dropna())
    # a shorter window: X promoted 14 months after the posting → not within 1 year
    one = training.practice_outcomes(con, as_of=END, window_years=1)
    assert one[one["entry_cohort"] == 2015].iloc[0]["practised_promoted"] == 0


# ---------------------------------------------------------------------------------------------
# on the simulated county


def test_demo_reconciles_and_matches_f3(demo_db):
    con = qm.connect(demo_db)
    m = training.coverage_matrix(con, year=2023)
    assert (m["covered"] + m["pending"] + m["missing"] == m["obligations"]).all()
    gaps = training.gap_list(con, year=2023, statuses=None)
    assert gaps.groupby("rule").size().to_dict() == m.set_index("rule")["obligations"].to_dict()
    per = training.hours_by_person(con, year=2023)
    tot = training.hours_totals(con, year=2023)
    assert per["hours"].sum() == pytest.approx(tot["hours"].sum())
    assert per["credited_hours"].sum() == pytest.approx(tot["credited_hours"].sum())
    # the 在职培训 hours of a person = their credited hours of the year (all kinds)
    ins = training.in_service(con, year=2023).set_index("person_id")["have_hours"]
    credited = per.set_index("person_id")["credited_hours"]
    assert ins.sub(credited.reindex(ins.index, fill_value=0)).abs().max() < 1e-9
    f3 = qm.figures.headline(con, year=2023).set_index("code").loc["F3", "value"]
    cpt = training.class_person_times(con, first_year=2023, last_year=2023)
    assert cpt.loc[0, "young_person_times"] == f3
    con.close()
