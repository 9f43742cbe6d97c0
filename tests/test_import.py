"""The importer (SPEC §3): all or nothing, every error listed, idempotent, identity numbers never
kept, GB18030 and title rows read, a killed import harmless."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qingmiao_lib as qm
from qingmiao_lib import figures, importer
from qingmiao_lib.contract import ORDER
from qingmiao_lib.errors import DatabaseLocked
from qingmiao_lib.importer import ImportFailed, _read

# A valid id number for a man born 1990-05-17 (checksum computed by ISO 7064 MOD 11-2).
ID_MAN = "110105199005170011"

UNITS = "单位代码,单位名称,单位类别,上级单位代码\nU1,县委组织部,市直机关,\nU2,城关镇,乡镇街道,U1\n"
PERSONS = (
    "人员编号,姓名,性别,出生年月,学历,录用时间,参加工作时间,是否全日制,身份证号\n"
    f"P1,张三,男,1990.05,本科,2015-07-01,2015-07-01,是,{ID_MAN}\n"
    "P2,李四,女,1992年3月,硕士研究生,2018/8/1,,Y,\n"
    "P3,王五,男,19880112,大专,2010.9,2010.9,否,\n"
)
RANKS = ("人员编号,职级,任职级时间,免职级时间,变动原因\n"
         "P1,二级科员,2016-07-01,2019-07-01,定级\nP1,一级科员,2019-07-01,,晋升\n")
TRAININGS = ("人员编号,培训类别,开始时间,结束时间,学时,方式\n"
             "P1,初任培训,2015-09-01,2015-09-10,64,脱产\nP2,在职培训,2019-03-01,2019-03-03,24,网络\n")


def write(folder: Path, files: dict[str, str], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_bytes(text.encode(encoding))
    return folder


def valid_files(folder: Path, **override) -> Path:
    files = {"units.csv": UNITS, "persons.csv": PERSONS, "ranks.csv": RANKS, "trainings.csv": TRAININGS}
    files.update(override)
    return write(folder, files)


def checksums(path: Path) -> dict:
    with qm.connect(path) as con:
        return importer.table_checksums(con)


def fails(db, paths, **kw) -> ImportFailed:
    with pytest.raises(ImportFailed) as info:
        importer.import_paths(db, paths, **kw)
    return info.value


@pytest.fixture(scope="module")
def loaded_once(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("loaded")
    db = tmp / "db.duckdb"
    importer.import_paths(db, [valid_files(tmp / "base")])
    return db


@pytest.fixture
def loaded(tmp_path, loaded_once) -> Path:
    """A database holding the valid files (which are in ``tmp_path / "base"``)."""
    db = tmp_path / "db.duckdb"
    shutil.copyfile(loaded_once, db)
    valid_files(tmp_path / "base")
    return db


# --- reading and normalising ----------------------------------------------------------------

def test_valid_files_import_and_normalise(tmp_path):
    db = tmp_path / "db.duckdb"
    report = importer.import_paths(db, [valid_files(tmp_path / "in")])
    assert report.counts["persons"] == dict(read=3, new=3, changed=0, unchanged=0, deleted=0)
    with qm.connect(db) as con:
        rows = con.execute("select person_id, birth_date::varchar, entry_date::varchar, full_time_education "
                           "from persons order by 1").fetchall()
        assert rows == [("P1", "1990-05-01", "2015-07-01", True), ("P2", "1992-03-01", "2018-08-01", True),
                        ("P3", "1988-01-12", "2010-09-01", False)]
        assert con.execute("select bool_and(passed) from trainings").fetchall() == [(True,)]
        assert qm.db.meta(con)["data_from"] == "2010" and qm.db.meta(con)["data_to"] == "2019"
        assert con.execute("select count(*) from import_log").fetchall() == [(1,)]


def test_dates_spaces_and_full_width_characters(tmp_path):
    persons = ("人员编号,姓名,性别,出生年月,学历,录用时间\n"
               "Ｐ１ , 张三 ,男,１９９０．０５,本科,2015年7月1日\n"
               "P2,李四,女,33000,本科,2015-07-01 00:00:00\n"
               "P3,王五,男,1990/5/1,本科,2015.7\n"
               "P4,赵六,女,199211,本科,201507\n")        # YYYYMM, as rosters write it: the 1st
    db = tmp_path / "db.duckdb"
    importer.import_paths(db, [write(tmp_path / "in", {"人员.csv": persons})])
    with qm.connect(db) as con:
        got = con.execute("select person_id, name, birth_date::varchar, entry_date::varchar from persons order by 1").fetchall()
    assert got == [("P1", "张三", "1990-05-01", "2015-07-01"), ("P2", "李四", "1990-05-07", "2015-07-01"),
                   ("P3", "王五", "1990-05-01", "2015-07-01"), ("P4", "赵六", "1992-11-01", "2015-07-01")]


def test_gb18030_csv(tmp_path):
    db = tmp_path / "db.duckdb"
    folder = write(tmp_path / "in", {"units.csv": UNITS, "人员.csv": PERSONS + "P4,𠮷䶮,女,1995.1,本科,2020.8,,,\n"},
                   encoding="gb18030")
    importer.import_paths(db, [folder])
    with qm.connect(db) as con:
        assert con.execute("select name from persons where person_id = 'P4'").fetchall() == [("𠮷䶮",)]
        assert con.execute("select name from units where unit_id = 'U2'").fetchall() == [("城关镇",)]


def test_xlsx_with_merged_title_rows_and_english_sheet(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append(["某县公务员花名册"])
    ws.merge_cells("A1:F1")
    ws.append(["填报单位：县委组织部", None, None, "2024年1月"])
    ws.merge_cells("A2:C2")
    ws.append([])
    ws.append(["人员编号", "姓名", "性别", "出生年月", "学历", "录用时间", "备注"])
    ws.append(["P1", "张三", "男", dt.datetime(1990, 5, 17), "本科", 42186, "x"])  # an Excel serial
    ws.append(["P2", "李四", "女", 1992.03, "本科", "2018.8"])
    ws.append([None, None, None])
    units = wb.create_sheet("units")
    units.append(["unit_id", "name", "kind"])
    units.append(["U1", "县委组织部", "市直机关"])
    path = tmp_path / "花名册.xlsx"
    wb.save(path)
    db = tmp_path / "db.duckdb"
    report = importer.import_paths(db, [path])
    assert report.counts["persons"]["new"] == 2 and report.counts["units"]["new"] == 1
    assert any("备注" in m for m in report.warnings["message"])
    with qm.connect(db) as con:
        got = con.execute("select person_id, birth_date::varchar, entry_date::varchar from persons order by 1").fetchall()
    assert got == [("P1", "1990-05-17", "2015-07-01"), ("P2", "1992-03-01", "2018-08-01")]


# --- every validation, with its message ----------------------------------------------------

BAD = {
    "required": ({"persons.csv": PERSONS.replace("P2,李四,女", "P2,,女")}, "必填项为空", "必填项「姓名」为空"),
    "date": ({"persons.csv": PERSONS.replace("1992年3月", "1992年13月")}, "日期无法识别", "「出生年月」无法识别的日期"),
    "vocabulary": ({"persons.csv": PERSONS.replace("硕士研究生", "研究生")}, "不在允许值中",
                   "「学历」只能是：高中、中专、大专、本科、硕士研究生、博士研究生"),
    "bool": ({"persons.csv": PERSONS.replace(",Y,", ",也许,")}, "不是是/否", "「是否全日制」应为 是/否"),
    "number": ({"trainings.csv": TRAININGS.replace(",64,", ",六十四,")}, "不是数字", "「学时」应为数字"),
    "duplicate key": ({"ranks.csv": RANKS + "P1,一级科员,2019-07-01,,晋升\n"}, "重复记录",
                      "与ranks.csv 第 3 行重复（人员编号+任职级时间 相同）"),
    "unknown person": ({"trainings.csv": TRAININGS + "P9,在职培训,2020-01-01,2020-01-02,8,脱产\n"}, "引用不存在",
                       "人员编号「P9」在人员表中不存在"),
    "unknown unit": ({"units.csv": UNITS + "U3,某科,其他,U7\n"}, "引用不存在", "上级单位代码「U7」在单位表中不存在"),
    "end before start": ({"ranks.csv": RANKS.replace("2016-07-01,2019-07-01", "2016-07-01,2015-07-01")},
                         "区间错误", "免职级时间应晚于任职级时间"),
    "overlap": ({"ranks.csv": RANKS.replace("2019-07-01,,晋升", "2018-07-01,,晋升")}, "时间重叠",
                "与同一人起始于 2016-07-01 的另一条职级记录时间重叠"),
    "birth after entry": ({"persons.csv": PERSONS.replace("P3,王五,男,19880112", "P3,王五,男,20120112")},
                          "日期顺序错误", "录用时间应晚于出生年月"),
    "work after entry": ({"persons.csv": PERSONS.replace("2015-07-01,2015-07-01", "2015-07-01,2016-07-01")},
                         "日期顺序错误", "参加工作时间不应晚于录用时间"),
    "training hours": ({"trainings.csv": TRAININGS.replace(",24,", ",0,")}, "数值超出范围", "学时应大于0且不超过2000"),
    "id checksum": ({"persons.csv": PERSONS.replace(ID_MAN, ID_MAN[:-1] + "4")}, "身份证号无效", "身份证号校验位不正确"),
    "id birth": ({"persons.csv": PERSONS.replace("P1,张三,男,1990.05", "P1,张三,男,1991.05")}, "身份证号不符",
                 "身份证号中的出生日期与出生年月不符"),
    "id gender": ({"persons.csv": PERSONS.replace("P1,张三,男", "P1,张三,女")}, "身份证号不符",
                  "身份证号显示的性别与性别不符"),
    "missing column": ({"ranks.csv": RANKS.replace("变动原因", "备注")}, "缺少必填列", "缺少必填列「变动原因」"),
    "wrong name": ({"people.csv": PERSONS}, "无法识别的文件", "CSV 文件应以表名命名"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_validation_names_its_error(tmp_path, loaded, case):
    files, kind, reason = BAD[case]
    before = checksums(loaded)
    folder = valid_files(tmp_path / "bad", **files)
    if case == "wrong name":
        paths = [folder / "people.csv"]
    else:
        paths = [folder]
    e = fails(loaded, paths)
    assert kind in e.counts, e.errors
    assert any(reason in r for r in e.errors["reason"]), e.errors["reason"].tolist()
    assert str(e).startswith("导入失败，未写入任何数据：共") and "\n" not in str(e)
    assert checksums(loaded) == before
    assert ID_MAN not in e.errors.to_csv()


def test_error_rows_name_file_row_and_column(tmp_path):
    folder = valid_files(tmp_path / "in", **{"persons.csv": PERSONS.replace("1992年3月", "1992-02-30")})
    e = fails(tmp_path / "db.duckdb", [folder])
    row = e.errors.iloc[0]
    assert (Path(row["file"]).name, row["row"], row["column"], row["value"]) == ("persons.csv", 3, "出生年月", "1992-02-30")
    assert not (tmp_path / "db.duckdb").exists()  # a database the import created is removed again


def test_identity_numbers_masked_and_never_stored(tmp_path, loaded):
    bad = PERSONS.replace(ID_MAN, "110105199105170019")
    e = fails(loaded, [valid_files(tmp_path / "bad", **{"persons.csv": bad})])
    assert "**************0019" in e.errors["value"].tolist()
    assert "110105199105170019" not in e.errors.to_csv() and "110105199105170019" not in str(e)
    with qm.connect(loaded) as con:
        for name in (*ORDER, "meta", "import_log"):
            text = con.execute(f"select string_agg(t::varchar, '') from {name} t").fetchall()[0][0] or ""
            assert ID_MAN not in text, name


def test_error_workbook_can_be_fixed_and_imported(tmp_path):
    from openpyxl import load_workbook

    folder = valid_files(tmp_path / "in", **{"ranks.csv": RANKS.replace("晋升", "提拔")})
    db, wb_path = tmp_path / "db.duckdb", tmp_path / "错误.xlsx"
    e = fails(db, [folder], error_workbook=wb_path)
    assert e.error_workbook == wb_path and str(wb_path) in str(e)
    wb = load_workbook(wb_path)
    assert wb.sheetnames == ["错误清单", "职级"]
    sheet = wb["职级"]
    assert [c.value for c in sheet[1]][-1] == "错误说明"
    sheet["E2"] = "晋升"
    wb.save(wb_path)
    (folder / "ranks.csv").unlink()
    report = importer.import_paths(db, [folder, wb_path])
    assert report.counts["ranks"]["new"] == 1


def test_an_unwritable_error_workbook_still_reports_the_errors(tmp_path):
    folder = valid_files(tmp_path / "in", **{"ranks.csv": RANKS.replace("晋升", "提拔")})
    (tmp_path / "a-file").write_text("x")
    wb_path = tmp_path / "a-file" / "错误.xlsx"  # its folder is a file: the workbook cannot be written
    e = fails(tmp_path / "db.duckdb", [folder], error_workbook=wb_path)
    assert e.error_workbook is None and "错误清单未能写入" in str(e)
    assert any("提拔" in str(v) for v in e.errors["value"])
    assert not (tmp_path / "db.duckdb").exists()


def test_limits_have_clear_messages_naming_the_file(tmp_path, monkeypatch):
    folder = valid_files(tmp_path / "in")
    monkeypatch.setattr(_read, "MAX_CSV_BYTES", 100)
    e = fails(tmp_path / "db.duckdb", [folder])
    assert e.counts == {"超出限制": 4}   # each of the four files, listed by name
    assert sorted(Path(f).name for f in e.errors["file"]) == ["persons.csv", "ranks.csv", "trainings.csv", "units.csv"]
    assert all("超过 CSV 文件上限" in r for r in e.errors["reason"])
    monkeypatch.undo()
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 60_000_000)
    e = fails(tmp_path / "db.duckdb", [bomb])
    assert "压缩炸弹" in e.errors["reason"][0] and e.errors["file"][0] == str(bomb)
    monkeypatch.setattr(_read, "MAX_SHEETS", 1)
    from openpyxl import Workbook
    wb = Workbook()
    wb.create_sheet("units")
    wb.save(tmp_path / "two.xlsx")
    e = fails(tmp_path / "db.duckdb", [tmp_path / "two.xlsx"])
    assert "有 2 个工作表，超过上限 1 个" in e.errors["reason"][0] and e.errors["file"][0] == str(tmp_path / "two.xlsx")
    monkeypatch.setattr(_read, "MAX_FILES", 1)
    assert "一次最多导入 1 个文件" in str(fails(tmp_path / "db.duckdb", [folder]))


# --- idempotent, replace, locked, killed -----------------------------------------------------

def test_same_records_twice_change_nothing_and_changes_replace(tmp_path, loaded):
    folder = tmp_path / "base"
    before = checksums(loaded)
    report = importer.import_paths(loaded, [folder])
    assert report.counts["ranks"] == dict(read=2, new=0, changed=0, unchanged=2, deleted=0)
    after = checksums(loaded)
    assert {k: v for k, v in after.items() if k != "meta"} == {k: v for k, v in before.items() if k != "meta"}
    write(folder, {"units.csv": UNITS.replace("城关镇", "城关街道"), "ranks.csv": RANKS.replace("定级", "平级调整")})
    report = importer.import_paths(loaded, [folder])
    assert report.counts["units"]["changed"] == 1 and report.counts["ranks"]["changed"] == 1
    with qm.connect(loaded) as con:
        assert con.execute("select name from units where unit_id = 'U2'").fetchall() == [("城关街道",)]
        assert con.execute("select count(*) from ranks").fetchall() == [(2,)]
        assert con.execute("select count(*) from import_log").fetchall() == [(3,)]


def test_replace_makes_table_equal_to_file_and_guards_references(tmp_path, loaded):
    only_p1 = "\n".join(RANKS.splitlines()[:2]) + "\n"
    importer.import_paths(loaded, [write(tmp_path / "r", {"ranks.csv": only_p1})], replace=True)
    with qm.connect(loaded) as con:
        assert con.execute("select count(*) from ranks").fetchall() == [(1,)]
        assert con.execute("select count(*) from trainings").fetchall() == [(2,)]
    without_p1 = PERSONS.replace(f"P1,张三,男,1990.05,本科,2015-07-01,2015-07-01,是,{ID_MAN}\n", "")
    e = fails(loaded, [write(tmp_path / "p", {"persons.csv": without_p1})], replace=True)
    assert any("导入后人员表中不再有它" in r for r in e.errors["reason"])
    # removing the person together with its records works (written through a copy)
    importer.import_paths(loaded, [write(tmp_path / "all", {
        "persons.csv": without_p1, "ranks.csv": "人员编号,职级,任职级时间,变动原因\n",
        "trainings.csv": TRAININGS.splitlines()[0] + "\n" + TRAININGS.splitlines()[2] + "\n"})], replace=True)
    with qm.connect(loaded) as con:
        assert con.execute("select list(person_id order by person_id) from persons").fetchall() == [(["P2", "P3"],)]


def test_locked_database_is_reported(tmp_path, loaded):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(loaded)!r})
        print("ready", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseLocked, match="正被另一个程序占用"):
            importer.import_paths(loaded, [tmp_path / "base"])
    finally:
        holder.kill()
        holder.wait()
    assert checksums(loaded)


@pytest.mark.parametrize("copy", [False, True], ids=["transaction", "copy"])
def test_import_killed_mid_write_leaves_database_as_it_was(tmp_path, loaded, copy):
    before = checksums(loaded)
    folder = valid_files(tmp_path / "next", **{
        "ranks.csv": RANKS + "P2,二级科员,2019-08-01,,定级\n",
        "units.csv": UNITS.replace("城关镇", "城关街道") if copy else UNITS})
    script = textwrap.dedent(f"""
        import os, signal
        from qingmiao_lib.importer import _write
        original = _write.write_table
        def killed(con, name, replace):
            original(con, name, replace)
            if name == "ranks":
                os.kill(os.getpid(), signal.SIGKILL)
        _write.write_table = killed
        from qingmiao_lib import importer
        importer.import_paths({str(loaded)!r}, [{str(folder)!r}])
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert checksums(loaded) == before
    report = importer.import_paths(loaded, [folder])  # and the next import works
    assert report.counts["ranks"]["new"] == 1
    assert not Path(str(loaded) + ".importing").exists()


# --- round trip and random damage ------------------------------------------------------------

def test_demo_round_trip(demo_db, tmp_path):
    with qm.connect(demo_db) as con:
        importer.export_tables(con, tmp_path / "export")
        want = importer.table_checksums(con, ORDER)
        headline = figures.headline(con, year=2023)
    db = tmp_path / "copy.duckdb"
    importer.import_paths(db, [tmp_path / "export"])
    with qm.connect(db) as con:
        assert importer.table_checksums(con, ORDER) == want
        got = figures.headline(con, year=2023)
    assert got["value"].tolist() == headline["value"].tolist()
    assert got["share"].fillna(-1).tolist() == headline["share"].fillna(-1).tolist()
    again = importer.import_paths(db, [tmp_path / "export"])
    assert all(c["new"] == c["changed"] == 0 for c in again.counts.values())


NASTY = ["", " ", "x", "0", "-1", "99999", "1990.13", "2020-02-30", "19000101", "P9", "=1+1", "是", "男",
         "二级科员", "2019-07-01", "３", "ＮＵＬＬ", "\"", ",", "1e9", "𠮷", "2100-12-31"]


@st.composite
def damage(draw):
    name = draw(st.sampled_from(["units.csv", "persons.csv", "ranks.csv", "trainings.csv"]))
    lines = {"units.csv": UNITS, "persons.csv": PERSONS, "ranks.csv": RANKS, "trainings.csv": TRAININGS}[name].splitlines()
    op = draw(st.sampled_from(["cell", "cell", "drop", "duplicate", "header", "truncate"]))
    i = draw(st.integers(0, len(lines) - 1))
    if op == "cell":
        cells = lines[i].split(",")
        cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(NASTY))
        lines[i] = ",".join(cells)
    elif op == "drop":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "header":
        lines[0] = lines[0].replace(draw(st.sampled_from(lines[0].split(","))), draw(st.sampled_from(NASTY)), 1)
    else:
        text = "\n".join(lines)
        lines = [text[: draw(st.integers(0, len(text)))]]
    return name, "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> tuple[Path, dict]:
    """A database holding the valid files plus one more unit, and its checksums."""
    tmp = tmp_path_factory.mktemp("base")
    db = tmp / "db.duckdb"
    importer.import_paths(db, [valid_files(tmp / "base")])
    more = UNITS.splitlines()[0] + "\nU3,新单位,其他,U1\n"
    importer.import_paths(db, [write(tmp / "more", {"units.csv": more})])
    return db, checksums(db)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damages=st.lists(damage(), min_size=1, max_size=3))
def test_random_damage_imports_or_changes_nothing(tmp_path_factory, base_db, damages):
    tmp = tmp_path_factory.mktemp("damage")
    db = tmp / "db.duckdb"
    shutil.copyfile(base_db[0], db)
    folder = valid_files(tmp / "damaged", **dict(damages))
    try:
        importer.import_paths(db, [folder])
    except ImportFailed as e:
        assert len(e.errors) >= 1 and str(e).startswith("导入失败")
        assert checksums(db) == base_db[1]
    else:
        with qm.connect(db) as con:
            assert con.execute("select count(*) from persons").fetchall()[0][0] >= 1


def test_sample_folder_imports_clean(tmp_path):
    from qingmiao_lib import check
    from qingmiao_lib.config import PROJECT_DIR

    report = importer.import_paths(tmp_path / "db.duckdb", [PROJECT_DIR / "data" / "sample"])
    assert set(report.counts) == set(ORDER) and report.warnings.empty
    with qm.connect(tmp_path / "db.duckdb") as con:
        assert not check.has_errors(check.run_check(con))
