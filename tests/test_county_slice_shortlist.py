"""The county as a slice of the shortlist (issue 23, item 2): on a combined database
``counties=[code]`` gives what that county's own records give (``combine.county_connection``) —
the candidates, the places against its own jurisdiction quotas (``county_quotas``) and holders,
the order, the verdicts and the reasons — whether the stored pool (``shortlist_pool``, stored on
the combined database's year ends) or the records are read. One county at a time; a county's own
database refuses a county. The other analyses' slices: tests/test_county_slice*.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import Fixture

import qingmiao_lib as qm
from qingmiao_lib import combine, pipeline
from qingmiao_lib import shortlist as sl
from qingmiao_lib.errors import QingmiaoError
from qingmiao_lib.shortlist import _stored

D = dt.date.fromisoformat
STORED = D("2024-12-31")        # a year end the combined database stores the pool on
LIVE = D("2024-06-30")          # not stored: computed from the records
R4 = "四级主任科员"


# ------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def con(prefecture_con):
    """The two counties combined (conftest)."""
    return prefecture_con


@pytest.fixture(scope="module")
def own(county_own):
    """Each county's records alone, under its own (recorded) rules; no stored pool there."""
    return county_own


@pytest.fixture
def live(monkeypatch):
    """Within a test using it, once called, the shortlist never reads the stored pool."""
    def use_records():
        monkeypatch.setattr(_stored, "current", lambda con, as_of: False)
    return use_records


def _same(sliced: pd.DataFrame, alone: pd.DataFrame) -> None:
    """Equal frames, row order and dtypes included (each list orders its rows)."""
    pd.testing.assert_frame_equal(sliced.reset_index(drop=True), alone.reset_index(drop=True), check_exact=True)


def _given(c, code: str, as_of: dt.date) -> dict:
    """What the calls below are given for county ``code``, read from its own database ``c``: a
    一推 list (every other candidate; persons of the county who are no candidate: the first key,
    and an active one not qualified — one whose quota is full first, so the reasons name the
    county's quota where the records hold such a person; the same key in the other county, and
    an unknown id), the unit of its first candidate, and the suggested persons as a what-if's
    promotions."""
    whole = sl.shortlist(c, as_of=as_of)
    other = "b" if code == "a" else "a"
    outsider = c.execute("select min(person_id) from persons where not list_contains(?, person_id)",
                         [whole["person_id"].tolist()]).fetchall()[0][0]
    judged = pipeline.eligibility(c, as_of=as_of)
    judged = judged[~judged["qualified"] & judged["next_rank"].notna()]
    unqualified = judged.sort_values("reasons", key=lambda r: ~r.str.contains("职数已满"), kind="stable")["person_id"]
    return {"ids": [*whole["person_id"].iloc[::2], outsider, unqualified.iloc[0], f"{other}:{outsider.split(':')[1]}",
                    f"{code}:无此人"],
            "unit": whole["unit_id"].iloc[0],
            "promoted": whole.loc[whole["suggested"], "person_id"].tolist()}


# Every shortlist function taking counties=: (connection, as_of, given, **counties) → frame.
ANALYSES = {
    "shortlist": lambda c, d, g, **k: sl.shortlist(c, as_of=d, unmasked=True, **k),
    "shortlist_one_rank_masked": lambda c, d, g, **k: sl.shortlist(c, as_of=d, rank=R4, **k),
    "shortlist_one_unit": lambda c, d, g, **k: sl.shortlist(c, as_of=d, units=g["unit"], unmasked=True, **k),
    "shortlist_recommended": lambda c, d, g, **k: sl.shortlist(c, as_of=d, recommendations=g["ids"], **k),
    "summary": lambda c, d, g, **k: sl.shortlist_summary(c, as_of=d, **k),
    "summary_one_rank": lambda c, d, g, **k: sl.shortlist_summary(c, as_of=d, rank=R4, **k),
    "summary_recommended": lambda c, d, g, **k: sl.shortlist_summary(c, as_of=d, recommendations=g["ids"], **k),
    "check_recommendations": lambda c, d, g, **k: sl.check_recommendations(
        c, as_of=d, recommendations=g["ids"], unmasked=True, **k),
    "what_if": lambda c, d, g, **k: sl.what_if(c, as_of=d, promotions=g["promoted"], **k),
}


# ------------------------------------------------------------------------------ the slice

@pytest.mark.parametrize("as_of", [STORED, LIVE], ids=["stored", "live"])
@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_a_county_slice_is_what_the_countys_own_records_give(con, own, name, as_of):
    assert _stored.current(con, as_of) == (as_of == STORED)        # the combined file stores it
    assert not _stored.current(own["a"], as_of)                     # the county alone: records
    analysis = ANALYSES[name]
    for code in ("a", "b"):
        given = _given(own[code], code, as_of)
        assert given["promoted"]                                    # a what-if of someone
        sliced = analysis(con, as_of, given, counties=[code])
        alone = analysis(own[code], as_of, given)
        assert len(alone) > 0                                       # the comparison is not vacuous
        _same(sliced, alone)
        assert sliced.attrs == alone.attrs


def test_the_stored_pool_and_the_records_give_a_county_the_same_list(con, live):
    stored = {code: (sl.shortlist(con, as_of=STORED, unmasked=True, counties=code),
                     sl.shortlist_summary(con, as_of=STORED, counties=code)) for code in ("a", "b")}
    live()
    assert not _stored.current(con, STORED)
    for code, (whole, summary) in stored.items():
        _same(sl.shortlist(con, as_of=STORED, unmasked=True, counties=code), whole)
        _same(sl.shortlist_summary(con, as_of=STORED, counties=code), summary)


def test_a_county_competes_for_its_own_places(con, own):
    # the synthetic counties set their quotas over the whole jurisdiction only: on the combined
    # database they are in county_quotas, so without a county no place is known and nobody is
    # suggested; a county's slice suggests against its own places
    whole = sl.shortlist(con, as_of=STORED)
    assert len(whole) and not whole["suggested"].any() and whole["quota"].isna().all()
    for code in ("a", "b"):
        sliced = sl.shortlist(con, as_of=STORED, counties=code)
        assert sliced["suggested"].any() and sliced["quota"].notna().any()
        assert sliced["person_id"].str.startswith(f"{code}:").all()
        # the same candidates as in the whole database's list, each with the same measures
        mine = whole[whole["person_id"].str.startswith(f"{code}:")]
        assert sorted(mine["person_id"]) == sorted(sliced["person_id"])
        cols = ["person_id", "heavy_years", "frontline_months", "left_leadership", "excellent_years",
                "tenure_months", "age", "retirement_date"]
        _same(sliced[cols].sort_values("person_id"), mine[cols].sort_values("person_id"))


def test_an_unknown_county_has_nobody(con):
    assert sl.shortlist(con, as_of=STORED, counties="zz").empty
    assert sl.shortlist_summary(con, as_of=STORED, counties="zz").empty
    assert sl.check_recommendations(con, as_of=STORED, recommendations=["a:P000001"],
                                    counties="zz")["reasons"].tolist() == ["人员编号不存在"]


def test_a_what_if_with_another_countys_person_is_refused_as_the_county_refuses_it(con, own):
    # a's first two suggested persons and a person of b: on the combined database b's person
    # exists, but not in a's slice, as not in a's own database
    first, second = _given(own["a"], "a", STORED)["promoted"][:2]
    theirs = con.execute("select min(person_id) from persons where starts_with(person_id, 'b:')").fetchall()[0][0]
    promoted = [first, second, theirs]
    assert len(sl.what_if(con, as_of=STORED, promotions=promoted))        # without a county: a what-if
    with pytest.raises(QingmiaoError) as sliced:
        sl.what_if(con, as_of=STORED, promotions=promoted, counties="a")
    with pytest.raises(QingmiaoError) as alone:
        sl.what_if(own["a"], as_of=STORED, promotions=promoted)
    assert str(sliced.value) == str(alone.value) and "人员编号不存在" in str(alone.value)


# ------------------------------------------------------------------------------ refused

def _calls(c, counties):
    return (lambda: sl.shortlist(c, as_of=STORED, counties=counties),
            lambda: sl.shortlist_summary(c, as_of=STORED, counties=counties),
            lambda: sl.check_recommendations(c, as_of=STORED, recommendations=["x"], counties=counties),
            lambda: sl.what_if(c, as_of=STORED, promotions=[], counties=counties))


def test_several_counties_at_once_are_refused(con):
    # each county's places are its own: one competition per county, asked county by county
    for counties in (["a", "b"], []):
        for call in _calls(con, counties):
            with pytest.raises(QingmiaoError, match="一次只能看一个县") as raised:
                call()
            assert "\n" not in str(raised.value)


def test_a_countys_own_database_refuses_the_county(demo_db):
    c = qm.connect(demo_db, read_only=True)
    try:
        for call in _calls(c, "a"):
            with pytest.raises(QingmiaoError, match="合并") as raised:
                call()
            assert "\n" not in str(raised.value)
        assert len(sl.shortlist(c, as_of=STORED)) > 0               # without: as before
    finally:
        c.close()


# ------------------------------------------------------------------------------ by hand

def _county(path: Path, candidates: list[tuple[str, str, str, str]], holders: list[tuple[str, str]],
            quotas: list[tuple[str | None, int]]) -> Path:
    """A county's database checked on 2024-12-31: 一级科员 (id, unit, birth date, since) graded 称职
    for 2023 (since 2019-01-01: 71 months ≥ 36, qualified for 四级主任科员),
    holders of 四级主任科员 since 2024-01-01 (id, unit), and the 2024 quotas of 四级主任科员 (unit
    or None for the whole jurisdiction, max). Units U1 (市直机关) and U2."""
    c = qm.connect(path, create=True)
    db = Fixture(c)
    db.add("units", unit_id="U2")
    for pid, unit, birth, since in candidates:
        db.add("persons", person_id=pid, birth_date=D(birth), entry_date=D("2010-07-01"))
        db.add("ranks", person_id=pid, rank="一级科员", start_date=D(since))
        db.add("posts", person_id=pid, unit_id=unit, start_date=D("2019-01-01"))
        db.add("annual_assessments", person_id=pid, year=2023, grade="称职")
    for pid, unit in holders:
        db.add("persons", person_id=pid, entry_date=D("2010-07-01"))
        db.add("ranks", person_id=pid, rank=R4, start_date=D("2024-01-01"))
        db.add("posts", person_id=pid, unit_id=unit, start_date=D("2010-07-01"))
    for unit, most in quotas:
        db.add("quotas", year=2024, unit_id=unit, rank=R4, max_count=most)
    qm.db.set_meta(c, data_from=2019, data_to=2024)
    c.close()
    return path


def test_the_places_by_hand(tmp_path):
    # county x: candidates P1 (U1, born 1980), P2 (U1, 1982), P3 (U2, 1984); H1 holds 四级主任科员
    #   in U1; quotas 2024: 四级主任科员 over the jurisdiction 3 (3 − 1 = 2 places), in U1 2
    #   (2 − 1 = 1 place). Every criterion equal but age (older first): P1, P2, P3. U1's one place
    #   goes to P1, so P2 is stopped by its unit; of those passing (P1, P3) the first 2 are suggested.
    # county y: the same keys, other persons: candidate P1 (U1, born 1990); H1, H2 hold 四级主任科员;
    #   quota over the jurisdiction 2 (2 − 2 = 0 places): P1 is an alternate. P9, 一级科员 only since
    #   2023-01-01 (23 months < 36), is no candidate; checked as recommended, its reasons name y's
    #   full quota (2 holders, 2) — and no quota on the combined database without a county.
    # Without a county the combined database has no jurisdiction quota: only x:U1's unit quota
    #   (1 place: x:P1); x:P3 and y:P1 have no quota at all, so are ordered, not suggested.
    since = "2019-01-01"
    x = _county(tmp_path / "x.duckdb", [("P1", "U1", "1980-01-01", since), ("P2", "U1", "1982-01-01", since),
                                        ("P3", "U2", "1984-01-01", since)], [("H1", "U1")], [(None, 3), ("U1", 2)])
    y = _county(tmp_path / "y.duckdb", [("P1", "U1", "1990-01-01", since), ("P9", "U1", "1990-01-01", "2023-01-01")],
                [("H1", "U1"), ("H2", "U1")], [(None, 2)])
    out = tmp_path / "p.duckdb"
    combine.combine(out, [x, y])
    cols = ["person_id", "position", "suggested", "quota", "holders", "places", "unit_quota", "unit_places",
            "status"]
    c = qm.connect(out, read_only=True)
    try:
        rows = {code: sl.shortlist(c, as_of=STORED, counties=code) for code in ("x", "y")}
        got = {code: df[cols].astype(object).where(df[cols].notna(), None).values.tolist() for code, df in rows.items()}
        assert got["x"] == [
            ["x:P1", 1, True, 3, 1, 2, 2, 1, "建议人选"],
            ["x:P2", 2, False, 3, 1, 2, 2, 1, "备选：测试单位四级主任科员职数空缺1个，由本单位排序在前者使用"],
            ["x:P3", 3, True, 3, 1, 2, None, None, "建议人选"]]
        assert got["y"] == [["y:P1", 1, False, 2, 2, 0, None, None, "备选：全辖区四级主任科员职数空缺0个，由排序在前者使用"]]
        both = sl.shortlist(c, as_of=STORED)
        assert both[["person_id", "suggested"]].values.tolist() == [
            ["x:P1", True], ["x:P2", False], ["x:P3", False], ["y:P1", False]]
        head = ["unit_id", "unit_name", "quota", "holders", "places", "candidates", "suggested", "alternates"]
        summary = sl.shortlist_summary(c, as_of=STORED, counties="x")
        assert summary[head].astype(object).where(summary[head].notna(), None).values.tolist() == [
            [None, "全辖区", 3, 1, 2, 3, 2, 1], ["x:U1", "测试单位", 2, 1, 1, 2, 1, 1]]
        # x's what-if: promoting P1 and P3 fills the jurisdiction (2 places) and U1 (1 place)
        after = sl.what_if(c, as_of=STORED, promotions=["x:P1", "x:P3"], counties="x")
        cols = ["unit_id", "rank", "quota", "holders_after", "places_after"]
        assert after[cols].astype(object).where(after[cols].notna(), None).values.tolist() == [
            [None, R4, 3, 3, 0], ["x:U1", R4, 2, 2, 0]]
        for code in ("x", "y"):
            with combine.county_connection(c, code) as alone:
                _same(rows[code], sl.shortlist(alone, as_of=STORED))
                _same(sl.shortlist_summary(c, as_of=STORED, counties=code), sl.shortlist_summary(alone, as_of=STORED))
        with combine.county_connection(c, "x") as alone:
            _same(after, sl.what_if(alone, as_of=STORED, promotions=["x:P1", "x:P3"]))
        # y's 一推 checked: P9 fails the tenure, and y's quota is full; x's P1 is not y's (in y: unknown)
        checked = sl.check_recommendations(c, as_of=STORED, recommendations=["y:P9", "x:P1", "y:P1"], counties="y")
        assert checked[["person_id", "reasons"]].values.tolist() == [
            ["y:P9", "任现职级1年11个月，需满3年；职数已满（四级主任科员现有2人，职数2）"], ["x:P1", "人员编号不存在"]]
        assert sl.check_recommendations(c, as_of=STORED, recommendations=["y:P9"])["reasons"].tolist() == [
            "任现职级1年11个月，需满3年"]
        with combine.county_connection(c, "y") as alone:
            _same(checked, sl.check_recommendations(alone, as_of=STORED, recommendations=["y:P9", "x:P1", "y:P1"]))
    finally:
        c.close()
