"""Many counties (issue 23): counties' databases combined into one whose keys cannot collide,
each county's figures and eligibility as its own database gives them, a county replaced alone,
a damaged or foreign-version county refused whole, and the Parquet export by county."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import county_copies

import qingmiao_lib as qm
from qingmiao_lib import combine as cb
from qingmiao_lib import figures, pipeline
from qingmiao_lib import rules as rules_mod
from qingmiao_lib.cli import main
from qingmiao_lib.combine import _tables
from qingmiao_lib.errors import QingmiaoError
from qingmiao_lib.importer._export import table_checksums
from qingmiao_lib.privacy import mask_name

D = dt.date.fromisoformat
COUNTS = ("value", "denominator")

# County B's own rules: a lower ceiling and young limit than the prefecture's defaults, so a
# person judged by the wrong rules shows.
B_RULES = '[general]\nyoung_age_limit = 35\n\n[promotion]\nceiling = "四级调研员"\n'


# ------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def counties(two_counties_built, tmp_path_factory) -> dict[str, Path]:
    """Two simulated counties of 300 persons, different seeds, and B's own rules file."""
    folder = tmp_path_factory.mktemp("counties")
    (folder / "b_rules.toml").write_text(B_RULES, "utf-8")
    return {**county_copies(two_counties_built, folder), "b_rules": folder / "b_rules.toml"}


@pytest.fixture(scope="module")
def same(counties, tmp_path_factory) -> Path:
    """A and B combined under the same (default) rules."""
    out = tmp_path_factory.mktemp("same") / "prefecture.duckdb"
    cb.combine(out, [counties["a"], counties["b"]])
    return out


@pytest.fixture(scope="module")
def mixed(counties, tmp_path_factory) -> Path:
    """A under the defaults, B under its own rules."""
    out = tmp_path_factory.mktemp("mixed") / "prefecture.duckdb"
    cb.combine(out, [counties["a"], counties["b"]], county_rules={"b": counties["b_rules"]},
               allow_different_rules=True)
    return out


def own(counties, code: str, *, rules: bool = False):
    return qm.connect(counties[code], rules=counties["b_rules"] if rules else None)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------ keys and records

def test_every_key_column_is_listed_by_the_contract():
    # the design: persons, units and lectures keys and every reference to one
    assert _tables.key_columns("units") == ("unit_id", "parent_id")
    assert _tables.key_columns("persons") == ("person_id",)
    assert _tables.key_columns("posts") == ("person_id", "unit_id")
    assert _tables.key_columns("mentorships") == ("person_id", "mentor_id")
    assert _tables.key_columns("lecture_attendance") == ("lecture_id", "person_id")
    assert _tables.key_columns("quotas") == ("unit_id",)
    assert all(_tables.key_columns(t) for t in qm.db.TABLES)


def _tiny(path: Path, persons: list[dict], pools: list[tuple]) -> Path:
    con = qm.connect(path, create=True)
    con.execute("insert into units values ('U1', '测试单位', '市直机关', null)")
    for p in persons:
        con.execute("insert into persons (person_id, name, gender, birth_date, education, entry_date) "
                    "values ($id, '张小明', '男', $birth, '本科', date '2015-07-01')", p)
    for person, pool in pools:
        con.execute("insert into pool_members (person_id, pool, entered_on) values (?, ?, date '2020-01-01')",
                    [person, pool])
    qm.db.set_meta(con, data_from=2023, data_to=2023)
    con.close()
    return path


def test_colliding_keys_stay_apart_and_shares_are_recomputed(tmp_path):
    # County A: P1 (born 1990, 33 on 2023-12-31: young) in both pools.
    # County B: P1 (another person, same key!) young, in 年轻公务员库; P2 and P3 (born 1980, 43)
    # in 两型干部库.
    # F1 (young in 年轻公务员库): A 1, B 1 → 2 — the two P1 are two persons.
    # F2 (young in 两型干部库 / all in it): A 1/1, B 0/2 → 1/3 = 0.333…, not the mean of the
    # shares (1.0 + 0.0) / 2 = 0.5.
    a = _tiny(tmp_path / "a.duckdb", [{"id": "P1", "birth": D("1990-01-01")}],
              [("P1", "年轻公务员库"), ("P1", "两型干部库")])
    b = _tiny(tmp_path / "b.duckdb", [{"id": "P1", "birth": D("1990-01-01")},
                                      {"id": "P2", "birth": D("1980-01-01")},
                                      {"id": "P3", "birth": D("1980-01-01")}],
              [("P1", "年轻公务员库"), ("P2", "两型干部库"), ("P3", "两型干部库")])
    out = tmp_path / "p.duckdb"
    cb.combine(out, [a, b])
    con = qm.connect(out)
    assert sorted(r[0] for r in con.execute("select person_id from persons").fetchall()) == [
        "a:P1", "b:P1", "b:P2", "b:P3"]
    assert sorted(r[0] for r in con.execute("select unit_id from units").fetchall()) == ["a:U1", "b:U1"]
    direct = figures.headline(con, year=2023).set_index("code")
    assert direct.loc["F1", "value"] == 2
    assert (direct.loc["F2", "value"], direct.loc["F2", "denominator"]) == (1, 3)
    total = cb.headline_by_county(con, year=2023).query("county == '合计'").set_index("code")
    assert (total.loc["F2", "value"], total.loc["F2", "denominator"]) == (1, 3)
    assert total.loc["F2", "share"] == pytest.approx(1 / 3)
    con.close()


def test_counties_are_recorded_with_their_checksums_and_rules(same, counties):
    con = qm.connect(same)
    table = cb.counties(con).set_index("county")
    assert list(table.index) == ["a", "b"]
    for code in ("a", "b"):
        src = own(counties, code)
        sums = table_checksums(src, qm.contract.ORDER)
        persons = src.execute("select count(*) from persons").fetchall()[0][0]
        src.close()
        row = table.loc[code]
        assert json.loads(row["table_checksums"]) == sums
        assert row["data_checksum"] == hashlib.sha256(json.dumps(sums, sort_keys=True).encode()).hexdigest()
        assert row["persons"] == persons
        assert row["rules_version"] == rules_mod.version(rules_mod.load())
        # every record of the county carries its code before the first colon
        assert con.execute("select count(*) from persons where starts_with(person_id, ?)",
                           [f"{code}:"]).fetchall()[0][0] == persons
    assert qm.db.meta(con)["combined_counties"] == "a,b"
    con.close()


# ------------------------------------------------------------------------------ the acceptance figures

@pytest.mark.parametrize("year", [2019, 2023])
def test_counts_of_the_combination_are_the_sums_of_the_counties(same, counties, year):
    parts = []
    for code in ("a", "b"):
        with own(counties, code) as c:
            parts.append(figures.headline(c, year=year).set_index("code")[list(COUNTS)])
    expected = (parts[0].fillna(0) + parts[1].fillna(0)).astype("Int64")
    with qm.connect(same) as con:
        direct = figures.headline(con, year=year).set_index("code")
        by = cb.headline_by_county(con, year=year)
    assert (direct["value"] == expected["value"]).all()
    with_share = list(figures.WITH_SHARE)
    assert (direct.loc[with_share, "denominator"] == expected.loc[with_share, "denominator"]).all()
    total = by[by["county"] == cb.TOTAL].set_index("code")
    assert (total["value"] == expected["value"]).all()
    assert (total.loc[with_share, "denominator"] == expected.loc[with_share, "denominator"]).all()
    shares = expected.loc[with_share, "value"] / expected.loc[with_share, "denominator"]
    assert total.loc[with_share, "share"].astype(float).tolist() == pytest.approx(shares.astype(float).tolist(), nan_ok=True)
    # and each county's own rows are its own database's figures
    for code, part in zip(("a", "b"), parts, strict=True):
        mine = by[by["county"] == code].set_index("code")[list(COUNTS)]
        pd.testing.assert_frame_equal(mine, part, check_dtype=False)


def test_each_county_is_judged_by_its_own_rules(mixed, counties):
    as_of = D("2024-03-31")
    with qm.connect(mixed) as con:
        assert qm.db.meta(con)["rules_differ"] == "true"
        got = cb.eligibility_by_county(con, as_of=as_of)
        by = cb.headline_by_county(con, year=2023)
    assert got.attrs["rules_differ"] is True
    for code, rules in (("a", False), ("b", True)):
        with own(counties, code, rules=rules) as c:
            expected = pipeline.eligibility(c, as_of=as_of).reset_index(drop=True)
            figs = figures.headline(c, year=2023).set_index("code")
        mine = got[got["county"] == code].drop(columns=["county", "county_name"]).reset_index(drop=True)
        for col in ("person_id", "unit_id"):
            mine[col] = mine[col].str.removeprefix(f"{code}:")
        pd.testing.assert_frame_equal(mine, expected)
        pd.testing.assert_frame_equal(by[by["county"] == code].set_index("code")[list(COUNTS)],
                                      figs[list(COUNTS)], check_dtype=False)
    # B's ceiling is 四级调研员: its holders there have no next rank, as they would under the
    # defaults (ceiling 二级调研员) — the test has teeth only if B has such holders
    b = got[got["county"] == "b"]
    at = b[b["current_rank"] == "四级调研员"]
    assert len(at) > 0 and at["next_rank"].isna().all() and at["reasons"].str.contains("已达职级上限").all()
    with own(counties, "b") as c:
        default = pipeline.eligibility(c, as_of=as_of)
    assert default.loc[default["current_rank"] == "四级调研员", "next_rank"].notna().all()
    # B's young limit is 35: its F1 label says so, the total's lists both
    labels = by[by["code"] == "F1"].set_index("county")["label"]
    assert "35岁以下" in labels["b"] and "40岁以下" in labels["a"]
    assert "35岁以下" in labels[cb.TOTAL] and "40岁以下" in labels[cb.TOTAL]


def test_different_rules_are_refused_without_leave(counties, tmp_path):
    out = tmp_path / "p.duckdb"
    with pytest.raises(QingmiaoError, match="规则不同"):
        cb.combine(out, [counties["a"], counties["b"]], county_rules={"b": counties["b_rules"]})
    assert not out.exists()


def test_side_by_side_opens_with_the_counties(same):
    with qm.connect(same) as con:
        wide = cb.headline_side_by_side(con, year=2023)
        long = cb.headline_by_county(con, year=2023)
    # both demo counties are called 示范县（模拟数据）: the columns add the codes
    cols = [c for c in wide.columns if c not in ("code", "label") and not c.endswith("占比")]
    assert cols == ["示范县（模拟数据）（a）", "示范县（模拟数据）（b）", "合计"]
    assert (wide[cols[0]] + wide[cols[1]] == wide["合计"]).all()
    assert wide["合计"].tolist() == long[long["county"] == cb.TOTAL]["value"].tolist()


# ------------------------------------------------------------------------------ replacing one county

def test_a_newer_county_file_replaces_that_county_only(same, counties, tmp_path):
    out = tmp_path / "p.duckdb"
    shutil.copy(same, out)
    changed = tmp_path / "b.duckdb"
    shutil.copy(counties["b"], changed)
    with duckdb.connect(str(changed)) as c:  # the county's next year: one grade corrected, trainings dropped
        c.execute("update annual_assessments set grade = '称职' where grade = '优秀' and year = 2023 "
                  "and person_id = (select min(person_id) from annual_assessments where grade = '优秀' and year = 2023)")
        c.execute("delete from trainings where year(start_date) = 2025")
    with qm.connect(out) as con:
        before = {k: cb.county_checksums(con, county=k) for k in ("a", "b")}
        rows_before = cb.counties(con).set_index("county")
    result = cb.combine(out, [changed]).set_index("county")
    assert result["status"].to_dict() == {"a": "保留", "b": "替换"}
    with qm.connect(out) as con:
        after = {k: cb.county_checksums(con, county=k) for k in ("a", "b")}
        rows_after = cb.counties(con).set_index("county")
        b_src = qm.connect(changed)
        b_sums = table_checksums(b_src, qm.contract.ORDER)
        b_src.close()
    assert after["a"] == before["a"]                                   # A's rows, row for row
    pd.testing.assert_series_equal(rows_after.loc["a"], rows_before.loc["a"])
    assert after["b"]["annual_assessments"] != before["b"]["annual_assessments"]
    assert after["b"]["trainings"] != before["b"]["trainings"]
    assert after["b"]["persons"] == before["b"]["persons"]
    assert json.loads(rows_after.loc["b", "table_checksums"]) == b_sums
    # the same file again changes nothing
    assert cb.combine(out, [changed]).set_index("county")["status"].to_dict() == {"a": "保留", "b": "未变"}


def _leftovers(folder: Path, name: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(name) and p.name != name)


def test_a_damaged_county_is_refused_whole_naming_it(same, counties, tmp_path):
    out = tmp_path / "p.duckdb"
    shutil.copy(same, out)
    before = sha(out)
    damaged = tmp_path / "c.duckdb"
    data = counties["a"].read_bytes()
    damaged.write_bytes(data[: len(data) // 3])  # cut short, as by a failed copy
    with pytest.raises(QingmiaoError, match=str(damaged).replace("\\", "\\\\")):
        cb.combine(out, [counties["b"], damaged])
    assert sha(out) == before and _leftovers(tmp_path, "p.duckdb") == []
    garbage = tmp_path / "d.duckdb"
    garbage.write_text("not a database\n", "utf-8")
    with pytest.raises(QingmiaoError, match="d.duckdb"):
        cb.combine(tmp_path / "new.duckdb", [counties["a"], garbage])
    assert not (tmp_path / "new.duckdb").exists()


def test_a_county_of_another_schema_version_is_refused(same, counties, tmp_path):
    out = tmp_path / "p.duckdb"
    shutil.copy(same, out)
    before = sha(out)
    old = tmp_path / "old.duckdb"
    shutil.copy(counties["b"], old)
    with duckdb.connect(str(old)) as c:
        c.execute("update meta set value = '1' where key = 'schema_version'")
    with pytest.raises(QingmiaoError, match=r"old\.duckdb.*结构版本为 1"):
        cb.combine(out, [old])
    assert sha(out) == before and _leftovers(tmp_path, "p.duckdb") == []


def test_what_is_not_a_county_or_not_a_combination_is_refused(same, counties, tmp_path):
    with pytest.raises(QingmiaoError, match="本身是汇总数据库"):
        cb.combine(tmp_path / "p.duckdb", [same])
    county = tmp_path / "county.duckdb"
    shutil.copy(counties["a"], county)
    before = sha(county)
    with pytest.raises(QingmiaoError, match="不是汇总数据库"):
        cb.combine(county, [counties["b"]])
    assert sha(county) == before
    with pytest.raises(QingmiaoError, match="出现了不止一次"):
        cb.combine(tmp_path / "p.duckdb", [counties["a"], cb.County(county, code="a")])
    with pytest.raises(QingmiaoError, match="只能由字母"):
        cb.combine(tmp_path / "p.duckdb", [cb.County(counties["a"], code="甲")])
    with pytest.raises(QingmiaoError, match="不是所给数据库中的任何一个县"):
        cb.combine(tmp_path / "p.duckdb", [counties["a"]], names={"x": "某县"})
    assert not (tmp_path / "p.duckdb").exists()


# ------------------------------------------------------------------------------ Parquet

def test_parquet_is_every_table_partitioned_by_county(same, tmp_path):
    folder = tmp_path / "parquet"
    with qm.connect(same) as con:
        report = cb.export_parquet(con, folder)
        persons = con.execute("select person_id, name from persons").df()
        counts = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in qm.db.TABLES}  # noqa: S608
        quotas = counts["quotas"] + con.execute("select count(*) from county_quotas").fetchall()[0][0]
    assert sorted(p.name for p in (folder / "persons").iterdir()) == ["county=a", "county=b"]
    read = duckdb.connect()
    for table, n in {**counts, "quotas": quotas}.items():
        got = read.execute("select count(*) from read_parquet(?, hive_partitioning = true)",
                           [str(folder / table / "*" / "*.parquet")]).fetchall()[0][0]
        assert got == n == report.loc[report["table"] == table, "rows"].sum(), table
    # the partition is each row's county; names masked as lists mask them
    back = read.execute("select person_id, name, county from read_parquet(?, hive_partitioning = true)",
                        [str(folder / "persons" / "*" / "*.parquet")]).df()
    assert (back["person_id"].str.split(":").str[0] == back["county"]).all()
    merged = back.merge(persons, on="person_id", suffixes=("", "_stored"))
    assert len(merged) == len(persons)
    assert (merged["name"] == merged["name_stored"].map(mask_name)).all()
    # a jurisdiction quota is back with an empty unit, in its county's folder
    assert read.execute("select count(*) from read_parquet(?, hive_partitioning = true) where unit_id is null",
                        [str(folder / "quotas" / "county=a" / "*.parquet")]).fetchall()[0][0] > 0
    assert json.loads((folder / "_qingmiao.json").read_text("utf-8"))["counties"] == ["a", "b"]


def test_two_counties_exported_alone_read_as_their_combination(same, counties, tmp_path):
    read = duckdb.connect()
    keys = []
    for code in ("a", "b"):
        with own(counties, code) as c:
            cb.export_parquet(c, tmp_path / code)
        keys += [r[0] for r in read.execute("select person_id from read_parquet(?, hive_partitioning = true)",
                                            [str(tmp_path / code / "persons" / "*" / "*.parquet")]).fetchall()]
    with qm.connect(same) as con:
        assert sorted(keys) == sorted(r[0] for r in con.execute("select person_id from persons").fetchall())


def test_parquet_never_overwrites_a_folder_it_did_not_write(same, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", "utf-8")
    with qm.connect(same) as con:
        with pytest.raises(QingmiaoError, match="不是空目录"):
            cb.export_parquet(con, folder)
        cb.export_parquet(con, tmp_path / "out")
        with pytest.raises(QingmiaoError, match="--force"):
            cb.export_parquet(con, tmp_path / "out")
        cb.export_parquet(con, tmp_path / "out", force=True, unmasked=True)
    assert (folder / "notes.txt").read_text("utf-8") == "keep me"
    assert json.loads((tmp_path / "out" / "_qingmiao.json").read_text("utf-8"))["names_masked"] is False
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_mask_name_in_sql_is_the_lists_masking():
    con = duckdb.connect()
    con.execute(qm.sql.load("combine/mask_name"))
    for name in ("张三", "张小明", "欧阳小明", "李", "", " 王五 "):
        assert con.execute("select mask_name(?)", [name]).fetchall()[0][0] == mask_name(name), name


# ------------------------------------------------------------------------------ the command line

def test_cli_combine_and_export(counties, tmp_path, capsys):
    out = tmp_path / "p.duckdb"
    assert main(["combine", "--out", str(out), f"A1={counties['a']}", str(counties["b"]),
                 "--county", "A1=甲县", "--county-rules", f"b={counties['b_rules']}",
                 "--allow-different-rules"]) == 0
    printed = capsys.readouterr()
    assert "甲县" in printed.out and "各县规则不同" in printed.err
    with qm.connect(out) as con:
        assert cb.counties(con)["county"].tolist() == ["A1", "b"]
    assert main(["export", "--db", str(out), "--parquet", str(tmp_path / "pq")]) == 0
    assert (tmp_path / "pq" / "persons" / "county=A1").is_dir()
    # a data problem: exit 1, one line naming the file; a usage problem: exit 2
    bad = tmp_path / "bad.duckdb"
    bad.write_text("x", "utf-8")
    capsys.readouterr()
    assert main(["combine", "--out", str(out), str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.duckdb" in err[0]
    assert main(["combine", "--out", str(out), str(counties["a"]), "--county", "a"]) == 2
    assert main(["export", "--db", str(out), "--parquet", str(tmp_path)]) == 2


def test_a_killed_combination_leaves_the_previous_file(same, counties, tmp_path):
    import os
    import subprocess
    import sys

    out = tmp_path / "p.duckdb"
    shutil.copy(same, out)
    before = sha(out)
    code = f"from qingmiao_lib import combine; combine.combine({str(out)!r}, [{str(counties['b'])!r}])"
    for point in ("combine:copied", "combine:written"):
        proc = subprocess.run([sys.executable, "-c", code], env={**os.environ, "QINGMIAO_CRASH_AT": point},
                              capture_output=True, timeout=300)
        assert proc.returncode != 0, point
        assert sha(out) == before, point
    cb.combine(out, [counties["b"]])  # the next run cleans what the killed ones left
    assert _leftovers(tmp_path, "p.duckdb") == []


def test_a_killed_export_leaves_the_previous_folder(same, tmp_path):
    import os
    import subprocess
    import sys

    folder = tmp_path / "pq"
    with qm.connect(same) as con:
        cb.export_parquet(con, folder)
    marker = (folder / "_qingmiao.json").read_text("utf-8")
    code = (f"import qingmiao_lib as qm; from qingmiao_lib import combine\n"
            f"combine.export_parquet(qm.connect({str(same)!r}), {str(folder)!r}, force=True)")
    proc = subprocess.run([sys.executable, "-c", code], env={**os.environ, "QINGMIAO_CRASH_AT": "export:written"},
                          capture_output=True, timeout=300)
    assert proc.returncode != 0
    assert (folder / "_qingmiao.json").read_text("utf-8") == marker
    with qm.connect(same) as con:
        cb.export_parquet(con, folder, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["pq"]


def test_a_county_without_the_year_is_named(same):
    # both demo counties cover 2012–2025 only
    with qm.connect(same) as con, pytest.raises(QingmiaoError, match=r"县 a（.*）：1990年没有数据"):
        cb.headline_by_county(con, year=1990)


@pytest.mark.parametrize("stored", [False, True])
def test_each_person_owes_the_weekly_lectures_of_their_own_county(same, counties, stored, monkeypatch):
    """每周一讲 in a combination: a person owes and attends the sessions of their own county only
    (the sessions are numbered per county in the stored bit sets), so every person's sessions,
    attended, excused and absent equal those in their county's own database — read live from
    lecture_attendance and from the stored lecture_marks."""
    from qingmiao_lib.training import lectures

    if not stored:       # the live computation: the stored table set aside
        monkeypatch.setattr(lectures, "_lecture_stored", lambda con, year: False)
    cols = ["sessions", "attended", "excused", "absent"]
    with qm.connect(same) as con:
        assert lectures._lecture_stored(con, 2023) is stored     # the path this case tests
        both = qm.training.lecture_persons(con, year=2023).set_index("person_id")[cols]
    assert len(both)
    for code in ("a", "b"):
        with own(counties, code) as c:
            mine = qm.training.lecture_persons(c, year=2023).set_index("person_id")[cols]
        mine.index = pd.Index([f"{code}:{p}" for p in mine.index], name="person_id")
        got = both.loc[both.index.str.startswith(f"{code}:")]
        pd.testing.assert_frame_equal(got.sort_index(), mine.sort_index(), check_dtype=False,
                                      check_index_type=False)
