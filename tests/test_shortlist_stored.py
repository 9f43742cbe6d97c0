"""The shortlist's pool stored on 31 December (table ``shortlist_pool``, issue 21): the stored
rows are what the records give, the shortlist reads them only while they are current, and the
lists are the same read either way — and for one rank the same as that rank's rows of the whole
list.

The tiny county is that of ``test_shortlist.six`` (A–F, 一级科员 qualified for 四级主任科员,
checked on 2024-12-31), plus H1, a holder of 四级主任科员, and a quota of 3 (2 places).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from test_shortlist import AS_OF, R4, holder, order, quota, six

import qingmiao_lib as qm
from qingmiao_lib import db as qdb
from qingmiao_lib import shortlist as sl
from qingmiao_lib.shortlist import _stored


@pytest.fixture
def county(db):
    six(db)
    holder(db, "H1")
    quota(db, 3)
    sl.store_pool(db.con, days=[AS_OF])
    return db


@pytest.fixture
def live(monkeypatch):
    """Within a test using it, the shortlist never reads the stored pool."""
    def use_records():
        monkeypatch.setattr(_stored, "current", lambda con, as_of: False)
    return use_records


def test_the_stored_pool_holds_what_the_records_give(county):
    con = county.con
    assert _stored.current(con, AS_OF)
    assert not _stored.current(con, dt.date(2024, 6, 30))          # not a stored date
    rows = con.execute("select * from shortlist_pool order by person_id").df().set_index("person_id")
    # A–F and H1 are active on 2024-12-31: 7 rows, all of the stored date
    assert rows.index.tolist() == ["A", "B", "C", "D", "E", "F", "H1"]
    assert (rows["snapshot_date"].dt.date == AS_OF).all()
    # A: tasks in 2021 and 2022 → 2 years, 3 tasks; 2022 优秀 in the tenure → 1 (test_shortlist)
    assert rows.loc["A", ["heavy_years", "heavy_tasks", "excellent_years"]].tolist() == [2, 3, 1]
    # C: a township post 2019-01-01 → 2024-12-31 = 71 full months; D: one spell of 36 months
    assert rows.loc[["C", "D"], "frontline_months"].tolist() == [71, 36]
    # E left a 乡科级副职 post on 2024-06-30, no 组织处理 → counted
    assert rows.loc["E", "left_level"] == "乡科级副职" and not rows.loc["E", "left_excluded"]
    assert pd.Timestamp(rows.loc["E", "left_on"]).date() == dt.date(2024, 6, 30)
    # H1 holds 四级主任科员 since 2024-01-01: 11 months < 2 years → not a candidate, no measures
    assert not rows.loc["H1", "candidate"] and rows.loc["H1", "current_rank"] == R4
    assert pd.isna(rows.loc["H1", "heavy_years"]) and pd.isna(rows.loc["H1", "birth_date"])
    assert rows.loc[list("ABCDEF"), "candidate"].all()


def test_the_list_is_the_same_stored_or_live(county, live):
    con = county.con
    stored = sl.shortlist(con, as_of=AS_OF, unmasked=True)
    summary = sl.shortlist_summary(con, as_of=AS_OF)
    assert order(stored) == ["A", "B", "C", "D", "E", "F"]     # as test_shortlist works it out
    assert stored["suggested"].tolist() == [True, True, False, False, False, False]
    live()
    pd.testing.assert_frame_equal(sl.shortlist(con, as_of=AS_OF, unmasked=True), stored, check_exact=True)
    pd.testing.assert_frame_equal(sl.shortlist_summary(con, as_of=AS_OF), summary, check_exact=True)


def test_a_record_added_after_storing_is_read_from_the_records(county):
    con = county.con
    # F gets a task started 2024-03-01 → heavy-task years 1: F (1, frontline 0) now comes before
    # E (0), after D (1, frontline 3): A, B, C, D, F, E
    county.add("special_tasks", person_id="F", task="抢险", started_on=dt.date(2024, 3, 1))
    assert not _stored.current(con, AS_OF)                          # the stamp counts the tasks
    assert order(sl.shortlist(con, as_of=AS_OF)) == ["A", "B", "C", "D", "F", "E"]


def test_no_stored_table_reads_the_records(county):
    """A database refreshed before the table existed (or never refreshed): the records, same list."""
    con = county.con
    stored = sl.shortlist(con, as_of=AS_OF, unmasked=True)
    con.execute("drop table shortlist_pool")
    assert not _stored.current(con, AS_OF)
    pd.testing.assert_frame_equal(sl.shortlist(con, as_of=AS_OF, unmasked=True), stored, check_exact=True)


def test_other_rules_read_the_records(county):
    con = county.con
    con.execute("update rule_params set txt = txt || '-other' where name = 'meta.version'")
    assert not _stored.current(con, AS_OF)


def test_refresh_stores_the_pool_on_the_latest_snapshot_dates(demo_db):
    con = qm.connect(demo_db)
    qm.db.install_all(con)  # eligibility_on called in the test's own SQL
    try:
        stored = con.execute("select distinct snapshot_date from shortlist_pool order by 1").fetchall()
        snaps = con.execute("select distinct snapshot_date from snapshots order by 1").fetchall()
        assert len(snaps) > sl.POOL_YEARS and stored == snaps[-sl.POOL_YEARS:]
        assert qdb.stored_current(con, "shortlist_pool", "shortlist_stamp")
        # one row per person active on each date, as the eligibility counts them
        for (day,) in stored[-2:]:
            assert con.execute("select count(*) from shortlist_pool where snapshot_date = ?", [day]).fetchall() \
                == con.execute("select count(*) from eligibility_on(?)", [day]).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("as_of", [dt.date(2023, 12, 31), dt.date(2024, 12, 31)])
def test_the_demo_lists_are_the_same_stored_or_live_and_per_rank(demo_db, live, as_of):
    con = qm.connect(demo_db)
    try:
        assert _stored.current(con, as_of)
        whole = sl.shortlist(con, as_of=as_of, unmasked=True)
        summary = sl.shortlist_summary(con, as_of=as_of)
        recommended = whole["person_id"].iloc[::2].tolist()
        picked = sl.shortlist(con, as_of=as_of, recommendations=recommended)
        ranks = sorted(set(whole["next_rank"]))
        by_rank = {r: sl.shortlist(con, as_of=as_of, rank=r, unmasked=True) for r in ranks}
        assert len(whole) and len(ranks) > 1
        # one rank's list is that rank's rows of the whole list (each rank is its own competition)
        for r, df in by_rank.items():
            pd.testing.assert_frame_equal(df, whole[whole["next_rank"] == r].reset_index(drop=True),
                                          check_exact=True, check_like=False, obj=r)
        live()
        pd.testing.assert_frame_equal(sl.shortlist(con, as_of=as_of, unmasked=True), whole, check_exact=True)
        pd.testing.assert_frame_equal(sl.shortlist_summary(con, as_of=as_of), summary, check_exact=True)
        pd.testing.assert_frame_equal(sl.shortlist(con, as_of=as_of, recommendations=recommended), picked,
                                      check_exact=True)
        for r, df in by_rank.items():
            pd.testing.assert_frame_equal(sl.shortlist(con, as_of=as_of, rank=r, unmasked=True), df,
                                          check_exact=True)
    finally:
        con.close()
