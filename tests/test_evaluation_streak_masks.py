"""Streaks and merits by year masks (sql/evaluation/excellent_runs.sql: excellent_masks, one bit
per year, 63 years per mask): worked answers for the edges of the mask method, each checked
against the window method of the excellent_runs macro as well.

Blocks of 3 (rules assessment.streak_block_years); merits are recorded by a 三等功 in the
block's last year or the next. Year = 2023 throughout unless said: bit i of the first mask is the
year 2023 − i, so 1961 is its top bit (i = 62) and 1960 is the first year of the second mask.

    TOP     entry 1960; 优秀 1961–1963 (the first mask's top bit and the two below it), 称职
            1964–2023 → one run of 3 ending 1963: 1 block due 1963; current run 0.
    SPAN    entry 1958; 优秀 1959–1962 (a run across both masks: 1959, 1960 in the second,
            1961, 1962 in the first), 优秀 2021–2023 → runs of 4 and 3: blocks due 1961 and 2023;
            longest 4, current 3, 7 优秀 years. (Nobody serves 65 years: the data are made up to
            reach the second mask, which takes the window method.)
    BREAK   entry 2010; 优秀 2014–2016, 不定等次 2017, 优秀 2018–2023 → runs of 3 and 6: blocks
            due 2016, 2020 and 2023; longest 6, current 6.
    JAN1    entry 2010, exit 2021-01-01; 优秀 2018–2021: the 2021 grade is of a year the person
            was not active in (left on 1 January) → run 2018–2020, 1 block due 2020. Not active
            in 2023: no streak row, but the merit is owed (merits list leavers).
"""

from __future__ import annotations

import datetime as dt

import pytest

from qingmiao_lib import evaluation as ev

D = dt.date.fromisoformat


def _person(db, pid, entry, exit=None):
    db.add("persons", person_id=pid, name=pid, entry_date=D(entry), birth_date=D("1935-01-01"),
           exit_date=D(exit) if exit else None)
    db.add("posts", person_id=pid, unit_id="U1", start_date=D(entry), end_date=D(exit) if exit else None)


def _grades(db, pid, years, grade="优秀"):
    for y in years:
        db.add("annual_assessments", person_id=pid, year=y, grade=grade)


@pytest.fixture
def mask_db(db):
    _person(db, "TOP", "1960-03-01")
    _grades(db, "TOP", range(1961, 1964))
    _grades(db, "TOP", range(1964, 2024), "称职")
    _person(db, "SPAN", "1958-03-01")
    _grades(db, "SPAN", [*range(1959, 1963), *range(2021, 2024)])
    _person(db, "BREAK", "2010-01-01")
    _grades(db, "BREAK", [2014, 2015, 2016, *range(2018, 2024)])
    _grades(db, "BREAK", [2017], "不定等次")
    _person(db, "JAN1", "2010-01-01", exit="2021-01-01")
    _grades(db, "JAN1", range(2018, 2022))
    return db


def _window_blocks(con, year):
    """Blocks by the window method (excellent_runs), for the cross-check."""
    return sorted(con.execute("select person_id, year from excellent_runs(?) where completes_block",
                              [year]).fetchall())


def test_streaks_across_the_mask_edges(mask_db):
    df = ev.streaks(mask_db.con, year=2023).set_index("person_id")
    cols = ["current_run", "longest_run", "blocks", "last_block_year", "excellent_years"]
    assert set(df.index) == {"TOP", "SPAN", "BREAK"}                 # JAN1 left in 2021
    assert df.loc["TOP", cols].tolist() == [0, 3, 1, 1963, 3]
    assert df.loc["SPAN", cols].tolist() == [3, 4, 2, 2023, 7]
    assert df.loc["BREAK", cols].tolist() == [6, 6, 3, 2023, 9]


def test_merits_across_the_mask_edges(mask_db):
    con = mask_db.con
    m = ev.merits(con, year=2023, first_year=1950)
    got = sorted(zip(m["person_id"], m["block_start"], m["block_end"], strict=True))
    assert got == [("BREAK", 2014, 2016), ("BREAK", 2018, 2020), ("BREAK", 2021, 2023),
                   ("JAN1", 2018, 2020), ("SPAN", 1959, 1961), ("SPAN", 2021, 2023),
                   ("TOP", 1961, 1963)]
    assert sorted((p, e) for p, _, e in got) == _window_blocks(con, 2023)


@pytest.mark.parametrize("year", [1962, 1963, 2016, 2017, 2020, 2022])
def test_mask_and_window_methods_agree_every_year(mask_db, year):
    con = mask_db.con
    m = ev.merits(con, year=year, first_year=1950)
    assert sorted(zip(m["person_id"], m["block_end"], strict=True)) == _window_blocks(con, year)
    runs = dict(con.execute(
        "select person_id, max(run_position) from excellent_runs(?) group by all", [year]).fetchall())
    s = ev.streaks(con, year=year).set_index("person_id")
    assert s["longest_run"].to_dict() == {p: runs[p] for p in s.index}


def test_a_merit_is_matched_across_the_mask_edge(mask_db):
    # a 三等功 in 1962 records SPAN's block due 1961 (window: 1961 or 1962); one in 1965 does not
    mask_db.add("rewards", person_id="SPAN", awarded_on=D("1962-05-01"), kind="三等功", reason="测试")
    mask_db.add("rewards", person_id="TOP", awarded_on=D("1965-05-01"), kind="三等功", reason="测试")
    m = ev.merits(mask_db.con, year=2023, first_year=1950).set_index(["person_id", "block_end"])
    assert m.loc[("SPAN", 1961), "status"] == "已记功"
    assert m.loc[("TOP", 1963), "status"] == "未记功"
    un = ev.unmatched_rewards(mask_db.con, year=2023, first_year=1950)
    assert un["person_id"].tolist() == ["TOP"]
