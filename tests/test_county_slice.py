"""The county as a slice and a dimension of every analysis (issue 23, item 2): on a combined
database ``counties=[code]`` answers what that county's own records give
(``combine.county_connection``), ``by="county"`` splits a count into the counties' own counts,
and a county's own database refuses both (its keys carry no county)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import combine, evaluation, figures, pipeline, structure, training
from qingmiao_lib.errors import QingmiaoError

D = dt.date.fromisoformat
AS_OF = D("2023-12-31")
YEAR = 2023


# ------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def con(prefecture_con):
    """The two counties combined (conftest)."""
    return prefecture_con


@pytest.fixture(scope="module")
def own(county_own):
    """Each county's records alone, under its own (recorded) rules."""
    return county_own


def _same(sliced: pd.DataFrame, alone: pd.DataFrame) -> None:
    """Equal frames, whatever the order of the rows."""
    assert list(sliced.columns) == list(alone.columns)

    def norm(df):
        return df.sort_values(list(df.columns), ignore_index=True) if len(df) else df.reset_index(drop=True)

    pd.testing.assert_frame_equal(norm(sliced), norm(alone), check_dtype=False, check_categorical=False)


# Every analysis taking a slice: (connection, filters) → frame.
ANALYSES = {
    "headcount": lambda c, **k: structure.headcount(c, as_of=AS_OF, by=["gender", "unit_kind"], **k),
    "funnel": lambda c, **k: pipeline.funnel(c, as_of=AS_OF, **k),
    "time_to_promotion": lambda c, **k: pipeline.time_to_promotion(c, as_of=AS_OF, min_at_risk=1, **k),
    "age_pyramid": lambda c, **k: structure.age_pyramid(c, as_of=AS_OF, **k),
    "roster": lambda c, **k: structure.roster(c, as_of=AS_OF, **k),
    "unit_comparison": lambda c, **k: structure.unit_comparison(c, as_of=AS_OF, **k),
    "bench_strength": lambda c, **k: structure.bench_strength(c, as_of=AS_OF, **k),
    "over_time": lambda c, **k: structure.over_time(c, first_year=2019, last_year=YEAR, by="rank", **k),
    "pool_dynamics": lambda c, **k: structure.pool_dynamics(c, first_year=2019, last_year=YEAR, **k),
    "coverage_matrix": lambda c, **k: training.coverage_matrix(c, year=YEAR, by="unit", **k),
    "gap_list": lambda c, **k: training.gap_list(c, year=YEAR, **k),
    "mentor_load": lambda c, **k: training.mentor_load(c, as_of=AS_OF, **k),
    "coverage_trend": lambda c, **k: training.coverage_trend(c, first_year=2021, last_year=YEAR, **k),
    "hours_totals": lambda c, **k: training.hours_totals(c, year=YEAR, **k),
    "lecture_groups": lambda c, **k: training.lecture_groups(c, year=YEAR, by="unit_kind", **k),
    "practice_share": lambda c, **k: training.practice_share(c, as_of=AS_OF, by="entry_cohort", **k),
    "practice_outcomes": lambda c, **k: training.practice_outcomes(c, as_of=AS_OF, **k),
    "in_service": lambda c, **k: training.in_service(c, year=YEAR, **k),
    "class_person_times": lambda c, **k: training.class_person_times(c, first_year=2021, last_year=YEAR,
                                                                     **k),
    "grade_distribution": lambda c, **k: evaluation.grade_distribution(c, year=YEAR, by="age_group", **k),
    "excellent_share": lambda c, **k: evaluation.excellent_share(c, year=YEAR, **k),
    "quarterly_trend": lambda c, **k: evaluation.quarterly_trend(c, year=YEAR, **k),
    "streaks": lambda c, **k: evaluation.streaks(c, year=YEAR, **k),
    "merits": lambda c, **k: evaluation.merits(c, year=YEAR, first_year=2012, **k),
    "quarterly_declines": lambda c, **k: evaluation.quarterly_declines(c, year=YEAR, first_year=2016,
                                                                       **k),
    "quarterly_distribution": lambda c, **k: evaluation.quarterly_distribution(c, year=YEAR, **k),
    "early_warnings": lambda c, **k: evaluation.early_warnings(c, as_of=AS_OF, **k),
    "eligibility": lambda c, **k: pipeline.eligibility(c, as_of=AS_OF, within_months=12, **k),
    "eligibility_counts": lambda c, **k: pipeline.eligibility_counts(c, as_of=AS_OF, **k),
    "leadership_screening": lambda c, **k: pipeline.leadership_screening(c, as_of=AS_OF, **k),
    "people": lambda c, **k: pipeline.people(c, as_of=AS_OF, **k),
    "headline": lambda c, **k: figures.headline(c, year=YEAR, **k),
}


# ------------------------------------------------------------------------------ the slice

@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_a_county_slice_is_what_the_countys_own_records_give(con, own, name):
    analysis = ANALYSES[name]
    for code in ("a", "b"):
        sliced = analysis(con, counties=[code])
        alone = analysis(own[code])
        assert len(alone) > 0                            # the comparison is not vacuous
        _same(sliced, alone)


def test_the_eligibility_of_a_county_is_judged_against_its_own_jurisdiction_quota(con, own):
    # the demo sets quotas over each county's whole jurisdiction: the slice reads them from
    # county_quotas and counts the holders in the county, as the county's own database does
    quotas = con.execute("select count(*) from county_quotas where year = 2023").fetchone()[0]
    assert quotas > 0
    sliced = pipeline.eligibility(con, as_of=AS_OF, counties="a")
    assert sliced["quota_max"].notna().any()
    _same(sliced, pipeline.eligibility(own["a"], as_of=AS_OF))


def test_every_county_together_is_the_whole_database(con):
    for name in ("headcount", "roster", "grade_distribution", "gap_list", "headline"):
        _same(ANALYSES[name](con, counties=["a", "b"]), ANALYSES[name](con))


def test_a_county_filter_combines_with_the_other_filters(con, own):
    _same(structure.headcount(con, as_of=AS_OF, by="generation", counties="b", genders="女", young=True),
          structure.headcount(own["b"], as_of=AS_OF, by="generation", genders="女", young=True))
    _same(training.coverage_matrix(con, year=YEAR, counties="a", unit_kinds="乡镇街道"),
          training.coverage_matrix(own["a"], year=YEAR, unit_kinds="乡镇街道"))


def test_an_unknown_county_has_nobody(con):
    assert structure.headcount(con, as_of=AS_OF, counties="zz")["persons"].tolist() == [0]
    assert pipeline.eligibility(con, as_of=AS_OF, counties="zz").empty


# ------------------------------------------------------------------------------ the dimension

def test_headcount_by_county_is_each_countys_own_headcount(con, own):
    by = structure.headcount(con, as_of=AS_OF, by="county")
    assert by["county"].tolist() == ["a", "b"]
    for code in ("a", "b"):
        alone = structure.headcount(own[code], as_of=AS_OF)["persons"].item()
        assert by.loc[by["county"] == code, "persons"].item() == alone
    assert by["persons"].sum() == structure.headcount(con, as_of=AS_OF)["persons"].item()


def test_headcount_by_county_and_another_dimension_splits_each_county(con, own):
    by = structure.headcount(con, as_of=AS_OF, by=["county", "gender"])
    for code in ("a", "b"):
        alone = structure.headcount(own[code], as_of=AS_OF, by="gender")
        _same(by[by["county"] == code].drop(columns="county"), alone)


def test_over_time_by_county_sums_to_the_total(con):
    by = structure.over_time(con, first_year=2020, last_year=YEAR, by="county")
    total = structure.over_time(con, first_year=2020, last_year=YEAR)
    assert by.groupby("year")["persons"].sum().tolist() == total["persons"].tolist()


def test_grade_distribution_by_county_is_each_countys_own(con, own):
    by = evaluation.grade_distribution(con, year=YEAR, by="county")
    for code in ("a", "b"):
        alone = evaluation.grade_distribution(own[code], year=YEAR)
        mine = by[by["group_key"] == code]
        assert mine["grade"].tolist() == alone["grade"].tolist()
        assert mine["persons"].tolist() == alone["persons"].tolist()
        assert mine["graded"].tolist() == alone["graded"].tolist()


def test_coverage_and_lectures_by_county_are_each_countys_total(con, own):
    for analysis in (lambda c, **k: training.coverage_matrix(c, year=YEAR, **k),
                     lambda c, **k: training.lecture_groups(c, year=YEAR, **k),
                     lambda c, **k: training.practice_share(c, as_of=AS_OF, **k)):
        by = analysis(con, by="county")
        assert sorted(set(by["group_id"])) == ["a", "b"]
        for code in ("a", "b"):
            alone = analysis(own[code], by="total")
            mine = by[by["group_id"] == code].drop(columns=["group_id", "group_name"])
            _same(mine, alone.drop(columns=["group_id", "group_name"]))


# ------------------------------------------------------------------------------ a county's own

def test_a_countys_own_database_refuses_the_county(demo_db):
    c = qm.connect(demo_db, read_only=True)
    try:
        for call in (lambda: structure.headcount(c, as_of=AS_OF, counties="a"),
                     lambda: structure.headcount(c, as_of=AS_OF, by="county"),
                     lambda: training.coverage_matrix(c, year=YEAR, counties=["a"]),
                     lambda: training.coverage_matrix(c, year=YEAR, by="county"),
                     lambda: evaluation.grade_distribution(c, year=YEAR, by="county"),
                     lambda: evaluation.excellent_share(c, year=YEAR, counties="a"),
                     lambda: pipeline.eligibility(c, as_of=AS_OF, counties="a"),
                     lambda: figures.headline(c, year=YEAR, counties="a")):
            with pytest.raises(QingmiaoError, match="合并"):
                call()
        assert structure.headcount(c, as_of=AS_OF)["persons"].item() > 0   # without: as before
    finally:
        c.close()


# ------------------------------------------------------------------------------ by hand

def _tiny(path: Path, persons: list[tuple[str, str]]) -> Path:
    c = qm.connect(path, create=True)
    c.execute("insert into units values ('U1', '测试单位', '市直机关', null)")
    for pid, gender in persons:
        c.execute("insert into persons (person_id, name, gender, birth_date, education, entry_date) "
                  "values ($id, '张小明', $g, date '1990-01-01', '本科', date '2015-07-01')",
                  {"id": pid, "g": gender})
    qm.db.set_meta(c, data_from=2023, data_to=2023)
    c.close()
    return path


def test_two_persons_with_one_key_in_two_counties(tmp_path):
    # county x: P1 (男); county y: P1 (女) — the same key, two persons; on 2023-12-31 both are
    # active, so x has 1 (男), y has 1 (女), together 2.
    out = tmp_path / "p.duckdb"
    combine.combine(out, [_tiny(tmp_path / "x.duckdb", [("P1", "男")]),
                          _tiny(tmp_path / "y.duckdb", [("P1", "女")])])
    c = qm.connect(out, read_only=True)
    try:
        assert structure.headcount(c, as_of=AS_OF)["persons"].item() == 2
        x = structure.headcount(c, as_of=AS_OF, by="gender", counties="x")
        assert x[["gender", "persons"]].values.tolist() == [["男", 1]]
        y = structure.roster(c, as_of=AS_OF, counties=["y"])
        assert y["person_id"].tolist() == ["y:P1"]
        by = structure.headcount(c, as_of=AS_OF, by=["county", "gender"])
        assert by[["county", "gender", "persons"]].values.tolist() == [["x", "男", 1], ["y", "女", 1]]
    finally:
        c.close()
