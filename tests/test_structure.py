"""Cohort structure (issue 4) on a tiny hand-made county whose answers are worked out by hand,
plus reconciliation tests on the demo county.

The fixture county, seen on 2023-12-31 (ages: whole years, a birthday on the day counts):

| id | sex | born       | age | gen  | education | entry      | unit (kind)        | level      | rank         |
|----|-----|------------|-----|------|-----------|------------|--------------------|------------|--------------|
| P1 | 男  | 1990-01-01 | 33  | 90后 | 本科      | 2020-07-01 | U1 测试单位 (市直) | 无         | 一级科员     |
| P2 | 女  | 1984-01-01 | 39  | 80后 | 硕士研究生| 2010-07-01 | U2 河西镇 (乡镇)    | 乡科级副职 | 四级主任科员 |
| P3 | 男  | 1983-12-31 | 40  | 80后 | 大专      | 2005-07-01 | U2 河西镇 (乡镇)    | 乡科级正职 | 二级主任科员 |
| P4 | 女  | 2000-03-01 | 23  | 00后 | 本科      | 2023-08-01 | U'3 (市直)          | 无         | (none yet)   |
| P5 | 男  | 1970-05-05 | 53  | 70后 | 本科      | 1995-07-01, exit 2023-06-30 (U1) | — not active on 2023-12-31 |
| P6 | 女  | 1995-01-01 | 28  | 95后 | 本科      | 2024-01-01 | — not yet active |

So on 2023-12-31: active = P1–P4 (4); young (< 40) = P1, P2, P4 (P3 is exactly 40);
first five years = P1 (3y5m), P4 (5 months).
Pools: P1 年轻公务员库 [2021-01-01, open); P2 年轻公务员库 [2019-01-01, 2023-06-01) exit 提拔使用,
and 两型干部库 [2022-03-01, open); P4 年轻公务员库 [2023-09-01, open).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import structure as st

D = dt.date.fromisoformat
AS_OF = D("2023-12-31")
QUOTED_UNIT = "U'3"          # a unit id with a quote: must be bound, never pasted into SQL


@pytest.fixture
def county(db):
    db.add("units", unit_id="U2", name="河西镇", kind="乡镇街道")
    db.add("units", unit_id=QUOTED_UNIT, name="O'Brien's 局", kind="市直机关")

    def person(pid, gender, born, education, entry, exit=None, *, work=None, party=None):
        db.add("persons", person_id=pid, gender=gender, birth_date=D(born), education=education,
               entry_date=D(entry), exit_date=D(exit) if exit else None,
               work_start_date=D(work) if work else None,
               party_join_date=D(party) if party else None,
               political_status="中共党员" if party else "群众")

    person("P1", "男", "1990-01-01", "本科", "2020-07-01", work="2018-07-01", party="2012-06-01")
    person("P2", "女", "1984-01-01", "硕士研究生", "2010-07-01", work="2010-07-01", party="2005-07-01")
    person("P3", "男", "1983-12-31", "大专", "2005-07-01", work="2003-07-01")
    person("P4", "女", "2000-03-01", "本科", "2023-08-01", work="2023-08-01")
    person("P5", "男", "1970-05-05", "本科", "1995-07-01", "2023-06-30")
    person("P6", "女", "1995-01-01", "本科", "2024-01-01")
    for pid, unit, level, start, end in [
        ("P1", "U1", "无", "2020-07-01", None), ("P2", "U2", "乡科级副职", "2021-01-01", None),
        ("P3", "U2", "乡科级正职", "2020-01-01", None), ("P4", QUOTED_UNIT, "无", "2023-08-01", None),
        ("P5", "U1", "无", "1995-07-01", "2023-06-30"),
    ]:
        db.add("posts", person_id=pid, unit_id=unit, level=level, start_date=D(start),
               end_date=D(end) if end else None)
    for pid, rank, start in [("P1", "一级科员", "2022-07-01"), ("P2", "四级主任科员", "2021-01-01"),
                             ("P3", "二级主任科员", "2019-01-01")]:
        db.add("ranks", person_id=pid, rank=rank, start_date=D(start))
    for pid, pool, entered, exited, reason in [
        ("P1", "年轻公务员库", "2021-01-01", None, None),
        ("P2", "年轻公务员库", "2019-01-01", "2023-06-01", "提拔使用"),
        ("P2", "两型干部库", "2022-03-01", None, None),
        ("P4", "年轻公务员库", "2023-09-01", None, None),
    ]:
        db.add("pool_members", person_id=pid, pool=pool, entered_on=D(entered),
               exited_on=D(exited) if exited else None, exit_reason=reason)
    return db.con


def counts(df: pd.DataFrame, *cols: str) -> dict:
    """{label (or tuple of labels): persons} of a headcount frame."""
    key = cols[0] if len(cols) == 1 else list(cols)
    return {(k if len(cols) == 1 else tuple(k)): int(v)
            for k, v in df.set_index(key)["persons"].items()}


# ---------------------------------------------------------------------------------------------
# headcount


def test_headcount_total_and_attrs(county):
    df = st.headcount(county, as_of=AS_OF)
    assert df["persons"].tolist() == [4]            # P1–P4; P5 left, P6 not yet in
    assert df.attrs["as_of"] == "2023-12-31" and df.attrs["rules_version"] == qm.rules_version(county)


@pytest.mark.parametrize("by, expected", [
    # P1 33, P2 39, P3 40, P4 23
    ("age_band", {"20–24岁": 1, "30–34岁": 1, "35–39岁": 1, "40–44岁": 1}),
    # P2 born 1984 and P3 born 1983 are both 80后; order follows the generations
    ("generation", {"80后": 2, "90后": 1, "00后": 1}),
    ("gender", {"男": 2, "女": 2}),
    ("education", {"大专": 1, "本科": 2, "硕士研究生": 1}),
    ("political_status", {"中共党员": 2, "群众": 2}),
    ("entry_year", {2005: 1, 2010: 1, 2020: 1, 2023: 1}),
    ("unit", {"O'Brien's 局": 1, "测试单位": 1, "河西镇": 2}),    # by unit id: U'3, U1, U2
    ("unit_kind", {"市直机关": 2, "乡镇街道": 2}),
    ("rank", {"一级科员": 1, "四级主任科员": 1, "二级主任科员": 1, "未定职级": 1}),
    ("level", {"无": 2, "乡科级副职": 1, "乡科级正职": 1}),
    # P2 left 年轻公务员库 on 2023-06-01 and is in 两型干部库 only; P3 in no pool
    ("pool", {"年轻公务员库": 2, "两型干部库": 1, "未入库": 1}),
    ("young", {True: 3, False: 1}),                  # P3 turns 40 on 2023-12-31
    ("first_five", {True: 2, False: 2}),             # P1, P4
])
def test_headcount_by_one_dimension(county, by, expected):
    df = st.headcount(county, as_of=AS_OF, by=by)
    col = st.DIMENSIONS[by][0]
    got = counts(df, col)
    assert got == expected
    assert list(got) == list(expected)               # rows in the dimension's natural order


def test_headcount_by_two_dimensions(county):
    df = st.headcount(county, as_of=AS_OF, by=["unit_kind", "young"])
    # 市直: P1, P4 young; 乡镇: P2 young, P3 not
    assert counts(df, "unit_kind", "young") == {
        ("市直机关", True): 2, ("乡镇街道", True): 1, ("乡镇街道", False): 1}


def test_headcount_pool_on_a_date_with_both_pools(county):
    # on 2022-12-31 P2 is in both pools; P4 has not entered yet; P5 (no pool) still active
    df = st.headcount(county, as_of=D("2022-12-31"), by="pool")
    assert counts(df, "pool_status") == {"两库均在": 1, "年轻公务员库": 1, "未入库": 2}


@pytest.mark.parametrize("filters, expected", [
    ({"unit_kind": "乡镇街道"}, 2),                  # P2, P3
    ({"units": [QUOTED_UNIT]}, 1),                   # P4: a quote in a bound value
    ({"units": ["U1", "U2"]}, 3),
    ({"young": True}, 3),
    ({"young": False}, 1),
    ({"gender": "女", "education": ["本科"]}, 1),    # P4
    ({"entry_cohort": 2023}, 1),                     # P4
    ({"entry_cohort": [2005, 2010]}, 2),             # P3, P2
    ({"pool": "两型干部库"}, 1),                     # P2
    ({"pool": "年轻公务员库"}, 2),                   # P1, P4
    ({"first_five": True}, 2),
    ({"education": "本科' or '1'='1"}, 0),           # a value, not SQL
])
def test_headcount_filters(county, filters, expected):
    df = st.headcount(county, as_of=AS_OF, **filters)
    assert int(df["persons"].sum()) == expected


def test_unknown_dimension_never_reaches_sql():
    class NoSQL:
        def execute(self, *a, **k):
            raise AssertionError("SQL was run")

    for call in (lambda: st.headcount(NoSQL(), as_of=AS_OF, by=["age_band", "salary; drop table persons"]),
                 lambda: st.over_time(NoSQL(), first_year=2020, last_year=2023, by="salary")):
        with pytest.raises(ValueError, match="allowed: age_band, generation"):
            call()


def test_bad_filters_refused(county):
    with pytest.raises(TypeError, match="unknown filter"):
        st.headcount(county, as_of=AS_OF, salary=3)
    with pytest.raises(ValueError, match="pool must be one of"):
        st.headcount(county, as_of=AS_OF, pool="x")
    with pytest.raises(ValueError, match="unit_kind"):
        st.headcount(county, as_of=AS_OF, unit_kind="省直")
    with pytest.raises(TypeError, match="unknown filter"):       # units move: not a pool filter
        st.pool_dynamics(county, first_year=2021, last_year=2023, units=["U1"])


# ---------------------------------------------------------------------------------------------
# age pyramid


def test_pyramid_of_the_young_and_of_all(county):
    young = st.age_pyramid(county, as_of=AS_OF, young_only=True)
    assert list(zip(young["band"], young["gender"], young["persons"], strict=True)) == [
        ("20–24岁", "女", 1), ("30–34岁", "男", 1), ("35–39岁", "女", 1)]
    everyone = st.age_pyramid(county, as_of=AS_OF)
    assert everyone["persons"].sum() == 4           # + P3 (40–44岁, 男)
    assert everyone.iloc[-1][["band", "gender"]].tolist() == ["40–44岁", "男"]


def test_pyramid_of_a_slice(county):
    df = st.age_pyramid(county, as_of=AS_OF, unit_kind="乡镇街道")     # P2 39 女, P3 40 男
    assert list(zip(df["band"], df["gender"], strict=True)) == [("35–39岁", "女"), ("40–44岁", "男")]


# ---------------------------------------------------------------------------------------------
# structure over time


def test_over_time_by_gender(county):
    # 2021 and 2022: P1, P3, P5 男 and P2 女 (P4 enters 2023, P5 leaves 2023-06-30)
    # 2023: P1, P3 男; P2, P4 女
    df = st.over_time(county, first_year=2021, last_year=2023, by="gender")
    got = {(y, g): p for y, g, p in zip(df["year"], df["gender"], df["persons"], strict=True)}
    assert got == {(2021, "男"): 3, (2021, "女"): 1, (2022, "男"): 3, (2022, "女"): 1,
                   (2023, "男"): 2, (2023, "女"): 2}
    assert df["as_of"].iloc[0] == D("2021-12-31")


def test_over_time_by_unit_kind_uses_posts_on_each_date(county):
    # 2022: 市直 P1, P5; 乡镇 P2, P3.  2023: 市直 P1, P4; 乡镇 P2, P3
    df = st.over_time(county, first_year=2022, last_year=2023, by="unit_kind", young=True)
    got = {(y, k): p for y, k, p in zip(df["year"], df["unit_kind"], df["persons"], strict=True)}
    # young only: 2022 P1 (市直), P2 and P3 (乡镇: P3 is still 39 on 2022-12-31);
    # 2023 P1, P4 (市直), P2 (乡镇: P3 turns 40 on 2023-12-31)
    assert got == {(2022, "市直机关"): 1, (2022, "乡镇街道"): 2,
                   (2023, "市直机关"): 2, (2023, "乡镇街道"): 1}


# ---------------------------------------------------------------------------------------------
# pool dynamics


def test_pool_dynamics_worked(county):
    df = st.pool_dynamics(county, first_year=2021, last_year=2023).set_index(["pool", "year"])
    cols = ["size_start", "entries", "exits", "size"]
    # 年轻公务员库: 2021 P2 in at the start, P1 enters; 2023 P4 enters, P2 exits (2023-06-01)
    assert df.loc[("年轻公务员库", 2021), cols].tolist() == [1, 1, 0, 2]
    assert df.loc[("年轻公务员库", 2022), cols].tolist() == [2, 0, 0, 2]
    assert df.loc[("年轻公务员库", 2023), cols].tolist() == [2, 1, 1, 2]
    # months in the pool on 2021-12-31: P1 11, P2 35 → median 23; 2023: P1 35, P4 3 → 19
    assert df.loc[("年轻公务员库", 2021), "median_months"] == 23
    assert df.loc[("年轻公务员库", 2023), "median_months"] == 19
    # P2's spell 2019-01-01 → 2023-06-01 lasted 53 full months
    assert df.loc[("年轻公务员库", 2023), "median_months_exited"] == 53
    # 两型干部库: empty in 2021 (a row of zeros), P2 enters 2022-03-01 (9 months on 2022-12-31)
    assert df.loc[("两型干部库", 2021), cols].tolist() == [0, 0, 0, 0]
    assert df.loc[("两型干部库", 2022), cols].tolist() == [0, 1, 0, 1]
    assert df.loc[("两型干部库", 2022), "median_months"] == 9


def test_pool_dynamics_filtered(county):
    df = st.pool_dynamics(county, first_year=2021, last_year=2021, pool="年轻公务员库", gender="男")
    assert df[["pool", "size_start", "entries", "exits", "size"]].values.tolist() == [
        ["年轻公务员库", 0, 1, 0, 1]]                 # P1 only


def test_pool_exits_by_reason(county):
    df = st.pool_exits(county, first_year=2021, last_year=2023)
    assert df.values.tolist() == [["年轻公务员库", 2023, "提拔使用", 1]]


# ---------------------------------------------------------------------------------------------
# bench strength


def test_bench_strength_worked(county):
    df = st.bench_strength(county, as_of=AS_OF).set_index("unit_id")
    assert df.index.tolist() == [QUOTED_UNIT, "U1", "U2"]          # 市直 first, then 乡镇
    u2 = df.loc["U2"]
    # P2 39 乡科级副职 四级主任科员 (young); P3 40 乡科级正职 二级主任科员 (not young)
    assert [int(u2[c]) for c in ("persons", "young", "leader_posts", "ke_deputy_posts",
                                 "ke_chief_posts", "young_ke_deputy", "young_ke_chief",
                                 "young_senior_rank", "young_reserve")] == [2, 1, 2, 1, 1, 1, 0, 1, 1]
    assert u2["leaders_avg_age"] == 39.5 and u2["reserve_per_post"] == 0.5
    assert not u2["gap_ke"] and not u2["gap_rank"]
    # U1: P1 一级科员 (below 四级主任科员), no post level; U'3: P4 with no rank yet
    assert df.loc["U1", ["gap_ke", "gap_rank"]].tolist() == [True, True]
    assert pd.isna(df.loc["U1", "leaders_avg_age"])
    assert df.loc[QUOTED_UNIT, ["young", "gap_ke", "gap_rank"]].tolist() == [1, True, True]


def test_bench_gaps(county):
    df = st.bench_gaps(county, as_of=AS_OF, unit_kind=["市直机关", "乡镇街道"])
    assert df["unit_id"].tolist() == [QUOTED_UNIT, "U1"]
    assert df["gap"].iloc[1] == "无年轻乡科级干部；无年轻的四级主任科员及以上职级"
    only = st.bench_gaps(county, as_of=AS_OF, units=QUOTED_UNIT)
    assert only["unit_name"].tolist() == ["O'Brien's 局"]


# ---------------------------------------------------------------------------------------------
# unit comparison


def test_unit_comparison_worked(county):
    df = st.unit_comparison(county, as_of=AS_OF)
    assert df["unit_name"].tolist() == ["O'Brien's 局", "测试单位", "河西镇", "全辖区"]
    rows = df.set_index("unit_name")
    # 河西镇: ages 39, 40; 工龄 13 (2010-07-01) and 20 (2003-07-01); 党龄 P2 only, 18;
    # young 1 of 2; 硕士 yes, 大专 no; 1 woman of 2
    assert rows.loc["河西镇", ["persons", "avg_age", "avg_service_years", "avg_party_years",
                              "share_young", "share_bachelor_plus", "share_women"]].tolist() == [
        2, 39.5, 16.5, 18.0, 0.5, 0.5, 0.5]
    # U'3: P4 worked 5 months → 工龄 0; no party date → 党龄 missing
    assert rows.loc["O'Brien's 局", "avg_service_years"] == 0
    assert pd.isna(rows.loc["O'Brien's 局", "avg_party_years"])
    # total: ages 33+39+40+23 = 135 → 33.75; 工龄 5+13+20+0 → 9.5; 党龄 (11+18)/2 = 14.5;
    # young 3/4, 本科+ P1 P2 P4 3/4, women 2/4
    total = rows.loc["全辖区"]
    assert bool(total["is_total"])
    assert total[["persons", "avg_age", "avg_service_years", "avg_party_years", "share_young",
                  "share_bachelor_plus", "share_women"]].tolist() == [4, 33.75, 9.5, 14.5, 0.75, 0.75, 0.5]


def test_unit_comparison_total_row_names_a_filtered_slice(county):
    df = st.unit_comparison(county, as_of=AS_OF, unit_kind="乡镇街道")
    assert df["unit_name"].tolist() == ["河西镇", "合计"]
    assert df["persons"].tolist() == [2, 2]


# ---------------------------------------------------------------------------------------------
# reconciliation on the demo county


@pytest.fixture(scope="module")
def demo(demo_db):
    con = qm.connect(demo_db)
    yield con
    con.close()


DEMO_DAY = D("2023-12-31")


def test_every_breakdown_sums_to_the_headcount(demo):
    total = int(st.headcount(demo, as_of=DEMO_DAY)["persons"].sum())
    active = demo.execute("select count(*) from person_snapshot(date '2023-12-31') where active"
                          ).fetchall()[0][0]
    assert total == active > 0
    for dim in st.DIMENSIONS:
        assert int(st.headcount(demo, as_of=DEMO_DAY, by=dim)["persons"].sum()) == total, dim
    assert int(st.headcount(demo, as_of=DEMO_DAY, by=["unit", "rank", "pool"])["persons"].sum()) == total
    comparison = st.unit_comparison(demo, as_of=DEMO_DAY)
    assert comparison.loc[~comparison["is_total"], "persons"].sum() == comparison["persons"].iloc[-1] == total


def test_pyramid_total_is_the_active_count(demo):
    assert st.age_pyramid(demo, as_of=DEMO_DAY)["persons"].sum() == \
        st.headcount(demo, as_of=DEMO_DAY)["persons"].sum()
    assert st.age_pyramid(demo, as_of=DEMO_DAY, young_only=True)["persons"].sum() == \
        st.headcount(demo, as_of=DEMO_DAY, young=True)["persons"].sum()


@pytest.mark.parametrize("by", ["unit", "rank", "level", "pool", "generation"])
def test_over_time_matches_the_snapshot_of_each_year(demo, by):
    series = st.over_time(demo, first_year=2019, last_year=2023, by=by, unit_kind="乡镇街道")
    col = st.DIMENSIONS[by][0]
    for year in (2019, 2023):
        snap = st.headcount(demo, as_of=dt.date(year, 12, 31), by=by, unit_kind="乡镇街道")
        got = series[series["year"] == year][[col, "persons"]].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, snap[[col, "persons"]], check_dtype=False)


def test_pool_entries_minus_exits_is_the_change_in_size(demo):
    df = st.pool_dynamics(demo, first_year=2015, last_year=2025)
    assert (df["size"] - df["size_start"] == df["entries"] - df["exits"]).all()
    for _, g in df.groupby("pool"):                  # each year starts where the last ended
        assert (g["size_start"].iloc[1:].to_numpy() == g["size"].iloc[:-1].to_numpy()).all()
    assert df["entries"].sum() > 0 and df["exits"].sum() > 0
    exits = st.pool_exits(demo, first_year=2015, last_year=2025)
    by_reason = exits.groupby(["pool", "year"])["exits"].sum()
    flows = df.set_index(["pool", "year"])["exits"]
    assert (by_reason == flows[flows > 0]).all() and by_reason.sum() == flows.sum()


def test_roster_orders_by_unit_level_rank_and_masks_names(db, con):
    import datetime as dt

    from qingmiao_lib import structure

    # two people in U1 on 2023-12-31: the 乡科级正职 comes first, whatever the entry order;
    # one who left is not listed
    D = dt.date.fromisoformat
    db.add("persons", person_id="R1", name="王小明", entry_date=D("2010-07-01"))
    db.add("persons", person_id="R2", name="李四", entry_date=D("2005-07-01"))
    db.add("persons", person_id="R3", name="赵五", entry_date=D("2005-07-01"), exit_date=D("2020-01-01"))
    db.add("posts", person_id="R1", unit_id="U1", title="局长", level="乡科级正职", start_date=D("2020-01-01"))
    db.add("posts", person_id="R2", unit_id="U1", title="工作人员", level="无", start_date=D("2005-07-01"))
    db.add("posts", person_id="R3", unit_id="U1", title="工作人员", level="无", start_date=D("2005-07-01"),
           end_date=D("2020-01-01"))
    got = structure.roster(con, as_of=D("2023-12-31"))
    assert got["person_id"].tolist() == ["R1", "R2"]
    assert got["name"].tolist() == ["王*明", "李*"]
    assert got["title"].tolist() == ["局长", "工作人员"]
    assert structure.roster(con, as_of=D("2023-12-31"), unmasked=True)["name"].tolist() == ["王小明", "李四"]


def test_series_from_the_stored_base_layer_equals_the_derived_one(demo_db):
    # over_time reads the stored year-end snapshots when the whole range is stored; the rows must
    # be exactly those series_full derives from the histories
    import qingmiao_lib as qm

    con = qm.connect(demo_db)
    qm.db.install_all(con)  # the series macros called in the test's own SQL
    q = "select * from {}(2016, 2025) order by year, person_id"
    stored = con.execute(q.format("series_stored")).df()
    derived = con.execute(q.format("series_full")).df()
    assert len(stored) > 0 and stored.astype(str).equals(derived.astype(str))
    con.close()
