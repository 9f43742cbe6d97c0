"""The base layer of SPEC §5 "General": the scalar macros (age_on, full_months, active_on)
and the person_snapshot(as_of) table macro, on hand-made rows with answers worked out by hand."""

from __future__ import annotations

import re
from datetime import date

import pytest

import qingmiao_lib as qm

D = date.fromisoformat


def one(con, query: str, params=None):
    return con.execute(query, params or []).fetchall()[0][0]


def snap(con, as_of, person_id: str, *cols: str) -> tuple:
    """Columns of one person's row of person_snapshot(as_of)."""
    rows = con.execute(
        f"select {', '.join(cols)} from person_snapshot(?::date) where person_id = ?",
        [as_of, person_id],
    ).fetchall()
    assert len(rows) == 1, f"{person_id}: {len(rows)} rows"
    return rows[0]


# ---------------------------------------------------------------------------------------------
# age_on
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        # birthday on d counts as passed: 1984-06-30 + 40 y = 2024-06-30 <= d
        ("1984-06-30", "2024-06-30", 40),
        # the day before the 40th birthday
        ("1984-06-30", "2024-06-29", 39),
        # 1984-07-01 + 40 y = 2024-07-01 > 2024-06-30
        ("1984-07-01", "2024-06-30", 39),
        # 2000-02-29 + 288 months = 2024-02-29 > 2024-02-28 -> 287 months -> 23
        ("2000-02-29", "2024-02-28", 23),
        # leap birthday in a leap year
        ("2000-02-29", "2024-02-29", 24),
        # clamped: 2000-02-29 + 276 months = 2023-02-28 <= d -> 276 months -> 23
        ("2000-02-29", "2023-02-28", 23),
        # 2023-03-01 >= 2023-02-28, and 2000-02-29 + 277 months = 2023-03-29 > d -> 23
        ("2000-02-29", "2023-03-01", 23),
        # the day before the clamped birthday: 2000-02-29 + 276 months = 2023-02-28 > 2023-02-27
        ("2000-02-29", "2023-02-27", 22),
    ],
)
def test_age_on(con, birth, on, age):
    assert one(con, "select age_on(?::date, ?::date)", [D(birth), D(on)]) == age


def test_age_on_is_not_year_difference(con):
    # year(d) - year(birth) = 2024 - 1984 = 40, but the birthday (07-01) has not come yet
    assert one(con, "select year(date '2024-06-30') - year(date '1984-07-01')") == 40
    assert one(con, "select age_on(date '1984-07-01', date '2024-06-30')") == 39


# ---------------------------------------------------------------------------------------------
# full_months: the largest m with a + m months <= d (month-end clamped)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("a", "d", "months"),
    [
        # 2024-01-31 + 1 month = 2024-02-29 (clamped) <= 2024-02-29
        ("2024-01-31", "2024-02-29", 1),
        # 2024-01-31 + 1 month = 2024-02-29 > 2024-02-28
        ("2024-01-31", "2024-02-28", 0),
        # + 2 months = 2024-03-31 > 2024-03-30; + 1 month = 2024-02-29 <= d
        ("2024-01-31", "2024-03-30", 1),
        # + 2 months = 2024-03-31 <= 2024-03-31
        ("2024-01-31", "2024-03-31", 2),
        # common year: 2023-01-31 + 1 month = 2023-02-28 (clamped) <= 2023-02-28
        ("2023-01-31", "2023-02-28", 1),
        # same day
        ("2024-05-05", "2024-05-05", 0),
        # 2020-02-29 + 12 months = 2021-02-28 (clamped) <= 2021-02-28
        ("2020-02-29", "2021-02-28", 12),
        # one day short of a year: 2023-03-15 + 12 months = 2024-03-15 > 2024-03-14
        ("2023-03-15", "2024-03-14", 11),
        # a whole year exactly
        ("2023-03-15", "2024-03-15", 12),
        # 2024-01-31 + 1 month = 2024-02-29 > 2024-02-01
        ("2024-01-31", "2024-02-01", 0),
    ],
)
def test_full_months(con, a, d, months):
    assert one(con, "select full_months(?::date, ?::date)", [D(a), D(d)]) == months


@pytest.mark.parametrize(
    ("a", "d", "date_diff", "full"),
    [
        # date_diff counts month boundaries crossed (Jan -> Feb = 1); only 1 day has elapsed
        ("2024-01-31", "2024-02-01", 1, 0),
        # boundary count 1, but 2024-01-31 + 1 month = 2024-02-29 > 2024-02-28
        ("2024-01-31", "2024-02-28", 1, 0),
        # 12 boundaries, but one day short of a year
        ("2023-03-15", "2024-03-14", 12, 11),
    ],
)
def test_full_months_differs_from_date_diff(con, a, d, date_diff, full):
    got = con.execute(
        "select date_diff('month', ?::date, ?::date), full_months(?::date, ?::date)",
        [D(a), D(d), D(a), D(d)],
    ).fetchall()[0]
    assert got == (date_diff, full)


# ---------------------------------------------------------------------------------------------
# active_on: entry_date <= d and (exit_date is null or exit_date > d)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("entry", "exit_", "on", "active"),
    [
        ("2020-01-01", "2024-06-30", "2019-12-31", False),  # before entry
        ("2020-01-01", "2024-06-30", "2020-01-01", True),   # entry day
        ("2020-01-01", "2024-06-30", "2024-06-29", True),   # the day before exit
        ("2020-01-01", "2024-06-30", "2024-06-30", False),  # exit day: exit_date > d fails
        ("2020-01-01", "2024-06-30", "2025-01-01", False),  # after exit
        ("2020-01-01", None, "2040-01-01", True),           # no exit
    ],
)
def test_active_on(con, entry, exit_, on, active):
    got = one(
        con,
        "select active_on(?::date, ?::date, ?::date)",
        [D(entry), D(exit_) if exit_ else None, D(on)],
    )
    assert got is active


# ---------------------------------------------------------------------------------------------
# person_snapshot(as_of)
# ---------------------------------------------------------------------------------------------

AS_OF = D("2024-06-30")


def test_snapshot_one_row_per_person_active_or_not(db):
    db.add("persons", person_id="A")
    db.add("persons", person_id="LEFT", exit_date=D("2020-01-01"))
    db.add("persons", person_id="FUTURE", entry_date=D("2025-01-01"))
    rows = dict(db.con.execute(
        "select person_id, active from person_snapshot(?::date)", [AS_OF]
    ).fetchall())
    assert rows == {"A": True, "LEFT": False, "FUTURE": False}


def test_snapshot_young_is_strictly_below_40(db):
    # 1984-06-30: 40th birthday on as_of -> age 40 -> not young
    db.add("persons", person_id="B40", birth_date=D("1984-06-30"))
    # 1984-07-01: 40th birthday tomorrow -> age 39 -> young
    db.add("persons", person_id="B39", birth_date=D("1984-07-01"))
    assert snap(db.con, AS_OF, "B40", "age", "young") == (40, False)
    assert snap(db.con, AS_OF, "B39", "age", "young") == (39, True)
    # the day before, the first is still 39 and young
    assert snap(db.con, D("2024-06-29"), "B40", "age", "young") == (39, True)


def test_snapshot_first_five(db):
    # as_of - 5 years = 2019-06-30; first_five needs entry_date > 2019-06-30
    db.add("persons", person_id="E0630", entry_date=D("2019-06-30"))  # exactly 5 y -> no
    db.add("persons", person_id="E0701", entry_date=D("2019-07-01"))  # one day later -> yes
    db.add("persons", person_id="OLD", entry_date=D("2015-07-01"))    # 9 years -> no
    db.add("persons", person_id="NEW", entry_date=D("2024-06-30"))    # entry day -> yes
    db.add("persons", person_id="SOON", entry_date=D("2024-07-01"))   # not active yet -> no
    got = dict(db.con.execute(
        "select person_id, first_five from person_snapshot(?::date)", [AS_OF]
    ).fetchall())
    assert got == {"E0630": False, "E0701": True, "OLD": False, "NEW": True, "SOON": False}


def test_snapshot_first_five_on_a_leap_day_entry(db):
    # entered 2016-02-29; five years are complete on 2021-02-28 (month-end clamped, as for a
    # birthday: full_months(2016-02-29, 2021-02-28) = 60), so first_five is false that day
    # and true the day before (59 full months)
    db.add("persons", person_id="LEAP", birth_date=D("1992-05-01"), entry_date=D("2016-02-29"))
    assert snap(db.con, D("2021-02-28"), "LEAP", "first_five") == (False,)
    assert snap(db.con, D("2021-02-27"), "LEAP", "first_five") == (True,)


def test_snapshot_person_who_left_is_inactive_and_not_first_five(db):
    # entered 2021-01-01 (inside 5 years), left on as_of -> inactive on as_of -> not first five
    db.add("persons", person_id="L", entry_date=D("2021-01-01"), exit_date=AS_OF)
    assert snap(db.con, AS_OF, "L", "active", "first_five") == (False, False)
    # the day before the exit date both hold
    assert snap(db.con, D("2024-06-29"), "L", "active", "first_five") == (True, True)


def test_snapshot_entry_cohort_is_entry_year(db):
    db.add("persons", person_id="C", entry_date=D("2019-12-31"))
    assert snap(db.con, AS_OF, "C", "entry_cohort") == (2019,)


def test_snapshot_current_rank_and_rank_months(db):
    db.add("persons", person_id="R", entry_date=D("2019-07-01"))
    db.add("ranks", person_id="R", rank="一级科员", start_date=D("2020-07-01"),
           end_date=AS_OF, reason="定级")
    db.add("ranks", person_id="R", rank="四级主任科员", start_date=AS_OF, reason="晋升")
    # on as_of the first interval [2020-07-01, 2024-06-30) no longer covers; the second starts
    # on as_of: 四级主任科员 (step 3 lowest first), 0 full months
    assert snap(db.con, AS_OF, "R", "rank", "rank_step", "rank_start", "rank_months") == (
        "四级主任科员", 3, AS_OF, 0,
    )
    # the day before: 一级科员 (step 2) since 2020-07-01; + 48 months = 2024-07-01 > 2024-06-29,
    # + 47 months = 2024-06-01 <= d -> 47
    assert snap(db.con, D("2024-06-29"), "R", "rank", "rank_step", "rank_months") == (
        "一级科员", 2, 47,
    )


def test_snapshot_rank_months_are_full_months(db):
    db.add("persons", person_id="R", entry_date=D("2023-01-01"))
    db.add("ranks", person_id="R", rank="二级科员", start_date=D("2024-01-31"), reason="定级")
    # 2024-01-31 + 1 month = 2024-02-29 > 2024-02-28 -> 0 (date_diff would say 1)
    assert snap(db.con, D("2024-02-28"), "R", "rank_months") == (0,)
    assert snap(db.con, D("2024-02-29"), "R", "rank_months") == (1,)


def test_snapshot_without_rank_or_post(db):
    db.add("persons", person_id="N")
    got = snap(db.con, AS_OF, "N", "rank", "rank_months", "level", "level_step", "unit_id",
               "in_young_pool", "in_two_type_pool")
    assert got == (None, None, "无", 0, None, False, False)


def test_snapshot_current_post_is_highest_covering_level(db):
    db.add("units", unit_id="U2", kind="乡镇街道")
    db.add("persons", person_id="P", entry_date=D("2015-07-01"))
    db.add("posts", person_id="P", unit_id="U1", level="无", start_date=D("2018-01-01"))
    db.add("posts", person_id="P", unit_id="U1", level="乡科级正职",
           start_date=D("2020-01-01"), end_date=D("2022-03-01"))
    db.add("posts", person_id="P", unit_id="U2", level="乡科级副职", start_date=D("2022-03-01"))
    # on as_of: 无 (2018-) and 乡科级副职 (2022-03-01-) cover; the 正职 post ended 2022-03-01.
    # Highest = 乡科级副职, step 1, in U2 (乡镇街道); 2022-03-01 + 27 months = 2024-06-01 <= d,
    # + 28 = 2024-07-01 > d -> 27
    assert snap(db.con, AS_OF, "P", "level", "level_step", "unit_id", "unit_kind",
                "level_start", "level_months") == (
        "乡科级副职", 1, "U2", "乡镇街道", D("2022-03-01"), 27,
    )
    # on 2021-06-30: 无 and 乡科级正职 cover -> 乡科级正职, step 2, in U1
    assert snap(db.con, D("2021-06-30"), "P", "level", "level_step", "unit_id") == (
        "乡科级正职", 2, "U1",
    )
    # on 2017-12-31 no post covers -> 无, step 0
    assert snap(db.con, D("2017-12-31"), "P", "level", "level_step", "unit_id") == (
        "无", 0, None,
    )


def test_snapshot_pools_only_while_covering(db):
    db.add("persons", person_id="Q")
    db.add("pool_members", person_id="Q", pool="年轻公务员库",
           entered_on=D("2022-01-01"), exited_on=AS_OF)
    db.add("pool_members", person_id="Q", pool="两型干部库", entered_on=AS_OF)
    assert snap(db.con, D("2021-12-31"), "Q", "in_young_pool", "in_two_type_pool") == (
        False, False,
    )
    assert snap(db.con, D("2022-01-01"), "Q", "in_young_pool", "in_two_type_pool") == (
        True, False,
    )
    assert snap(db.con, D("2024-06-29"), "Q", "in_young_pool", "in_two_type_pool") == (
        True, False,
    )
    # exited_on = as_of: no longer in the young pool; the two-type pool starts that day
    assert snap(db.con, AS_OF, "Q", "in_young_pool", "in_two_type_pool") == (False, True)


# ---------------------------------------------------------------------------------------------
# thresholds come from the rules file
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def local_con(tmp_path):
    path = tmp_path / "local.toml"
    path.write_text(
        '[general]\nyoung_age_limit = 35\nfirst_years = 3\n[meta]\nversion = "test-1"\n',
        encoding="utf-8",
    )
    c = qm.connect(":memory:", create=True, rules=path)
    yield c
    c.close()


def _add_people(con):
    for pid, birth, entry in [
        ("B35", "1989-06-30", "2015-07-01"),  # 35 on as_of
        ("B34", "1989-07-01", "2015-07-01"),  # 34 on as_of
        ("E4", "1995-01-01", "2020-07-01"),   # 29; entered 4 years before as_of
    ]:
        con.execute(
            "insert into persons (person_id, name, gender, birth_date, education, entry_date)"
            " values (?, '张三', '男', ?, '本科', ?)",
            [pid, D(birth), D(entry)],
        )


def test_young_and_first_five_follow_the_rules_file(con, local_con):
    _add_people(con)
    _add_people(local_con)
    query = "select person_id, young, first_five from person_snapshot(?::date) order by 1"
    # default rules: limit 40, 5 first years -> both young; E4 (2020-07-01 > 2019-06-30) first-five
    assert con.execute(query, [AS_OF]).fetchall() == [
        ("B34", True, False), ("B35", True, False), ("E4", True, True),
    ]
    # locality: limit 35 -> the 35-year-old is not young; 3 first years -> 2020-07-01 is not
    # > 2021-06-30, so E4 is not first-five
    assert local_con.execute(query, [AS_OF]).fetchall() == [
        ("B34", True, False), ("B35", False, False), ("E4", True, False),
    ]


def test_rules_version_of_the_locality_file(con, local_con, tmp_path):
    from qingmiao_lib import rules

    # the file's [meta] version, "+", then the first 8 hex digits of the merged rules' hash
    version = qm.rules_version(local_con)
    assert re.fullmatch(r"test-1\+[0-9a-f]{8}", version)
    assert version == rules.version(rules.load(tmp_path / "local.toml"))
    assert not qm.rules_version(con).startswith("test-1")
    assert one(local_con, "select rule_num('general.young_age_limit')") == 35
    # keys the locality file does not name keep the default
    assert one(local_con, "select rule_num('assessment.streak_block_years')") == 3


def test_stored_snapshot_equals_the_live_one_and_follows_the_rules(demo_db, tmp_path):
    # the demo stores the base layer on each year-end; person_snapshot reads it there and must
    # give exactly what the live computation gives, on a stored and on an unstored date
    import qingmiao_lib as qm

    con = qm.connect(demo_db)
    stored = {d for (d,) in con.execute("select distinct snapshot_date from snapshots").fetchall()}
    assert D("2023-12-31") in stored and D("2023-06-30") not in stored
    for day in ("2023-12-31", "2019-12-31", "2023-06-30"):
        q = "select * from {}(?::date) order by person_id"
        a = con.execute(q.format("person_snapshot"), [D(day)]).df()
        b = con.execute(q.format("person_snapshot_live"), [D(day)]).df()
        assert a.equals(b), day
    con.close()
    # young and first_five are derived when read, so a locality's rules apply to stored dates too
    rules = tmp_path / "local.toml"
    rules.write_text('[meta]\nversion = "t"\n[general]\nyoung_age_limit = 35\n', encoding="utf-8")
    local = qm.connect(demo_db, rules=rules)
    young, live = local.execute(
        "select (select count(*) from person_snapshot(date '2023-12-31') where young),"
        " (select count(*) from person_snapshot_live(date '2023-12-31') where young)").fetchall()[0]
    assert young == live and young < qm.connect(demo_db).execute(
        "select count(*) from person_snapshot(date '2023-12-31') where young").fetchall()[0][0]
    local.close()
