"""The nine headline figures F1–F9 (SPEC §5 "The nine headline figures for year Y") on tiny
hand-made databases whose answers are worked out by hand, edge by edge.

Every figure is taken for year 2023, i.e. on 2023-12-31. Ages on that day (SPEC §5: whole
years, a birthday on the day counts as passed):

- born 1990-01-01 → 33, young
- born 1984-01-01 → 39, young (the oldest birth date that is still young)
- born 1983-12-31 → 40 exactly on 2023-12-31, NOT young
- born 1970-01-01 → 53, not young
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib.errors import QingmiaoError
from qingmiao_lib.figures import headline, headline_json

D = dt.date.fromisoformat

YOUNG = "1990-01-01"        # 33 on 2023-12-31
YOUNG_39 = "1984-01-01"     # 39 on 2023-12-31
TURNS_40 = "1983-12-31"     # 40 on 2023-12-31: not young
OLD = "1970-01-01"          # 53 on 2023-12-31

CODES = [f"F{i}" for i in range(1, 10)]


def person(db, pid: str, born: str = YOUNG, *, entry: str = "2015-07-01",
           exit: str | None = None) -> None:
    """Add a person with the given birth date, active from ``entry`` (to ``exit``, excluded)."""
    db.add("persons", person_id=pid, birth_date=D(born), entry_date=D(entry),
           exit_date=D(exit) if exit else None)


@pytest.fixture
def fx(db):
    """The empty database plus one inert 'anchor' person with a 2023 称职 grade.

    It makes 2023 a year with data for every test (``figures.data_years``), whatever the test
    itself adds. The anchor is old, in no pool, has no training,
    practice, post or rank and is graded 称职 (not 优秀): it changes no figure, numerator or
    denominator.
    """
    person(db, "ANCHOR", OLD)
    db.add("annual_assessments", person_id="ANCHOR", year=2023, grade="称职")
    return db


def figs(con, year: int = 2023):
    return headline(con, year=year).set_index("code")


def value(con, code: str, year: int = 2023) -> int:
    return int(figs(con, year).loc[code, "value"])


# ---------------------------------------------------------------------------------------------
# F1: active young members of 年轻公务员库 on 2023-12-31


def _pool(db, pid, pool="年轻公务员库", entered="2020-01-01", exited=None):
    db.add("pool_members", person_id=pid, pool=pool, entered_on=D(entered),
           exited_on=D(exited) if exited else None)


F1_CASES = {
    # (birth date, person's exit_date, pool, entered_on, exited_on) -> counted?
    "young member, open spell": ((YOUNG, None, "年轻公务员库", "2020-01-01", None), 1),
    "39 on the day": ((YOUNG_39, None, "年轻公务员库", "2020-01-01", None), 1),
    "turns 40 on 2023-12-31": ((TURNS_40, None, "年轻公务员库", "2020-01-01", None), 0),
    "old member": ((OLD, None, "年轻公务员库", "2020-01-01", None), 0),
    # [entered_on, exited_on): leaving on 2023-12-31 means not a member that day
    "left pool on 2023-12-31": ((YOUNG, None, "年轻公务员库", "2020-01-01", "2023-12-31"), 0),
    "left pool on 2024-01-01": ((YOUNG, None, "年轻公务员库", "2020-01-01", "2024-01-01"), 1),
    "entered pool on 2023-12-31": ((YOUNG, None, "年轻公务员库", "2023-12-31", None), 1),
    "enters pool in 2024": ((YOUNG, None, "年轻公务员库", "2024-01-01", None), 0),
    # active on d: exit_date > d; an exit on 2023-12-31 is not active (pool spell still open)
    "person exits on 2023-12-31": ((YOUNG, "2023-12-31", "年轻公务员库", "2020-01-01", None), 0),
    "person exits on 2024-01-01": ((YOUNG, "2024-01-01", "年轻公务员库", "2020-01-01", None), 1),
    "only in 两型干部库": ((YOUNG, None, "两型干部库", "2020-01-01", None), 0),
}


@pytest.mark.parametrize("case", F1_CASES)
def test_f1_edges(fx, con, case):
    (born, exit_, pool, entered, exited), expected = F1_CASES[case]
    person(fx, "P", born, exit=exit_)
    _pool(fx, "P", pool, entered, exited)
    assert value(con, "F1") == expected


def test_f1_counts_persons_not_spells(fx, con):
    # A: two spells of the young pool (one closed, one open) → 1 person on 2023-12-31.
    # B: young, in both pools → counted once for F1.
    # C: only 两型干部库 → 0.   F1 = 2 (A, B).
    person(fx, "A")
    _pool(fx, "A", entered="2018-01-01", exited="2019-01-01")
    _pool(fx, "A", entered="2020-01-01")
    person(fx, "B")
    _pool(fx, "B", "年轻公务员库")
    _pool(fx, "B", "两型干部库")
    person(fx, "C")
    _pool(fx, "C", "两型干部库")
    f = figs(con)
    assert f.loc["F1", "value"] == 2
    assert f.loc["F1", "value"] == value(con, "F1")
    assert pd.isna(f.loc["F1", "share"]) and pd.isna(f.loc["F1", "denominator"])


# ---------------------------------------------------------------------------------------------
# F2: active young members of 两型干部库 and their share of all its active members


def test_f2_value_denominator_share(fx, con):
    # A young, 两型 open                 → value, denominator
    # B old (53), 两型 open              → denominator only (old members count in the share base)
    # T turns 40 on 2023-12-31, 两型     → denominator only
    # C young, left 两型 on 2023-12-31   → neither
    # E young, person exit 2023-06-30    → neither (not active)
    # G young, 年轻公务员库 only          → neither
    # H young, in both pools             → value, denominator
    # value = 2 (A, H), denominator = 4 (A, B, T, H), share = 0.5
    for pid, born in [("A", YOUNG), ("B", OLD), ("T", TURNS_40), ("C", YOUNG), ("G", YOUNG),
                      ("H", YOUNG)]:
        person(fx, pid, born)
    person(fx, "E", YOUNG, exit="2023-06-30")
    for pid in ("A", "B", "T", "E", "H"):
        _pool(fx, pid, "两型干部库")
    _pool(fx, "C", "两型干部库", exited="2023-12-31")
    _pool(fx, "G", "年轻公务员库")
    _pool(fx, "H", "年轻公务员库")
    f = figs(con)
    assert f.loc["F2", "value"] == 2
    assert f.loc["F2", "denominator"] == 4
    assert f.loc["F2", "share"] == pytest.approx(0.5)
    j = headline_json(con, year=2023)["F2"]
    assert j == {"value": 2, "denominator": 4, "share": 0.5}


def test_f2_empty_pool_has_no_share(fx, con):
    # Nobody in 两型干部库: value 0 over denominator 0 → share missing (None in JSON), not 0/0.
    person(fx, "A")
    _pool(fx, "A", "年轻公务员库")
    f = figs(con)
    assert f.loc["F2", "value"] == 0 and f.loc["F2", "denominator"] == 0
    assert pd.isna(f.loc["F2", "share"])
    assert headline_json(con, year=2023)["F2"] == {"value": 0, "denominator": 0, "share": None}


# ---------------------------------------------------------------------------------------------
# F3: training records (person-times) starting in 2023, mode not 网络, of persons young on
# 2023-12-31


F3_CASES = {
    # (birth, start_date, end_date, mode) -> records counted
    "young, 脱产, in 2023": ((YOUNG, "2023-03-01", "2023-03-05", "脱产"), 1),
    "young, 其他": ((YOUNG, "2023-03-01", "2023-03-05", "其他"), 1),
    "young, NULL mode counts as a class": ((YOUNG, "2023-03-01", "2023-03-05", None), 1),
    "young, 网络 not a class": ((YOUNG, "2023-03-01", "2023-03-05", "网络"), 0),
    "starts 2023-01-01": ((YOUNG, "2023-01-01", "2023-01-02", "脱产"), 1),
    "starts 2023-12-31, ends 2024": ((YOUNG, "2023-12-31", "2024-01-05", "脱产"), 1),
    "starts 2022-12-31, ends 2023": ((YOUNG, "2022-12-31", "2023-01-05", "脱产"), 0),
    "starts 2024-01-01": ((YOUNG, "2024-01-01", "2024-01-05", "脱产"), 0),
    "39 on the day": ((YOUNG_39, "2023-03-01", "2023-03-05", "脱产"), 1),
    "turns 40 on 2023-12-31": ((TURNS_40, "2023-03-01", "2023-03-05", "脱产"), 0),
    "old": ((OLD, "2023-03-01", "2023-03-05", "脱产"), 0),
}


@pytest.mark.parametrize("case", F3_CASES)
def test_f3_edges(fx, con, case):
    (born, start, end, mode), expected = F3_CASES[case]
    person(fx, "P", born)
    fx.add("trainings", person_id="P", start_date=D(start), end_date=D(end), mode=mode)
    assert value(con, "F3") == expected


def test_f3_counts_person_times(fx, con):
    # A young: 初任培训 脱产 2023-02 + 在职培训 其他 2023-09 + 在职培训 网络 2023-10 → 2
    # B young: 任职培训 脱产 2023-05 (a second record of the same kind on another day)
    #          + 任职培训 脱产 2023-06 → 2
    # O old:   在职培训 脱产 2023-05 → 0
    # F3 = 4 records (not 2 persons)
    person(fx, "A")
    person(fx, "B", YOUNG_39)
    person(fx, "O", OLD)
    rows = [
        ("A", "初任培训", "2023-02-01", "脱产"), ("A", "在职培训", "2023-09-01", "其他"),
        ("A", "在职培训", "2023-10-01", "网络"), ("B", "任职培训", "2023-05-01", "脱产"),
        ("B", "任职培训", "2023-06-01", "脱产"), ("O", "在职培训", "2023-05-01", "脱产"),
    ]
    for pid, kind, start, mode in rows:
        fx.add("trainings", person_id=pid, kind=kind, start_date=D(start), end_date=D(start),
               mode=mode)
    assert value(con, "F3") == 4


# ---------------------------------------------------------------------------------------------
# F4: distinct young persons with a practice posting starting in 2023


def test_f4_distinct_young_persons(fx, con):
    # A young: 驻村帮扶 2023-03-01 + 千万工程 2023-09-01 → 1 person
    # B young: 主题教育 starting 2023-12-31                → 1
    # C young: 驻村帮扶 starting 2022-12-31 (still running) → 0
    # E young: 轮岗交流 starting 2024-01-01                → 0
    # T turns 40 on 2023-12-31: 驻村帮扶 2023-05-01        → 0
    # O old:   营商环境专班 2023-05-01                     → 0
    # F4 = 2 (A, B)
    for pid, born in [("A", YOUNG), ("B", YOUNG_39), ("C", YOUNG), ("E", YOUNG),
                      ("T", TURNS_40), ("O", OLD)]:
        person(fx, pid, born)
    rows = [
        ("A", "驻村帮扶", "2023-03-01"), ("A", "千万工程", "2023-09-01"),
        ("B", "主题教育", "2023-12-31"), ("C", "驻村帮扶", "2022-12-31"),
        ("E", "轮岗交流", "2024-01-01"), ("T", "驻村帮扶", "2023-05-01"),
        ("O", "营商环境专班", "2023-05-01"),
    ]
    for pid, program, start in rows:
        fx.add("practices", person_id=pid, program=program, start_date=D(start))
    assert value(con, "F4") == 2


def test_f4_two_postings_of_one_person_count_once(fx, con):
    person(fx, "A")
    fx.add("practices", person_id="A", program="驻村帮扶", start_date=D("2023-03-01"),
           end_date=D("2023-06-01"))
    fx.add("practices", person_id="A", program="驻村帮扶", start_date=D("2023-07-01"))
    assert value(con, "F4") == 1


# ---------------------------------------------------------------------------------------------
# F5: young persons graded 优秀 for 2023, share of all graded 优秀 for 2023


def test_f5_value_denominator_share(fx, con):
    # A young  优秀 2023      → value, denominator
    # B young  优秀 2023      → value, denominator
    # O old    优秀 2023      → denominator
    # T 40 on 2023-12-31, 优秀 2023 → denominator (not young)
    # C young  称职 2023      → neither
    # U young  不定等次 2023   → neither
    # E young  优秀 2022, 称职 2023 → neither (a 2022 优秀 is not a 2023 one)
    # (ANCHOR old 称职 2023   → neither)
    # value 2, denominator 4, share 0.5
    grades = {
        "A": (YOUNG, {2023: "优秀"}), "B": (YOUNG_39, {2023: "优秀"}),
        "O": (OLD, {2023: "优秀"}), "T": (TURNS_40, {2023: "优秀"}),
        "C": (YOUNG, {2023: "称职"}), "U": (YOUNG, {2023: "不定等次"}),
        "E": (YOUNG, {2022: "优秀", 2023: "称职"}),
    }
    for pid, (born, by_year) in grades.items():
        person(fx, pid, born)
        for year, grade in by_year.items():
            fx.add("annual_assessments", person_id=pid, year=year, grade=grade)
    f = figs(con)
    assert f.loc["F5", "value"] == 2
    assert f.loc["F5", "denominator"] == 4
    assert f.loc["F5", "share"] == pytest.approx(0.5)
    # the 2022 figure sees E's 优秀 only: 1 of 1
    f22 = figs(con, 2022)
    assert (f22.loc["F5", "value"], f22.loc["F5", "denominator"]) == (1, 1)


# ---------------------------------------------------------------------------------------------
# F6: young persons completing a 3-year 优秀 block in 2023, share of all completing one.
# Runs of consecutive 优秀 years are cut into non-overlapping blocks of 3; each completed block
# earns the merit in its last year.


F6_CASES = {
    # (birth, {year: grade}) -> (value, denominator)
    # 2021-2023: block 2021-2023 completes in 2023
    "2021-2023 优秀": ((YOUNG, dict.fromkeys(range(2021, 2024), "优秀")), (1, 1)),
    # 2020-2023: block 2020-2022 completed in 2022; 2023 is year 1 of the next block
    "2020-2023 优秀 (4-year run)": ((YOUNG, dict.fromkeys(range(2020, 2024), "优秀")), (0, 0)),
    # 2019-2023: 2019-2021, then 2022-2023 only 2 of 3
    "2019-2023 优秀 (5-year run)": ((YOUNG, dict.fromkeys(range(2019, 2024), "优秀")), (0, 0)),
    # 2018-2023: blocks 2018-2020 and 2021-2023; the second completes in 2023
    "2018-2023 优秀 (6-year run)": ((YOUNG, dict.fromkeys(range(2018, 2024), "优秀")), (1, 1)),
    "2021-2022 优秀, 2023 不定等次": (
        (YOUNG, {2021: "优秀", 2022: "优秀", 2023: "不定等次"}), (0, 0)),
    "2021-2022 优秀, 2023 称职": ((YOUNG, {2021: "优秀", 2022: "优秀", 2023: "称职"}), (0, 0)),
    # 2021 missing breaks the run: 2022-2023 is a run of 2
    "2020 优秀, 2021 missing, 2022-2023 优秀": (
        (YOUNG, {2020: "优秀", 2022: "优秀", 2023: "优秀"}), (0, 0)),
    # a 称职 year breaks the run too: 2020-2022 would need 2022 as its last year
    "2020 优秀, 2021 称职, 2022-2023 优秀": (
        (YOUNG, {2020: "优秀", 2021: "称职", 2022: "优秀", 2023: "优秀"}), (0, 0)),
    # a block completed in 2022 is a 2022 merit, not 2023
    "2020-2022 优秀, 2023 称职": (
        (YOUNG, {2020: "优秀", 2021: "优秀", 2022: "优秀", 2023: "称职"}), (0, 0)),
    "old person, 2021-2023 优秀": ((OLD, dict.fromkeys(range(2021, 2024), "优秀")), (0, 1)),
    "turns 40 on 2023-12-31, 2021-2023 优秀": (
        (TURNS_40, dict.fromkeys(range(2021, 2024), "优秀")), (0, 1)),
}


@pytest.mark.parametrize("case", F6_CASES)
def test_f6_streak_blocks(fx, con, case):
    (born, by_year), expected = F6_CASES[case]
    person(fx, "P", born, entry="2010-07-01")
    for year, grade in by_year.items():
        fx.add("annual_assessments", person_id="P", year=year, grade=grade)
    f = figs(con)
    assert (f.loc["F6", "value"], f.loc["F6", "denominator"]) == expected


def test_f6_share_of_all_merits(fx, con):
    # A young 2021-2023 优秀        → value, denominator
    # B young 2018-2023 优秀        → value, denominator (second block)
    # C young 2020-2023 优秀        → neither (block ended 2022)
    # O old   2021-2023 优秀        → denominator
    # Q old   2015-2023 优秀 (9 yrs: 2015-17, 2018-20, 2021-23) → denominator
    # value 2, denominator 4, share 0.5
    runs = {"A": (YOUNG, 2021), "B": (YOUNG, 2018), "C": (YOUNG, 2020), "O": (OLD, 2021),
            "Q": (OLD, 2015)}
    for pid, (born, first) in runs.items():
        person(fx, pid, born, entry="2010-07-01")
        for year in range(first, 2024):
            fx.add("annual_assessments", person_id=pid, year=year, grade="优秀")
    f = figs(con)
    assert f.loc["F6", "value"] == 2
    assert f.loc["F6", "denominator"] == 4
    assert f.loc["F6", "share"] == pytest.approx(0.5)
    # 2022: C's block 2020-2022 completes (young on 2022-12-31 too); nobody else's does
    # (A: 2 years, B: 2018-20 done, 2021-22 open, O: 2 years, Q: 2021-22 open) → 1 of 1
    f22 = figs(con, 2022)
    assert (f22.loc["F6", "value"], f22.loc["F6", "denominator"]) == (1, 1)


def test_f6_runs_from_the_first_year_and_in_the_last_stored_year(fx, con):
    # F5 and F6 read each person's 优秀 years as bits: from the records, or from the stored
    # masks (table grade_years, bits 1950 … 2076) once refreshed; the same answers either way.
    # L74, L73, L72: old, 优秀 every year from 1950, 1951, 1952 to 2023 → runs of 74, 73, 72
    # years; only 72 is a multiple of 3 → F6 2023 (0, 1), F5 2023 (0, 3).
    # Y: young, 优秀 2073–2075 → F6 2075 (1, 1) (2075: the last year the stored masks answer)
    for pid, first in (("L74", 1950), ("L73", 1951), ("L72", 1952)):
        person(fx, pid, "1930-01-01", entry="1950-01-01")
        for year in range(first, 2024):
            fx.add("annual_assessments", person_id=pid, year=year, grade="优秀")
    person(fx, "Y", "2040-01-01", entry="2060-07-01")
    for year in (2073, 2074, 2075):
        fx.add("annual_assessments", person_id="Y", year=year, grade="优秀")

    def answers():
        f, g = figs(con), figs(con, 2075)
        return ((f.loc["F5", "value"], f.loc["F5", "denominator"]),
                (f.loc["F6", "value"], f.loc["F6", "denominator"]),
                (g.loc["F6", "value"], g.loc["F6", "denominator"]))

    expected = ((0, 3), (0, 1), (1, 1))
    assert answers() == expected
    qm.db.refresh_snapshots(con)
    assert qm.db.stored_current(con, "grade_years", "grade_stamp")
    assert answers() == expected


# ---------------------------------------------------------------------------------------------
# F7: young persons with a post starting in 2023 at a level above the level of their preceding
# post (the latest post starting before it)


def _posts(db, pid, *posts):
    """posts: (level, unit, start) in order; each ends when the next starts."""
    for i, (level, unit, start) in enumerate(posts):
        end = D(posts[i + 1][2]) if i + 1 < len(posts) else None
        db.add("posts", person_id=pid, unit_id=unit, level=level, start_date=D(start),
               end_date=end)


F7_CASES = {
    # (birth, posts) -> counted?
    "无 → 乡科级副职 in 2023": ((YOUNG, [("无", "U1", "2016-01-01"),
                                        ("乡科级副职", "U1", "2023-03-01")]), 1),
    "乡科级副职 → 乡科级正职 in 2023": ((YOUNG, [("无", "U1", "2016-01-01"),
                                             ("乡科级副职", "U1", "2020-03-01"),
                                             ("乡科级正职", "U1", "2023-07-01")]), 1),
    "promotion starting 2023-12-31": ((YOUNG, [("无", "U1", "2016-01-01"),
                                              ("乡科级副职", "U1", "2023-12-31")]), 1),
    "lateral move 乡科级副职 → 乡科级副职 (other unit)": (
        (YOUNG, [("乡科级副职", "U1", "2020-01-01"), ("乡科级副职", "U2", "2023-05-01")]), 0),
    "demotion 乡科级正职 → 乡科级副职": (
        (YOUNG, [("乡科级正职", "U1", "2019-01-01"), ("乡科级副职", "U2", "2023-04-01")]), 0),
    "promotion starting 2022-12-31": ((YOUNG, [("无", "U1", "2016-01-01"),
                                              ("乡科级副职", "U1", "2022-12-31")]), 0),
    "promotion starting 2024-01-01": ((YOUNG, [("无", "U1", "2016-01-01"),
                                              ("乡科级副职", "U1", "2024-01-01")]), 0),
    # the preceding post is the LATEST one before, not the highest ever held
    "乡科级正职 → 无 → 乡科级副职": (
        (YOUNG, [("乡科级正职", "U1", "2018-01-01"), ("无", "U2", "2021-01-01"),
                 ("乡科级副职", "U1", "2023-06-01")]), 1),
    "39 on the day": ((YOUNG_39, [("无", "U1", "2016-01-01"),
                                  ("乡科级副职", "U1", "2023-03-01")]), 1),
    "turns 40 on 2023-12-31": ((TURNS_40, [("无", "U1", "2016-01-01"),
                                           ("乡科级副职", "U1", "2023-03-01")]), 0),
    "old": ((OLD, [("无", "U1", "2016-01-01"), ("乡科级副职", "U1", "2023-03-01")]), 0),
    # two promotions in 2023: one person
    "two promotions in 2023": ((YOUNG, [("无", "U1", "2016-01-01"),
                                        ("乡科级副职", "U1", "2023-02-01"),
                                        ("乡科级正职", "U1", "2023-11-01")]), 1),
}


@pytest.mark.parametrize("case", F7_CASES)
def test_f7_edges(fx, con, case):
    (born, posts), expected = F7_CASES[case]
    fx.add("units", unit_id="U2", name="乡镇", kind="乡镇街道")
    person(fx, "P", born)
    _posts(fx, "P", *posts)
    assert value(con, "F7") == expected


def test_f7_counts_persons(fx, con):
    # A: 无 → 乡科级副职 (2023-03)              → 1
    # B: 乡科级副职 → 乡科级副职 other unit       → 0
    # C: 乡科级正职 → 乡科级副职                  → 0
    # E: 无 → 乡科级副职 on 2022-12-31          → 0
    # G: 无 → 乡科级副职 (2023-02) → 乡科级正职 (2023-11) → 1
    # F7 = 2
    fx.add("units", unit_id="U2", name="乡镇", kind="乡镇街道")
    for pid in "ABCEG":
        person(fx, pid)
    _posts(fx, "A", ("无", "U1", "2016-01-01"), ("乡科级副职", "U1", "2023-03-01"))
    _posts(fx, "B", ("乡科级副职", "U1", "2020-01-01"), ("乡科级副职", "U2", "2023-05-01"))
    _posts(fx, "C", ("乡科级正职", "U1", "2019-01-01"), ("乡科级副职", "U2", "2023-04-01"))
    _posts(fx, "E", ("无", "U1", "2016-01-01"), ("乡科级副职", "U1", "2022-12-31"))
    _posts(fx, "G", ("无", "U1", "2016-01-01"), ("乡科级副职", "U1", "2023-02-01"),
           ("乡科级正职", "U1", "2023-11-01"))
    assert value(con, "F7") == 2


# ---------------------------------------------------------------------------------------------
# F8: persons NOT young with a rank promotion (晋升) starting in 2023 within 90 days before or
# after the end of a leadership post (level not 无), with no leadership post starting on or
# after that end.
#
# Day counts: 2023-03-01 + 90 days = 2023-05-30 (March 1→31 is 30 days, →April 30 is 60,
# →May 30 is 90); + 91 days = 2023-05-31.


F8_CASES = {
    # (birth, post level, post start, post end, rank start, reason, later posts) -> counted?
    "promotion on the day the post ends": (
        (OLD, "乡科级正职", "2018-01-01", "2023-03-01", "2023-03-01", "晋升", []), 1),
    "promotion exactly 90 days after the end": (
        (OLD, "乡科级正职", "2018-01-01", "2023-03-01", "2023-05-30", "晋升", []), 1),
    "promotion 91 days after the end": (
        (OLD, "乡科级正职", "2018-01-01", "2023-03-01", "2023-05-31", "晋升", []), 0),
    "promotion exactly 90 days before the end": (
        (OLD, "乡科级副职", "2018-01-01", "2023-05-30", "2023-03-01", "晋升", []), 1),
    "promotion 91 days before the end": (
        (OLD, "乡科级副职", "2018-01-01", "2023-05-31", "2023-03-01", "晋升", []), 0),
    "a later leadership post starts after the end": (
        (OLD, "乡科级正职", "2018-01-01", "2023-03-01", "2023-03-15", "晋升",
         [("乡科级副职", "U2", "2023-06-01")]), 0),
    "a later leadership post starts on the end day": (
        (OLD, "乡科级正职", "2018-01-01", "2023-03-01", "2023-03-15", "晋升",
         [("乡科级正职", "U2", "2023-03-01")]), 0),
    "a later non-leadership post (无) is fine": (
        (OLD, "乡科级正职", "2018-01-01", "2023-03-01", "2023-03-15", "晋升",
         [("无", "U2", "2023-03-01")]), 1),
    "young person": (
        (YOUNG, "乡科级正职", "2018-01-01", "2023-03-01", "2023-03-01", "晋升", []), 0),
    "turns 40 on 2023-12-31 (not young)": (
        (TURNS_40, "乡科级正职", "2018-01-01", "2023-03-01", "2023-03-01", "晋升", []), 1),
    "reason 平级调整": (
        (OLD, "乡科级正职", "2018-01-01", "2023-03-01", "2023-03-01", "平级调整", []), 0),
    "the ended post is not a leadership post (无)": (
        (OLD, "无", "2018-01-01", "2023-03-01", "2023-03-01", "晋升", []), 0),
    "promotion starts in 2022 (post ends in 2023)": (
        (OLD, "乡科级正职", "2018-01-01", "2023-01-10", "2022-12-20", "晋升", []), 0),
    "post still held (no end)": (
        (OLD, "乡科级正职", "2018-01-01", None, "2023-03-01", "晋升", []), 0),
}


@pytest.mark.parametrize("case", F8_CASES)
def test_f8_edges(fx, con, case):
    (born, level, start, end, rank_start, reason, later), expected = F8_CASES[case]
    fx.add("units", unit_id="U2", name="乡镇", kind="乡镇街道")
    person(fx, "P", born, entry="2000-07-01")
    fx.add("posts", person_id="P", level=level, start_date=D(start),
           end_date=D(end) if end else None)
    for lvl, unit, s in later:
        fx.add("posts", person_id="P", unit_id=unit, level=lvl, start_date=D(s))
    fx.add("ranks", person_id="P", rank="一级主任科员", start_date=D("2019-01-01"),
           end_date=D(rank_start), reason="晋升")
    fx.add("ranks", person_id="P", rank="四级调研员", start_date=D(rank_start), reason=reason)
    assert value(con, "F8") == expected


def test_f8_counts_persons(fx, con):
    # A old: post ends 2023-03-01, 晋升 2023-05-30 (90 days after)             → 1
    # B old: post ends 2023-05-30, 晋升 2023-03-01 (90 days before)            → 1
    # C old: post ends 2023-03-01, 晋升 2023-05-31 (91 days)                   → 0
    # E young: post ends 2023-03-01, 晋升 2023-03-01                          → 0
    # G old: two leadership posts both ending 2023-03-01 (two units), 晋升 2023-03-10
    #        → one person, counted once                                        → 1
    # F8 = 3
    fx.add("units", unit_id="U2", name="乡镇", kind="乡镇街道")
    cases = [("A", OLD, "2023-03-01", "2023-05-30"), ("B", OLD, "2023-05-30", "2023-03-01"),
             ("C", OLD, "2023-03-01", "2023-05-31"), ("E", YOUNG, "2023-03-01", "2023-03-01"),
             ("G", OLD, "2023-03-01", "2023-03-10")]
    for pid, born, post_end, promoted in cases:
        person(fx, pid, born)
        fx.add("posts", person_id=pid, level="乡科级正职", start_date=D("2018-01-01"),
               end_date=D(post_end))
        fx.add("ranks", person_id=pid, rank="四级调研员", start_date=D(promoted))
    fx.add("posts", person_id="G", unit_id="U2", level="乡科级副职",
           start_date=D("2019-01-01"), end_date=D("2023-03-01"))
    assert value(con, "F8") == 3


# ---------------------------------------------------------------------------------------------
# F9: young persons with a rank promotion (晋升) starting in 2023


F9_CASES = {
    # (birth, [(rank start, reason)]) -> counted?
    "晋升 in 2023": ((YOUNG, [("2023-06-01", "晋升")]), 1),
    "晋升 on 2023-01-01": ((YOUNG, [("2023-01-01", "晋升")]), 1),
    "晋升 on 2023-12-31": ((YOUNG, [("2023-12-31", "晋升")]), 1),
    "晋升 on 2022-12-31": ((YOUNG, [("2022-12-31", "晋升")]), 0),
    "晋升 on 2024-01-01": ((YOUNG, [("2024-01-01", "晋升")]), 0),
    "定级 does not count": ((YOUNG, [("2023-06-01", "定级")]), 0),
    "平级调整 does not count": ((YOUNG, [("2023-06-01", "平级调整")]), 0),
    "降级 does not count": ((YOUNG, [("2023-06-01", "降级")]), 0),
    "two 晋升 in 2023 count once": ((YOUNG, [("2023-02-01", "晋升"), ("2023-11-01", "晋升")]), 1),
    "定级 then 晋升 in 2023": ((YOUNG, [("2023-01-01", "定级"), ("2023-10-01", "晋升")]), 1),
    "39 on the day": ((YOUNG_39, [("2023-06-01", "晋升")]), 1),
    "turns 40 on 2023-12-31": ((TURNS_40, [("2023-06-01", "晋升")]), 0),
    "old": ((OLD, [("2023-06-01", "晋升")]), 0),
}


@pytest.mark.parametrize("case", F9_CASES)
def test_f9_edges(fx, con, case):
    (born, ranks), expected = F9_CASES[case]
    person(fx, "P", born)
    for i, (start, reason) in enumerate(ranks):
        end = D(ranks[i + 1][0]) if i + 1 < len(ranks) else None
        fx.add("ranks", person_id="P", rank="一级科员", start_date=D(start), end_date=end,
               reason=reason)
    assert value(con, "F9") == expected


def test_f9_counts_persons(fx, con):
    # A young: 晋升 2023-02 and 2023-11 → 1; B young: 晋升 2023-05 → 1; C young: 定级 2023 → 0;
    # O old: 晋升 2023 → 0.   F9 = 2
    for pid, born in [("A", YOUNG), ("B", YOUNG_39), ("C", YOUNG), ("O", OLD)]:
        person(fx, pid, born)
    fx.add("ranks", person_id="A", rank="一级科员", start_date=D("2023-02-01"),
           end_date=D("2023-11-01"))
    fx.add("ranks", person_id="A", rank="四级主任科员", start_date=D("2023-11-01"))
    fx.add("ranks", person_id="B", rank="一级科员", start_date=D("2023-05-01"))
    fx.add("ranks", person_id="C", rank="一级科员", start_date=D("2023-07-01"), reason="定级")
    fx.add("ranks", person_id="O", rank="四级调研员", start_date=D("2023-07-01"))
    assert value(con, "F9") == 2


# ---------------------------------------------------------------------------------------------
# The table and the JSON object as a whole


@pytest.fixture
def small(fx):
    """One person for several figures at once (answers below)."""
    person(fx, "A")                      # young
    person(fx, "B", OLD)
    person(fx, "C", YOUNG_39)
    _pool(fx, "A")                       # F1: A → 1
    _pool(fx, "A", "两型干部库")          # F2: A young, B old → 1 of 2
    _pool(fx, "B", "两型干部库")
    fx.add("trainings", person_id="A", start_date=D("2023-04-01"), end_date=D("2023-04-02"))
    fx.add("trainings", person_id="C", start_date=D("2023-04-01"), end_date=D("2023-04-02"),
           mode=None)                    # F3: 2 records
    fx.add("practices", person_id="C", program="千万工程", start_date=D("2023-02-01"))  # F4: 1
    for year in (2021, 2022, 2023):      # F5: A, B 优秀 2023 → 1 of 2; F6: A, B blocks → 1 of 2
        fx.add("annual_assessments", person_id="A", year=year, grade="优秀")
        fx.add("annual_assessments", person_id="B", year=year, grade="优秀")
    fx.add("annual_assessments", person_id="C", year=2023, grade="优秀")   # F5: 2 of 3
    _posts(fx, "C", ("无", "U1", "2016-01-01"), ("乡科级副职", "U1", "2023-03-01"))  # F7: 1
    fx.add("posts", person_id="B", level="乡科级正职", start_date=D("2015-01-01"),
           end_date=D("2023-06-30"))
    fx.add("ranks", person_id="B", rank="四级调研员", start_date=D("2023-07-01"))  # F8: 1
    fx.add("ranks", person_id="A", rank="一级科员", start_date=D("2023-08-01"))    # F9: 1
    return fx


SMALL_EXPECTED = {
    "F1": (1, None), "F2": (1, 2), "F3": (2, None), "F4": (1, None), "F5": (2, 3),
    "F6": (1, 2), "F7": (1, None), "F8": (1, None), "F9": (1, None),
}


def test_headline_table(small, con):
    df = headline(con, year=2023)
    assert list(df["code"]) == CODES
    assert {"code", "label", "value", "denominator", "share"} <= set(df.columns)
    got = {
        row.code: (int(row.value), None if pd.isna(row.denominator) else int(row.denominator))
        for row in df.itertuples()
    }
    assert got == SMALL_EXPECTED
    by_code = df.set_index("code")
    for code in ("F2", "F5", "F6"):
        v, d = SMALL_EXPECTED[code]
        assert by_code.loc[code, "share"] == pytest.approx(v / d)
    for code in set(CODES) - {"F2", "F5", "F6"}:
        assert pd.isna(by_code.loc[code, "share"])
    assert df.attrs["year"] == 2023
    assert df.attrs["as_of"] == "2023-12-31"


def test_headline_rules_version(small, con):
    df = headline(con, year=2023)
    assert df.attrs["rules_version"] == qm.rules_version(con)
    # the default file's [meta] version and the hash of its content
    assert re.fullmatch(r"cn-default-2026\.1\+[0-9a-f]{8}", df.attrs["rules_version"])


def test_headline_json_shape(small, con):
    got = headline_json(con, year=2023)
    assert list(got) == CODES
    for code, entry in got.items():
        v, d = SMALL_EXPECTED[code]
        assert type(entry["value"]) is int and entry["value"] == v
        if code in ("F2", "F5", "F6"):
            assert set(entry) == {"value", "denominator", "share"}
            assert type(entry["denominator"]) is int and entry["denominator"] == d
            assert isinstance(entry["share"], float) and 0 <= entry["share"] <= 1
            assert entry["share"] == pytest.approx(v / d, abs=1e-4)
        else:
            assert set(entry) == {"value"}
    # F5: 2 of 3 → a fraction rounded to 4 places, not a percentage
    assert got["F5"]["share"] == 0.6667


# ---------------------------------------------------------------------------------------------
# Errors


def test_year_without_data_raises(small, con):
    with pytest.raises(QingmiaoError):
        headline(con, year=1900)
    with pytest.raises(QingmiaoError):
        headline_json(con, year=1900)
    with pytest.raises(QingmiaoError):
        headline(con, year=2099)


def test_empty_database_raises(con):
    with pytest.raises(QingmiaoError):
        headline(con, year=2023)
    with pytest.raises(QingmiaoError):
        headline_json(con, year=2023)


# ---------------------------------------------------------------------------------------------
# figures.data_years: the years "with data" run from the earliest entry to the latest dated
# record of any kind (these two once failed: it looked at entry/exit and assessments only, and
# one early exit hid later entries).


def test_year_with_records_but_no_assessments_is_accepted(db, con):
    # A entered 2015, still active, young, 晋升 on 2023-03-01; no assessments at all.
    # data_years = (2015, 2015) → headline(2023) raises "2023年没有数据". Expected F9 = 1.
    person(db, "A")
    db.add("ranks", person_id="A", rank="一级科员", start_date=D("2023-03-01"))
    assert value(con, "F9") == 1


def test_early_exit_does_not_hide_later_entries(db, con):
    # X entered 2010 and left 2012; A (young) entered 2020-07-01 and joined the young pool.
    # data_years = (2010, 2012) → headline(2020) raises, though A entered in 2020. Expected
    # on 2020-12-31: F1 = 1.
    person(db, "X", OLD, entry="2010-07-01", exit="2012-07-01")
    person(db, "A", entry="2020-07-01")
    _pool(db, "A", entered="2020-07-01")
    assert value(con, "F1", year=2020) == 1


def test_data_years_reads_the_stated_span_or_else_the_records(db, con):
    from qingmiao_lib.figures import data_years
    # no one: None, whatever meta says
    con.execute("insert or replace into meta values ('data_from', '2001'), ('data_to', '2002')")
    assert data_years(con) is None
    # A entered 2015, a rank record of 2023: the records span 2015–2023 …
    person(db, "A")
    db.add("ranks", person_id="A", rank="一级科员", start_date=D("2023-03-01"))
    # … but the database states 2001–2002 for both years: the stated span, no record read
    assert data_years(con) == (2001, 2002)
    # one year not stated: the records' own span for that one (as figures/data_years.sql)
    con.execute("delete from meta where key = 'data_to'")
    assert data_years(con) == (2001, 2023)
    con.execute("delete from meta where key = 'data_from'")
    assert data_years(con) == (2015, 2023)
