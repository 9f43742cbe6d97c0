"""Early warnings for mandatory training past due (SPEC §5 "early warnings", issue 18 item 3):
初任培训 (凡进必训) and 任职培训 (应训必训), each with its due date and evidence, naming exactly the
(person, rule) pairs that training.gap_list lists as 未完成 among the persons active on the date —
on hand-made fixtures with worked answers and on the simulated demo county.

Default rules: a recruit (entry channel 考试录用/选调生) owes ≥ 12 days of 初任培训 started by
entry + 12 months; a leadership appointment (a post above the preceding post's level) owes a
任职培训 started from 12 months before to 12 months after its start, ≥ 15 days for 乡科级 and
≥ 30 days for 县处级. A due date on as_of itself is overdue (a course that day would count);
obligations due before 1 January of year(as_of) belong to an earlier year (as in gap_list).
"""

from __future__ import annotations

import datetime as dt

import pytest

import qingmiao_lib as qm
from qingmiao_lib import evaluation as ev
from qingmiao_lib import training as tr

D = dt.date.fromisoformat
RULES = ["初任培训", "任职培训"]


def recruit(db, pid, entry, *, channel="考试录用", exit=None):
    db.add("persons", person_id=pid, entry_date=D(entry), entry_channel=channel,
           exit_date=D(exit) if exit else None)
    db.add("posts", person_id=pid, start_date=D(entry), end_date=D(exit) if exit else None)


def course(db, pid, kind, start, end, *, passed=True, hours=96):
    db.add("trainings", person_id=pid, kind=kind, start_date=D(start), end_date=D(end),
           hours=hours, passed=passed)


def appointed(db, pid, on, level, *, before="无", first=True):
    """A person in post at ``before`` from 2015-07-01 (entered then by 调任: no 初任培训 owed),
    then at ``level`` from ``on`` in unit U2; ``first=False`` leaves out the earlier post (the
    post at ``level`` is then the person's first ever)."""
    db.add("persons", person_id=pid, entry_date=D("2015-07-01"), entry_channel="调任")
    if first:
        db.add("posts", person_id=pid, unit_id="U1", level=before, start_date=D("2015-07-01"),
               end_date=D(on))
    db.add("posts", person_id=pid, unit_id="U2", level=level, title="副镇长", start_date=D(on))


@pytest.fixture
def fx(db):
    db.add("units", unit_id="U2", name="第二单位", kind="乡镇街道")
    # --- 初任培训 -----------------------------------------------------------------------------
    recruit(db, "R_NONE", "2022-03-01")                        # due 2023-03-01, nothing
    recruit(db, "R_SHORT", "2022-02-01")                       # due 2023-02-01, 5 days < 12
    course(db, "R_SHORT", "初任培训", "2022-05-01", "2022-05-05", hours=40)
    recruit(db, "R_LATE", "2022-01-10")                        # due 2023-01-10, trained after it
    course(db, "R_LATE", "初任培训", "2023-02-01", "2023-02-14")
    recruit(db, "R_DONE", "2022-03-01")                        # exactly 12 days: covered
    course(db, "R_DONE", "初任培训", "2022-06-01", "2022-06-12")
    recruit(db, "R_FAILED", "2022-03-01")                      # 20 days, not passed
    course(db, "R_FAILED", "初任培训", "2022-06-01", "2022-06-20", passed=False)
    recruit(db, "R_LEAP", "2020-02-29")                        # due 2021-02-28 (month-end clamped)
    recruit(db, "R_LEFT", "2022-03-01", exit="2023-03-15")     # left after its due date
    recruit(db, "R_XDS", "2022-03-01", channel="选调生")        # a recruit whatever its ranks say
    db.add("ranks", person_id="R_XDS", rank="一级科员", start_date=D("2022-03-01"), reason="平级调整")
    recruit(db, "R_TRANSFER", "2022-03-01", channel="调任")     # prior service: nothing owed,
    db.add("ranks", person_id="R_TRANSFER", rank="一级科员", start_date=D("2023-03-01"), reason="定级")
    recruit(db, "R_NOCHANNEL", "2022-03-01", channel=None)     # channel unknown: not a recruit
    # --- 任职培训 -----------------------------------------------------------------------------
    appointed(db, "A_NONE", "2022-03-01", "乡科级副职")          # due 2023-03-01, nothing
    appointed(db, "A_BEFORE", "2022-03-01", "乡科级副职")        # 15 days a year before: covered
    course(db, "A_BEFORE", "任职培训", "2021-03-01", "2021-03-15")
    appointed(db, "A_SHORT", "2022-03-01", "乡科级副职")         # 14 days < 15
    course(db, "A_SHORT", "任职培训", "2022-04-01", "2022-04-14")
    appointed(db, "A_EARLY", "2022-03-01", "乡科级副职")         # 15 days, one day before the window
    course(db, "A_EARLY", "任职培训", "2021-02-28", "2021-03-14")
    appointed(db, "A_LATERAL", "2022-03-01", "乡科级副职", before="乡科级副职")   # same level
    appointed(db, "A_FIRST", "2022-03-01", "乡科级正职", first=False)            # first-ever post
    appointed(db, "A_COUNTY", "2022-06-30", "县处级副职", before="乡科级正职")    # 20 days < 30
    course(db, "A_COUNTY", "任职培训", "2022-09-01", "2022-09-20")
    return db


def warned(con, as_of, **kw) -> set[tuple[str, str]]:
    w = ev.early_warnings(con, as_of=as_of, **kw)
    w = w[w["kind"] == "培训逾期"]
    return set(zip(w["person_id"], w["rule"], strict=True))


def overdue(con, as_of) -> set[tuple[str, str]]:
    """gap_list's 未完成 (person, rule) pairs of the two rules, among the persons active on as_of."""
    g = tr.gap_list(con, year=as_of.year, as_of=as_of, rules=RULES, statuses=["missing"])
    g = g[g["active"]]
    return set(zip(g["person_id"], g["rule"].astype(str), strict=True))


# worked answers: (as_of, the (person, rule) pairs overdue that day)
WORKED = {
    # 2021: only R_LEAP is due in 2021 — on 2021-02-28, the clamped anniversary of 2020-02-29
    "2021-02-27": set(),
    "2021-02-28": {("R_LEAP", "初任培训")},
    # 2023-01-09: nothing due yet in 2023 (R_LEAP's obligation belongs to 2021)
    "2023-01-09": set(),
    # R_LATE due 2023-01-10 — on that day, included
    "2023-01-10": {("R_LATE", "初任培训")},
    "2023-02-01": {("R_LATE", "初任培训"), ("R_SHORT", "初任培训")},
    "2023-02-28": {("R_LATE", "初任培训"), ("R_SHORT", "初任培训")},
    # everything due 2023-03-01 (a window ending on as_of): R_DONE and A_BEFORE covered; the
    # lateral move, the first-ever post, the transfer and the unknown channel owe nothing
    "2023-03-01": {("R_LATE", "初任培训"), ("R_SHORT", "初任培训"), ("R_NONE", "初任培训"),
                   ("R_FAILED", "初任培训"), ("R_LEFT", "初任培训"), ("R_XDS", "初任培训"),
                   ("A_NONE", "任职培训"), ("A_SHORT", "任职培训"), ("A_EARLY", "任职培训")},
    # R_LEFT left on 2023-03-15: gap_list still lists the obligation (inactive), no warning
    "2023-06-29": {("R_LATE", "初任培训"), ("R_SHORT", "初任培训"), ("R_NONE", "初任培训"),
                   ("R_FAILED", "初任培训"), ("R_XDS", "初任培训"),
                   ("A_NONE", "任职培训"), ("A_SHORT", "任职培训"), ("A_EARLY", "任职培训")},
    "2023-06-30": {("R_LATE", "初任培训"), ("R_SHORT", "初任培训"), ("R_NONE", "初任培训"),
                   ("R_FAILED", "初任培训"), ("R_XDS", "初任培训"),
                   ("A_NONE", "任职培训"), ("A_SHORT", "任职培训"), ("A_EARLY", "任职培训"),
                   ("A_COUNTY", "任职培训")},
    # a new year: the 2023 obligations are out of it, nothing of 2024 is due yet
    "2024-01-01": set(),
}


@pytest.mark.parametrize("as_of", sorted(WORKED))
def test_training_warnings_by_hand_agree_with_gap_list(fx, as_of):
    d = D(as_of)
    assert warned(fx.con, d) == WORKED[as_of]
    assert overdue(fx.con, d) == WORKED[as_of]


def test_a_person_who_left_is_in_gap_list_but_not_warned(fx):
    g = tr.gap_list(fx.con, year=2023, as_of=D("2023-06-30"), rules=["初任培训"], statuses=["missing"])
    left = g[g["person_id"] == "R_LEFT"]
    assert len(left) == 1 and not left["active"].iloc[0]
    assert ("R_LEFT", "初任培训") not in warned(fx.con, D("2023-06-30"))
    w = ev.early_warnings(fx.con, as_of=D("2023-06-30"))
    assert "R_LEFT" not in set(w["person_id"])


def test_training_evidence_and_due_dates(fx):
    w = ev.early_warnings(fx.con, as_of=D("2023-06-30"))
    w = w[w["kind"] == "培训逾期"].set_index("person_id")
    expected = {
        "A_NONE": ("任职培训", "2023-03-01",
                   "2022-03-01任乡科级副职，任职培训应于2023-03-01前完成，未见记录"),
        "A_SHORT": ("任职培训", "2023-03-01",
                    "2022-03-01任乡科级副职，任职培训应于2023-03-01前完成，期限内仅14天，需15天"),
        "A_EARLY": ("任职培训", "2023-03-01",
                    "2022-03-01任乡科级副职，任职培训应于2023-03-01前完成，未见记录"),
        "A_COUNTY": ("任职培训", "2023-06-30",
                     "2022-06-30任县处级副职，任职培训应于2023-06-30前完成，期限内仅20天，需30天"),
        "R_NONE": ("初任培训", "2023-03-01", "2022-03-01录用，初任培训应于2023-03-01前完成，未见记录"),
        "R_SHORT": ("初任培训", "2023-02-01",
                    "2022-02-01录用，初任培训应于2023-02-01前完成，期限内仅5天，需12天"),
        "R_LATE": ("初任培训", "2023-01-10",
                   "2022-01-10录用，初任培训应于2023-01-10前完成，期限内未见记录（2023-02-01补训）"),
        "R_FAILED": ("初任培训", "2023-03-01", "2022-03-01录用，初任培训应于2023-03-01前完成，未见记录"),
    }
    for pid, (rule, due, evidence) in expected.items():
        row = w.loc[pid]
        assert (row["rule"], row["due_date"].date(), row["evidence_date"].date(), row["evidence"]) == (
            rule, D(due), D(due), evidence), pid
    # the unit is the person's unit on as_of (the appointment's, U2)
    assert w.loc["A_NONE", "unit_id"] == "U2" and w.loc["R_NONE", "unit_id"] == "U1"
    # a late course is evidence only, and only once it has started
    before = ev.early_warnings(fx.con, as_of=D("2023-01-31")).set_index("person_id")
    assert before.loc["R_LATE", "evidence"] == "2022-01-10录用，初任培训应于2023-01-10前完成，未见记录"


def test_leap_day_recruit(fx):
    w = ev.early_warnings(fx.con, as_of=D("2021-02-28")).set_index("person_id")
    assert w.loc["R_LEAP", "evidence"] == "2020-02-29录用，初任培训应于2021-02-28前完成，未见记录"


def test_two_overdue_appointments_are_one_row(db):
    # 乡科级副职 from 2021-03-01 (due 2022-03-01), 乡科级正职 from 2021-09-01 (due 2022-09-01),
    # neither trained: on 2022-12-31 one row for 任职培训, both in the evidence, due the first
    db.add("persons", person_id="TWO", entry_date=D("2015-07-01"), entry_channel="调任")
    db.add("posts", person_id="TWO", level="无", start_date=D("2015-07-01"), end_date=D("2021-03-01"))
    db.add("posts", person_id="TWO", level="乡科级副职", start_date=D("2021-03-01"), end_date=D("2021-09-01"))
    db.add("posts", person_id="TWO", level="乡科级正职", start_date=D("2021-09-01"))
    w = ev.early_warnings(db.con, as_of=D("2022-12-31"))
    assert len(w) == 1
    row = w.iloc[0]
    assert (row["kind"], row["rule"], row["due_date"].date(), row["evidence_date"].date()) == (
        "培训逾期", "任职培训", D("2022-03-01"), D("2022-09-01"))
    assert row["evidence"] == ("2021-03-01任乡科级副职，任职培训应于2022-03-01前完成，未见记录；"
                               "2021-09-01任乡科级正职，任职培训应于2022-09-01前完成，未见记录")
    assert ev.warning_counts(w, by="all").set_index("kind")["persons"]["培训逾期"] == 1
    g = tr.gap_list(db.con, year=2022, rules=RULES, statuses=["missing"])
    assert sorted(g["due_date"].dt.date) == [D("2022-03-01"), D("2022-09-01")]


def test_the_slice_filters_training_warnings(fx):
    d = D("2023-06-30")
    assert {p for p, _ in warned(fx.con, d, units=["U2"])} == {"A_NONE", "A_SHORT", "A_EARLY", "A_COUNTY"}
    assert {r for _, r in warned(fx.con, d, units=["U1"])} == {"初任培训"}


def test_training_rules_follow_the_rules_file(fx, tmp_path):
    # a locality allowing 2 years for 初任培训 and 10 days for 乡科级 任职培训: on 2023-06-30 no
    # 初任培训 is due (all recruits of 2022 are due in 2024) and A_SHORT's 14 days cover it
    rules = tmp_path / "local.toml"
    levels = [("无", 0), ("乡科级副职", 10), ("乡科级正职", 15), ("县处级副职", 30), ("县处级正职", 30)]
    rules.write_text("[training]\ninitial_deadline_months = 24\n\n" + "".join(
        f'[[posts.levels]]\nlevel = "{lv}"\nappointment_training_days = {n}\n' for lv, n in levels),
        encoding="utf-8")
    path = tmp_path / "fx.duckdb"
    fx.con.execute(f"attach '{path}' as fx_copy")        # test path, not a value
    fx.con.execute("copy from database memory to fx_copy")
    fx.con.execute("detach fx_copy")
    con = qm.connect(path, rules=rules)
    try:
        got = warned(con, D("2023-06-30"))
        assert got == overdue(con, D("2023-06-30"))
        assert ("A_SHORT", "任职培训") not in got and ("A_NONE", "任职培训") in got
        assert not {p for p, r in got if r == "初任培训"}
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# the demo county


@pytest.fixture(scope="module")
def demo(demo_db):
    con = qm.connect(demo_db)
    qm.db.install_all(con)  # training_obligations called in the test's own SQL
    yield con
    con.close()


def _due_dates(con, rule: str) -> list[dt.date]:
    """Due dates of obligations of ``rule`` in the demo that are still uncovered on their year's
    end (so uncovered on the due date too), earliest first."""
    return [r[0] for r in con.execute(
        "select distinct o.due_date::date from range(2014, 2025) as t(y),"
        " training_obligations(make_date(t.y::integer, 12, 31), null::varchar[], rules := [$rule]) as o"
        " where o.status = '未完成' and o.active order by 1", {"rule": rule}).fetchall()]


def test_training_warnings_agree_with_gap_list_on_the_demo(demo):
    appointment_dues = _due_dates(demo, "任职培训")
    initial_dues = _due_dates(demo, "初任培训")
    assert appointment_dues and initial_dues          # the demo has both kinds of overdue
    # year ends, a 1 January, mid-years, and windows ending exactly on as_of
    dates = [D("2019-12-31"), D("2021-06-30"), D("2023-12-31"), D("2024-01-01"), D("2024-12-31"),
             appointment_dues[0], appointment_dues[-1], initial_dues[0], initial_dues[-1]]
    seen = set()
    for d in dates:
        got = warned(demo, d)
        assert got == overdue(demo, d), d
        seen |= {r for _, r in got}
    assert seen == set(RULES)
    # on its due date an uncovered appointment is overdue (the window includes that day)
    d = appointment_dues[-1]
    assert any(r == "任职培训" for _, r in warned(demo, d))
    w = ev.early_warnings(demo, as_of=d)
    due_today = w[(w["rule"] == "任职培训") & (w["evidence_date"].dt.date == d)]
    assert len(due_today) and due_today["evidence"].str.contains(f"应于{d.isoformat()}前完成").all()
