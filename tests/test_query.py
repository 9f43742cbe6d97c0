"""The query layer (qingmiao_lib._query): one slice spelling for every area, one dtype policy.

The stored/live choice of the same layer is tested in tests/test_stored.py.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import qingmiao_lib as qm
from qingmiao_lib import _query, evaluation, figures, pipeline, structure, training
from qingmiao_lib._query import TEXT, Slice

D = dt.date


# ---------------------------------------------------------------------------------------------
# the slice


def test_slice_params_one_spelling():
    # one value or several, lists bound as lists; flags as booleans; nothing given → all None
    got = Slice.of({"units": "U1", "unit_kinds": ["乡镇街道", "其他"], "cohorts": [2015, "2016"],
                    "young": 1, "genders": None}).params()
    assert got == {"units": ["U1"], "counties": None, "unit_kinds": ["乡镇街道", "其他"], "genders": None,
                   "educations": None, "cohorts": [2015, 2016], "pool": None, "young": True,
                   "first_five": None, "age_group": None}
    assert all(v is None for v in Slice.of({}).params().values())
    # the county: one code or several, bound as a list; an empty code names no county
    assert Slice.of({"counties": "A"}).params()["counties"] == ["A"]
    assert Slice.of({"counties": ("A", "B")}).counties == ("A", "B")
    with pytest.raises(ValueError, match="county code"):
        Slice.of({"counties": ["A", ""]})


def test_old_spellings_are_deprecated_aliases():
    with pytest.warns(DeprecationWarning, match="unit_kind= is now spelt unit_kinds=") as caught:
        old = Slice.of({"unit_kind": "乡镇街道", "gender": "女", "education": "本科", "entry_cohort": 2015})
    assert len(caught) == 4
    assert old == Slice(unit_kinds=("乡镇街道",), genders=("女",), educations=("本科",), cohorts=(2015,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # an old name left at None says nothing
        assert Slice.of({"unit_kind": None, "units": ["U1"]}) == Slice(units=("U1",))


def test_slice_refusals():
    with pytest.raises(TypeError, match="unknown filter"):
        Slice.of({"unit": "U1"})
    with pytest.raises(TypeError, match="unknown filter"):                # not allowed here
        Slice.of({"units": "U1"}, ("pool", "genders"))
    with pytest.raises(TypeError, match="given twice"), pytest.warns(DeprecationWarning):
        Slice.of({"unit_kinds": "其他", "unit_kind": "其他"})
    with pytest.raises(ValueError, match="unit_kind must be among"):
        Slice.of({"unit_kinds": "县直机关"})
    with pytest.raises(ValueError, match="pool must be one of"):
        Slice.of({"pool": "后备干部库"})


@pytest.fixture(scope="module")
def county(demo_db):
    con = qm.connect(demo_db)
    yield con
    con.close()


def test_old_spellings_answer_as_the_new(county):
    day = D(2023, 12, 31)
    pairs = [
        (lambda **k: structure.headcount(county, as_of=day, by="gender", **k),
         {"unit_kind": "乡镇街道", "entry_cohort": [2015, 2016]}, {"unit_kinds": "乡镇街道", "cohorts": [2015, 2016]}),
        (lambda **k: structure.roster(county, as_of=day, **k), {"gender": "女", "education": "本科"},
         {"genders": "女", "educations": "本科"}),
        (lambda **k: structure.pool_dynamics(county, first_year=2020, last_year=2023, **k),
         {"gender": "男"}, {"genders": "男"}),
        (lambda **k: structure.bench_strength(county, as_of=day, **k), {"unit_kind": "乡镇街道"},
         {"unit_kinds": "乡镇街道"}),
        (lambda **k: evaluation.grade_distribution(county, year=2023, by="unit", **k),
         {"entry_cohort": 2015}, {"cohorts": 2015}),
        (lambda **k: evaluation.quarterly_trend(county, year=2023, **k), {"entry_cohort": 2015}, {"cohorts": [2015]}),
    ]
    for call, old, new in pairs:
        with pytest.warns(DeprecationWarning):
            before = call(**old)
        pd.testing.assert_frame_equal(before, call(**new))
        assert len(before) > 0, old


def test_cohorts_take_several_years_in_evaluation(county):
    # a list of entry years is the union of its years: counts add up
    one = [evaluation.grade_distribution(county, year=2023, cohorts=y) for y in (2014, 2015)]
    both = evaluation.grade_distribution(county, year=2023, cohorts=[2014, 2015])
    assert both["persons"].tolist() == (one[0]["persons"] + one[1]["persons"]).tolist()


# ---------------------------------------------------------------------------------------------
# one dtype policy


def test_text_and_enums_as_the_one_text_dtype():
    # text with a NULL, an enum (dictionary) with a NULL: both TEXT, NaN where NULL
    table = pa.table({"t": pa.array(["甲", None, "乙"]),
                      "e": pa.array(["好", None, "好"]).dictionary_encode(),
                      "n": pa.array([1, None, 3], pa.int32())})
    df = _query.to_pandas(table)
    assert df["t"].dtype == TEXT and df["e"].dtype == TEXT
    assert df["t"].isna().tolist() == [False, True, False] and df["e"].tolist()[0] == "好"
    assert np.isnan(df["e"].tolist()[1])
    assert str(df["n"].dtype) == "Int32"
    # declared: a categorical, an enum's names in their order (not sorted)
    enum = pa.DictionaryArray.from_arrays(pa.array([1, 0, None], pa.int8()), pa.array(["较好", "好"]))
    cat = _query.to_pandas(pa.table({"g": enum}), categories=["g"])["g"]
    assert list(cat.cat.categories) == ["较好", "好"] and cat.tolist()[:2] == ["好", "较好"]
    assert cat.isna().tolist() == [False, False, True]


def test_every_area_gives_text_as_one_dtype(county):
    day = D(2023, 12, 31)
    frames = {
        "headcount": structure.headcount(county, as_of=day, by=["unit_kind", "gender", "rank"]),
        "roster": structure.roster(county, as_of=day),
        "pyramid": structure.age_pyramid(county, as_of=day),
        "comparison": structure.unit_comparison(county, as_of=day),
        "gaps": structure.bench_gaps(county, as_of=day),
        "coverage": training.coverage_matrix(county, year=2023, by="unit"),
        "gap list": training.gap_list(county, year=2023, statuses=None),
        "in service": training.in_service(county, year=2023),
        "lectures": training.lecture_groups(county, year=2023),
        "grades": evaluation.grade_distribution(county, year=2023, by="unit_kind"),
        "trend": evaluation.quarterly_trend(county, year=2023),
        "warnings": evaluation.warning_counts(evaluation.early_warnings(county, as_of=day)),
        "history": evaluation.grade_history(county, year=2023),
        "eligibility": pipeline.eligibility(county, as_of=day),
        "events": pipeline.promotion_events(county, first_year=2020, last_year=2023),
        "funnel": pipeline.funnel(county, as_of=day),
        "headline": figures.headline(county, year=2023),
    }
    for name, df in frames.items():
        for col in df.columns:
            kind = df[col].dtype
            if pd.api.types.is_object_dtype(kind):   # only dates held as date objects
                assert all(isinstance(v, dt.date) for v in df[col].dropna()), (name, col)
            assert not isinstance(kind, pd.CategoricalDtype), (name, col)
            if pd.api.types.is_string_dtype(kind) and not pd.api.types.is_object_dtype(kind):
                assert kind == TEXT, (name, col, kind)
        assert any(df[c].dtype == TEXT for c in df.columns), name


def test_steady_remembers_the_rules_for_its_block_only(con):
    # default rules: young age 40 (general.young_age_limit), year end 31 December
    assert _query.rules(con).young_limit == 40
    assert _query.year_end(con, 2024) == dt.date(2024, 12, 31)
    with _query.steady(con):
        first = _query.rules(con)
        con.execute("update rule_params set num = 35 where name = 'general.young_age_limit'")
        con.execute("update rule_params set txt = '06-30' where name = 'general.year_end'")
        assert _query.rules(con) is first and first.young_limit == 40     # remembered in the block
        with _query.steady(con):                                          # a nested block shares it
            assert _query.rules(con) is first
    # after the block, the connection's rules as they are now: 35, 30 June
    assert _query.rules(con).young_limit == 35
    assert _query.year_end(con, 2024) == dt.date(2024, 6, 30)
    # the Python year_end agrees with the SQL macro it stands for
    assert _query.year_end(con, 2023) == con.execute("select year_end(2023)").fetchall()[0][0]


# ---------------------------------------------------------------------------------------------
# the base layer on one path


def test_every_read_of_the_pointer_is_on_the_querys_as_of():
    # run() points person_snapshot_at at the path $as_of needs (stored rows or live); that is
    # right only if every query reads it — directly or through eval_slice / eval_quarter_masks —
    # on its own $as_of, and the macros pass their own as_of parameter on
    import re
    from importlib import resources
    root = resources.files("qingmiao_lib").joinpath("sql")
    calls = 0
    for path in sorted(Path(str(root)).rglob("*.sql")):
        text = "\n".join(line.split("--")[0] for line in path.read_text("utf-8").splitlines())
        for match in re.finditer(rf"(macro\s+)?\b({'|'.join(_query.AT_AS_OF)})\(([^()]*)\)", text):
            if match.group(1):                      # a definition, not a call
                continue
            calls += 1
            day = match.group(3).split(",")[_query.AT_AS_OF[match.group(2)]].strip()
            assert day in ("$as_of", "$as_of::date", "as_of", "as_of::date"), (path.name, match.group(0))
            if day.startswith("as_of"):             # a macro's own parameter, inside a macro of the list
                assert path.stem in ("slice", "quarter_masks", "obligations"), (path.name, match.group(0))
    assert calls >= 20


def test_the_pointer_reads_the_stored_rows_only_on_a_stored_date(county):
    # the stored rows of 31 December 2023 changed in place: an analysis on that date reads them
    # (the stored path), one on 30 December (not stored) computes from the records; between
    # queries the pointer rests on the live path
    con = county
    end, before = D(2023, 12, 31), D(2023, 12, 30)
    assert _query.stored_on(con, end) and not _query.stored_on(con, before)
    live = con.execute("select count(*) from person_snapshot_at(?) where active", [end]).fetchall()[0][0]
    assert structure.headcount(con, as_of=end)["persons"].sum() == live
    con.execute("create temp table snapshots as select * from main.snapshots")
    try:
        con.execute("update temp.snapshots set active = false where snapshot_date = ?", [end])
        # every row of the date inactive: the stored path counts no one, the live one everyone
        assert structure.headcount(con, as_of=end)["persons"].sum() == 0
        assert structure.headcount(con, as_of=before)["persons"].sum() > 0
        assert con.execute("select count(*) from person_snapshot_at(?) where active",
                           [end]).fetchall()[0][0] == live
    finally:
        con.execute("drop table temp.snapshots")


def test_a_steady_block_reads_a_repeated_query_once(county, monkeypatch):
    # the same file on the same values inside one steady block: one query, the same rows; on
    # other values, or outside a block, a query each time
    calls = []
    real = _query.fetch_text

    def counting(con, query, params):
        calls.append(query)
        return real(con, query, params)

    monkeypatch.setattr(_query, "fetch_text", counting)
    end = D(2023, 12, 31)

    def reads(*days):
        before = len(calls)
        frames = [pipeline.quota_usage(county, as_of=d) for d in days]
        return len(calls) - before, frames

    with _query.steady(county):
        n, (a, b) = reads(end, end)
        assert n == 1
        pd.testing.assert_frame_equal(a, b)
        assert a is not b                         # a frame each; the rows kept are read-only
        n, _ = reads(D(2023, 12, 30))
        assert n == 1
    n, _ = reads(end, end)
    assert n == 2


@pytest.mark.parametrize("rows", [3, 3_000])
def test_text_is_the_same_by_either_path(rows):
    # plain text, an ENUM (a dictionary) and several chunks: the same values and missing values,
    # one dtype, kept in Arrow
    from qingmiao_lib._dtypes import _text
    values = (["甲", None, "乙"] * rows)[:rows]
    for col in (pa.chunked_array([values]), pa.chunked_array([pa.array(values).dictionary_encode()]),
                pa.chunked_array([values[:1], values[1:]])):
        want = pd.Series(values, dtype=object).astype(TEXT)
        got = pd.Series(_text(col))
        assert got.dtype == TEXT and TEXT.storage == "pyarrow"
        pd.testing.assert_series_equal(got, want, check_names=False)


def test_a_steady_block_reads_a_query_on_an_unhashable_value_each_time(county, monkeypatch):
    # a value that cannot be a key (a list of lists) is bound and read each time, not remembered
    calls = []
    monkeypatch.setattr(_query, "_fetch", lambda con, name, params: calls.append(params) or pa.table({"x": [1]}))
    with _query.steady(county):
        for _ in range(2):
            _query.fetch(county, "structure/headcount", {"as_of": D(2023, 12, 31), "dims": [["gender"]]})
        _query.fetch(county, "structure/headcount", {"as_of": D(2023, 12, 31), "dims": ["gender"]})
        _query.fetch(county, "structure/headcount", {"as_of": D(2023, 12, 31), "dims": ["gender"]})
    assert len(calls) == 3
