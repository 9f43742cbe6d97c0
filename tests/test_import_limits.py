"""The importer's limits of one import (``_read.MAX_ROWS``, ``_read.MAX_CSV_BYTES``): they bound
the import's memory, so they count all its files and sheets together. Exceeded, they are errors
naming the file, saying why and what to do (split, import in several times), and nothing is
written. The limits are lowered here to the small files' own sizes, worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from qingmiao_lib import importer
from qingmiao_lib.importer import ImportFailed, _read

UNITS = "单位代码,单位名称,单位类别,上级单位代码\nU1,县委组织部,市直机关,\nU2,城关镇,乡镇街道,U1\n"
PERSONS = ("人员编号,姓名,性别,出生年月,学历,录用时间\n"
           "P1,张三,男,1990.05,本科,2015-07-01\nP2,李四,女,1992.03,硕士研究生,2018-08-01\n"
           "P3,王五,男,1988.01,大专,2010-09-01\n")
TRAININGS = ("人员编号,培训类别,开始时间,结束时间,学时,方式\n"
             "P1,初任培训,2015-09-01,2015-09-10,64,脱产\nP2,在职培训,2019-03-01,2019-03-03,24,网络\n")
# rows: persons 3, trainings 2, units 2 (9 in all); files are read in name order:
# persons.csv, trainings.csv, units.csv
FILES = {"persons.csv": PERSONS, "trainings.csv": TRAININGS, "units.csv": UNITS}


def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for name, text in FILES.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def refused(db: Path, paths) -> ImportFailed:
    with pytest.raises(ImportFailed) as info:
        importer.import_paths(db, paths)
    assert not db.exists()  # nothing written
    return info.value


def reasons(e: ImportFailed, *, only: bool = True) -> dict[str, str]:
    """File name → reason of the import's 超出限制 errors (``only``: and no other error)."""
    if only:
        assert set(e.errors["kind"]) == {"超出限制"}, e.errors
    rows = e.errors[e.errors["kind"] == "超出限制"]
    return {Path(f).name: r for f, r in zip(rows["file"], rows["reason"], strict=True)}


def test_rows_at_the_limit_are_imported(tmp_path, monkeypatch):
    monkeypatch.setattr(_read, "MAX_ROWS", 7)  # 3 + 2 + 2
    report = importer.import_paths(tmp_path / "db.duckdb", [folder(tmp_path)])
    assert [report.counts[t]["new"] for t in ("units", "persons", "trainings")] == [2, 3, 2]


def test_one_file_over_the_rows_limit_is_named_and_the_rest_left_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(_read, "MAX_ROWS", 2)
    e = refused(tmp_path / "db.duckdb", [folder(tmp_path)])
    assert reasons(e) == {
        "persons.csv": "文件有 3 行，超过一次导入的上限 2 行：请拆分成几个较小的文件，分几次导入",
        "trainings.csv": "未读取：本次导入的行数已超过上限 2 行（读到「persons.csv」时），请分几次导入",
        "units.csv": "未读取：本次导入的行数已超过上限 2 行（读到「persons.csv」时），请分几次导入",
    }


def test_a_file_over_the_rows_limit_alone_is_told_to_be_split_after_others(tmp_path, monkeypatch):
    monkeypatch.setattr(_read, "MAX_ROWS", 2)
    d = folder(tmp_path)
    # units.csv (2 rows, at the limit) read first, then persons.csv: 3 rows, over it by itself
    e = refused(tmp_path / "db.duckdb", [d / "units.csv", d / "persons.csv"])
    assert reasons(e) == {"persons.csv": "文件有 3 行，超过一次导入的上限 2 行：请拆分成几个较小的文件，分几次导入"}


def test_rows_of_all_files_count_together(tmp_path, monkeypatch):
    monkeypatch.setattr(_read, "MAX_ROWS", 6)  # persons 3 + trainings 2 = 5, + units 2 = 7
    e = refused(tmp_path / "db.duckdb", [folder(tmp_path)])
    assert reasons(e) == {"units.csv": "此文件有 2 行，与本次导入的其他文件合计 7 行，超过一次导入的上限 6 行：请分几次导入"}


def test_rows_of_workbook_sheets_count_with_the_csv_files(tmp_path, monkeypatch):
    d = tmp_path / "in"
    d.mkdir()
    (d / "persons.csv").write_text(PERSONS, encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = "单位"
    for line in UNITS.splitlines():
        ws.append(line.split(","))
    wb.save(d / "workbook.xlsx")  # read after persons.csv
    monkeypatch.setattr(_read, "MAX_ROWS", 4)  # 3 + 2 = 5
    e = refused(tmp_path / "db.duckdb", [d])
    assert reasons(e) == {"workbook.xlsx": "此文件有 2 行，与本次导入的其他文件合计 5 行，超过一次导入的上限 4 行：请分几次导入"}


def test_csv_bytes_of_all_files_count_together(tmp_path, monkeypatch):
    d = folder(tmp_path)
    sizes = {name: len(text.encode("utf-8")) for name, text in FILES.items()}
    # persons.csv and trainings.csv fit; units.csv would take the import over the limit
    monkeypatch.setattr(_read, "MAX_CSV_BYTES", sizes["persons.csv"] + sizes["trainings.csv"] + sizes["units.csv"] - 1)
    e = refused(tmp_path / "db.duckdb", [d])
    (name, reason), = reasons(e).items()
    assert name == "units.csv"
    assert reason.startswith("此文件有 0 MB，与本次导入的其他 CSV 文件合计 0 MB，超过一次导入的上限 0 MB")
    assert reason.endswith("：请分几次导入")
    # a file over the limit alone is told to be split, and is not counted against the others
    # (trainings.csv is then read, and its persons, refused with persons.csv, are missing)
    monkeypatch.setattr(_read, "MAX_CSV_BYTES", sizes["persons.csv"] - 1)
    e = refused(tmp_path / "db.duckdb", [d])
    r = reasons(e, only=False)
    assert r["persons.csv"] == "文件有 0 MB，超过 CSV 文件上限 0 MB：请拆分成几个较小的文件，分几次导入"
    assert sizes["trainings.csv"] < sizes["persons.csv"] and "trainings.csv" not in r
    assert e.counts["引用不存在"] == 2
