"""The ``qingmiao`` command line end to end on a small demo county, and its manners:
one line and exit 1 for a data problem, exit 2 for a usage problem, never a traceback.

Most commands run inside the test process (:func:`run`): a new Python process per command spent
most of this file's time importing. The real entry, ``python -m qingmiao_lib.cli``, still builds
the demo county and answers a failing and an empty command (:func:`run_process`)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from qingmiao_lib.cli import main


def run_process(*args: str) -> subprocess.CompletedProcess:
    """``qingmiao ARGS`` as the user runs it: a new Python process."""
    return subprocess.run([sys.executable, "-m", "qingmiao_lib.cli", *args],
                          capture_output=True, text=True, timeout=300)


def run(*args: str) -> subprocess.CompletedProcess:
    """``qingmiao ARGS`` inside this process, answered as :func:`run_process` answers.

    What a process would print lands in ``stdout``/``stderr`` — Python's streams and the file
    descriptors under them (a C library printing past Python), UTF-8 as in a child, and the
    warnings a plain interpreter shows. argparse's exit becomes the return code. Any other
    exception escaping ``main`` is not caught: the test fails with it, as a traceback should.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with _written_to(out, err), warnings.catch_warnings(record=True) as caught:
            _plain_warning_filters()
            try:
                code = main(list(args))
            except SystemExit as e:  # argparse: a usage error (2), --help or --version (0)
                code = 0 if e.code is None else e.code
                if not isinstance(code, int):  # a message: Python prints it and exits 1
                    print(code, file=sys.stderr)
                    code = 1
            for w in caught:
                sys.stderr.write(warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line))
        return subprocess.CompletedProcess(["qingmiao", *args], code, _text(out), _text(err))


@contextlib.contextmanager
def _written_to(out: io.BufferedRandom, err: io.BufferedRandom) -> Iterator[None]:
    """Standard output and error, Python's and the descriptors 1 and 2 under them, sent to
    ``out`` and ``err`` for the time of the block, then put back."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved_streams, saved_fds = (sys.stdout, sys.stderr), (os.dup(1), os.dup(2))
    try:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        # as in a child writing to a pipe: UTF-8, strict on stdout, backslashes on stderr
        sys.stdout = io.TextIOWrapper(open(1, "wb", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(open(2, "wb", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True)
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(ValueError):  # closed by the command
                stream.flush()
        sys.stdout, sys.stderr = saved_streams
        for fd, saved in zip((1, 2), saved_fds, strict=True):
            os.dup2(saved, fd)
            os.close(saved)


def _plain_warning_filters() -> None:
    """The warning filters of a plain ``python -m`` (pytest's own would hide some)."""
    warnings.resetwarnings()
    for category in (ResourceWarning, ImportWarning, PendingDeprecationWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("default", category=DeprecationWarning, module=r"qingmiao_lib\.cli\Z")


def _text(file: io.BufferedRandom) -> str:
    """The bytes written to ``file`` as ``subprocess.run(text=True)`` decodes them."""
    file.seek(0)
    return file.read().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "county.duckdb"
    proc = run_process("demo", "--db", str(path), "--persons", "300", "--seed", "11", "--quiet")
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
    out.parent.mkdir()
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
    proc = run_process("figures", "--db", str(small_db), "--year", "1900")
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
    proc = run_process()  # main() reads sys.argv here: the real entry
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
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    # the error on the console (file, row, column, value, reason), then the count and the workbook
    *listed, last = proc.stderr.strip().splitlines()
    hits = [line for line in listed if "persons.csv" in line]
    assert len(hits) == 1 and re.search(r"第 ?2 ?行", hits[0]) and "未知" in hits[0] and "性别" in hits[0]
    assert "未写入任何数据" in last and "共 1 个错误" in last and str(tmp_path / "errors.xlsx") in last
    assert not db.exists() and (tmp_path / "errors.xlsx").exists()
    assert not [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]


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
    assert {line.split(",")[10] for line in csv[1:]} <= {"true", "false"}
    out = tmp_path / "名单.xlsx"
    proc = run("eligible", "--db", str(small_db), "--as-of", "2023-12-31", "--format", "xlsx", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    import openpyxl
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["人员编号", "姓名", "单位代码"] and "可晋升" in " ".join(map(str, header))
    assert all("*" in str(r[1].value) for r in sheet.iter_rows(min_row=2, max_row=20))  # masked
    assert run("eligible", "--db", str(small_db), "--as-of", "2023-12-31", "--format", "xlsx").returncode == 2
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
    towns = qm.structure.headcount(con, as_of=dt.date(2023, 12, 31), unit_kinds=["乡镇街道"])
    con.close()
    assert len(body) == int(towns["persons"].sum())                    # the whole slice


# ---------------------------------------------------------------------------------------------
# issue 19: no output path can be an input; the folder the user names must exist; atomic writes


def sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def refusable(small_db, tmp_path):
    """The small database, a link of each kind to it, a rules file and an imported folder."""
    import shutil

    root = Path(__file__).resolve().parents[1]
    folder = tmp_path / "incoming"
    shutil.copytree(root / "data" / "sample", folder)
    rules = tmp_path / "local.toml"
    rules.write_text("[report]\nsmall_cell_threshold = 5\n", "utf-8")
    symlink = tmp_path / "link.duckdb"
    symlink.symlink_to(small_db)
    return {"db": small_db, "wal": Path(str(small_db) + ".wal"), "symlink": symlink, "rules": rules,
            "folder": folder, "imported": folder / "persons.csv", "tmp": tmp_path}


@pytest.mark.parametrize("case", [
    "report --out db", "report --out symlink", "report --out hardlink", "report --out wal",
    "report --out rules", "roster --out db", "roster --out wal", "eligible --out db",
    "import --errors db", "import --errors wal", "import --errors imported", "import --errors inside",
    "report --by-unit --out folder-of-db",
])
def test_an_output_that_is_an_input_is_refused_and_nothing_changes(refusable, case):
    r = refusable
    db = str(r["db"])
    hardlink = r["tmp"] / "hard.duckdb"
    if case.endswith("hardlink"):
        import os
        os.link(r["db"], hardlink)
    target = {"db": r["db"], "symlink": r["symlink"], "hardlink": hardlink, "wal": r["wal"],
              "rules": r["rules"], "imported": r["imported"], "inside": r["folder"] / "errors.xlsx",
              "folder-of-db": r["db"]}[case.split()[-1]]
    argv = {
        "report": ["report", "--db", db, "--year", "2023", "--rules", str(r["rules"])],
        "roster": ["roster", "--db", db, "--as-of", "2023-12-31", "--format", "xlsx"],
        "eligible": ["eligible", "--db", db, "--as-of", "2023-12-31", "--format", "xlsx"],
        "import": ["import", str(r["folder"]), "--db", db],
    }[case.split()[0]]
    if "--by-unit" in case:
        argv = [*argv, "--by-unit"]
    option = "--errors" if case.startswith("import") else "--out"
    watched = [r["db"], r["rules"], r["imported"]]
    before = {p: sha256(p) for p in watched}
    mtime = r["db"].stat().st_mtime_ns
    proc = run(*argv, option, str(target))
    assert proc.returncode == 2, proc.stderr
    line = one_line_error(proc)
    assert option in line and ("输入文件" in line or "导入的目录" in line)
    assert {p: sha256(p) for p in watched} == before        # byte-identical
    assert r["db"].stat().st_mtime_ns == mtime
    assert not r["wal"].exists() and not (r["folder"] / "errors.xlsx").exists()


@pytest.mark.parametrize("argv", [
    ["roster", "--as-of", "2023-12-31"],
    ["eligible", "--as-of", "2023-12-31", "--format", "csv"],
    ["report", "--year", "2023"],
    ["template"],
])
def test_a_missing_output_folder_is_a_usage_error_and_is_not_created(small_db, tmp_path, argv):
    out = tmp_path / "no-such-folder" / ("x.html" if argv[0] == "report" else
                                         "x.csv" if argv[0] == "eligible" else "x.xlsx")
    db = [] if argv[0] == "template" else ["--db", str(small_db)]
    proc = run(*argv, *db, "--out", str(out))
    assert proc.returncode == 2
    assert "目录不存在" in one_line_error(proc)
    assert not out.parent.exists()


def test_import_default_error_workbook_is_never_inside_the_imported_folder(tmp_path, monkeypatch):
    import shutil

    root = Path(__file__).resolve().parents[1]
    folder = tmp_path / "incoming"
    shutil.copytree(root / "data" / "sample", folder)
    persons = folder / "persons.csv"
    persons.write_text(persons.read_text("utf-8-sig").replace(",男,", ",未\x1b知,", 1), encoding="utf-8")
    before = sha256(persons)
    # the database inside the imported folder: "beside the database" would be inside it too
    monkeypatch.chdir(tmp_path)
    proc = run("import", "incoming", "--db", "incoming/new.duckdb")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert not (folder / "导入错误.xlsx").exists() and (tmp_path / "导入错误.xlsx").exists()
    assert "导入错误.xlsx" in proc.stderr.strip().splitlines()[-1]
    assert "\x1b" not in proc.stderr and "\\x1b" in proc.stderr   # shown escaped, never raw
    assert sha256(persons) == before and not (folder / "new.duckdb").exists()
    assert not [p.name for p in tmp_path.rglob("*") if ".tmp-" in p.name]


def test_import_error_lines_escape_and_stop_at_the_limit():
    import pandas as pd

    from qingmiao_lib.cli import import_error_lines

    errors = pd.DataFrame({
        "file": ["a.csv"] * 25, "sheet": [None] * 25, "row": list(range(2, 27)),
        "column": ["姓名"] * 25, "value": ["张\x1b[2J三"] + ["\x0b"] * 24,
        "kind": ["控制字符"] * 25, "reason": ["含控制字符"] * 25, "table": ["persons"] * 25})
    lines = import_error_lines(errors, limit=20)
    assert len(lines) == 21 and "另有 5 个错误" in lines[-1]
    assert lines[0] == "  a.csv，第 2 行，列 姓名，值 张\\x1b[2J三：含控制字符"
    assert lines[1] == "  a.csv，第 3 行，列 姓名，值 \\x0b：含控制字符"
    assert not any(ch in "".join(lines) for ch in "\x1b\x0b")


# ---------------------------------------------------------------------------------------------
# formats and --out suffixes


@pytest.mark.parametrize("argv", [
    ["roster", "--as-of", "2023-12-31", "--format", "csv", "--out", "x.xlsx"],
    ["roster", "--as-of", "2023-12-31", "--format", "xlsx", "--out", "x.csv"],
    ["roster", "--as-of", "2023-12-31", "--out", "x.txt"],
    ["eligible", "--as-of", "2023-12-31", "--format", "csv", "--out", "x.xlsx"],
    ["eligible", "--as-of", "2023-12-31", "--format", "json", "--out", "x.csv"],
    ["eligible", "--as-of", "2023-12-31", "--format", "table", "--out", "x.csv"],
    ["eligible", "--as-of", "2023-12-31", "--format", "xlsx"],
])
def test_format_and_out_that_disagree_are_usage_errors(small_db, tmp_path, argv):
    argv = [str(tmp_path / a) if a.startswith("x.") else a for a in argv]
    proc = run(*argv, "--db", str(small_db))
    assert proc.returncode == 2
    assert "--format" in one_line_error(proc) or "--out" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_eligible_csv_and_json_carry_masked_name_and_unit_name(small_db, tmp_path):
    import csv as csvlib

    import duckdb

    con = duckdb.connect(str(small_db), read_only=True)
    names = dict(con.execute("select person_id, name from persons").fetchall())
    units = dict(con.execute("select unit_id, name from units").fetchall())
    con.close()
    out = tmp_path / "e.json"   # the format from the extension
    proc = run("eligible", "--db", str(small_db), "--as-of", "2023-12-31", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(out.read_text("utf-8"))
    assert rows and list(rows[0])[:4] == ["person_id", "name", "unit_id", "unit_name"]
    for r in rows:
        full = names[r["person_id"]]
        assert r["name"] != full and r["name"][0] == full[0] and "*" in r["name"]
        assert len(r["name"]) == len(full)
        assert r["unit_name"] == units[r["unit_id"]]
    proc = run("eligible", "--db", str(small_db), "--as-of", "2023-12-31", "--format", "csv", "--unmasked")
    assert proc.returncode == 0 and "注意保密" in proc.stderr
    got = list(csvlib.DictReader(proc.stdout.splitlines()))
    assert len(got) == len(rows)
    assert all(r["name"] == names[r["person_id"]] for r in got)
    assert all(r["unit_name"] == units[r["unit_id"]] for r in got)


@pytest.fixture
def hostile_names_db(small_db, tmp_path):
    """A copy of the small county in which three persons' names carry ESC, VT and a formula."""
    import shutil

    path = tmp_path / "hostile.duckdb"
    shutil.copy(small_db, path)
    import qingmiao_lib as qm

    con = qm.connect(path)
    ids = [r[0] for r in con.execute(
        "select person_id from person_snapshot(date '2023-12-31') where active and unit_id is not null"
        " order by person_id limit 3").fetchall()]
    con.close()
    con = qm.connect(path, read_only=False)
    for pid, name in zip(ids, ["张\x1b[31m三", "李\x0b四", "=HYPERLINK(\"x\")"], strict=True):
        con.execute("update persons set name = ? where person_id = ?", [name, pid])
    qm.db.refresh_snapshots(con)  # as an import does after writing the records
    con.close()
    return path, ids


def test_names_with_control_characters_export_escaped(hostile_names_db, tmp_path):
    import openpyxl

    db, ids = hostile_names_db
    out = tmp_path / "名册.xlsx"
    proc = run("roster", "--db", str(db), "--as-of", "2023-12-31", "--unmasked", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    by_id = {r[1]: r[2] for r in rows[1:]}
    assert [by_id[i] for i in ids] == ["张\\x1b[31m三", "李\\x0b四", "'=HYPERLINK(\"x\")"]
    out = tmp_path / "名单.xlsx"
    proc = run("eligible", "--db", str(db), "--as-of", "2023-12-31", "--format", "xlsx", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    masked = {r[0]: r[1] for r in rows[1:]}
    assert masked[ids[0]] == "张" + "*" * 5 + "三"       # 7 characters: ESC is among the hidden
    table = run("eligible", "--db", str(db), "--as-of", "2023-12-31", "--unmasked")
    assert table.returncode == 0 and "\x1b" not in table.stdout and "\x0b" not in table.stdout


def test_a_full_disk_is_one_line_and_leaves_the_previous_file(small_db, tmp_path, monkeypatch, capsys):
    import errno

    from qingmiao_lib import outputs

    out = tmp_path / "名册.csv"
    out.write_text("previous", "utf-8")

    def full(path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs, "_fsync_file", full)
    assert main(["roster", "--db", str(small_db), "--as-of", "2023-12-31", "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left" in err[0] and str(out) in err[0] and "Traceback" not in err[0]
    assert out.read_text("utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["名册.csv"]
    xlsx = tmp_path / "名单.xlsx"
    assert main(["eligible", "--db", str(small_db), "--as-of", "2023-12-31", "--out", str(xlsx)]) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["名册.csv"]


# ---------------------------------------------------------------------------------------------
# units by name or code; qingmiao units


def _units(db: Path) -> list[tuple[str, str]]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    got = con.execute("select unit_id, name from units order by unit_id").fetchall()
    con.close()
    return got


def _roster_ids(db: Path, out: Path, *units: str) -> list[str]:
    import openpyxl

    proc = run("roster", "--db", str(db), "--as-of", "2023-12-31", "--out", str(out), "--units", *units)
    assert proc.returncode == 0, proc.stderr
    return sorted(r[1] for r in list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))[1:])


def test_units_by_name_or_code_mixed(small_db, tmp_path):
    (a_id, a_name), (b_id, b_name) = _units(small_db)[1:3]
    by_code = _roster_ids(small_db, tmp_path / "1.xlsx", a_id, b_id)
    assert by_code
    assert _roster_ids(small_db, tmp_path / "2.xlsx", a_name, b_name) == by_code
    assert _roster_ids(small_db, tmp_path / "3.xlsx", a_name, b_id) == by_code
    assert _roster_ids(small_db, tmp_path / "4.xlsx", a_id.lower(), f" {b_name} ") == by_code
    import qingmiao_lib as qm
    con = qm.connect(small_db)
    ids = sorted(qm.structure.roster(con, as_of=__import__("datetime").date(2023, 12, 31),
                                     units=[a_id, b_id])["person_id"])
    con.close()
    assert by_code == ids


def test_an_unknown_unit_exits_2_naming_the_closest(small_db, tmp_path):
    _, name = _units(small_db)[1]
    out = tmp_path / "x.xlsx"
    for cmd in (["roster", "--as-of", "2023-12-31", "--out", str(out)], ["report", "--year", "2023"]):
        proc = run(*cmd, "--db", str(small_db), "--units", name[:-1] + "乙")
        assert proc.returncode == 2
        line = one_line_error(proc)
        assert "未知单位" in line and name in line and line.count("，") <= 6
        assert not out.exists()
    proc = run("roster", "--db", str(small_db), "--as-of", "2023-12-31", "--out", str(out), "--units", "NOPE")
    assert proc.returncode == 2 and "NOPE" in one_line_error(proc) and not out.exists()


def test_resolve_names_codes_and_suggestions():
    import pandas as pd

    from qingmiao_lib.outputs import UsageError
    from qingmiao_lib.units import resolve_in, suggestions

    units = pd.DataFrame({"unit_id": ["U1", "U2", "U3", "U4"],
                          "name": ["市委组织部", "市委组织部（2）", "中溪镇", "中溪镇"]})
    assert resolve_in(units, ["U2", "市委组织部", "u2", "市委组织部(2)"]) == ["U2", "U1"]
    with pytest.raises(UsageError, match="U3、U4"):        # one name, two units: ask for the code
        resolve_in(units, ["中溪镇"])
    with pytest.raises(UsageError, match="最接近的：U1 市委组织部"):
        resolve_in(units, ["市委组织"])
    assert len(suggestions(units, "市委")) <= 3


def test_units_command_lists_codes_names_kinds_and_headcount(small_db):
    import datetime as dt

    import duckdb

    import qingmiao_lib as qm

    con = duckdb.connect(str(small_db), read_only=True)
    data_to = int(con.execute("select value from meta where key = 'data_to'").fetchall()[0][0])
    con.close()
    proc = run("units", "--db", str(small_db), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [(r["unit_id"], r["name"]) for r in rows] == _units(small_db)
    assert {r["as_of"] for r in rows} == {f"{data_to}-12-31"}
    con = qm.connect(small_db)
    total = qm.structure.headcount(con, as_of=dt.date(data_to, 12, 31))["persons"].sum()
    one = qm.structure.headcount(con, as_of=dt.date(2020, 6, 30), units=[rows[1]["unit_id"]])["persons"].sum()
    con.close()
    assert sum(r["persons"] for r in rows) == total
    csv = run("units", "--db", str(small_db), "--format", "csv", "--as-of", "2020-06-30").stdout.splitlines()
    assert csv[0] == "unit_id,name,kind,parent_id,persons,as_of"
    assert int(csv[2].split(",")[4]) == one
    table = run("units", "--db", str(small_db))
    assert table.returncode == 0 and f"{data_to}-12-31" in table.stdout and rows[1]["name"] in table.stdout


def test_units_without_a_data_year_lists_no_headcount(tmp_path):
    import qingmiao_lib as qm

    db = tmp_path / "bare.duckdb"
    con = qm.connect(db, create=True)
    con.execute("insert into units values ('U1', '甲局', '市直机关', null), ('U2', '乙镇', '乡镇街道', null)")
    con.close()
    rows = json.loads(run("units", "--db", str(db), "--format", "json").stdout)
    assert rows == [{"unit_id": "U1", "name": "甲局", "kind": "市直机关", "parent_id": None},
                    {"unit_id": "U2", "name": "乙镇", "kind": "乡镇街道", "parent_id": None}]
    table = run("units", "--db", str(db))
    assert table.returncode == 0 and "不列人数" in table.stdout


# ---------------------------------------------------------------------------------------------
# lab and make


def test_lab_command_as_root_with_port_and_no_browser(small_db, monkeypatch):
    import os

    from qingmiao_lib import cli

    seen = {}

    def fake_exec(file, argv, env):
        seen.update(argv=argv, env=env)
        raise SystemExit(0)

    monkeypatch.setattr(cli.os, "execvpe", fake_exec)
    monkeypatch.setattr(cli.os, "geteuid", lambda: 0)
    with pytest.raises(SystemExit):
        main(["lab", "--db", str(small_db), "--port", "8890", "--no-browser"])
    assert "--allow-root" in seen["argv"] and "--no-browser" in seen["argv"]
    assert "--ServerApp.port=8890" in seen["argv"]
    assert seen["env"]["QINGMIAO_DB"] == str(small_db.resolve())
    monkeypatch.setattr(cli.os, "geteuid", lambda: 1000)
    with pytest.raises(SystemExit):
        main(["lab", "--db", str(small_db)])
    assert "--allow-root" not in seen["argv"] and "--no-browser" not in seen["argv"]
    assert not [a for a in seen["argv"] if "port" in a]
    assert os.path.basename(seen["argv"][0]).startswith("python")
    with pytest.raises(SystemExit) as e:
        main(["lab", "--port", "70000"])
    assert e.value.code == 2


def test_make_help_prints_real_values_and_lab_passes_port():
    import shutil

    if not shutil.which("make"):
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(["make", "-s", "help"], cwd=root, capture_output=True, text=True, timeout=60).stdout
    assert "make report   write reports/qingmiao-2023.html from data/qingmiao.duckdb" in out
    assert "$(" not in out and "make lab" in out
    out = subprocess.run(["make", "-s", "help", "YEAR=2024", "DB=data/x.duckdb"], cwd=root,
                         capture_output=True, text=True, timeout=60).stdout
    assert "write reports/qingmiao-2024.html from data/x.duckdb" in out
    dry = subprocess.run(["make", "-n", "lab", "PORT=8890", "NO_BROWSER=1", "STAMP="], cwd=root,
                         capture_output=True, text=True, timeout=60).stdout
    assert "qingmiao lab --db data/qingmiao.duckdb --port 8890 --no-browser" in dry


# ---------------------------------------------------------------------------------------------
# issue 21: qingmiao retirements


def test_retirements_formats_and_masking(small_db, tmp_path):
    import csv as csvlib
    import datetime as dt

    import duckdb
    import openpyxl

    import qingmiao_lib as qm
    from qingmiao_lib import outlook
    from qingmiao_lib.cli import RETIREMENT_COLUMNS

    con = qm.connect(small_db)
    expected = outlook.retirements(con, as_of=dt.date(2025, 12, 31), years=5)
    con.close()
    assert len(expected) > 0
    raw = duckdb.connect(str(small_db), read_only=True)
    names = dict(raw.execute("select person_id, name from persons").fetchall())
    raw.close()
    args = ("retirements", "--db", str(small_db), "--as-of", "2025-12-31", "--years", "5")
    proc = run(*args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [list(r) for r in rows] == [list(RETIREMENT_COLUMNS)] * len(rows)
    assert [r["person_id"] for r in rows] == expected["person_id"].tolist()
    assert [r["retirement_date"] for r in rows] == expected["retirement_date"].dt.strftime("%Y-%m-%d").tolist()
    for r in rows:   # masked: surname kept, the rest starred but the last character
        full = names[r["person_id"]]
        assert r["name"] != full and r["name"][0] == full[0] and "*" in r["name"]
        assert "2025-12-31" < r["retirement_date"] <= "2030-12-31"
    proc = run(*args, "--format", "csv", "--unmasked")
    assert proc.returncode == 0 and "注意保密" in proc.stderr
    got = list(csvlib.DictReader(proc.stdout.splitlines()))
    assert list(got[0]) == list(RETIREMENT_COLUMNS)
    assert all(r["name"] == names[r["person_id"]] for r in got) and len(got) == len(rows)
    out = tmp_path / "退休.xlsx"
    proc = run(*args, "--out", str(out))   # the format from the extension
    assert proc.returncode == 0, proc.stderr
    sheet = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert sheet[0][:6] == ("人员编号", "姓名", "性别", "出生年月", "法定退休年龄（月）", "法定退休年龄")
    assert len(sheet) == len(rows) + 1 and all("*" in r[1] for r in sheet[1:])
    assert isinstance(sheet[1][6], dt.datetime)   # 法定退休日期 as a date
    table = run(*args)
    assert table.returncode == 0 and f"{len(rows)} 人" in table.stdout.splitlines()[0]
    assert "岁" in table.stdout and not any(names[r["person_id"]] in table.stdout for r in rows)


@pytest.mark.parametrize("extra", [
    ("--years", "0"), ("--years", "51"), ("--years", "two"), ("--years", "5", "--as-of", "2025-02-30"),
    ("--years", "5", "--format", "xlsx"), ("--years", "5", "--format", "csv", "--out", "x.xlsx"),
    ("--years", "5", "--format", "html"),
])
def test_retirements_usage_errors_exit_2(small_db, tmp_path, extra):
    proc = run("retirements", "--db", str(small_db), "--as-of", "2025-12-31", *extra)
    assert proc.returncode == 2
    assert "用法错误" in one_line_error(proc)


def test_retirements_refuses_the_database_as_out_and_needs_years(small_db):
    proc = run("retirements", "--db", str(small_db), "--as-of", "2025-12-31", "--years", "1",
               "--format", "csv", "--out", str(small_db))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = run("retirements", "--db", str(small_db), "--as-of", "2025-12-31")
    assert proc.returncode == 2 and "--years" in proc.stderr


# ---------------------------------------------------------------------------------------------
# one module per command (qingmiao_lib/commands/)


def test_help_lists_the_commands_in_their_order(capsys):
    # the commands that began in cli.py keep their order (commands.FIRST); the later ones follow
    # alphabetically: combine, export, project, shortlist
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    listed = re.search(r"\{([a-z,]+)\}", capsys.readouterr().out).group(1).split(",")
    assert listed == ["demo", "template", "import", "check", "figures", "eligible", "retirements",
                      "roster", "report", "lab", "units", "combine", "export", "project", "shortlist"]


def test_names_that_moved_out_of_cli_still_import_from_it():
    from qingmiao_lib import cli
    from qingmiao_lib.commands import eligible, import_, lab, retirements

    assert cli.ELIGIBLE_COLUMNS is eligible.ELIGIBLE_COLUMNS
    assert cli.RETIREMENT_COLUMNS is retirements.RETIREMENT_COLUMNS
    assert cli.import_error_lines is import_.import_error_lines and cli.ERROR_WORKBOOK == "导入错误.xlsx"
    assert cli.lab_command is lab.lab_command
    with pytest.raises(AttributeError):
        cli.no_such_name  # noqa: B018
