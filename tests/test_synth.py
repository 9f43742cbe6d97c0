"""The simulated demo county obeys the rules file it was built with: invariants checked on a
small demo database (300 persons), plus reproducibility from the seed."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import demo2k_copy

import qingmiao_lib as qm
from qingmiao_lib import synth
from qingmiao_lib.synth.names import _DEPARTMENTS, _STATIONS, unit_names
from qingmiao_lib.synth.params import Params
from qingmiao_lib.synth.units import TITLES, Units


@pytest.fixture(scope="module")
def con(demo_db):
    c = qm.connect(demo_db)
    yield c
    c.close()


def count(con, query: str) -> int:
    return con.execute(query).fetchall()[0][0]


def test_every_table_has_rows(con):
    for table in qm.db.TABLES:
        assert count(con, f"select count(*) from {table}") > 0, table  # noqa: S608 (allowlist)


def test_ranks_and_posts_do_not_overlap_for_one_person(con):
    for table in ("ranks", "posts"):
        overlaps = count(con, f"""
            select count(*) from {table} as a join {table} as b
              on a.person_id = b.person_id and a.start_date < b.start_date
             and (a.end_date is null or a.end_date > b.start_date)""")  # noqa: S608
        assert overlaps == 0, table


def test_every_rank_promotion_is_one_step_and_obeys_the_ladder(con):
    # 晋升 rows: the previous rank is exactly one step below, held the ladder's minimum
    # (less 6 months per 优秀 year, or tenure in an equivalent post) — at least 1 year here
    rows = con.execute("""
        with r as (
            select person_id, start_date, rr.step,
                   lag(rr.step) over w as prev_step, lag(start_date) over w as prev_start
            from ranks join rule_ranks as rr using (rank)
            window w as (partition by person_id order by start_date)
        )
        select count(*) filter (where prev_step is not null and step - prev_step <> 1),
               count(*) filter (where prev_step is not null),
               max(step)
        from r join ranks using (person_id, start_date) where reason = '晋升'
    """).fetchall()[0]
    bad_steps, checked, top = rows
    assert checked > 0 and bad_steps == 0
    ceiling = count(con, "select step from rule_ranks where rank = rule_txt('promotion.ceiling')")
    assert top <= ceiling


def test_initial_grade_follows_education(con):
    wrong = count(con, """
        select count(*) from ranks join persons using (person_id)
        join rule_initial_grade as g using (education)
        where ranks.reason = '定级' and ranks.rank <> g.rank""")
    assert count(con, "select count(*) from ranks where reason = '定级'") > 0
    assert wrong == 0


def test_no_promotion_while_a_sanction_is_in_effect(con):
    blocked = count(con, """
        select count(*) from ranks as r join supervision as s using (person_id)
        where r.reason = '晋升' and s.kind in ('诫勉', '组织处理', '处分')
          and s.held_on <= r.start_date and s.effective_until > r.start_date""")
    assert blocked == 0


def test_events_fall_within_service_and_within_the_simulated_years(con):
    for table, col in (("trainings", "start_date"), ("practices", "start_date"),
                       ("special_tasks", "started_on"), ("rewards", "awarded_on"),
                       ("supervision", "held_on"), ("ranks", "start_date")):
        outside = count(con, f"""
            select count(*) from {table} as t join persons as p using (person_id)
            where t.{col} < p.entry_date or (p.exit_date is not null and t.{col} >= p.exit_date)
               or t.{col} > date '2025-12-31'""")  # noqa: S608
        assert outside == 0, table
    assert count(con, "select count(*) from persons where party_join_date > date '2025-12-31'") == 0


def test_annual_grades_only_for_active_years_and_probation_is_ungraded(con):
    assert count(con, """
        select count(*) from annual_assessments as a join persons as p using (person_id)
        where make_date(a.year, 12, 31) < p.entry_date
           or (p.exit_date is not null and make_date(a.year, 1, 1) >= p.exit_date)""") == 0
    # a recruit still on probation on 31 December (entered that year) is 不定等次
    assert count(con, """
        select count(*) from annual_assessments as a join persons as p using (person_id)
        where p.entry_channel in ('考试录用', '选调生') and year(p.entry_date) = a.year
          and a.grade <> '不定等次'""") == 0


def test_same_seed_same_county_other_seed_similar_not_identical(tmp_path, demo_db):
    again = synth.build(tmp_path / "again.duckdb", persons=300, seed=7, progress=False)
    other = synth.build(tmp_path / "other.duckdb", persons=300, seed=8, progress=False)
    figs = {}
    for name, path in (("first", demo_db), ("again", again), ("other", other)):
        c = qm.connect(path)
        figs[name] = qm.figures.headline_json(c, year=2023)
        c.close()
    assert figs["first"] == figs["again"]
    assert figs["first"] != figs["other"]
    names = {}
    for label, path in (("first", demo_db), ("again", again), ("other", other)):
        with qm.connect(path) as c:
            names[label] = c.execute("select list(name order by unit_id) from units").fetchall()[0][0]
    assert names["first"] == names["again"] and names["first"] != names["other"]
    # similar: the young pool of two 300-person counties differs by less than half
    a, b = figs["first"]["F1"]["value"], figs["other"]["F1"]["value"]
    assert abs(a - b) < 0.5 * max(a, b)


def test_build_refuses_to_overwrite_and_leaves_nothing_behind(tmp_path):
    path = tmp_path / "county.duckdb"
    path.write_bytes(b"not a database")
    with pytest.raises(qm.QingmiaoError, match="--force"):
        synth.build(path, persons=300, progress=False)
    assert path.read_bytes() == b"not a database"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county.duckdb"]


def test_default_demo_lands_near_the_article(demo2k_built, tmp_path):
    # the acceptance of the foundation issue: at the default seed and scale, every 2023 count
    # within ±15% (or ±2) of the article's, every share within 6 points
    from qingmiao_lib.figures import ARTICLE

    c = qm.connect(demo2k_copy(demo2k_built, tmp_path))      # synth.build at the default size and seed
    got = qm.figures.headline_json(c, year=2023)
    c.close()
    for code, (value, share) in ARTICLE.items():
        assert abs(got[code]["value"] - value) <= max(2, 0.15 * value), (code, got[code])
        if share is not None:
            assert abs(got[code]["share"] - share) <= 0.06, (code, got[code])


# ---------------------------------------------------------------------------------------------
# statutory retirement (rules [retirement], the 2024 reform): the demo retires people on the date
# the library's one SQL definition gives (outlook/retirement.sql) from 2025
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def county_2025(tmp_path_factory):
    """A 1,000-person county: enough retirements in 2025 on both schedules, delays included."""
    path = synth.build(tmp_path_factory.mktemp("retire") / "county.duckdb", persons=1000, seed=3,
                       progress=False)
    c = qm.connect(path)
    qm.outlook.install_macros(c)
    yield c
    c.close()


def test_demo_retires_on_the_statutory_date_from_2025(county_2025):
    # the level of the main post held on the last day of service decides the 县处级 rule
    rows = county_2025.execute("""
        with retired as (
            select p.person_id, p.birth_date, p.gender, p.exit_date,
                   (select max({'step': rl.step, 'level': po.level}).level
                    from posts as po join rule_levels as rl on rl.level = po.level
                    where po.person_id = p.person_id
                      and covers(po.start_date, po.end_date, p.exit_date - 1)) as level,
            from persons as p
            where p.exit_reason = '退休' and p.exit_date >= date '2025-01-01'
        )
        select person_id, gender::varchar as gender, birth_date, level::varchar as level, exit_date,
               retirement_date(birth_date, gender, retirement_county_level(level)) as statutory,
               retirement_age_months(birth_date, gender, retirement_county_level(level)) as months,
        from retired
    """).df()
    assert len(rows) >= 10
    wrong = rows[rows["exit_date"] != rows["statutory"]]
    assert wrong.empty, wrong.to_string()
    # the reform is visible: both genders retire, at delayed ages (the original ages are whole years)
    assert set(rows["gender"]) == {"男", "女"} and (rows["months"] % 12 > 0).any()


def test_no_active_person_is_past_the_statutory_date_at_the_end(county_2025):
    past = county_2025.execute("""
        select c.person_id, c.gender, c.birth_date, po.level,
               retirement_date(c.birth_date, c.gender, retirement_county_level(po.level)) as statutory
        from person_core(date '2025-12-31') as c
        left join person_post(date '2025-12-31') as po using (person_id)
        where c.active
          and retirement_date(c.birth_date, c.gender, retirement_county_level(po.level))
              <= date '2025-12-31'
    """).df()
    assert past.empty, past.to_string()
    assert count(county_2025, """
        select count(*) from person_core(date '2025-12-31') where active""") > 900


def test_simulation_retirement_date_is_the_sql_definition(con):
    # Rules.retirement_date (numpy, the simulation) against retirement_date (SQL, the analyses):
    # every fourth day of birth 1963–1983, both genders, every post level
    from qingmiao_lib.rules import LEVELS
    from qingmiao_lib.synth.calendar import day
    from qingmiao_lib.synth.model import Rules

    qm.outlook.install_macros(con)
    rules = Rules.from_dict(qm.rules.load(None))
    births = np.arange(day(1963), day(1984), 4, dtype=np.int32)
    for female in (False, True):
        for code, level in enumerate(LEVELS):
            got = rules.retirement_date(births, np.full(len(births), female),
                                        np.full(len(births), code, dtype=np.int8))
            want = con.execute("""
                select list((retirement_date(date '1970-01-01' + b, ?, retirement_county_level(?))
                             - date '1970-01-01')::integer order by i)
                from (select unnest(?::integer[]) as b, generate_subscripts(?::integer[], 1) as i)
            """, ["女" if female else "男", level, births.tolist(), births.tolist()]).fetchall()[0][0]
            assert got.tolist() == want, (female, level)


# ---------------------------------------------------------------------------------------------
# unit names: each once, realistic, at any scale (unit generation only)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("persons", [2_000, 200_000, 1_000_000])
def test_unit_names_are_unique_and_never_numbered(persons):
    units = Units(Params(persons=persons), np.random.default_rng(51))
    names = list(units.name)
    n = round(persons / 20)  # Params.persons_per_unit
    assert len(names) == n and len(set(names)) == n  # unique across the county
    assert not [x for x in names if re.search(r"[0-9０-９（）()]", x)]  # no 市委组织部（2）, no 青石镇2
    assert names.count("市委组织部") == 1
    depts = [x for x, k in zip(names, units.kind, strict=True) if k == 0]
    assert depts[:len(_DEPARTMENTS)] == list(_DEPARTMENTS)  # each organ of the county once
    towns = [x for x, k in zip(names, units.kind, strict=True) if k == 1]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}(镇|乡|街道)", x) for x in towns), towns[:5]
    assert "城关街道" in towns or not any(x.endswith("街道") for x in towns)  # the usual names first
    # beyond the list: the organs' stations, named after the county's own townships first
    stations = depts[len(_DEPARTMENTS):]
    assert len(stations) == n - 1 - len(towns) - len(_DEPARTMENTS)
    host = re.compile("(.+?)(" + "|".join(_STATIONS) + ")")
    hosts = [host.fullmatch(x)[1] for x in stations]
    first = min(len(towns), len(stations))
    assert hosts[:first] == towns[:first] and set(hosts) <= set(towns)  # 青石镇司法所, 青石镇财政所 …
    assert [x for x in stations if x.endswith("司法所")] == [t + "司法所" for t in towns][:len(stations)]


def test_a_ten_thousand_unit_county_has_plausible_township_names():
    units = Units(Params(persons=200_000), np.random.default_rng(3))
    towns = units.name[units.kind == 1]
    assert len(towns) == round(9_999 * 0.16)  # Params.township_unit_share of the units but one
    two = np.mean([len(x) == 3 and x.endswith(("镇", "乡")) for x in towns])
    assert 0.6 < two < 0.95  # mostly two-character places (青石镇), some three (石门口乡)
    bases = [x.removesuffix("街道").removesuffix("镇").removesuffix("乡") for x in towns]
    assert len(set(bases)) == len(bases)  # never 青石镇 beside 青石乡


def test_township_posts_follow_the_kind_of_township():
    units = Units(Params(persons=200_000), np.random.default_rng(3))
    for i in np.flatnonzero(units.kind == 1)[:300]:
        secretary, chief = (TITLES[c] for c in units.town_titles[i][:2])
        name = units.name[i]
        want = {"镇": ("党委书记", "镇长"), "乡": ("党委书记", "乡长"),
                "街道": ("党工委书记", "办事处主任")}[re.search("(镇|乡|街道)$", name)[1]]
        assert (secretary, chief) == want, name
    station = int(np.flatnonzero(np.char.endswith(units.name.astype(str), "司法所"))[0])
    assert (TITLES[units.head_title[station]], TITLES[units.deputy_title[station]]) == ("所长", "副所长")


def test_unit_names_draw_what_earlier_versions_drew():
    # the rest of the county stays the same draw for draw: two integer and two uniform draws per
    # township on the shared generator, the place names from a generator spawned from it
    kinds = np.array([2] + [1] * 37 + [0] * 150)
    a, b = np.random.default_rng(9), np.random.default_rng(9)
    unit_names(a, kinds)
    b.integers(0, 34, 37), b.integers(0, 34, 37), b.random(37), b.random(37)
    assert a.random() == b.random()
    assert list(unit_names(np.random.default_rng(9), kinds)) == list(unit_names(np.random.default_rng(9), kinds))
    assert list(unit_names(np.random.default_rng(9), kinds)) != list(unit_names(np.random.default_rng(10), kinds))
