"""Rosters and ledgers in a department's own words (issue 20 item 4; domain/cadre-formats.md §3):
a 花名册 with title rows, a merged two-row header, a 序号 column and its own column names; a
年度考核 ledger keyed by 姓名 + 单位 with one sheet per year. Every answer is worked out by hand
beside its fixture."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import qingmiao_lib as qm
from qingmiao_lib import importer
from qingmiao_lib.importer import ImportFailed, _headers

D = dt.date.fromisoformat

# The database before: three units, three persons (two named 张三), their posts and ranks.
UNITS = ("单位代码,单位名称,单位类别\nU1,县委组织部,市直机关\nU2,城关镇,乡镇街道\nU3,示例县财政局,市直机关\n")
PERSONS = ("人员编号,姓名,性别,出生年月,学历,是否全日制,录用时间,进入方式\n"
           "P1,张三,男,1990.05,本科,是,2015-07-01,考试录用\n"
           "P2,李四,女,1992.03,本科,是,2018-08-01,选调生\n"
           "P3,张三,男,1985.02,本科,是,2010-07-01,考试录用\n")
POSTS = ("人员编号,单位代码,职务名称,职务层次,任职时间\n"
         "P1,U1,科员,无,2015-07-01\nP2,U2,科员,无,2018-08-01\nP3,U1,科员,无,2010-07-01\n")
RANKS = ("人员编号,职级,任职级时间,免职级时间,变动原因\n"
         "P1,二级科员,2016-07-01,2019-07-01,定级\nP1,一级科员,2019-07-01,,晋升\n"
         "P2,一级科员,2019-08-01,,定级\nP3,一级科员,2011-07-01,,定级\n")

TITLE = "示例县公务员花名册（截至2023年12月）"
# Row 3 is the group row (merged cells), row 4 the sub-headers; 出生年月 written over two lines.
TOP = ["序号", "姓名", "性别", "出生\n年月", "民族", "单位", "现任职务", None, "现职级", None, "学历",
       "参加工作时间", "入职时间", "备注"]
SUB = [None, None, None, None, None, None, "职务", "任职时间", "职级", "任职级时间", None, None, None, None]
ROSTER = [
    # 张三 1990.05 男 → P1 (one person of that name, birth month and gender; P3 was born 1985.02)
    [1, "张三", "男", "1990.05", "汉族", "县委组织部", "副部长", "2023.03", "四级主任科员", "2022.07", "本科",
     "2015.07", "2015.07", None],
    # 王五: nobody → a new person HM000001; 学历 大学 reads 本科
    [2, "王五", "男", "1995年8月", "汉族", "城关镇", "科员", "2020.9", "一级科员", "2021.09", "大学",
     "2020.09", "2020.09", "新录用"],
    # 赵六: nobody → HM000002; 财政局 is the one unit whose name ends so (示例县财政局, U3)
    [3, "赵六", "女", "1988.01", "汉族", "财政局", "预算股股长", "2019.01", "三级主任科员", "2021.01", "硕士研究生",
     "2012.07", "2012.07", None],
]


def roster_book(path: Path, rows=ROSTER, sheet="Sheet1") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([TITLE])
    ws.merge_cells("A1:N1")
    ws.append(["填报单位：县委组织部", None, None, None, None, None, None, None, None, None, "2024年1月"])
    ws.append(TOP)
    ws.append(SUB)
    for col in "ABCDEFKLMN":                       # merged down over the two header rows
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("G3:H3")
    ws.merge_cells("I3:J3")
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


LEDGER = {
    # 2023: 张三 of 县委组织部 during 2023 — P1 holds a post there (科员 to 2023.03, then 副部长) and so
    # does P3 (科员 since 2010): two → the ledger needs 出生年月, given here → P1.
    "2023年度": (["序号", "姓名", "出生年月", "单位", "考核结果"], [
        [1, "张三", "1990.05", "县委组织部", "优秀"],
        [2, "李四", None, "城关镇", "称职"],          # P2
        [3, "王五", None, "城关镇", "称职"],          # HM000001, from the roster of the same import
        [4, "赵六", None, "示例县财政局", "优秀"]]),   # HM000002
    "2022年度": (["序号", "姓名", "出生年月", "单位", "考核结果"], [
        [1, "张三", "1985.02", "县委组织部", "称职"],  # P3
        [2, "李四", None, "城关镇", "优秀"]]),         # P2
}


def ledger_book(path: Path, sheets=LEDGER) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append([f"{name}考核结果"])
        ws.append(header)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def base(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("units.csv", UNITS), ("persons.csv", PERSONS), ("posts.csv", POSTS), ("ranks.csv", RANKS)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def based_once(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("roster")
    db = tmp / "db.duckdb"
    importer.import_paths(db, [base(tmp / "base")])
    return db


@pytest.fixture
def db(tmp_path, based_once) -> Path:
    path = tmp_path / "db.duckdb"
    shutil.copyfile(based_once, path)
    return path


def q(db: Path, query: str):
    with qm.connect(db) as con:
        return con.execute(query).fetchall()


def checksums(db: Path, everything: bool = False) -> dict:
    """Every table's checksum; unless ``everything``, not meta's (which records the time of the last
    import) nor the import log's."""
    with qm.connect(db) as con:
        return {k: v for k, v in importer.table_checksums(con).items()
                if everything or k not in ("meta", "import_log")}


def fails(db, paths) -> ImportFailed:
    with pytest.raises(ImportFailed) as info:
        importer.import_paths(db, paths)
    return info.value


# --- recognising the header ------------------------------------------------------------------

def test_title_rows_merged_two_row_header_and_own_spellings_are_recognised():
    rows = [[TITLE], ["填报单位：县委组织部"], [v or "" for v in TOP], [v or "" for v in SUB]]
    lay = _headers.recognise(_headers.load_headers(), "Sheet1", "花名册.xlsx", rows)
    assert lay.kind == "roster" and lay.header_rows == (2, 3)
    # 序号 and 备注 name no field and are not reported; 入职时间 is 录用时间; 职务 / 任职时间 under
    # 现任职务 are the post's; 职级 / 任职级时间 under 现职级 the rank's
    assert {lay.written[k]: k for k in lay.written} == {
        "姓名": ("persons", "name"), "性别": ("persons", "gender"), "出生年月": ("persons", "birth_date"),
        "民族": ("persons", "ethnicity"), "单位": ("posts", "unit_name"), "现任职务 / 职务": ("posts", "title"),
        "现任职务 / 任职时间": ("posts", "start_date"), "现职级 / 职级": ("ranks", "rank"),
        "现职级 / 任职级时间": ("ranks", "start_date"), "学历": ("persons", "education"),
        "参加工作时间": ("persons", "work_start_date"), "入职时间": ("persons", "entry_date")}
    assert lay.ignored == []


@pytest.mark.parametrize("spelling", ["出生年月", "出生日期", "生日"])
def test_birth_spellings(spelling):
    lay = _headers.recognise(_headers.load_headers(), "名册", "", [["姓名", "性别", spelling, "学历", "录用时间"]])
    assert lay.columns[2] == ("persons", "birth_date")


def test_two_spellings_of_one_field_keep_the_better_one():
    # 最高学历 is listed before 学历: it is read, 学历 is reported as ignored
    lay = _headers.recognise(_headers.load_headers(), "名册", "", [["姓名", "性别", "学历", "最高学历", "录用时间"]])
    assert lay.columns[3] == ("persons", "education") and 2 not in lay.columns and lay.ignored == ["学历"]


def test_a_ledger_sheet_per_year_reads_its_year_from_its_name_title_or_file():
    h = _headers.load_headers()
    lay = _headers.recognise(h, "2023年度", "x.xlsx", [["2022年度考核结果"], ["姓名", "单位", "考核结果"]])
    assert (lay.kind, lay.year, lay.year_from) == ("annual_assessments", 2023, "工作表名")
    lay = _headers.recognise(h, "Sheet2", "x.xlsx", [["2022年度考核结果"], ["姓名", "单位", "考核结果"]])
    assert (lay.year, lay.year_from) == (2022, "标题行")
    lay = _headers.recognise(h, "Sheet2", "2021年度考核.xlsx", [["姓名", "单位", "考核结果"]])
    assert (lay.year, lay.year_from) == (2021, "文件名")
    # no year anywhere and no 年度 column: not a 年度考核 ledger
    assert _headers.recognise(h, "Sheet2", "x.xlsx", [["姓名", "单位", "考核结果"]]) is None
    # 姓名 alone cannot name a person: not a ledger
    assert _headers.recognise(h, "2023年度", "x.xlsx", [["姓名", "考核结果"]]) is None


# --- the worked import -------------------------------------------------------------------------

def test_roster_and_ledger_import_with_worked_answers(tmp_path, db):
    folder = tmp_path / "in"
    folder.mkdir()
    roster_book(folder / "花名册.xlsx")
    ledger_book(folder / "年度考核.xlsx")
    report = importer.import_paths(db, [folder])
    # persons: P1 updated (民族, 参加工作时间 new), HM000001 and HM000002 new
    assert report.counts["persons"] == dict(read=3, new=2, changed=1, unchanged=0, deleted=0)
    assert q(db, "select person_id, name, gender::varchar, birth_date::varchar, ethnicity, education::varchar, "
                 "full_time_education, work_start_date::varchar, entry_date::varchar, entry_channel::varchar "
                 "from persons order by person_id") == [
        ("HM000001", "王五", "男", "1995-08-01", "汉族", "本科", None, "2020-09-01", "2020-09-01", None),
        ("HM000002", "赵六", "女", "1988-01-01", "汉族", "硕士研究生", None, "2012-07-01", "2012-07-01", None),
        # 是否全日制 and 进入方式 are not in the roster: P1 keeps the database's
        ("P1", "张三", "男", "1990-05-01", "汉族", "本科", True, "2015-07-01", "2015-07-01", "考试录用"),
        ("P2", "李四", "女", "1992-03-01", None, "本科", True, None, "2018-08-01", "选调生"),
        ("P3", "张三", "男", "1985-02-01", None, "本科", True, None, "2010-07-01", "考试录用")]
    # posts: P1's 副部长 (乡科级副职) from 2023-03 ends their open 科员 post then; 王五 科员 (无);
    # 赵六 预算股股长 (股长: 无) in U3, the name found by its end
    assert q(db, "select person_id, unit_id, title, level::varchar, start_date::varchar, end_date::varchar "
                 "from posts order by person_id, start_date") == [
        ("HM000001", "U2", "科员", "无", "2020-09-01", None),
        ("HM000002", "U3", "预算股股长", "无", "2019-01-01", None),
        ("P1", "U1", "科员", "无", "2015-07-01", "2023-03-01"),
        ("P1", "U1", "副部长", "乡科级副职", "2023-03-01", None),
        ("P2", "U2", "科员", "无", "2018-08-01", None),
        ("P3", "U1", "科员", "无", "2010-07-01", None)]
    # ranks: P1 四级主任科员 after 一级科员 in the database → 晋升, ending 一级科员 on 2022-07-01;
    # 王五 一级科员 2021-09, 12 months after entry 2020-09 (≤ 24) → 定级;
    # 赵六 三级主任科员 2021-01, 102 months after entry 2012-07, no earlier rank → 晋升 (presumed)
    assert q(db, "select person_id, rank::varchar, start_date::varchar, end_date::varchar, reason::varchar "
                 "from ranks where person_id in ('P1', 'HM000001', 'HM000002') order by person_id, start_date") == [
        ("HM000001", "一级科员", "2021-09-01", None, "定级"),
        ("HM000002", "三级主任科员", "2021-01-01", None, "晋升"),
        ("P1", "二级科员", "2016-07-01", "2019-07-01", "定级"),
        ("P1", "一级科员", "2019-07-01", "2022-07-01", "晋升"),
        ("P1", "四级主任科员", "2022-07-01", None, "晋升")]
    # the ledger: one sheet per year, persons by 姓名 + 单位 (+ 出生年月 for the two 张三)
    assert q(db, "select person_id, year, grade::varchar from annual_assessments order by year, person_id") == [
        ("P2", 2022, "优秀"), ("P3", 2022, "称职"),
        ("HM000001", 2023, "称职"), ("HM000002", 2023, "优秀"), ("P1", 2023, "优秀"), ("P2", 2023, "称职")]
    messages = " ".join(report.warnings["message"])
    assert "财政局" in messages and "示例县财政局" in messages            # the unit found by its end
    assert "晋升 1 条" in messages and "定级 1 条" in messages              # the presumed reasons
    assert "按人员编号 0 人，按姓名、出生年月和性别与已有人员对应 1 人，新增 2 人" in messages
    assert "「2023年度」按工作表名读作 2023 年度" in messages
    assert "序号" not in messages and "备注" not in messages

    # the same folder again changes nothing
    before = checksums(db)
    again = importer.import_paths(db, [folder])
    assert all(c["new"] == 0 and c["changed"] == 0 for c in again.counts.values()), again.counts
    assert checksums(db) == before


def test_a_roster_key_column_is_the_persons_key(tmp_path, db):
    # with 人员编号 the row is that person whatever the name: P3's name is corrected
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "人员编号", "姓名", "性别", "出生日期", "学历", "录用时间"])
    ws.append([1, "P3", "张叁", "男", "1985-02-01", "本科", "2010-07-01"])
    wb.save(tmp_path / "名册.xlsx")
    importer.import_paths(db, [tmp_path / "名册.xlsx"])
    assert q(db, "select name from persons where person_id = 'P3'") == [("张叁",)]
    assert q(db, "select count(*) from persons") == [(3,)]


# --- loud failures -------------------------------------------------------------------------------

def test_unknown_and_ambiguous_persons_and_units_fail_the_whole_import(tmp_path, db):
    folder = tmp_path / "in"
    folder.mkdir()
    roster_book(folder / "花名册.xlsx", rows=[
        ROSTER[0],
        [2, "孙八", "男", "1993.01", "汉族", "城关镇", "首席执行官", "2020.01", "一级科员", "2021.01", "本科",
         "2019.01", "2019.01", None]])                                        # row 6: unknown title
    ledger_book(folder / "年度考核.xlsx", sheets={"2023年度": (["姓名", "单位", "考核结果"], [
        ["张三", "县委组织部", "优秀"],        # row 3: P1 and P3 both in 县委组织部 in 2023
        ["钱七", "城关镇", "称职"],            # row 4: nobody of that name
        ["李四", "不存在局", "称职"],          # row 5: no such unit
        ["李四", "城关镇", "称职"]])})         # row 6: fine, but the import fails as a whole
    before = checksums(db, everything=True)
    e = fails(db, [folder])
    got = {(Path(r.file).name, r.sheet, int(r.row), r.column, r.kind) for r in e.errors.itertuples()}
    assert got == {
        ("花名册.xlsx", "Sheet1", 6, "现任职务 / 职务", "未知职务"),
        ("年度考核.xlsx", "2023年度", 3, "姓名", "人员无法确定"),
        ("年度考核.xlsx", "2023年度", 4, "姓名", "人员不存在"),
        ("年度考核.xlsx", "2023年度", 5, "单位", "单位不存在")}
    assert checksums(db, everything=True) == before
    reasons = " ".join(e.errors["reason"])
    assert "有 2 人姓名相同且单位「县委组织部」相符" in reasons


def test_a_roster_row_matching_two_persons_or_repeated_is_an_error(tmp_path, db):
    # P1 and a second 张三 born 1990.05 (P4) → the roster's 张三 is ambiguous; 王五 twice, unkeyed → 人员重复
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "persons.csv").write_text("人员编号,姓名,性别,出生年月,学历,录用时间\nP4,张三,男,1990.05,大专,2014-07-01\n",
                                                encoding="utf-8")
    importer.import_paths(db, [tmp_path / "p"])
    roster_book(tmp_path / "花名册.xlsx", rows=[ROSTER[0], ROSTER[1], [4, *ROSTER[1][1:]]])
    e = fails(db, [tmp_path / "花名册.xlsx"])
    got = {(int(r.row), r.kind) for r in e.errors.itertuples()}
    assert got == {(5, "人员无法确定"), (7, "人员重复")}
    assert "与第 6 行的姓名、出生年月和性别相同" in " ".join(e.errors["reason"])


def test_errors_reach_the_error_workbook(tmp_path, db):
    from openpyxl import load_workbook

    ledger_book(tmp_path / "年度考核.xlsx", sheets={"2023年度": (["姓名", "单位", "考核结果"], [["钱七", "城关镇", "称职"]])})
    with pytest.raises(ImportFailed):
        importer.import_paths(db, [tmp_path / "年度考核.xlsx"], error_workbook=tmp_path / "errors.xlsx")
    ws = load_workbook(tmp_path / "errors.xlsx")["错误清单"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert rows == [[str(tmp_path / "年度考核.xlsx"), "2023年度", 3, "姓名", "钱七", "人员不存在",
                     "没有姓名为此、单位「城关镇」相符的人员（导入文件和数据库中都没有）", None]]


# --- the demo county (acceptance) ----------------------------------------------------------------

def test_roster_and_ledger_into_the_demo_county(tmp_path, demo_db):
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    with qm.connect(db) as con:
        town, organ = con.execute("select (select name from units where kind = '乡镇街道' order by unit_id limit 1), "
                                  "(select name from units where kind = '市直机关' order by unit_id limit 1)").fetchall()[0]
        n_persons = con.execute("select count(*) from persons").fetchall()[0][0]
    rows = [[1, "欧阳青苗", "女", "1998.04", "汉族", town, "党委委员", "2024.06", "一级科员", "2022.08", "硕士研究生",
             "2021.08", "2021.08", None],
            [2, "司马远", "男", "1996.11", "回族", organ, "科员", "2020.08", "二级科员", "2021.08", "本科",
             "2020.08", "2020.08", None]]
    roster_book(tmp_path / "花名册.xlsx", rows=rows)
    ledger_book(tmp_path / "年度考核.xlsx", sheets={"2024年度": (["姓名", "单位", "考核结果"], [
        ["欧阳青苗", town, "优秀"], ["司马远", organ, "称职"]])})
    report = importer.import_paths(db, [tmp_path / "花名册.xlsx", tmp_path / "年度考核.xlsx"])
    assert report.counts["persons"]["new"] == 2
    with qm.connect(db) as con:
        assert con.execute("select count(*) from persons").fetchall()[0][0] == n_persons + 2
        # 党委委员 of a township is 乡科级副职 in the title lexicon; 科员 无
        got = con.execute("""select p.name, u.name, t.level::varchar, r.rank::varchar, r.reason::varchar, a.grade::varchar
                             from persons p join posts t using (person_id) join units u using (unit_id)
                             join ranks r using (person_id) join annual_assessments a using (person_id)
                             where p.person_id like 'HM%' and a.year = 2024 order by p.birth_date""").fetchall()
    # 一级科员 2022-08, 12 months after entry → 定级; 二级科员 2021-08, 12 months after → 定级
    assert got == [("司马远", organ, "无", "二级科员", "定级", "称职"),
                   ("欧阳青苗", town, "乡科级副职", "一级科员", "定级", "优秀")]


def test_roster_person_fields_in_own_words(tmp_path, db):
    # 籍贯 and 专业技术职称 are person fields; 入党年月 without 政治面貌 makes 中共党员 (孙九), an empty one
    # keeps the database's (none); 毕业院校及专业 is reported, not read; 生日 is 出生年月
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "性别", "生日", "籍贯", "专业技术职称", "入党年月", "最高学历", "学位", "毕业院校及专业", "录用时间"])
    ws.append(["孙九", "女", "1994.06", "浙江温州", "经济师", "2016.05", "研究生", "管理学博士", "某大学", "2019.08"])
    ws.append(["周十", "男", "1996.02", "福建福州", None, None, "大学", "学士", None, "2020.08"])
    wb.save(tmp_path / "名册.xlsx")
    report = importer.import_paths(db, [tmp_path / "名册.xlsx"])
    assert q(db, "select name, birth_date::varchar, native_place, professional_title, political_status, "
                 "party_join_date::varchar, education::varchar, degree from persons where person_id like 'HM%' "
                 "order by person_id") == [
        ("孙九", "1994-06-01", "浙江温州", "经济师", "中共党员", "2016-05-01", "博士研究生", "管理学博士"),
        ("周十", "1996-02-01", "福建福州", None, None, None, "本科", "学士")]
    assert "多余的列「毕业院校及专业」已忽略" in list(report.warnings["message"])


def test_a_table_sheet_without_key_is_a_ledger_by_name_and_birth(tmp_path, db):
    # a sheet named 年度考核 (the table's own name) with 姓名 + 出生年月 and a 年度 column:
    # 张三 1985.02 → P3 (P1 is the 张三 born 1990.05); 李四 1992.03 → P2
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "年度考核"
    ws.append(["姓名", "出生年月", "年度", "等次"])
    ws.append(["张三", "1985.02", "2021", "优秀"])
    ws.append(["李四", "1992年3月", "2021年度", "基本称职"])
    wb.save(tmp_path / "考核.xlsx")
    importer.import_paths(db, [tmp_path / "考核.xlsx"])
    assert q(db, "select person_id, year, grade::varchar from annual_assessments order by 1") == [
        ("P2", 2021, "基本称职"), ("P3", 2021, "优秀")]


def test_a_roster_month_keeps_the_known_birth_day(tmp_path, db):
    # P1 张三 is stored born 1990-05-01 (the base's 1990.05); make it the 17th (as an identity
    # number would have given), then a roster saying 1990年5月 must not move it back to the 1st;
    # 1990年6月 (another month) is a correction and is taken (1990-06-01).
    import duckdb
    from openpyxl import Workbook

    with duckdb.connect(str(db)) as con:
        con.execute("update persons set birth_date = date '1990-05-17' where person_id = 'P1'")
    for given, want in (("1990年5月", "1990-05-17"), ("1990年6月", "1990-06-01")):
        wb = Workbook()
        ws = wb.active
        ws.append(["序号", "人员编号", "姓名", "性别", "出生年月", "学历", "录用时间"])
        ws.append([1, "P1", "张三", "男", given, "本科", "2015-07-01"])
        wb.save(tmp_path / "名册.xlsx")
        importer.import_paths(db, [tmp_path / "名册.xlsx"])
        assert q(db, "select strftime(birth_date, '%Y-%m-%d') from persons where person_id = 'P1'") == [(want,)]
