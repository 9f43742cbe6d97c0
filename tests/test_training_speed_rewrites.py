"""The faster paths of the training analyses give exactly the answers of the straightforward ones.

- coverage_trend counts every year in one pass (training_obligations_years) when the base layer is
  stored on each year's 31 December, else it runs coverage_matrix year by year: both must agree,
  with or without the stored training_years, sliced by unit, unit kind, cohort or not, with a
  target group, for one year or several.
- training_leadership_steps(_since) find the preceding post with one join (base/leadership_steps.sql)
  instead of a window over the post history: the same appointments as the window (same-day posts, first posts,
  moves at the same level, demotions).
- gap_list passes its rules into training_obligations, which then skips the other rules' work:
  each rule alone gives the rows of that rule in the full list.
- coverage_matrix and gap_list pass their slice into training_obligations, which then computes
  only the slice's persons: the rows of the whole jurisdiction inside the slice.
- hours_by_person looks up the unit fallback (latest post) only for persons with a course.
- in_service reads its own narrow query (training/in_service.sql) and adds the columns that are
  the same for every row: the 在职培训 rows of gap_list, every column, value and dtype.
- _strings turns Arrow text into the pandas string dtype as ``astype("string")`` does.

Worked example (years 2021–2024; in-service needs 90 学时 or 12 days):
R1 recruit (考试录用) entered 2022-03-01, 初任培训 2022-04-01…20 → covered; R2 recruit entered
2023-09-01, nothing yet → pending in 2023, missing by 2024's year end (due 2024-09-01); R3 recruit
(选调生) entered 2021-02-01, left 2021-10-31 without the training → in no count after leaving.
L1: 无 → 乡科级副职 on 2022-05-01 (a same-day 无 post too), 任职培训 15 days → covered; L2:
乡科级正职 → 县处级副职 on 2023-06-01 with 10 days → pending in 2023, missing in 2024; L3 moved
from 县处级副职 down to 乡科级正职 (no appointment). S1 trains 100 h every year; S2 has no main
post from 2022-07-01 (ended post): placed in that last unit; S3 left 2022-06-30; S4 trains 网络
64 h (8 days) → missing; N1 in the target group, 专门业务培训 in 2023.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

import qingmiao_lib as qm
from qingmiao_lib import _query, training

D = dt.date.fromisoformat


@pytest.fixture
def con(con):
    """The empty database with every area macro made: this module calls them in its own SQL."""
    qm.db.install_all(con)
    return con


def person(db, pid, *, entry="2015-07-01", exit=None, channel="遴选", unit="U1", level="无",
           end=None):
    db.add("persons", person_id=pid, entry_date=D(entry), exit_date=D(exit) if exit else None,
           entry_channel=channel)
    db.add("posts", person_id=pid, unit_id=unit, level=level, start_date=D(entry),
           end_date=D(end) if end else None)


def post(db, pid, level, start, unit="U1"):
    db.add("posts", person_id=pid, unit_id=unit, level=level, start_date=D(start))


def course(db, pid, kind, start, end, hours=None, *, mode="脱产", passed=True):
    days = (D(end) - D(start)).days + 1
    db.add("trainings", person_id=pid, kind=kind, start_date=D(start), end_date=D(end),
           hours=hours if hours is not None else 8 * days, mode=mode, passed=passed)


@pytest.fixture
def county(db):
    db.add("units", unit_id="U2", name="乡镇", kind="乡镇街道")
    db.add("units", unit_id="U3", name="其他单位", kind="其他")
    person(db, "R1", entry="2022-03-01", channel="考试录用", unit="U2")
    course(db, "R1", "初任培训", "2022-04-01", "2022-04-20")
    person(db, "R2", entry="2023-09-01", channel="考试录用")
    person(db, "R3", entry="2021-02-01", exit="2021-10-31", channel="选调生", unit="U2")
    person(db, "L1", entry="2010-07-01", end="2022-05-01")
    post(db, "L1", "乡科级副职", "2022-05-01")
    post(db, "L1", "无", "2022-05-01", unit="U3")
    course(db, "L1", "任职培训", "2022-03-01", "2022-03-15")
    person(db, "L2", entry="2012-07-01", level="乡科级正职", unit="U3")
    post(db, "L2", "县处级副职", "2023-06-01", unit="U3")
    course(db, "L2", "任职培训", "2023-09-01", "2023-09-10")
    person(db, "L3", entry="2008-07-01", level="县处级副职", unit="U2")
    post(db, "L3", "乡科级正职", "2022-01-01", unit="U2")
    person(db, "S1")
    for year in (2021, 2022, 2023, 2024):
        course(db, "S1", "在职培训", f"{year}-03-01", f"{year}-03-10", 100)
    person(db, "S2", end="2022-07-01", unit="U2")
    course(db, "S2", "在职培训", "2023-05-01", "2023-05-12", 60)
    person(db, "S3", exit="2022-06-30", unit="U3")
    course(db, "S3", "在职培训", "2022-01-10", "2022-01-25", 96)
    person(db, "S4", unit="U2")
    course(db, "S4", "在职培训", "2023-02-01", "2023-05-01", 64, mode="网络")
    course(db, "S4", "在职培训", "2024-02-01", "2024-02-12", 100, passed=False)
    person(db, "N1", entry="2019-07-01", unit="U3")
    course(db, "N1", "专门业务培训", "2023-10-09", "2023-10-13")
    return db


TARGETS = ["N1", "S1", "R3"]
SLICES = [{}, {"target_ids": TARGETS}, {"units": ["U2"]}, {"units": ["U1", "U3"], "target_ids": TARGETS},
          {"unit_kinds": ["乡镇街道"]}, {"unit_kinds": ["市直机关", "其他"]}, {"cohorts": [2015, 2022]},
          {"cohorts": [2023], "unit_kinds": ["市直机关"]}, {"units": ["U9"]}]
SPANS = [(2021, 2024), (2023, 2023), (2022, 2023)]


def year_by_year(con, monkeypatch, **kw) -> pd.DataFrame:
    with monkeypatch.context() as m:
        m.setattr(training.coverage, "_year_ends_stored", lambda *a: False)
        return training.coverage_trend(con, **kw)


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.attrs.items()) == list(want.attrs.items())


@pytest.mark.parametrize("stored_obligations", [True, False])
@pytest.mark.parametrize("stored_courses", [True, False])
def test_trend_in_one_pass_equals_year_by_year(county, con, monkeypatch, stored_courses, stored_obligations):
    qm.db.refresh_snapshots(con)
    for first, last in SPANS:
        assert training._year_ends_stored(con, first, last)
        assert training.coverage._span_obligations_stored(con, first, last, None)
    if not stored_courses:  # training_years stale: the year's courses summed live
        monkeypatch.setattr(training._common, "_training_stored", lambda con: False)
    if not stored_obligations:  # the one pass over the records (training_obligations_years_live)
        monkeypatch.setattr(training.coverage, "_span_obligations_stored", lambda *a: False)
    for first, last in SPANS:
        for kw in SLICES:
            want = year_by_year(con, monkeypatch, first_year=first, last_year=last, **kw)
            got = training.coverage_trend(con, first_year=first, last_year=last, **kw)
            assert_same(got, want)


def test_trend_worked_example(county, con):
    qm.db.refresh_snapshots(con)
    t = training.coverage_trend(con, first_year=2021, last_year=2024).set_index(["year", "rule"])
    # 初任培训: R3 left in 2021 without it (in no count); R1 covered 2022 on; R2 pending in 2023,
    #   missing in 2024 (due 2024-09-01)
    assert t.loc[(2023, "初任培训"), ["covered", "pending", "missing"]].tolist() == [1, 1, 0]
    assert t.loc[(2024, "初任培训"), ["covered", "pending", "missing"]].tolist() == [0, 0, 1]
    assert (2021, "初任培训") not in t.index
    # 任职培训: L1 (2022) covered; L2 (2023) pending in 2023 (needs 30 days, has 10), missing in 2024
    assert t.loc[(2022, "任职培训"), ["obligations", "covered"]].tolist() == [1, 1]
    assert t.loc[(2023, "任职培训"), ["covered", "pending", "missing"]].tolist() == [1, 1, 0]
    assert t.loc[(2024, "任职培训"), ["covered", "pending", "missing"]].tolist() == [0, 0, 1]
    # 在职培训 2023 (active all year: R1 L1 L2 L3 S1 S2 S4 N1): S1 covered; S2 (60 h, 12 days)
    #   covered by days; S4 64 h online = 8 days missing; the others have no 在职 credit
    assert t.loc[(2023, "在职培训"), ["obligations", "covered", "missing"]].tolist() == [8, 2, 6]


def test_trend_unsliced_and_unit_sliced_add_up(county, con):
    qm.db.refresh_snapshots(con)
    total = training.coverage_trend(con, first_year=2021, last_year=2024, target_ids=TARGETS)
    parts = [training.coverage_trend(con, first_year=2021, last_year=2024, target_ids=TARGETS,
                                     unit_kinds=[kind]) for kind in training.UNIT_KINDS]
    cols = ["obligations", "covered", "due", "pending", "missing"]
    summed = pd.concat(parts).groupby(["year", "rule"], sort=False)[cols].sum()
    assert summed.loc[total.set_index(["year", "rule"]).index].equals(
        total.set_index(["year", "rule"])[cols])


def test_trend_needs_every_year_end_stored(county, con, monkeypatch):
    qm.db.refresh_snapshots(con)
    con.execute("delete from snapshots where snapshot_date = date '2022-12-31'")
    assert not training._year_ends_stored(con, 2021, 2024)
    assert training._year_ends_stored(con, 2023, 2024)
    want = year_by_year(con, monkeypatch, first_year=2021, last_year=2024)
    assert_same(training.coverage_trend(con, first_year=2021, last_year=2024), want)


def test_empty_span(con):
    got = training.coverage_trend(con, first_year=2024, last_year=2023)
    assert got.empty and got.attrs["first_year"] == 2024


#: The appointments by the window definition the macros had before (base/leadership_steps.sql
#: replaced it with a join): the reference they are checked against. Parameter: as_of.
WINDOW_STEPS = """
select person_id, unit_id, start_date, level, step, prev.step as prev_step, appointment_training_days
from (
    select p.person_id, p.unit_id, p.start_date, p.level::varchar as level, rl.step,
           rl.appointment_training_days,
           max({'start_date': p.start_date, 'step': rl.step}) over (
               partition by p.person_id order by p.start_date
               range between unbounded preceding and interval 1 day preceding) as prev,
    from posts as p
    join rule_levels as rl on rl.level = p.level
    where p.start_date <= ?::date
)
where step > 0 and step > prev.step
"""


@pytest.mark.parametrize(("as_of", "since"), [
    ("2023-12-31", "2020-01-01"), ("2022-05-01", "2022-05-01"), ("2021-12-31", "1990-01-01"),
    ("2023-06-01", "2023-06-02")])
def test_leadership_steps_since_equals_the_window(county, con, as_of, since):
    person(county, "L4", entry="2010-07-01", level="乡科级副职")
    post(county, "L4", "乡科级正职", "2020-01-01")
    post(county, "L4", "无", "2020-01-01", unit="U2")      # same day: the higher level counts
    post(county, "L4", "县处级副职", "2021-01-01")
    cols = "person_id, unit_id, start_date, level, step, prev_step, appointment_training_days"
    got = con.execute(f"select {cols} from training_leadership_steps_since(?::date, ?::date) "
                      "order by all", [as_of, since]).df()
    want = con.execute(f"select {cols} from ({WINDOW_STEPS}) "
                       "where start_date >= ?::date order by all", [as_of, since]).df()
    pd.testing.assert_frame_equal(got, want)
    whole = con.execute(f"select {cols} from training_leadership_steps(?::date) order by all", [as_of]).df()
    pd.testing.assert_frame_equal(whole, con.execute(f"select {cols} from ({WINDOW_STEPS}) order by all",
                                                      [as_of]).df())
    if as_of == "2023-12-31":
        assert sorted(got["person_id"]) == ["L1", "L2", "L4", "L4"]


@pytest.mark.parametrize("as_of", [None, D("2023-06-30"), D("2023-09-01")])
def test_each_rule_alone_is_its_part_of_the_gap_list(county, con, as_of):
    full = training.gap_list(con, year=2023, as_of=as_of, statuses=None, target_ids=TARGETS)
    for rule in training.RULES:
        alone = training.gap_list(con, year=2023, as_of=as_of, statuses=None, target_ids=TARGETS,
                                  rules=[rule])
        part = full[full["rule"] == rule].reset_index(drop=True)
        # (an integer column is the nullable Int64 where the rows hold a NULL, in either frame)
        pd.testing.assert_frame_equal(alone, part, check_exact=True, check_dtype=False)
    assert training.gap_list(con, year=2023, statuses=None, rules=[]).empty


@pytest.mark.parametrize("as_of", ["2023-12-31", "2023-06-30", "2022-12-31", "2024-12-31"])
def test_sliced_obligations_are_the_slice_of_the_whole(county, con, as_of):
    # handed the slice, training_obligations computes only its persons: the rows of the whole
    # jurisdiction inside it, a person without a main post sliced by the unit of their last post
    # (S2; D1, who left after being covered, so the 初任培训 row stays)
    person(county, "D1", entry="2023-01-01", exit="2023-08-31", channel="考试录用", unit="U3")
    course(county, "D1", "初任培训", "2023-02-01", "2023-02-20")
    params = {"as_of": D(as_of), "targets": TARGETS}
    slice_ = ("units := $units::varchar[], unit_kinds := $unit_kinds::varchar[], "
              "cohorts := $cohorts::integer[]")
    seen = set()
    for kw in [k for k in SLICES if set(k) - {"target_ids"}] + [{"units": ["U2"], "cohorts": [2015]}]:
        params.update(units=kw.get("units"), unit_kinds=kw.get("unit_kinds"), cohorts=kw.get("cohorts"))
        whole = con.execute(
            "select * from training_obligations($as_of, $targets::varchar[]) as o "
            "where training_in_slice(o.person_id, o.unit_id, o.unit_kind, o.entry_cohort, $units::varchar[], "
            "null::varchar[], $unit_kinds::varchar[], $cohorts::integer[]) order by all", params).df()
        sliced = con.execute(
            f"select * from training_obligations($as_of, $targets::varchar[], {slice_}) order by all",
            params).df()
        pd.testing.assert_frame_equal(sliced, whole, check_exact=True)
        seen |= set(sliced["person_id"])
    if as_of == "2023-12-31":
        assert {"S2", "D1"} <= seen


def test_in_service_places_a_person_without_a_post_in_the_last_unit(county, con):
    ins = training.in_service(con, year=2023).set_index("person_id")
    assert ins.loc["S2", ["unit_id", "unit_kind", "meets"]].tolist() == ["U2", "乡镇街道", True]
    assert "S2" in training.in_service(con, year=2023, units=["U2"])["person_id"].tolist()


def assert_hours_of(con, listed: pd.DataFrame, **kw) -> None:
    """in_service_hours holds the in_service list's four hours columns, row for row (in no
    particular order)."""
    cols = ["meets", "need_hours", "have_hours", "shortfall_hours"]
    got = training.in_service_hours(con, **kw)
    assert list(got.columns) == cols and got.attrs == listed.attrs
    pd.testing.assert_frame_equal(got.sort_values(cols, ignore_index=True),
                                  listed[cols].sort_values(cols, ignore_index=True), check_exact=True)


def in_service_of_gap_list(con, **kw) -> pd.DataFrame:
    want = training.gap_list(con, statuses=None, rules=["在职培训"], **kw)
    want.insert(2, "meets", (want["status"] == "已完成").to_numpy(dtype=bool))
    return want


@pytest.mark.parametrize("stored", [True, False])
@pytest.mark.parametrize("as_of", [None, D("2023-06-30"), D("2023-01-01"), D("2022-12-30")])
def test_in_service_is_the_in_service_part_of_the_gap_list(county, con, stored, as_of):
    # S2 (no main post: placed by the last one), S3 (left), S4 (missing), mid-year pending rows,
    # as_of on 1 January (nobody covered yet) and the day before a year end
    if stored:
        qm.db.refresh_snapshots(con)
    year = (as_of or D("2023-12-31")).year
    for kw in [k for k in SLICES if "target_ids" not in k]:
        got = training.in_service(con, year=year, as_of=as_of, **kw)
        assert_same(got, in_service_of_gap_list(con, year=year, as_of=as_of, **kw))
        assert_hours_of(con, got, year=year, as_of=as_of, **kw)
    got = training.in_service(con, year=year, as_of=as_of)
    assert {"S2", "S4"} <= set(got["person_id"]) and "S3" not in set(got["person_id"])


def test_in_service_without_units_or_a_post(db, con):
    # a database with no unit at all (persons imported first), then a person with no post: no
    # unit to place them in (NULL unit, sorted last); then one in a unit, asked inside a
    # transaction the caller holds open
    con.execute("delete from units")
    assert training.in_service(con, year=2023).empty
    db.add("persons", person_id="Z", entry_date=D("2015-07-01"), entry_channel="遴选")
    got = training.in_service(con, year=2023)
    assert got[["person_id", "status"]].values.tolist() == [["Z", "未完成"]]
    assert got["unit_id"].isna().all() and got["unit_name"].isna().all()
    assert_same(got, in_service_of_gap_list(con, year=2023))
    db.add("units", unit_id="U1")
    person(db, "Y")
    con.begin()
    got = training.in_service(con, year=2023)
    con.commit()
    assert got[["person_id", "unit_id", "unit_name"]].fillna("—").values.tolist() == [
        ["Y", "U1", "测试单位"], ["Z", "—", "—"]]
    assert_same(got, in_service_of_gap_list(con, year=2023))


def test_last_unit_breaks_a_tie_on_the_start_date_by_unit_id(db, con):
    # two ended posts started the same day: the greatest unit_id, whichever was stored first
    # (as person_post breaks its ties), in training_people, the obligations and the trend alike
    db.add("units", unit_id="U2", name="乡镇", kind="乡镇街道")
    db.add("persons", person_id="T", entry_date=D("2015-07-01"), entry_channel="遴选")
    for unit in ("U1", "U2"):
        db.add("posts", person_id="T", unit_id=unit, start_date=D("2016-01-01"),
               end_date=D("2020-01-01"))
    got = con.execute("select unit_id from training_people(DATE '2023-12-31')").fetchall()
    assert got == [("U2",)]
    assert training.in_service(con, year=2023)["unit_id"].tolist() == ["U2"]
    qm.db.refresh_snapshots(con)
    for units, owed in ((["U2"], [1, 1]), (["U1"], [])):
        trend = training.coverage_trend(con, first_year=2022, last_year=2023, units=units)
        assert trend.loc[trend["rule"] == "在职培训", "obligations"].tolist() == owed


def test_in_service_is_the_in_service_part_of_the_gap_list_in_a_county(demo_db):
    con = qm.connect(demo_db)
    unit = con.execute("select unit_id from units order by unit_id limit 1 offset 3").fetchall()[0][0]
    for year, as_of, kw in [(2023, None, {}), (2022, None, {"unit_kinds": ["乡镇街道"]}),
                            (2023, D("2023-07-15"), {}), (2023, None, {"units": [unit]})]:
        got = training.in_service(con, year=year, as_of=as_of, **kw)
        assert len(got) and got["status"].nunique() > 1
        assert_same(got, in_service_of_gap_list(con, year=year, as_of=as_of, **kw))
        assert_hours_of(con, got, year=year, as_of=as_of, **kw)


def test_hours_by_person_fallback_unit_and_slices(county, con):
    h = training.hours_by_person(con, year=2023)
    s2 = h[h["person_id"] == "S2"]
    assert s2[["unit_id", "unit_kind", "courses", "hours"]].values.tolist() == [["U2", "乡镇街道", 1, 60]]
    sliced = training.hours_by_person(con, year=2023, unit_kinds=["乡镇街道"])
    assert sorted(set(sliced["person_id"])) == ["S2", "S4"]
    # a person who left keeps their last unit for the courses before leaving
    h22 = training.hours_by_person(con, year=2022)
    assert h22.loc[h22["person_id"] == "S3", "unit_id"].tolist() == ["U3"]
    assert list(h.columns) == ["person_id", "name", "unit_id", "unit_kind", "entry_cohort", "courses",
                               "failed", "hours", "credited_hours", *training.HOURS_BY_KIND,
                               *training.HOURS_BY_MODE]
    assert h["person_id"].is_unique and h["person_id"].is_monotonic_increasing


@pytest.mark.parametrize("values", [
    ["初任培训", None, "在职培训", "初任培训"], [None, None], [], ["甲"] * 5])
@pytest.mark.parametrize("chunks", [1, 3])
def test_text_as_astype_of_the_objects(values, chunks):
    # the one text dtype (_query.TEXT: pandas' str, NaN for NULL), whether the column is plain
    # text, repeated text or an enum (a dictionary): what astype gives for the object strings
    want = pd.Series(pd.array(values, dtype=object)).astype(_query.TEXT)
    want = pd.concat([want] * chunks, ignore_index=True) if values else want
    plain = pa.chunked_array([pa.array(values, pa.string())] * chunks)
    enum = pa.chunked_array([pa.array(values, pa.string()).dictionary_encode()] * chunks)
    for col in (plain, enum):
        pd.testing.assert_series_equal(pd.Series(_query._text(col)), want)


def test_text_of_no_chunks():
    want = pd.Series([], dtype=object).astype(_query.TEXT)
    for kind in (pa.string(), pa.dictionary(pa.int32(), pa.string())):
        pd.testing.assert_series_equal(pd.Series(_query._text(pa.chunked_array([], type=kind))), want)
