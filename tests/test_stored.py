"""Stored and live give the same answers: the one place this is tested for every source.

A stored table written by ``db.refresh_snapshots`` (snapshots, training_years, lecture_marks,
quarter_masks, grade_years) stands in for a live computation only through named macros: the
analyses call a plain name (``training_year_courses`` …) that points at ``<name>_live`` and, for
one query inside ``_query.reading``, at ``<name>_stored`` (``sql/<area>/use_<source>_<variant>.sql``).
These tests check, on the simulated county, that every analysis reading a source answers the same
with the source forced live, that the stored variant was really read, that the names point where
the query layer records them pointing (they are switched only when a query asks for another
variant), that a switch inside an explicit transaction is undone, and that ``install_all`` puts
every name back on its live computation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import (
    _db_stored,
    _macros,
    _query,
    _steady,
    evaluation,
    figures,
    pipeline,
    sql,
    structure,
    training,
)

D = dt.date


def macros(con) -> dict[str, str]:
    """Every temp macro of the connection → its definition, but the stored implementations
    (``*_stored``: created once, the first time a stored table is read) and the held one
    (``eligibility_on_held``: created by the first ``pipeline.holding``)."""
    return dict(con.execute(
        "select function_name || '/' || function_type, "
        "coalesce(macro_definition, '') || list_aggregate(parameters, 'string_agg', ',') "
        "from duckdb_functions() where function_type in ('macro', 'table_macro') "
        "and not internal and not suffix(function_name, '_stored') and not suffix(function_name, '_held')"
    ).fetchall())


@pytest.fixture(scope="module")
def county(demo_db):
    con = qm.connect(demo_db)
    qm.db.install_all(con)   # every area macro made (else made on first use): the sets compared are whole
    with pipeline.holding(con, D(2023, 6, 30)):    # the held eligibility's table and macro made
        pass                                        # (on a date not stored: 31 December is)
    yield con
    con.close()


def answers(con) -> dict[str, pd.DataFrame]:
    """Every analysis that reads a source a stored table can stand in for, on dates the stored
    tables hold (31 December of a stored year) and on one they do not (30 June)."""
    y, end, mid = 2023, D(2023, 12, 31), D(2023, 6, 30)
    unit = con.execute("select min(unit_id) from units").fetchall()[0][0]
    out = {}
    for as_of in (end, mid):
        out[f"coverage {as_of}"] = training.coverage_matrix(con, year=y, as_of=as_of, by="unit_kind")
        out[f"gaps {as_of}"] = training.gap_list(con, year=y, as_of=as_of, statuses=None)
        out[f"in service {as_of}"] = training.in_service(con, year=y, as_of=as_of)
        out[f"hours {as_of}"] = training.hours_by_person(con, year=y, as_of=as_of)
        out[f"lectures {as_of}"] = training.lecture_persons(con, year=y, as_of=as_of)
        out[f"lecture groups {as_of}"] = training.lecture_groups(con, year=y, as_of=as_of, monthly=True)
        out[f"lecture months {as_of}"] = training.lecture_person_months(con, year=y, as_of=as_of, units=[unit])
        out[f"eligibility {as_of}"] = pipeline.eligibility(con, as_of=as_of, within_months=12)
        out[f"eligibility counts {as_of}"] = pipeline.eligibility_counts(con, as_of=as_of)
        # the eligibility held for one date (the explorer's): the whole list, a unit, the counts
        with pipeline.holding(con, as_of):
            out[f"eligibility held {as_of}"] = pipeline.eligibility(con, as_of=as_of, within_months=6)
            out[f"eligibility held unit {as_of}"] = pipeline.eligibility(con, as_of=as_of, units=[unit],
                                                                         within_months=3)
            out[f"eligibility counts held {as_of}"] = pipeline.eligibility_counts(con, as_of=as_of,
                                                                                 within_months=12)
            # another date inside the block is computed, not read from the held rows
            out[f"eligibility other date {as_of}"] = pipeline.eligibility_counts(con, as_of=D(2022, 12, 31))
        # the base layer (person_snapshot_at): the stored rows of 31 December or the records
        out[f"headcount {as_of}"] = structure.headcount(con, as_of=as_of, by=["unit_kind", "gender", "pool"])
        out[f"unit comparison {as_of}"] = structure.unit_comparison(con, as_of=as_of)
        out[f"quota usage {as_of}"] = pipeline.quota_usage(con, as_of=as_of)
        out[f"warnings {as_of}"] = evaluation.early_warnings(con, as_of=as_of)
        # the obligations (obligation_snapshots on 31 December): sliced, some rules, first rows
        out[f"coverage slice {as_of}"] = training.coverage_matrix(
            con, year=y, as_of=as_of, by=["unit", "entry_cohort"], unit_kinds=["乡镇街道"],
            cohorts=[2019, 2020, 2021])
        out[f"gaps slice {as_of}"] = training.gap_list(con, year=y, as_of=as_of, rules=["初任培训", "任职培训"],
                                                       statuses=["missing"], units=[unit])
        out[f"gaps first rows {as_of}"] = training.gap_list(con, year=y, as_of=as_of, statuses=None, per_cell=3)
        out[f"warnings slice {as_of}"] = evaluation.early_warnings(con, as_of=as_of, units=[unit])
    out["headline"] = figures.headline(con, year=y)
    out["excellent share"] = evaluation.excellent_share(con, year=y)
    out["grade distribution"] = evaluation.grade_distribution(con, year=y, by="unit_kind")
    out["trend"] = training.coverage_trend(con, first_year=2020, last_year=y)
    # the obligations of every year end of a span (obligation_snapshots), whole and sliced
    out["trend slice"] = training.coverage_trend(con, first_year=2021, last_year=y, unit_kinds=["乡镇街道"],
                                                 cohorts=[2019, 2020, 2021])
    out["trend unit"] = training.coverage_trend(con, first_year=y, last_year=y, units=[unit])
    out["classes"] = training.class_person_times(con, first_year=2018, last_year=y)
    out["quarterly trend"] = evaluation.quarterly_trend(con, year=y, first_year=y - 3)
    out["quarterly trend slice"] = evaluation.quarterly_trend(con, year=y, young=True)
    out["declines"] = evaluation.quarterly_declines(con, year=y, first_year=y - 2)
    out["over time stored"] = structure.over_time(con, first_year=2016, last_year=y, by="unit_kind")
    out["over time persons"] = structure.over_time(con, first_year=2005, last_year=y, by="gender")
    out["over time full"] = structure.over_time(con, first_year=2005, last_year=y, by="rank")
    return out


def test_stored_and_live_give_the_same_answers(county, monkeypatch):
    read = []
    real = _query.reading

    @contextlib.contextmanager
    def spy(con, source, variant="stored", *, when=True):
        if when:
            read.append((source, variant))
        with real(con, source, variant, when=when):
            yield

    @contextlib.contextmanager
    def live(con, source, variant="stored", *, when=True):
        yield

    monkeypatch.setattr(_query, "reading", spy)
    # the trends' spans are held in obligation_snapshots: their stored path is the one compared
    assert all(training.coverage._span_obligations_stored(county, first, 2023, None) for first in (2020, 2021, 2023))
    stored = answers(county)
    # every source's other variants were read (the stored tables hold 2023)
    assert {s for s, _ in read} == set(_query.SOURCES)
    assert {("structure/series", "stored"), ("structure/series", "persons"),
            ("pipeline/records", "none"), ("pipeline/eligibility", "held"),
            ("pipeline/eligibility", "stored")} <= set(read)
    monkeypatch.setattr(_query, "reading", live)
    _macros.rest(county)            # the names point where the last query left them: now live
    computed = answers(county)
    assert stored.keys() == computed.keys()
    for key in stored:
        pd.testing.assert_frame_equal(stored[key], computed[key], check_exact=True, obj=key)
        assert stored[key].attrs == computed[key].attrs, key


def test_the_names_point_where_they_are_recorded_and_rest_on_live(county):
    # the live files define nothing the connection does not already have …
    _macros.rest(county)
    before = macros(county)
    for source in _query.SOURCES:
        area, family = source.split("/")
        county.execute(sql.load(f"{area}/use_{family}_live"))
    assert macros(county) == before
    # … the analyses leave some names on a stored variant, exactly as recorded …
    answers(county)
    pointing = dict(_steady.pointing(county))
    assert any(v != "live" for v in pointing.values())
    now = macros(county)
    for source, variant in pointing.items():
        area, family = source.split("/")
        county.execute(sql.load(f"{area}/use_{family}_{variant}"))
    assert macros(county) == now
    # … and install_all puts every one back on its live computation
    qm.db.install_all(county)
    assert macros(county) == before and _steady.pointing(county) == {}


def _variant(source: str) -> str:
    return {"pipeline/records": "none", "structure/series": "stored",
            "pipeline/eligibility": "held"}.get(source, "stored")


@pytest.mark.parametrize("source", _query.SOURCES)
def test_a_switch_stands_until_a_query_asks_for_another_variant(county, source):
    _macros.rest(county)
    before = macros(county)
    with pytest.raises(RuntimeError), _query.reading(county, source, _variant(source)):
        assert macros(county) != before               # pointed elsewhere inside
        raise RuntimeError("query failed")
    assert _steady.pointing(county)[source] == _variant(source)
    inside = macros(county)
    assert inside != before                           # it stands: the next query pays no switch
    with _query.reading(county, source, _variant(source)):
        assert macros(county) == inside
    with _query.reading(county, source, when=False):  # a query asking for the live one
        assert macros(county) == before
    assert macros(county) == before and _steady.pointing(county)[source] == "live"


@pytest.mark.parametrize("end", ["rollback", "commit"])
@pytest.mark.parametrize("source", _query.SOURCES)
def test_a_switch_inside_a_transaction_is_undone(county, source, end):
    # DuckDB rolls a macro back with its transaction: a switch made inside one is undone after
    # its block, so that where the names point never differs from what is recorded
    _macros.rest(county)
    before = macros(county)
    county.execute("begin")
    with _query.reading(county, source, _variant(source)):
        assert macros(county) != before
    assert macros(county) == before and source not in _steady.pointing(county)
    county.execute(end)
    assert macros(county) == before and source not in _steady.pointing(county)


def test_which_stamps_read_the_rules():
    # read from each stamp's SQL: those of the tables computed under rules (the training hours
    # per day and class modes, the young age limit, the rules' version) against records alone
    reads = {stamp: _db_stored.reads_rules(stamp) for stamp in
             ("training_stamp", "lecture_stamp", "shortlist_stamp", "grade_stamp", "quarter_stamp",
              "obligations_stamp")}
    assert reads == {"training_stamp": True, "lecture_stamp": True, "shortlist_stamp": True,
                     "grade_stamp": False, "quarter_stamp": False, "obligations_stamp": True}


def test_unknown_source_is_refused(county):
    with pytest.raises(ValueError, match="unknown source"), _query.reading(county, "training/nothing"):
        pass


def test_a_read_only_connection_looks_up_its_tables_once_and_its_rules_every_call(demo_db, tmp_path):
    # its file cannot change while it is open: the stored dates, tables and meta are looked up
    # once; the rules are its own temporary tables, which a what-if may change: the stamp of the
    # records and rules is computed on every call
    con = qm.connect(demo_db)
    try:
        assert _steady.is_read_only(con)
        year_end = D(2023, 12, 31)
        assert _query.stored_on(con, year_end) and not _query.stored_on(con, D(2023, 6, 30))
        assert qm.db.stored_current(con, "training_years", "training_stamp")
        kept = _steady._SETTLED[con]
        assert {("stored-on", year_end), ("stored-on", D(2023, 6, 30)), ("stored-tables",)} <= set(kept)
        covered = training.in_service(con, year=2023)["meets"].sum()
        con.execute("begin")
        con.execute("update rule_params set num = 1000 where name = 'training.in_service_min_hours'")
        con.execute("update rule_params set num = 1000 where name = 'training.in_service_min_days'")
        assert training.in_service(con, year=2023)["meets"].sum() == 0 < covered     # followed
        con.execute("update rule_params set num = 4 where name = 'training.hours_per_day'")
        assert not qm.db.stored_current(con, "training_years", "training_stamp")   # stamp: every call
        con.execute("rollback")
        assert qm.db.stored_current(con, "training_years", "training_stamp")
        assert training.in_service(con, year=2023)["meets"].sum() == covered
        # a table computed from records alone: its answer is kept with the file's facts, the
        # one whose stamp reads the rules is not
        assert qm.db.stored_current(con, "grade_years", "grade_stamp")
        assert ("stored-current", "grade_years", "grade_stamp") in kept
        assert ("stored-current", "training_years", "training_stamp") not in kept
    finally:
        con.close()
    shutil.copy(demo_db, tmp_path / "writable.duckdb")        # (the module's county holds demo_db)
    writable = qm.connect(tmp_path / "writable.duckdb", read_only=False)
    try:
        assert not _steady.is_read_only(writable)
        assert _query.stored_on(writable, D(2023, 12, 31)) and writable not in _steady._SETTLED
    finally:
        writable.close()


def test_held_eligibility_follows_the_records(demo_db, tmp_path):
    """pipeline.holding keeps one date's eligibility for the explorer's next views, and computes
    it again once the records it was computed from change (an import on the same connection):
    a person whose 2022 grade is deleted is then listed as missing it, as the records say."""
    path = tmp_path / "county.duckdb"
    shutil.copy(demo_db, path)
    con = qm.connect(path, read_only=False)
    day = D(2023, 6, 30)
    try:
        with pipeline.holding(con, day):
            held = pipeline.eligibility(con, as_of=day)
        pid = held.loc[held["eligible"], "person_id"].iloc[0]
        con.execute("delete from annual_assessments where person_id = ? and year = 2022", [pid])
        with pipeline.holding(con, day):
            again = pipeline.eligibility(con, as_of=day).set_index("person_id")
        assert not again.loc[pid, "eligible"] and "缺少2022年度考核结果" in again.loc[pid, "reasons"]
        pd.testing.assert_frame_equal(again.reset_index(), pipeline.eligibility(con, as_of=day))
    finally:
        con.close()


def test_holding_keeps_the_last_dates_used(county, monkeypatch):
    """pipeline.holding computes a date not held and keeps the last HELD_DATES dates used: going
    back to one of them computes nothing; a fourth date forgets the least recently used. A date
    whose eligibility is stored (a year end) is read from the stored rows: nothing is held."""
    from qingmiao_lib.pipeline import screening

    computed = []
    load = sql.load
    monkeypatch.setattr(sql, "load", lambda name: (computed.append(name) if name == "pipeline/hold" else None)
                        or load(name))
    monkeypatch.setattr(screening, "_HELD", type(screening._HELD)())   # nothing held yet
    with pipeline.holding(county, D(2023, 12, 31)):
        stored = pipeline.eligibility_counts(county, as_of=D(2023, 12, 31))
    assert computed == [] and county not in screening._HELD and not stored.empty
    a, b, c, d = D(2023, 9, 30), D(2023, 6, 30), D(2022, 6, 30), D(2021, 6, 30)
    for day in (a, b, c, a):
        with pipeline.holding(county, day):
            pass
    assert len(computed) == 3 and list(screening._HELD[county][1]) == [b, c, a]
    with pipeline.holding(county, d):            # b, the least recently used, is forgotten
        want = pipeline.eligibility_counts(county, as_of=d)
    assert len(computed) == 4 and list(screening._HELD[county][1]) == [c, a, d]
    assert county.execute("select list(distinct held_on order by held_on) from held_eligibility"
                          ).fetchall()[0][0] == [d, c, a]
    pd.testing.assert_frame_equal(want, pipeline.eligibility_counts(county, as_of=d))
    # the rows held together stay within HELD_ROWS: here room for two dates' rows only
    rows = dict(screening._HELD[county][1])
    monkeypatch.setattr(screening, "HELD_ROWS", rows[a] + rows[d])
    with pipeline.holding(county, b):            # b again (computed); c and a forgotten
        pass
    assert len(computed) == 5 and list(screening._HELD[county][1]) == [d, b]
    monkeypatch.setattr(screening, "HELD_ROWS", 1)
    with pipeline.holding(county, b):            # the date in use is held whatever its rows
        assert list(screening._HELD[county][1]) == [b]
        held = pipeline.eligibility_counts(county, as_of=b)
    pd.testing.assert_frame_equal(held, pipeline.eligibility_counts(county, as_of=b))


def test_stored_eligibility_is_read_on_year_ends_and_follows_the_records(demo_db, tmp_path):
    """refresh_snapshots stores every active person's eligibility on the latest POOL_YEARS year
    ends (table eligibility_snapshots). The list and the counts on such a date read them, the
    same as computed from the records; once the records differ from those the rows were stored
    from (a person's 2022 grade deleted, as an import could), the date is computed again and the
    person is listed as missing it."""
    from qingmiao_lib import shortlist
    from qingmiao_lib.pipeline import _stored

    path = tmp_path / "county.duckdb"
    shutil.copy(demo_db, path)
    con = qm.connect(path, read_only=False)
    day = D(2023, 12, 31)
    try:
        ends = [d for (d,) in con.execute("select distinct snapshot_date from snapshots order by 1").fetchall()]
        kept = [d for (d,) in con.execute("select distinct snapshot_date from eligibility_snapshots "
                                          "order by 1").fetchall()]
        assert kept == ends[-shortlist.POOL_YEARS:] and day in kept
        assert _stored.current(con, day) and not _stored.current(con, D(2023, 6, 30))
        stored = pipeline.eligibility(con, as_of=day, within_months=6)
        assert _steady.pointing(con)["pipeline/eligibility"] == "stored"
        pid = stored.loc[stored["eligible"], "person_id"].iloc[0]
        con.execute("delete from annual_assessments where person_id = ? and year = 2022", [pid])
        assert not _stored.current(con, day)
        again = pipeline.eligibility(con, as_of=day, within_months=6)
        assert _steady.pointing(con)["pipeline/eligibility"] == "live"
        row = again.set_index("person_id").loc[pid]
        assert not row["eligible"] and "缺少2022年度考核结果" in row["reasons"]
        pd.testing.assert_frame_equal(again.query("person_id != @pid").reset_index(drop=True),
                                      stored.query("person_id != @pid").reset_index(drop=True))
    finally:
        con.close()
