"""practice_outcomes (training/practice_outcomes.sql) without a person × stratum join: each
person's peer years and each promotion's years as ranges of posting years P (J(d) = the last year
whose 1 July is before d), promoted peers as year masks per person. Checked here edge by edge by
hand, and against the direct definition (every person joined with every stratum of the cohort,
an EXISTS over the promotions — the query before the rewrite, kept below as the reference) on
generated persons whose dates crowd the boundaries: 30 June / 1 July / 2 July, month ends,
29 February, windows that are not whole years, a cohort whose posting years span over 64 years.
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import sql, training

D = dt.date.fromisoformat

#: The definition before the rewrite: peers as (stratum, person) rows, promotions by EXISTS.
REFERENCE = """
with
people as (
    select person_id, entry_date, exit_date, entry_cohort
    from training_people($as_of::date)
    where training_in_slice(person_id, unit_id, unit_kind, entry_cohort, $units, $counties, $unit_kinds,
                            $cohorts)
),
first_posting as (
    select person_id, min(start_date) as first_start
    from practices
    where start_date <= $as_of::date
    group by person_id
),
promotions as (
    select person_id, start_date from ranks
    where reason = '晋升' and start_date <= $as_of::date
    union all
    select person_id, start_date from training_leadership_steps($as_of::date)
),
practised as (
    select p.person_id, p.entry_cohort, year(f.first_start) as posting_year,
           exists (
               select 1 from promotions as r
               where r.person_id = p.person_id and r.start_date > f.first_start
                 and r.start_date <= f.first_start + to_months($window_months::integer)
           ) as promoted,
    from people as p
    join first_posting as f using (person_id)
    where f.first_start + to_months($window_months::integer) <= $as_of::date
),
strata as (
    select entry_cohort, posting_year,
           make_date(posting_year, 7, 1) as ref,
           count(*) as practised,
           count(*) filter (where promoted) as practised_promoted,
    from practised
    group by entry_cohort, posting_year
    having make_date(posting_year, 7, 1) + to_months($window_months::integer) <= $as_of::date
),
peers as (
    select s.entry_cohort, s.posting_year, p.person_id,
           exists (
               select 1 from promotions as r
               where r.person_id = p.person_id and r.start_date > s.ref
                 and r.start_date <= s.ref + to_months($window_months::integer)
           ) as promoted,
    from strata as s
    join people as p
      on p.entry_cohort = s.entry_cohort
     and active_on(p.entry_date, p.exit_date, s.ref)
    left join first_posting as f using (person_id)
    where f.first_start is null or f.first_start > s.ref + to_months($window_months::integer)
),
peer_strata as (
    select entry_cohort, posting_year,
           count(*) as peers,
           count(*) filter (where promoted) / count(*) as peer_rate,
    from peers
    group by entry_cohort, posting_year
),
joined as (
    select s.entry_cohort, s.practised, s.practised_promoted,
           coalesce(ps.peers, 0) as peers, ps.peer_rate,
    from strata as s
    left join peer_strata as ps using (entry_cohort, posting_year)
),
by_cohort as (
    select
        entry_cohort,
        sum(practised)::bigint as practised,
        sum(practised_promoted)::bigint as practised_promoted,
        sum(peers)::bigint as peers,
        sum(practised * peer_rate) filter (where peer_rate is not null)
            / sum(practised) filter (where peer_rate is not null) as peer_rate,
    from joined
    group by grouping sets ((entry_cohort), ())
),
final as (
    select
        entry_cohort::integer as entry_cohort,
        practised, practised_promoted,
        practised_promoted / practised as practised_rate,
        peers, peer_rate,
        practised_promoted / practised - peer_rate as difference,
    from by_cohort
)
select * from final
order by entry_cohort nulls last;
"""


def _params(as_of, window_months, units=None, unit_kinds=None, cohorts=None, counties=None) -> dict:
    return {"as_of": as_of, "window_months": window_months, "units": units,
            "unit_kinds": unit_kinds, "cohorts": cohorts, "counties": counties}


def _both(con, **kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    qm.db.install_all(con)  # both run as SQL of the test's own
    p = _params(**kw)
    new = con.execute(sql.load("training/practice_outcomes"), p).df()
    ref = con.execute(REFERENCE, p).df()
    return new, ref


def _person(db, pid, entry, exit=None, unit="U1"):
    db.add("persons", person_id=pid, entry_date=D(entry), exit_date=D(exit) if exit else None)
    db.add("posts", person_id=pid, unit_id=unit, level="无", start_date=D(entry))


# ---------------------------------------------------------------------------------------------
# by hand: stratum (cohort 2015, P = 2019), 1 July 2019 .. 1 July 2021, as_of 2023-06-30


@pytest.fixture
def boundaries(db):
    # X: the practised, posted 2019-03-01, promoted 2020-01-01 (in (t, t + 2 years]) → 1/1
    _person(db, "X", "2015-03-01")
    db.add("practices", person_id="X", program="驻村帮扶", start_date=D("2019-03-01"))
    db.add("ranks", person_id="X", rank="一级科员", start_date=D("2020-01-01"))
    # peers (cohort 2015, active on 2019-07-01, no posting on or before 2021-07-01):
    _person(db, "A", "2015-07-01")                                   # peer, never promoted
    _person(db, "C", "2015-07-01", exit="2019-07-01")                # left ON 1 July: no peer
    _person(db, "E", "2015-07-01", exit="2019-07-02")                # left a day later: peer
    _person(db, "F", "2015-07-01")                                   # posted ON 2021-07-01: no peer
    db.add("practices", person_id="F", program="千万工程", start_date=D("2021-07-01"))
    _person(db, "G", "2015-07-01")                                   # posted a day later: peer
    db.add("practices", person_id="G", program="千万工程", start_date=D("2021-07-02"))
    _person(db, "H", "2015-07-01")                                   # promoted ON 1 July 2019: not
    db.add("ranks", person_id="H", rank="一级科员", start_date=D("2019-07-01"))
    _person(db, "I", "2015-07-01")                                   # promoted ON 1 July 2021: yes
    db.add("ranks", person_id="I", rank="一级科员", start_date=D("2021-07-01"))
    _person(db, "K", "2015-07-01")                                   # a day after the window: not
    db.add("ranks", person_id="K", rank="一级科员", start_date=D("2021-07-02"))
    _person(db, "L", "2015-07-01")                                   # twice in the window: once
    db.add("ranks", person_id="L", rank="一级科员", start_date=D("2019-08-01"))
    db.add("ranks", person_id="L", rank="四级主任科员", start_date=D("2021-01-01"))
    _person(db, "M", "2015-07-01")                                   # an appointment: promoted
    db.add("posts", person_id="M", unit_id="U1", level="乡科级副职", start_date=D("2020-05-01"))
    _person(db, "N", "2015-07-01")                                   # 定级, not a promotion: not
    db.add("ranks", person_id="N", rank="一级科员", start_date=D("2020-05-01"), reason="定级")
    return db


def test_boundaries_by_hand(boundaries):
    con = boundaries.con
    out = training.practice_outcomes(con, as_of=D("2023-06-30"))
    row = out[out["entry_cohort"] == 2015].iloc[0]
    # peers A E G H I K L M N = 9; promoted I L M = 3
    assert (row["practised"], row["practised_promoted"], row["peers"]) == (1, 1, 9)
    assert row["peer_rate"] == pytest.approx(3 / 9)
    new, ref = _both(con, as_of=D("2023-06-30"), window_months=24)
    pd.testing.assert_frame_equal(new, ref)


def test_entry_on_the_reference_day(db):
    # cohort 2018, posted in its entry year: P = 2018; entry ON 2018-07-01 is active that day
    _person(db, "X", "2018-01-02")
    db.add("practices", person_id="X", program="驻村帮扶", start_date=D("2018-02-01"))
    _person(db, "A", "2018-07-01")
    _person(db, "B", "2018-07-02")
    db.add("ranks", person_id="A", rank="一级科员", start_date=D("2019-07-01"))
    out = training.practice_outcomes(db.con, as_of=D("2023-12-31"))
    row = out[out["entry_cohort"] == 2018].iloc[0]
    assert (row["peers"], row["peer_rate"]) == (1, 1.0)


def test_an_appointment_between_1_july_and_the_earliest_posting(db):
    # the only posting starts 2019-09-01, the peers' window 2019-07-01: A's appointment on
    # 2019-08-01 is before every posting yet counts for the peers of 2019
    _person(db, "X", "2015-03-01")
    db.add("practices", person_id="X", program="驻村帮扶", start_date=D("2019-09-01"))
    _person(db, "A", "2015-07-01")
    db.add("posts", person_id="A", unit_id="U1", level="乡科级副职", start_date=D("2019-08-01"))
    out = training.practice_outcomes(db.con, as_of=D("2023-12-31"))
    row = out[out["entry_cohort"] == 2015].iloc[0]
    assert (row["practised_promoted"], row["peers"], row["peer_rate"]) == (0, 1, 1.0)
    new, ref = _both(db.con, as_of=D("2023-12-31"), window_months=24)
    pd.testing.assert_frame_equal(new, ref)


# ---------------------------------------------------------------------------------------------
# against the reference on generated persons


_EDGES = ["06-30", "07-01", "07-02", "01-01", "12-31", "02-28", "03-31", "08-31"]


def _date(rng, lo, hi):
    year = rng.randint(lo, hi)
    if rng.random() < 0.6:
        md = rng.choice(_EDGES + (["02-29"] if year % 4 == 0 else []))
        return D(f"{year}-{md}")
    return D(f"{year}-01-01") + dt.timedelta(days=rng.randint(0, 364))


def _generate(db, seed, n=120, wide=False):
    rng = random.Random(seed)
    used = set()

    def add(table, **row):   # one row a (table, person, start date): the tables' primary keys
        key = (table, row["person_id"], row["start_date"])
        if key not in used:
            used.add(key)
            db.add(table, **row)

    db.add("units", unit_id="U2", kind="乡镇街道")
    for i in range(n):
        pid = f"P{i:03d}"
        entry = _date(rng, 2008, 2016)
        exit = _date(rng, entry.year + 1, 2024) if rng.random() < 0.4 else None
        if exit is not None and exit <= entry:
            exit = None
        unit = rng.choice(["U1", "U2"])
        db.add("persons", person_id=pid, entry_date=entry, exit_date=exit)
        add("posts", person_id=pid, unit_id=unit, level="无", start_date=entry)
        if rng.random() < 0.4:
            for _ in range(rng.choice([1, 1, 2])):
                add("practices", person_id=pid, program="驻村帮扶",
                       start_date=_date(rng, max(entry.year, 2010), 2023))
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            add("ranks", person_id=pid, rank="一级科员", start_date=_date(rng, entry.year, 2024),
                   reason=rng.choice(["晋升", "晋升", "定级"]))
        if rng.random() < 0.3:
            add("posts", person_id=pid, unit_id=unit, level=rng.choice(["乡科级副职", "乡科级正职"]),
                   start_date=_date(rng, entry.year + 1, 2024))
    if wide:
        # one cohort (1950) whose posting years run from 1951 to 2022: strata 71 years apart
        for i, (posted, promoted) in enumerate([("1951-03-01", "1952-01-01"), ("1990-07-02", "1991-07-01"),
                                                 ("2016-02-29", "2017-07-02"), ("2021-12-31", "2023-07-01")]):
            pid = f"W{i}"
            db.add("persons", person_id=pid, entry_date=D("1950-07-01"), birth_date=D("1930-01-01"))
            db.add("posts", person_id=pid, unit_id="U1", level="无", start_date=D("1950-07-01"))
            db.add("practices", person_id=pid, program="驻村帮扶", start_date=D(posted))
            db.add("ranks", person_id=pid, rank="一级科员", start_date=D(promoted))
        for i in range(6):
            pid = f"V{i}"
            db.add("persons", person_id=pid, entry_date=D("1950-01-01"), birth_date=D("1930-01-01"),
                   exit_date=D(f"{1960 + 12 * i}-07-0{1 + i % 2}"))
            db.add("posts", person_id=pid, unit_id="U2", level="无", start_date=D("1950-01-01"))
            for y in range(1951, 2024, 3 + i):
                db.add("ranks", person_id=pid, rank="一级科员", start_date=D(f"{y}-07-0{1 + y % 2}"))
        # a peer of every stratum, promoted in the windows of 1990, 2016 and 2021 (bits 39, 65, 70)
        db.add("persons", person_id="V9", entry_date=D("1950-01-01"), birth_date=D("1930-01-01"))
        db.add("posts", person_id="V9", unit_id="U2", level="无", start_date=D("1950-01-01"))
        for day in ("1991-01-01", "2017-03-01", "2022-07-01"):
            db.add("ranks", person_id="V9", rank="一级科员", start_date=D(day))


_CASES = [
    {"as_of": D("2023-12-31"), "window_months": 24},
    {"as_of": D("2023-12-31"), "window_months": 12},
    {"as_of": D("2023-12-31"), "window_months": 120},
    {"as_of": D("2023-06-30"), "window_months": 24},
    {"as_of": D("2022-07-01"), "window_months": 36},
    {"as_of": D("2024-02-29"), "window_months": 18},    # not a whole number of years
    {"as_of": D("2023-12-31"), "window_months": 7},
    {"as_of": D("2020-12-31"), "window_months": 24},
    {"as_of": D("2023-12-31"), "window_months": 24, "units": ["U2"]},
    {"as_of": D("2023-12-31"), "window_months": 24, "unit_kinds": ["市直机关"]},
    {"as_of": D("2023-12-31"), "window_months": 24, "cohorts": [2010, 2012]},
    {"as_of": D("2023-12-31"), "window_months": 24, "cohorts": [2011], "units": ["U1"]},
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_the_reference(db, seed):
    _generate(db, seed)
    for case in _CASES:
        new, ref = _both(db.con, **case)
        assert len(ref) > 1 or case.get("cohorts"), case
        pd.testing.assert_frame_equal(new, ref, check_exact=False, rtol=1e-12, obj=str(case))


def test_posting_years_over_64_years_apart_match_the_reference(db):
    _generate(db, 4, n=40, wide=True)
    for case in _CASES[:6]:
        new, ref = _both(db.con, **case)
        assert 1950 in set(ref["entry_cohort"].dropna()), case
        pd.testing.assert_frame_equal(new, ref, check_exact=False, rtol=1e-12, obj=str(case))
