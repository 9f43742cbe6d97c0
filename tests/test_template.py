"""The import template: one Chinese sheet per table, a 说明 sheet, dropdowns; filled in, it imports;
the demo written in the template's format imports back to the same records."""

from __future__ import annotations

from openpyxl import load_workbook

import qingmiao_lib as qm
from qingmiao_lib import importer, template
from qingmiao_lib.contract import TABLES, VOCABS


def test_contract_vocabularies_are_the_schema_enums(con):
    for name, values in VOCABS.items():
        got = con.execute(f"select enum_range(null::{name})").fetchall()[0][0]
        assert tuple(got) == values, name
    for name, t in TABLES.items():
        cols = [r[0] for r in con.execute(
            "select column_name from duckdb_columns() where table_name = ? and schema_name = 'main' "
            "order by column_index", [name]).fetchall()]
        assert cols == [c.name for c in t.stored_columns], name


def test_template_sheets_headers_notes_and_dropdowns(tmp_path):
    path = template.write_template(tmp_path / "模板.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明"] + [t.zh for t in TABLES.values()]
    persons = wb["人员"]
    assert [c.value for c in persons[1]] == [c.zh for c in TABLES["persons"].columns]
    assert persons["B1"].font.bold and not persons["D1"].font.bold  # 姓名 required, 民族 optional
    formulas = {dv.formula1 for dv in persons.data_validations.dataValidation}
    assert '"男,女"' in formulas and '"是,否"' in formulas
    notes = [[c for c in row] for row in wb["说明"].iter_rows(values_only=True)]
    gender = next(r for r in notes if r[0] == "人员" and r[2] == "性别")
    assert list(gender[5:]) == ["选项", "必填", "男、女"]
    assert any(r[2] == "身份证号" and "不保存" in (r[4] or "") for r in notes)


def test_filled_template_imports(tmp_path):
    path = template.write_template(tmp_path / "模板.xlsx")
    wb = load_workbook(path)
    wb["单位"].append(["U1", "县委组织部", "市直机关"])
    wb["人员"].append(["P1", "张三", "男", "汉族", "1990.05", "中共党员", "2012年6月", "本科", "学士", "是",
                     "2015-07-01", "2015-07-01", "考试录用"])
    wb["职级"].append(["P1", "二级科员", "2016.7", None, "定级"])
    wb.save(path)
    db = tmp_path / "db.duckdb"
    report = importer.import_paths(db, [path])
    assert report.counts["persons"]["new"] == 1 and report.counts["ranks"]["new"] == 1
    assert "trainings" not in report.counts  # an empty sheet imports nothing
    assert report.warnings.empty


def test_demo_round_trip_through_the_workbook(demo_db, tmp_path):
    tables = ("units", "persons", "posts", "ranks", "annual_assessments", "quotas")
    with qm.connect(demo_db) as con:
        (path,) = importer.export_tables(con, tmp_path, fmt="xlsx", tables=tables)
        want = importer.table_checksums(con, tables)
    db = tmp_path / "db.duckdb"
    importer.import_paths(db, [path])
    with qm.connect(db) as con:
        assert importer.table_checksums(con, tables) == want
