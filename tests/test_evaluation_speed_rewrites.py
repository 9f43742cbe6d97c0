"""quarterly_trend (sql/evaluation/quarterly_trend*.sql) works out the grades text, counts, first
and last grade, change and declines once per distinct combination of the four quarter masks; only
the persons and their combination's number go through the sort, and the columns are taken by that
number in Python. Checked against the per-person computation (the query before the
rewrite, kept below as the reference) on generated grades — gaps, leavers, recruits, persons with
the same grades — over short and 15-year ranges and slices, and by hand for persons sharing masks.
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import _query, sql
from qingmiao_lib import evaluation as ev

D = dt.date.fromisoformat


@pytest.fixture
def con(con):
    """The empty database with every area macro made: this module calls them in its own SQL."""
    qm.db.install_all(con)
    return con


GRADES = ["好", "较好", "一般", "较差"]

#: The definition before the rewrite: every column computed per person.
REFERENCE = """
with
masked as (
    select * from eval_quarter_masks($first_year, $year, $as_of, $units, null, $age_group, $young,
                                     $cohorts)
),
smeared as (
    -- the lowest set bit of m, and m with its highest set bit smeared down (counted next)
    select *, bit_count(xor(m, m - 1::ubigint))::integer - 1 as i_first,
           m | (m >> 1::ubigint) | (m >> 2::ubigint) | (m >> 3::ubigint) as s,
    from (select *, m0 | m1 | m2 | m3 as m, from masked)
    where m <> 0
),
smeared2 as (
    select * replace (s | (s >> 4::ubigint) | (s >> 8::ubigint) | (s >> 12::ubigint) as s), from smeared
),
ends as (
    select person_id, name, unit_id, m0, m1, m2, m3, m, i_first,
           bit_count(s | (s >> 16::ubigint) | (s >> 32::ubigint) | (s >> 48::ubigint))::integer - 1 as i_last,
    from smeared2
),
ranks as (
    select *,
           case when (m0 >> i_first::ubigint) & 1::ubigint = 1 then 0
                when (m1 >> i_first::ubigint) & 1::ubigint = 1 then 1
                when (m2 >> i_first::ubigint) & 1::ubigint = 1 then 2 else 3 end as first_rank,
           case when (m0 >> i_last::ubigint) & 1::ubigint = 1 then 0
                when (m1 >> i_last::ubigint) & 1::ubigint = 1 then 1
                when (m2 >> i_last::ubigint) & 1::ubigint = 1 then 2 else 3 end as last_rank,
    from ends
)
select person_id, name, unit_id, bit_count(m)::bigint as quarters,
       array_to_string(list_transform(
           list_filter(range(i_first, i_last + 1), lambda i: (m >> i::ubigint) & 1::ubigint = 1),
           lambda i: case when (m0 >> i::ubigint) & 1::ubigint = 1 then '好'
                          when (m1 >> i::ubigint) & 1::ubigint = 1 then '较好'
                          when (m2 >> i::ubigint) & 1::ubigint = 1 then '一般' else '较差' end),
           '→') as grades,
       bit_count(m0)::bigint as good, bit_count(m1)::bigint as fairly_good,
       bit_count(m2)::bigint as ordinary, bit_count(m3)::bigint as poor,
       enum_range(null::quarter_grade)[first_rank + 1]::quarter_grade as first_grade,
       enum_range(null::quarter_grade)[last_rank + 1]::quarter_grade as last_grade,
       (first_rank - last_rank)::integer as change,
       (bit_count(m1 & (m0 << 1::ubigint)) + bit_count(m2 & (m0 << 1::ubigint))
        + bit_count(m3 & (m0 << 1::ubigint)) + bit_count(m2 & (m1 << 1::ubigint))
        + bit_count(m3 & (m1 << 1::ubigint)) + bit_count(m3 & (m2 << 1::ubigint)))::bigint as declines,
from ranks
order by change, declines desc, person_id;
"""


def _person(db, pid, entry, exit=None, born="1990-01-01", unit="U1"):
    db.add("persons", person_id=pid, name=pid, entry_date=D(entry), birth_date=D(born),
           exit_date=D(exit) if exit else None)
    db.add("posts", person_id=pid, unit_id=unit, start_date=D(entry), end_date=D(exit) if exit else None)


def _quarters(db, pid, grades, first=(2022, 1)):
    """grades in quarter order from ``first``; None = no grade that quarter."""
    year, quarter = first
    for g in grades:
        if g is not None:
            db.add("regular_assessments", person_id=pid, year=year, quarter=quarter, grade=g)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def test_persons_with_the_same_grades_share_one_computation(db):
    # A and B: 好 较好 — 一般 (a gap in Q3 2022), then nothing; C the same grades but active from
    # 2023 only (its 2022 grades are cut); D: 一般 once.
    for pid in ("A", "B"):
        _person(db, pid, "2015-07-01")
        _quarters(db, pid, ["好", "较好", None, "一般"])
    _person(db, "C", "2023-01-01")
    _quarters(db, "C", ["好", "较好", None, "一般", "较差"])
    _person(db, "D", "2015-07-01")
    _quarters(db, "D", ["一般"])
    out = ev.quarterly_trend(db.con, year=2023).set_index("person_id")
    assert out.loc["A", "grades"] == out.loc["B", "grades"] == "好→较好→一般"
    assert tuple(out.loc["A", ["quarters", "change", "declines"]]) == (3, -2, 1)
    assert (out.loc["C", "grades"], out.loc["C", "first_grade"], out.loc["C", "change"]) == ("较差", "较差", 0)
    assert out.loc["D", "grades"] == "一般"
    # order: change, declines (most first), person
    assert out.index.tolist() == ["A", "B", "C", "D"]


def _generate(db, seed, n=150):
    rng = random.Random(seed)
    db.add("units", unit_id="U2", kind="乡镇街道")
    patterns = [[rng.choice(GRADES + [None]) for _ in range(rng.randint(1, 12))] for _ in range(12)]
    for i in range(n):
        pid = f"P{i:03d}"
        entry = D(f"{rng.randint(2006, 2023)}-{rng.choice(['01-01', '03-15', '07-01', '12-31'])}")
        exit = None
        if rng.random() < 0.2:
            exit = D(f"{rng.randint(entry.year + 1, 2024)}-{rng.choice(['01-01', '01-02', '06-30'])}")
        _person(db, pid, entry.isoformat(), exit.isoformat() if exit else None,
                born=f"{rng.randint(1965, 2000)}-05-01", unit=rng.choice(["U1", "U2"]))
        if rng.random() < 0.5:   # a shared pattern: persons with equal masks
            grades = rng.choice(patterns)
            start = (rng.choice([2021, 2022]), 1)
        else:
            grades = [rng.choice(GRADES + [None, None]) for _ in range(rng.randint(0, 70))]
            start = (rng.randint(2006, 2023), rng.randint(1, 4))
        _quarters(db, pid, grades, first=start)


_CASES = [
    {"year": 2023, "first_year": 2022},
    {"year": 2023, "first_year": 2023},
    {"year": 2021, "first_year": 2020},
    {"year": 2023, "first_year": 2009},          # 15 years: the whole 60 bits
    {"year": 2024, "first_year": 2015},
    {"year": 2023, "first_year": 2022, "units": ["U2"]},
    {"year": 2023, "first_year": 2020, "young": True},
    {"year": 2023, "first_year": 2022, "young": False},
    {"year": 2022, "first_year": 2021, "cohorts": 2015},
]


def _new(db, p):
    # the public function: masks, combinations and persons in three statements, joined in Python
    return ev.quarterly_trend(db.con, year=p["year"], first_year=p["first_year"], units=p["units"],
                              age_group=p["age_group"], young=p["young"], cohorts=p["cohorts"])


def _reference(db, p):
    # the one-query definition, its text (grades too) as the one text dtype the function gives
    ref = db.con.execute(REFERENCE, p).df()
    return ref.astype({c: _query.TEXT for c in ref.columns
                       if isinstance(ref[c].dtype, pd.CategoricalDtype | pd.StringDtype)
                       or pd.api.types.is_object_dtype(ref[c].dtype)})


@pytest.mark.parametrize("seed", [1, 2])
def test_matches_the_per_person_reference(db, seed):
    _generate(db, seed)
    for case in _CASES:
        p = {"year": case["year"], "first_year": case["first_year"], "as_of": D(f"{case['year']}-12-31"),
             "units": case.get("units"), "age_group": None, "young": case.get("young"),
             "cohorts": None if case.get("cohorts") is None else [case["cohorts"]]}
        new, ref = _new(db, p), _reference(db, p)
        assert len(ref) > 0, case
        pd.testing.assert_frame_equal(new, ref, obj=str(case))


def test_age_group_slice_matches_the_reference(db):
    _generate(db, 3)
    group = ev.age_groups(db.con)[1]
    p = {"year": 2023, "first_year": 2021, "as_of": D("2023-12-31"), "units": None,
         "age_group": group, "young": None, "cohorts": None}
    new, ref = _new(db, p), _reference(db, p)
    assert len(ref) > 0
    pd.testing.assert_frame_equal(new, ref)


def test_the_masks_of_a_slice_are_those_of_its_persons_among_all(db):
    # a person's masks do not depend on the slice asked for: a slice's rows are the rows of the
    # whole jurisdiction whose persons are in the slice (whichever way the macro gets them)
    _generate(db, 4)
    con = db.con
    everyone = ("select m.* from eval_quarter_masks($o, $y, $as_of, null, null, null, null, null) as m "
                "semi join (select person_id from eval_slice($as_of, $u, null, $a, $yg, $c) where active) "
                "using (person_id) order by person_id")
    sliced = "select * from eval_quarter_masks($o, $y, $as_of, $u, null, $a, $yg, $c) order by person_id"
    group = ev.age_groups(con)[2]
    for o, y in [(2022, 2023), (2009, 2023)]:
        for u, a, yg, c in [(["U2"], None, None, None), (None, group, None, None),
                            (None, None, True, None), (None, None, None, [2015]),
                            (["U1"], None, False, None)]:
            p = {"o": o, "y": y, "as_of": D(f"{y}-12-31"), "u": u, "a": a, "yg": yg, "c": c}
            want = con.execute(everyone, p).fetchall()
            assert want and con.execute(sliced, p).fetchall() == want, p


# ---------------------------------------------------------------------------------------------
# the quarter masks from the stored table quarter_masks (the last 16 data years, shifted)


_STORED_CASES = _CASES + [
    {"year": 2024, "first_year": 2024},
    {"year": 2023, "first_year": 2022, "units": ["U1"], "young": True},
]


def _answers(con):
    out = {}
    for case in _STORED_CASES:
        kw = {k: v for k, v in case.items()}
        out["trend", str(case)] = ev.quarterly_trend(con, **kw)
        out["declines", str(case)] = ev.quarterly_declines(con, **kw)
    return out


@pytest.mark.parametrize("seed", [5, 6])
def test_stored_quarter_masks_give_the_records_answers(db, seed):
    import qingmiao_lib as qm
    _generate(db, seed)
    live = _answers(db.con)
    # the stored years end with the last data year: a range starting a year before them is read
    # from the records
    last = db.con.execute(sql.load("figures/data_years")).fetchall()[0][1]
    base = last - qm.db.QUARTER_MASK_YEARS + 1
    early = {"year": base + 1, "first_year": base - 1}
    early_live = ev.quarterly_trend(db.con, **early)
    assert not ev._quarters_stored(db.con, 2022, 2023)
    qm.db.refresh_snapshots(db.con)
    assert int(db.scalar("select value from meta where key = 'quarter_masks_base'")) == base
    assert ev._quarters_stored(db.con, 2022, 2023) and ev._quarters_stored(db.con, base, last)
    assert not ev._quarters_stored(db.con, base - 1, last) and not ev._quarters_stored(db.con, base, last + 1)
    stored = _answers(db.con)
    for key, want in live.items():
        assert len(want) or key[0] == "declines", key
        pd.testing.assert_frame_equal(stored[key], want, obj=str(key))
    assert not ev._quarters_stored(db.con, base - 1, base + 1)
    pd.testing.assert_frame_equal(ev.quarterly_trend(db.con, **early), early_live)


def test_stored_quarter_masks_fall_back_when_stale(db):
    import qingmiao_lib as qm
    _generate(db, 7)
    qm.db.refresh_snapshots(db.con)
    assert ev._quarters_stored(db.con, 2022, 2023)
    before = ev.quarterly_trend(db.con, year=2023, first_year=2022).set_index("person_id")
    # a person of the list without a grade in 2023 Q4 gets a 较差 there
    pid = db.scalar("select person_id from regular_assessments where year = 2023 and quarter = 3 and grade = '好'"
                    " except select person_id from regular_assessments where year = 2023 and quarter = 4"
                    " order by person_id limit 1")
    assert pid in before.index
    db.add("regular_assessments", person_id=pid, year=2023, quarter=4, grade="较差")
    assert not ev._quarters_stored(db.con, 2022, 2023)            # a grade added after the refresh
    after = ev.quarterly_trend(db.con, year=2023, first_year=2022).set_index("person_id")
    assert after.loc[pid, "grades"] == before.loc[pid, "grades"] + "→较差"
    assert after.loc[pid, "last_grade"] == "较差" and after.loc[pid, "declines"] == before.loc[pid, "declines"] + 1
    qm.db.refresh_snapshots(db.con)
    assert ev._quarters_stored(db.con, 2022, 2023)
    pd.testing.assert_frame_equal(ev.quarterly_trend(db.con, year=2023, first_year=2022).set_index("person_id"),
                                  after)
