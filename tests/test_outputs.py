"""Output safety (issue 19): an output path is never an input, files are written atomically,
file names built from record values are never paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qingmiao_lib import outputs
from qingmiao_lib.errors import QingmiaoError
from qingmiao_lib.outputs import UsageError, atomic_path, atomic_write_text, guard, safe_name

# --- guard -------------------------------------------------------------------------------------


@pytest.fixture
def inputs(tmp_path):
    db = tmp_path / "data" / "county.duckdb"
    db.parent.mkdir()
    db.write_bytes(b"db")
    (tmp_path / "data" / "county.duckdb.wal").write_bytes(b"wal")
    rules = tmp_path / "local.toml"
    rules.write_text("[report]\n", "utf-8")
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "persons.csv").write_text("person_id\n", "utf-8")
    single = tmp_path / "units.xlsx"
    single.write_bytes(b"x")
    return {"db": db, "rules": rules, "folder": folder, "single": single,
            "all": [*outputs.database_inputs(db), rules, folder, single]}


@pytest.mark.parametrize("spelling", [
    lambda t: t / "data" / "county.duckdb",
    lambda t: t / "data" / ".." / "data" / "county.duckdb",
    lambda t: t / "data" / "county.duckdb.wal",
    lambda t: t / "local.toml",
    lambda t: t / "units.xlsx",
    lambda t: t / "incoming" / "persons.csv",
    lambda t: t / "incoming" / "new-file.xlsx",   # not yet there, but inside the imported folder
    lambda t: t / "incoming",
])
def test_guard_refuses_every_spelling_of_an_input(tmp_path, inputs, spelling):
    with pytest.raises(UsageError):
        guard(spelling(tmp_path), inputs=inputs["all"], what="--out")


def test_guard_sees_through_symlinks_and_hard_links(tmp_path, inputs):
    link = tmp_path / "link.duckdb"
    link.symlink_to(inputs["db"])
    with pytest.raises(UsageError, match="--out"):
        guard(link, inputs=inputs["all"])
    hard = tmp_path / "hard.duckdb"
    os.link(inputs["db"], hard)
    with pytest.raises(UsageError):
        guard(hard, inputs=inputs["all"])
    folder_link = tmp_path / "via"
    folder_link.symlink_to(inputs["folder"], target_is_directory=True)
    with pytest.raises(UsageError, match="导入的目录"):
        guard(folder_link / "x.xlsx", inputs=inputs["all"])
    # a relative spelling from another working directory
    rel = os.path.relpath(inputs["db"], Path.cwd())
    with pytest.raises(UsageError):
        guard(Path(rel), inputs=inputs["all"])


def test_guard_lets_other_paths_through(tmp_path, inputs):
    ok = tmp_path / "data" / "report.html"   # beside the database is fine
    assert guard(ok, inputs=inputs["all"]) == ok
    assert guard(tmp_path / "incoming-2.xlsx", inputs=inputs["all"]) == tmp_path / "incoming-2.xlsx"
    assert guard(tmp_path / "x.html", inputs=[None, *inputs["all"]]) == tmp_path / "x.html"


def test_guard_missing_parent_only_when_asked(tmp_path, inputs):
    out = tmp_path / "nope" / "x.html"
    assert guard(out, inputs=inputs["all"]) == out
    with pytest.raises(UsageError, match="目录不存在"):
        guard(out, inputs=inputs["all"], parent_must_exist=True)


# --- atomic writes -----------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", "utf-8")
    atomic_write_text(target, "new\n")
    assert target.read_text("utf-8") == "new\n"
    assert _leftovers(tmp_path) == []


def test_atomic_path_failure_keeps_the_previous_file_and_removes_the_temporary(tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous")
    seen = []
    with pytest.raises(OSError, match="No space"), atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".out.xlsx.tmp-")
        tmp.write_bytes(b"half a fi")
        seen.append(tmp)
        raise OSError(28, "No space left on device")  # a full disk half way through
    assert target.read_bytes() == b"previous"
    assert not seen[0].exists() and _leftovers(tmp_path) == []
    # a new file that fails is simply absent
    with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / "new.html") as tmp:
        tmp.write_text("partial", "utf-8")
        raise KeyboardInterrupt
    assert not (tmp_path / "new.html").exists() and _leftovers(tmp_path) == []


def test_atomic_path_refuses_a_directory_and_a_missing_folder(tmp_path):
    with pytest.raises(QingmiaoError, match="不是普通文件"), atomic_path(tmp_path):
        pass
    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "missing" / "x.csv"):
        pass


def test_stale_temporary_of_a_killed_run_is_cleaned_but_a_live_one_is_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".r.html.tmp-{dead_pid}-deadbeef"
    stale.write_text("killed half way", "utf-8")
    live = tmp_path / f".r.html.tmp-{os.getppid()}-cafebabe"   # our parent is alive
    live.write_text("being written", "utf-8")
    other = tmp_path / f".other.html.tmp-{dead_pid}-deadbeef"  # another target's: not ours
    other.write_text("x", "utf-8")
    atomic_write_text(tmp_path / "r.html", "<html>")
    assert not stale.exists() and live.exists() and other.exists()


# --- safe names --------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("../../x", "_._x"),           # worked: / → _, ".." → ".", leading "." dropped
    ("a/b", "a_b"),
    ("..", "_"),
    ("\x00", "_"),
    ("a\\b:c*d?e\"f<g>h|i", "a_b_c_d_e_f_g_h_i"),
    ("U001", "U001"),
    ("高坪区委组织部（2）", "高坪区委组织部（2）"),
    (".hidden", "hidden"),
    ("name. ", "name"),
    ("a..b", "a.b"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("esc\x1b[31mred", "esc_[31mred"),
    ("zero\u200bwidth", "zero_width"),
    ("", "_"),
    (None, "_"),
])
def test_safe_name_worked_cases(text, expected):
    assert safe_name(text) == expected


def test_safe_name_bounds_length_in_utf8_bytes_and_keeps_long_names_distinct():
    long_a = "单位" * 150                      # 300 characters, 900 bytes
    long_b = "单位" * 149 + "部门"
    a, b = safe_name(long_a), safe_name(long_b)
    assert len(a.encode("utf-8")) <= 80 and len(b.encode("utf-8")) <= 80
    assert a != b and a.startswith("单位单位") and "~" in a
    ascii_300 = "x" * 300
    got = safe_name(ascii_300, max_len=40)
    assert len(got) == 40 and got.startswith("x" * 31 + "~")
    assert safe_name("x" * 80) == "x" * 80      # exactly the limit: untouched


def test_safe_name_never_escapes_a_folder(tmp_path):
    hostile = ["../../x", "..", "/etc/passwd", "a/../../b", "\\..\\..\\w", "./.", "..\x00..", " .. "]
    for text in hostile:
        name = safe_name(text)
        assert name and "/" not in name and "\\" not in name and ".." not in name
        assert not name.startswith(".")
        assert (tmp_path / name).resolve().parent == tmp_path.resolve()
