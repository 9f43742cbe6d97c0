"""The ``qingmiao`` command line end to end on a small demo county, and its manners:
one line and exit 1 for a data problem, exit 2 for a usage problem, never a traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qingmiao_lib.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qingmiao_lib.cli", *args],
                          capture_output=True, text=True, timeout=300)


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "county.duckdb"
    proc = run("demo", "--db", str(path), "--persons", "300", "--seed", "11", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert path.exists() and str(path) in proc.stdout
    return path


def test_figures_json_end_to_end(small_db):
    proc = run("figures", "--db", str(small_db), "--year", "2023", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert list(got) == [f"F{i}" for i in range(1, 10)]
    for code, entry in got.items():
        assert isinstance(entry["value"], int) and entry["value"] >= 0
        if code in ("F2", "F5", "F6"):
            assert entry["denominator"] >= entry["value"]
            if entry["denominator"]:
                assert entry["share"] == pytest.approx(entry["value"] / entry["denominator"], abs=1e-4)
        else:
            assert set(entry) == {"value"}
    # a 300-person county is about a seventh of the default one: F1 is in the tens, not hundreds
    assert 20 <= got["F1"]["value"] <= 250


def test_figures_table_and_csv_agree_with_json(small_db):
    as_json = json.loads(run("figures", "--db", str(small_db), "--year", "2022", "--format", "json").stdout)
    csv = run("figures", "--db", str(small_db), "--year", "2022", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("code,label,value,denominator,share")
    assert [int(line.split(",")[2]) for line in csv[1:]] == [e["value"] for e in as_json.values()]
    table = run("figures", "--db", str(small_db), "--year", "2022")
    assert table.returncode == 0
    assert "2022-12-31" in table.stdout and "规则版本" in table.stdout


def test_report_end_to_end(small_db, tmp_path):
    out = tmp_path / "r" / "report.html"
    proc = run("report", "--db", str(small_db), "--year", "2023", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    html = out.read_text("utf-8")
    assert str(out) in proc.stdout
    assert html.count("* plotly.js v") == 1  # embedded exactly once
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", html)  # nothing fetched
    assert "2023-12-31" in html and "cn-default" in html
    # names never shown: no person's name from the database appears in the report
    import duckdb
    names = [r[0] for r in duckdb.connect(str(small_db), read_only=True)
             .execute("select name from persons where length(name) >= 3 limit 50").fetchall()]
    assert not [n for n in names if n in html]


def test_year_out_of_range_is_one_line_exit_1(small_db):
    proc = run("figures", "--db", str(small_db), "--year", "1900")
    assert proc.returncode == 1
    assert "1900" in one_line_error(proc)


def test_year_not_a_number_is_usage_error():
    proc = run("figures", "--year", "abc")
    assert proc.returncode == 2
    assert "abc" in one_line_error(proc)


def test_missing_database_tells_what_to_run(tmp_path):
    proc = run("figures", "--db", str(tmp_path / "none.duckdb"), "--year", "2023")
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert "qingmiao demo" in line and "qingmiao import" in line


def test_demo_never_overwrites_without_force(small_db):
    before = small_db.stat().st_mtime_ns
    proc = run("demo", "--db", str(small_db), "--persons", "300")
    assert proc.returncode == 1
    assert "--force" in one_line_error(proc)
    assert small_db.stat().st_mtime_ns == before


def test_unknown_command_and_option_are_usage_errors(capsys):
    for argv in (["nonsense"], ["figures", "--year", "2023", "--format", "xml"], ["demo", "--persons", "-5"]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_database_held_by_a_writer_gets_a_clear_message(small_db, tmp_path):
    # another process (a running import, say) holds the file open for writing
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)",
         str(small_db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        proc = run("figures", "--db", str(small_db), "--year", "2023")
        assert proc.returncode == 1
        assert "占用" in one_line_error(proc)
        proc = run("demo", "--db", str(small_db), "--persons", "300", "--force")
        assert proc.returncode == 1
        assert "占用" in one_line_error(proc)
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert run("figures", "--db", str(small_db), "--year", "2023").returncode == 0


def test_demo_force_refuses_while_a_notebook_reads_the_database(small_db):
    # a notebook holds the file read-only: other readers share it, a rebuild must wait
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
         "print('ready', flush=True); time.sleep(60)", str(small_db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert run("figures", "--db", str(small_db), "--year", "2023").returncode == 0
        before = small_db.stat().st_mtime_ns
        proc = run("demo", "--db", str(small_db), "--persons", "300", "--force")
        assert proc.returncode == 1
        assert "占用" in one_line_error(proc)
        assert small_db.stat().st_mtime_ns == before
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("argv, code, needle", [
    (["demo", "--seed", "-1"], 2, "--seed"),
    (["demo", "--persons", "1"], 2, "--persons"),
    (["figures", "--year", "2023", "--rules", "/"], 1, "目录"),
    (["report", "--year", "2023", "--out", "/"], 1, "不是普通文件"),
    (["demo", "--db", "/"], 1, "不是文件"),
])
def test_user_mistakes_get_one_line_never_a_traceback(small_db, argv, code, needle):
    if "--db" not in argv:
        argv = [*argv, "--db", str(small_db)]
    proc = run(*argv)
    assert proc.returncode == code
    assert needle in one_line_error(proc)


def test_rules_file_that_is_not_text_is_one_line(small_db, tmp_path):
    garbage = tmp_path / "local.toml"
    garbage.write_bytes(bytes(range(256)))
    proc = run("figures", "--db", str(small_db), "--year", "2023", "--rules", str(garbage))
    assert proc.returncode == 1
    assert "UTF-8" in one_line_error(proc)


def test_years_outside_the_simulated_span_are_refused(small_db):
    for year in ("2011", "2026"):
        proc = run("figures", "--db", str(small_db), "--year", year)
        assert proc.returncode == 1
        assert "2012–2025" in one_line_error(proc)
    assert run("figures", "--db", str(small_db), "--year", "2025").returncode == 0


def test_no_arguments_prints_the_commands():
    proc = run()
    assert proc.returncode == 2
    assert "demo" in proc.stderr and "figures" in proc.stderr and "Traceback" not in proc.stderr


def test_template_import_check_end_to_end(tmp_path):
    root = Path(__file__).resolve().parents[1]
    proc = run("template", "--out", str(tmp_path / "模板.xlsx"))
    assert proc.returncode == 0 and (tmp_path / "模板.xlsx").stat().st_size > 0
    db = tmp_path / "sample.duckdb"
    proc = run("import", str(root / "data" / "sample"), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "persons 6" in proc.stdout
    again = run("import", str(root / "data" / "sample"), "--db", str(db))
    assert again.returncode == 0 and "新增 0" in again.stdout and "新增 6" not in again.stdout
    proc = run("check", "--db", str(db))
    assert proc.returncode == 0 and "未发现问题" in proc.stdout


def test_failed_import_writes_nothing_and_lists_errors(tmp_path):
    import shutil

    root = Path(__file__).resolve().parents[1]
    folder = tmp_path / "files"
    shutil.copytree(root / "data" / "sample", folder)
    persons = folder / "persons.csv"
    lines = persons.read_text("utf-8-sig").splitlines()
    lines[1] = lines[1].replace(",男,", ",未知,", 1)
    persons.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "new.duckdb"
    proc = run("import", str(folder), "--db", str(db), "--errors", str(tmp_path / "errors.xlsx"))
    assert proc.returncode == 1
    assert "未写入任何数据" in one_line_error(proc)
    assert not db.exists() and (tmp_path / "errors.xlsx").exists()


def test_check_exits_1_on_an_error_level_finding(tmp_path):
    import qingmiao_lib as qm

    db = tmp_path / "bad.duckdb"
    con = qm.connect(db, create=True)
    con.execute("insert into units values ('U1', '甲局', '市直机关', null)")
    con.execute("insert into persons (person_id, name, gender, birth_date, education, entry_date)"
                " values ('P1', '张三', '男', date '1990-01-01', '本科', date '2015-07-01')")
    # two overlapping ranks for one person: an error-level finding
    con.execute("insert into ranks values ('P1', '一级科员', date '2016-07-01', null, '定级'),"
                " ('P1', '四级主任科员', date '2019-07-01', null, '晋升')")
    con.close()
    proc = run("check", "--db", str(db))
    assert proc.returncode == 1
    assert "[错误]" in proc.stdout


def test_eligible_formats(small_db, tmp_path):
    from qingmiao_lib.cli import ELIGIBLE_COLUMNS

    proc = run("eligible", "--db", str(small_db), "--as-of", "2023-12-31", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows and all(list(r) == list(ELIGIBLE_COLUMNS) for r in rows)
    assert {type(r["eligible"]) for r in rows} == {bool}
    assert all((r["reasons"] == "") == r["eligible"] for r in rows)
    csv = run("eligible", "--db", str(small_db), "--as-of", "2023-12-31", "--format", "csv",
              "--within-months", "12").stdout.splitlines()
    assert csv[0].startswith(",".join(ELIGIBLE_COLUMNS) + ",time_met_on")
    assert {line.split(",")[7] for line in csv[1:]} <= {"true", "false"}
    out = tmp_path / "名单.xlsx"
    proc = run("eligible", "--db", str(small_db), "--as-of", "2023-12-31", "--format", "xlsx", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    import openpyxl
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["人员编号", "姓名", "单位代码"] and "可晋升" in " ".join(map(str, header))
    assert all("*" in str(r[1].value) for r in sheet.iter_rows(min_row=2, max_row=20))  # masked
    assert run("eligible", "--db", str(small_db), "--as-of", "2023-12-31", "--format", "xlsx").returncode == 1
    bad = run("eligible", "--db", str(small_db), "--as-of", "2023-13-01")
    assert bad.returncode == 2 and "2023-13-01" in one_line_error(bad)


def test_roster_xlsx_of_a_slice(small_db, tmp_path):
    import datetime as dt

    import openpyxl

    out = tmp_path / "名册.xlsx"
    proc = run("roster", "--db", str(small_db), "--as-of", "2023-12-31", "--unit-kind", "乡镇街道",
               "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:5] == ("单位", "人员编号", "姓名", "性别", "出生年月")
    assert body and all("*" in r[2] for r in body)                     # names masked
    assert all(isinstance(r[4], dt.datetime) for r in body)            # dates as dates
    import qingmiao_lib as qm
    con = qm.connect(small_db)
    towns = qm.structure.headcount(con, as_of=dt.date(2023, 12, 31), unit_kind="乡镇街道")
    con.close()
    assert len(body) == int(towns["persons"].sum())                    # the whole slice
