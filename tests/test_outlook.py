"""Looking ahead (SPEC §9): statutory retirement under the NPC Standing Committee decision of
13 Sep 2024, the retirements ahead, and the places that open — on tiny hand-made databases with
the answers worked out by hand.

The rule (rules [retirement], shared/domain/cadre-formats.md §4): men 60, women cadres 55;
delay = floor(months of birth since January 1965 (men) / January 1970 (women) / 4) + 1 months,
at most 36; born before those Januaries, none. Date = birth + age in full months, month-end
clamped. A woman whose main post is 县处级副职/县处级正职 follows the men's schedule from 60.

    birth month   months since Jan 1965   delay          birth month   delay
    Dec 1964      -1                      0              Sep 1965      3
    Jan–Apr 1965  0–3                     1              Jan–Apr 1966  4
    May–Aug 1965  4–7                     2              Aug 1976      35 (139 // 4 + 1)
                                                         Sep 1976      36 (140 // 4 + 1 = 36, cap)
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from qingmiao_lib import frames, outlook, sql

D = dt.date.fromisoformat

CONTRACT = ["person_id", "name", "gender", "birth_date", "retirement_age_months", "retirement_date",
            "unit_id", "unit_name", "level", "rank"]


def statutory(con, birth: str, gender: str = "男", county_level: bool = False):
    """(retirement_age_months, retirement_date) of the macros for one birth date."""
    outlook.install_macros(con)
    return con.execute(
        "select retirement_age_months($b::date, $g, $c), retirement_date($b::date, $g, $c)",
        {"b": D(birth), "g": gender, "c": county_level}).fetchall()[0]


# ------------------------------------------------------------------------------ the rule

@pytest.mark.parametrize(("birth", "months", "date"), [
    # before the January 1965 boundary: 60 years 0 months, 15 Dec 1964 + 720 months
    ("1964-12-15", 720, "2024-12-15"),
    # January 1965: 0 months since → 0 // 4 + 1 = 1 month → 60y1m
    ("1965-01-01", 721, "2025-02-01"),
    # the worked example of cadre-formats.md: born March 1965 → 60y1m, in April 2025
    ("1965-03-10", 721, "2025-04-10"),
    ("1965-04-30", 721, "2025-05-30"),   # 3 // 4 + 1 = 1
    ("1965-05-01", 722, "2025-07-01"),   # 4 // 4 + 1 = 2: 60y2m
    ("1965-08-15", 722, "2025-10-15"),   # 7 // 4 + 1 = 2
    ("1965-09-15", 723, "2025-12-15"),   # 8 // 4 + 1 = 3: 60y3m
    ("1965-12-15", 723, "2026-03-15"),   # 11 // 4 + 1 = 3
    ("1966-01-15", 724, "2026-05-15"),   # 12 // 4 + 1 = 4
    # the month before the cap: Aug 1976 is 139 months after Jan 1965 → 139 // 4 + 1 = 35
    ("1976-08-01", 755, "2039-07-01"),   # 62y11m
    # the cap: Sep 1976 is 140 months → 36 → 63y; later births stay at 63
    ("1976-09-01", 756, "2039-09-01"),
    ("1990-06-15", 756, "2053-06-15"),
])
def test_men_schedule(con, birth, months, date):
    assert statutory(con, birth) == (months, D(date))


@pytest.mark.parametrize(("birth", "months", "date"), [
    ("1969-12-31", 660, "2024-12-31"),   # before January 1970: 55y0m
    ("1970-01-01", 661, "2025-02-01"),   # 0 months since → +1: 55y1m
    ("1970-04-20", 661, "2025-05-20"),   # 3 → +1
    ("1970-05-20", 662, "2025-07-20"),   # 4 → +2
    ("1970-09-20", 663, "2025-12-20"),   # 8 → +3
    ("1981-08-10", 695, "2039-07-10"),   # 139 → 35: 57y11m
    ("1981-09-10", 696, "2039-09-10"),   # 140 → 36 (cap): 58y
])
def test_women_cadres_schedule(con, birth, months, date):
    assert statutory(con, birth, "女") == (months, D(date))


def test_month_end_clamping(con):
    # born 31 Jan 1965: 60y1m lands in February 2025 (28 days) → its last day
    assert statutory(con, "1965-01-31") == (721, D("2025-02-28"))
    # born 31 Aug 1967: 31 months since Jan 1965 → 31 // 4 + 1 = 8 → 60y8m → April 2028 → 30 April
    assert statutory(con, "1967-08-31") == (728, D("2028-04-30"))
    # born 31 Jan 1970, a woman: 55y1m → 28 Feb 2025
    assert statutory(con, "1970-01-31", "女") == (661, D("2025-02-28"))


def test_leap_day_births(con):
    # a woman born 29 Feb 1968 (before 1970): 55y0m → 2023 has no 29 February → 28 February
    assert statutory(con, "1968-02-29", "女") == (660, D("2023-02-28"))
    # a man born 29 Feb 1980 (capped, 63y0m) → 2043 is a common year → 28 February
    assert statutory(con, "1980-02-29") == (756, D("2043-02-28"))
    # a man born 29 Feb 1964 (no delay) retires on a leap day: 29 Feb 2024
    assert statutory(con, "1964-02-29") == (720, D("2024-02-29"))


def test_female_county_level_cadre_follows_the_mens_schedule_from_60(con):
    # born 10 May 1972: on the men's schedule 88 months after Jan 1965 → 88 // 4 + 1 = 23
    # → 60y23m = 743 months → 10 April 2034; on the women's, 28 months after Jan 1970
    # → 28 // 4 + 1 = 8 → 55y8m = 668 months → 10 January 2028
    assert statutory(con, "1972-05-10", "女", county_level=True) == (743, D("2034-04-10"))
    assert statutory(con, "1972-05-10", "女", county_level=False) == (668, D("2028-01-10"))
    # a man at a county level is on his own schedule either way
    assert statutory(con, "1972-05-10", "男", county_level=True) == (743, D("2034-04-10"))


def test_county_levels_come_from_the_rules(db):
    outlook.install_macros(db.con)
    got = db.con.execute(
        "select list(retirement_county_level(v) order by i) from "
        "(values (1, '无'), (2, '乡科级正职'), (3, '县处级副职'), (4, '县处级正职'), (5, null)) as t(i, v)"
    ).fetchall()[0][0]
    assert got == [False, False, True, True, False]


@pytest.fixture
def switched_off(tmp_path):
    import qingmiao_lib as qm

    path = tmp_path / "local.toml"
    path.write_text("[meta]\nversion = \"local\"\n[retirement]\nfemale_county_level_as_male = false\n",
                    encoding="utf-8")
    c = qm.connect(":memory:", create=True, rules=path)
    yield c
    c.close()


def test_female_county_level_switch_off(switched_off):
    # the same woman as above at a county level, with the switch off: the 55 schedule, 55y8m
    assert statutory(switched_off, "1972-05-10", "女", county_level=True) == (668, D("2028-01-10"))


def test_bad_retirement_rules_are_refused(tmp_path):
    from qingmiao_lib import rules
    from qingmiao_lib.errors import RulesError

    for text in ('[retirement]\nmale_start_month = "1965-13"\n',
                 '[retirement]\nstep_months = 0\n',
                 '[retirement]\ncounty_levels = ["处级"]\n'):
        path = tmp_path / "bad.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(RulesError, match="retirement"):
            rules.load(path)


# ------------------------------------------------------------------------------ the list

def person(db, pid, birth, gender="男", *, exit=None, unit=None, level="无", rank=None):
    db.add("persons", person_id=pid, name=f"张{pid}明", gender=gender, birth_date=D(birth),
           entry_date=D("1990-07-01"), exit_date=D(exit) if exit else None)
    if unit:
        db.add("posts", person_id=pid, unit_id=unit, level=level, start_date=D("2010-01-01"))
    if rank:
        db.add("ranks", person_id=pid, rank=rank, start_date=D("2015-01-01"))


def test_retirements_window(db):
    db.add("units", unit_id="U2", name="中溪镇", kind="乡镇街道")
    as_of = D("2025-12-31")
    # (a date exactly on as_of and on as_of + years: the next test)
    # P1: man born 1965-12-31 → 11 months since Jan 1965 → +3 → 60y3m → 2026-03-31: listed
    person(db, "P1", "1965-12-31", unit="U1", rank="一级主任科员")
    # P2: man born 1964-12-31 → 60y0m → 2024-12-31: reached before as_of, not listed
    person(db, "P2", "1964-12-31", unit="U1")
    # P3: woman born 1970-09-30 → 8 months since Jan 1970 → +3 → 55y3m → 2025-12-30: reached
    # the day before as_of, not listed; P4 born 1970-10-31 → 9 → +3 → 55y3m → 2026-01-31: listed
    person(db, "P3", "1970-09-30", "女")
    person(db, "P4", "1970-10-31", "女", unit="U2", level="乡科级副职", rank="三级主任科员")
    # P6: a man who left in 2020 (would retire in 2026): not listed
    person(db, "P6", "1965-12-01", exit="2020-06-30")
    # P7: a woman 县处级副职 born 1970-05-15: men's schedule, 64 months since Jan 1965 → +17
    # → 60y17m = 737 → 2031-10-15 (outside 2 years); as a woman 55y2m → 2025-07-15 (before as_of)
    person(db, "P7", "1970-05-15", "女", unit="U1", level="县处级副职")
    # P8: a man born 1966-01-31 → 12 → +4 → 60y4m → 2026-05-31; P9 1967-12-31 → 35 → +9 → 60y9m
    # → 2028-09-30 (clamped): outside the two years (2027-12-31)
    person(db, "P8", "1966-01-31")
    person(db, "P9", "1967-12-31")
    df = outlook.retirements(db.con, as_of=as_of, years=2)
    assert list(df.columns) == CONTRACT
    assert df["person_id"].tolist() == ["P4", "P1", "P8"]  # by date: 01-31, 03-31, 05-31
    first = df.iloc[0]
    assert (first["gender"], first["retirement_age_months"], first["retirement_date"]) == \
        ("女", 663, pd.Timestamp("2026-01-31"))
    assert (first["unit_id"], first["unit_name"], first["level"], first["rank"]) == \
        ("U2", "中溪镇", "乡科级副职", "三级主任科员")
    p8 = df.set_index("person_id").loc["P8"]
    assert pd.isna(p8["unit_id"]) and pd.isna(p8["level"]) and pd.isna(p8["rank"])
    assert df.attrs["as_of"] == "2025-12-31" and df.attrs["years"] == 2
    # the units filter keeps the main post's unit
    assert outlook.retirements(db.con, as_of=as_of, years=2, units=["U2"])["person_id"].tolist() == ["P4"]
    # seven years ahead (to 2032-12-31): P9 (2028-09-30) and P7 (2031-10-15) join
    seven = outlook.retirements(db.con, as_of=as_of, years=7)
    assert seven["person_id"].tolist() == ["P4", "P1", "P8", "P9", "P7"]
    assert seven.set_index("person_id").loc["P7", "retirement_age_months"] == 737


def test_window_ends_on_as_of_excluded_and_on_as_of_plus_years_included(db):
    # man born 1964-12-31 → 2024-12-31; man born 1965-12-31 → 60y3m → 2026-03-31
    person(db, "ON", "1964-12-31")
    person(db, "END", "1965-12-31")
    # as_of 2024-12-31: ON's date is as_of itself (reached) → not listed
    assert outlook.retirements(db.con, as_of=D("2024-12-31"), years=1).empty
    # as_of 2025-03-31, one year: END's date 2026-03-31 = as_of + 1 year → listed
    got = outlook.retirements(db.con, as_of=D("2025-03-31"), years=1)
    assert got["person_id"].tolist() == ["END"]
    # a day later it is no longer ahead
    assert outlook.retirements(db.con, as_of=D("2026-03-31"), years=1).empty


def test_a_database_holding_only_persons(con):
    con.execute("insert into persons (person_id, name, gender, birth_date, education, entry_date) values "
                "('A', '李四', '男', '1965-06-10', '本科', '1988-07-01'),"
                "('B', '王五', '女', '1971-02-03', '本科', '1993-07-01')")
    # A: 5 months since Jan 1965 → +2 → 60y2m → 2025-08-10
    # B: 13 months since Jan 1970 → +4 → 55y4m → 2026-06-03
    df = outlook.retirements(con, as_of=D("2025-01-01"), years=2)
    assert df["person_id"].tolist() == ["A", "B"]
    assert df["retirement_date"].dt.date.tolist() == [D("2025-08-10"), D("2026-06-03")]
    assert df[["unit_id", "unit_name", "level", "rank"]].isna().all().all()


def test_female_county_level_read_on_as_of(db):
    # a woman born 1972-05-10 who became 县处级副职 on 2028-01-01: on 2027-06-30 she is not at a
    # county level → 55y8m → 2028-01-10 is ahead within one year; on 2028-01-05 she is → 2034-04-10
    db.add("persons", person_id="W", name="赵六", gender="女", birth_date=D("1972-05-10"),
           education="本科", entry_date=D("1995-07-01"))
    db.add("posts", person_id="W", unit_id="U1", level="乡科级正职", start_date=D("2020-01-01"),
           end_date=D("2028-01-01"))
    db.add("posts", person_id="W", unit_id="U1", level="县处级副职", start_date=D("2028-01-01"))
    before = outlook.retirements(db.con, as_of=D("2027-06-30"), years=1)
    assert before["retirement_date"].dt.date.tolist() == [D("2028-01-10")]
    assert outlook.retirements(db.con, as_of=D("2028-01-05"), years=1).empty
    later = outlook.retirements(db.con, as_of=D("2028-01-05"), years=7)
    assert later["retirement_date"].dt.date.tolist() == [D("2034-04-10")]
    assert later["level"].tolist() == ["县处级副职"]


def test_bad_years_are_refused(db):
    for years in (0, 51, 1.5, True):
        with pytest.raises(ValueError, match="years"):
            outlook.retirements(db.con, as_of=D("2025-12-31"), years=years)


# ------------------------------------------------------------------------------ places

def _places_county(db) -> None:
    db.add("units", unit_id="U2", name="中溪镇", kind="乡镇街道")
    # holders of 一级主任科员 on 2025-12-31: R1, R2 (U1), R3 (U2); quota 4 over the jurisdiction
    # → vacancies 4 − 3 = 1. Quota of 2 for 一级主任科员 in U2 → vacancies 2 − 1 = 1.
    # R1 born 1965-12-31 → 2026-03-31 (year 1); R3 born 1967-01-15 → 24 → +7 → 60y7m
    # → 2027-08-15 (year 2); R2 young, not retiring.
    person(db, "R1", "1965-12-31", unit="U1", rank="一级主任科员")
    person(db, "R2", "1985-01-01", unit="U1", rank="一级主任科员")
    person(db, "R3", "1967-01-15", unit="U2", rank="一级主任科员")
    # 四级调研员: quota 1, holders R4 and R5 → vacancies −1 (over quota). R4 born 1966-03-20
    # → 14 → +4 → 2026-07-20 (year 1); R5 born 1966-06-20 → 17 → +5 → 60y5m → 2026-11-20 (year 1)
    person(db, "R4", "1966-03-20", unit="U1", rank="四级调研员")
    person(db, "R5", "1966-06-20", unit="U1", rank="四级调研员")
    # 二级主任科员, no quota: R6 born 1967-05-05 → 28 → +8 → 60y8m → 2028-01-05 (year 3)
    person(db, "R6", "1967-05-05", unit="U1", rank="二级主任科员")
    db.add("quotas", year=2025, rank="一级主任科员", max_count=4)
    db.add("quotas", year=2025, unit_id="U2", rank="一级主任科员", max_count=2)
    db.add("quotas", year=2025, rank="四级调研员", max_count=1)


def test_places_by_rank(db):
    _places_county(db)
    df = outlook.places(db.con, as_of=D("2025-12-31"), years=3)
    rows = {(r.period, r.unit_name, r.rank): r for r in df.itertuples()}
    # jurisdiction 一级主任科员: year 1: max(0, 1 + 1) = 2 places; year 2: max(0, 1 + 2) = 3 → +1;
    # year 3: 3 → 0
    j = [rows[k, "全辖区", "一级主任科员"] for k in (1, 2, 3)]
    assert [(r.retirements, r.places, r.cumulative_places) for r in j] == [(1, 2, 2), (1, 1, 3), (0, 0, 3)]
    assert (j[0].quota, j[0].holders, j[0].vacancies) == (4, 3, 1)
    # U2's quota counts U2's retirements only (R3 in year 2): 1 → 1, 2, 2
    u = [rows[k, "中溪镇", "一级主任科员"] for k in (1, 2, 3)]
    assert [(r.vacancies, r.retirements, r.places, r.cumulative_places) for r in u] == \
        [(1, 0, 1, 1), (1, 1, 1, 2), (1, 0, 0, 2)]
    # 四级调研员 over its quota: two retirements in year 1 → max(0, −1 + 2) = 1 place
    s = rows[1, "全辖区", "四级调研员"]
    assert (s.vacancies, s.retirements, s.places, s.cumulative_places) == (-1, 2, 1, 1)
    # 二级主任科员 without a quota: the retirements are the places (R6 in year 3)
    n = [rows[k, "全辖区", "二级主任科员"] for k in (1, 2, 3)]
    assert pd.isna(n[0].quota) and [r.places for r in n] == [0, 0, 1]
    assert df.groupby("period").size().tolist() == [4, 4, 4]
    assert df.loc[df["period"] == 1, "period_end"].iloc[0] == pd.Timestamp("2026-12-31")


def test_places_counted_once_for_three_years_are_those_of_each_horizon(db):
    # the notebook's slider: counted for 3 years, the places of 1 and 2 years are those asked for
    # 1 and 2 years — 二级主任科员, without a quota, retires only in year 3: no row before
    _places_county(db)
    as_of = D("2025-12-31")
    counts = outlook.RankCounts.read(db.con, as_of=as_of, years=3)
    for years in (1, 2, 3):
        alone = outlook.places(db.con, as_of=as_of, years=years)
        pd.testing.assert_frame_equal(counts.places(years), alone, check_exact=True)
        assert counts.places(years).attrs == alone.attrs
    assert "二级主任科员" not in set(counts.places(2)["rank"]) and "二级主任科员" in set(counts.places(3)["rank"])
    # U1 names no quota: its rows are summed into the jurisdiction's, with the same places as
    # from the rows per unit the query gives
    per_unit = frames.frame(db.con, sql.load("outlook/retirements_by_rank"),
                            {"as_of": as_of, "years": 3, "counties": None})
    assert set(per_unit["unit_id"]) == {"U1", "U2"} and set(counts.counted["unit_id"].dropna()) == {"U2"}
    pd.testing.assert_frame_equal(outlook._rank_places(per_unit, counts.quota, as_of=as_of, years=3),
                                  counts.places(3), check_exact=True)


def test_places_by_unit_and_level(db):
    db.add("units", unit_id="U2", name="中溪镇", kind="乡镇街道")
    # year 1 (to 2026-12-31): R1 (U1, 无) 2026-03-31, L1 (U2 乡科级正职) born 1966-02-10
    # → 13 → +4 → 2026-06-10; year 2: L2 (U2 乡科级正职) born 1967-02-10 → 25 → +7 → 2027-09-10
    person(db, "R1", "1965-12-31", unit="U1")
    person(db, "L1", "1966-02-10", unit="U2", level="乡科级正职")
    person(db, "L2", "1967-02-10", unit="U2", level="乡科级正职")
    df = outlook.places(db.con, as_of=D("2025-12-31"), years=2, by="unit_level")
    got = df[["period", "unit_id", "level", "retirements"]].values.tolist()
    assert got == [[1, "U1", "无", 1], [1, "U2", "乡科级正职", 1], [2, "U2", "乡科级正职", 1]]
    # reconciliation: the breakdown sums to the list
    assert df["retirements"].sum() == len(outlook.retirements(db.con, as_of=D("2025-12-31"), years=2))
    with pytest.raises(ValueError, match="by"):
        outlook.places(db.con, as_of=D("2025-12-31"), years=2, by="gender")


def test_places_chart():
    from qingmiao_lib.charts import outlook as chart

    df = pd.DataFrame({"period": [1, 1, 2, 2], "period_end": pd.to_datetime(["2026-12-31"] * 2 + ["2027-12-31"] * 2),
                       "unit_name": ["全辖区"] * 4, "rank": ["一级主任科员", "四级调研员"] * 2,
                       "rank_step": [6, 7] * 2, "places": [2, 1, 1, 0], "retirements": [1, 2, 1, 0]})
    df.attrs["as_of"] = "2025-12-31"
    fig = chart.places(df)
    assert "2025-12-31" in fig.layout.title.text
    assert [t.name for t in fig.data] == ["一级主任科员", "四级调研员"]
    assert list(fig.data[0].y) == [2, 1]


def test_year_ahead_of_a_date_on_the_boundary(db):
    # as_of 2025-03-31, two years: END (born 1965-12-31 → 2026-03-31 = as_of + 1 year) is in
    # year 1; NEXT (born 1966-01-01 → 12 months → +4 → 60y4m → 2026-05-01) in year 2
    person(db, "END", "1965-12-31", unit="U1")
    person(db, "NEXT", "1966-01-01", unit="U1")
    df = outlook.places(db.con, as_of=D("2025-03-31"), years=2, by="unit_level")
    assert df[["period", "retirements"]].values.tolist() == [[1, 1], [2, 1]]
    assert df["period_end"].dt.date.tolist() == [D("2026-03-31"), D("2027-03-31")]
