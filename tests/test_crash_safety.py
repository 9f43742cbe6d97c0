"""Crash-safe creation (issue 19 item 4): a new database — the first import into a missing file,
``qingmiao demo``, ``demo --force`` — is built under a temporary name beside the target and
renamed onto it only when complete, so a run killed (SIGKILL) at any moment leaves no file, or
the previous one byte for byte, never a broken one; the next run removes the leftovers.

The kills: the CLI runs in a child process forked from a server that imported the package once
(a fresh interpreter per run would spend most of the time importing), with
``QINGMIAO_CRASH_AT=<point>`` making it SIGKILL itself at a named moment (``db.crash_point``), or
killed by the server after a delay spread over an uninterrupted run's duration.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import select
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import qingmiao_lib as qm
from qingmiao_lib import db, importer, synth
from qingmiao_lib.config import SCHEMA_VERSION
from qingmiao_lib.errors import SchemaMismatch

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill server forks (POSIX)")

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    """Two tables of the sample (3 units, 6 persons): a first import's worth, quick to check."""
    folder = tmp_path_factory.mktemp("records")
    for name in ("units.csv", "persons.csv"):
        (folder / name).write_bytes((SAMPLE / name).read_bytes())
    return folder

SERVER = r"""
import json, os, signal, sys, time
from qingmiao_lib import cli, importer, synth  # noqa: F401 - imported once, before any fork
print(json.dumps({"ready": os.getpid()}), flush=True)
for line in sys.stdin:
    job = json.loads(line)
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the run: the CLI's main in a process of its own
        code = 99
        try:
            log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(log, 1)
            os.dup2(log, 2)
            if job["crash"]:
                os.environ["QINGMIAO_CRASH_AT"] = job["crash"]
            code = cli.main(job["argv"])
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    status = None
    if job["kill_after"] is not None:
        deadline = started + job["kill_after"]
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.002)
        else:
            os.kill(pid, signal.SIGKILL)
            status = None
    if status is None or not (os.WIFEXITED(status) or os.WIFSIGNALED(status)):
        _, status = os.waitpid(pid, 0)
    print(json.dumps({
        "pid": pid,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "seconds": time.monotonic() - started,
    }), flush=True)
"""


class KillServer:
    def __init__(self, logs: Path):
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        env.pop(db.CRASH_ENV, None)
        self.proc = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)
        self.logs = logs
        self.n = 0
        assert "ready" in self._reply(120)

    def _reply(self, timeout: float) -> dict:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        assert ready, "the kill server did not answer"
        line = self.proc.stdout.readline()
        assert line, "the kill server died"
        return json.loads(line)

    def run(self, *argv: str, crash: str | None = None, kill_after: float | None = None) -> dict:
        self.n += 1
        log = self.logs / f"run-{self.n}.log"
        job = dict(argv=list(argv), crash=crash, kill_after=kill_after, log=str(log))
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        reply = self._reply(300)
        reply["output"] = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        return reply

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = KillServer(tmp_path_factory.mktemp("kill-logs"))
    yield s
    s.close()


TEMPORARY = re.compile(r"county\.duckdb\.building-\d+-[0-9a-f]{8}(\.wal)?")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def others(folder: Path) -> set[str]:
    """Every file of the folder but the target (and the runs' logs, kept elsewhere)."""
    return {p.name for p in folder.iterdir()} - {"county.duckdb"}


def killed(reply: dict, point: str) -> None:
    assert reply["signal"] == signal.SIGKILL, (point, reply)  # it really died there


def persons_and_seed(path: Path) -> tuple[int, str | None]:
    with qm.connect(path) as con:
        n = con.execute("select count(*) from persons").fetchall()[0][0]
        return n, db.meta(con).get("seed")


# the moments of a new database's life, in order (db.crash_point)
BEFORE_RENAME = ("schema:tables", "new:schema", "demo:written", "new:checkpointed", "new:closed",
                 "new:replacing")


def test_first_demo_killed_at_every_point_leaves_no_file_and_the_next_run_cleans_up(server, tmp_path):
    target = tmp_path / "county.duckdb"
    argv = ("demo", "--db", str(target), "--persons", "50", "--seed", "3", "--quiet")
    killed(server.run(*argv, crash="demo:simulated"), "demo:simulated")
    assert others(tmp_path) == set() and not target.exists()  # nothing written yet
    previous: set[str] = set()
    for point in BEFORE_RENAME:
        killed(server.run(*argv, crash=point), point)
        assert not target.exists() and not Path(f"{target}.wal").exists(), point
        left = others(tmp_path)
        assert left and all(TEMPORARY.fullmatch(n) for n in left), (point, left)
        assert not previous & left, (point, previous & left)  # the killed run before was cleaned
        previous = left
    done = server.run(*argv)
    assert done["code"] == 0, done["output"]
    assert others(tmp_path) == set()  # the last leftovers went too
    n, seed = persons_and_seed(target)
    assert n > 0 and seed == "3"


def test_demo_force_killed_at_every_point_keeps_the_old_database_byte_for_byte(server, tmp_path):
    target = tmp_path / "county.duckdb"
    synth.build(target, persons=50, seed=3, progress=False)
    before = digest(target)
    argv = ("demo", "--db", str(target), "--persons", "50", "--seed", "4", "--force", "--quiet")
    for point in ("demo:written", "new:closed", "new:replacing"):
        killed(server.run(*argv, crash=point), point)
        assert digest(target) == before, point
        assert not Path(f"{target}.wal").exists(), point
        assert all(TEMPORARY.fullmatch(n) for n in others(tmp_path)), others(tmp_path)
    assert persons_and_seed(target)[1] == "3"  # the old county, whole
    # killed just after the rename: the new county, complete
    killed(server.run(*argv, crash="new:renamed"), "new:renamed")
    assert others(tmp_path) == set()  # the killed runs' leftovers cleaned, its own renamed
    n, seed = persons_and_seed(target)
    assert n > 0 and seed == "4"


def test_demo_force_killed_after_delays_leaves_the_old_or_the_new_database(server, tmp_path):
    # how long an uninterrupted build takes here and now (elsewhere: no --force needed)
    whole = server.run("demo", "--db", str(tmp_path / "timing" / "t.duckdb"), "--persons", "50", "--quiet")
    assert whole["code"] == 0, whole["output"]
    folder = tmp_path / "county"
    target = folder / "county.duckdb"
    synth.build(target, persons=50, seed=3, progress=False)
    argv = ("demo", "--db", str(target), "--persons", "50", "--seed", "5", "--force", "--quiet")
    outcomes = []
    for fraction in (0.05, 0.3, 0.6, 0.9):
        before = digest(target)
        reply = server.run(*argv, kill_after=fraction * whole["seconds"])
        if reply["signal"] is None:  # it finished first
            assert reply["code"] == 0, reply["output"]
        if digest(target) == before:
            outcomes.append("old")
        else:  # only ever the new county, complete
            assert persons_and_seed(target)[1] == "5", (fraction, reply)
            outcomes.append("new")
        assert not Path(f"{target}.wal").exists()
        assert all(TEMPORARY.fullmatch(n) for n in others(folder)), others(folder)
    assert "old" in outcomes, outcomes  # some kills landed before the rename


def test_first_import_killed_at_every_point_leaves_no_file(server, tmp_path, records):
    target = tmp_path / "county.duckdb"
    argv = ("import", str(records), "--db", str(target))
    for point in ("import:validated", "new:written", "new:closed", "new:replacing"):
        killed(server.run(*argv, crash=point), point)
        assert not target.exists() and not Path(f"{target}.wal").exists(), point
        assert all(TEMPORARY.fullmatch(n) for n in others(tmp_path)), (point, others(tmp_path))
    killed(server.run(*argv, crash="new:renamed"), "new:renamed")  # after the rename: complete
    assert persons_and_seed(target) == (6, None)
    assert importer.import_paths(target, [records]).counts["persons"]["unchanged"] == 6
    assert others(tmp_path) == set()


# ---------------------------------------------------------------------------------------------
# a file left incomplete by an older version (its schema created statement by statement)
# ---------------------------------------------------------------------------------------------

def half_created(path: Path) -> Path:
    """What an older version's first import left when killed inside create_schema: some types
    and the meta table, no schema version, no rows."""
    con = duckdb.connect(str(path))
    con.execute("create type unit_kind as enum ('市直机关', '乡镇街道', '其他');"
                "create type gender as enum ('男', '女');"
                "create table meta (key varchar primary key, value varchar not null)")
    con.close()
    return path


def test_incomplete_file_is_named_as_such_and_a_first_import_rebuilds_it(server, tmp_path, records):
    target = half_created(tmp_path / "county.duckdb")
    before = digest(target)
    got = server.run("figures", "--db", str(target), "--year", "2023")
    assert got["code"] == 1
    lines = got["output"].strip().splitlines()
    assert len(lines) == 1 and "未建完" in lines[0] and "demo --force" in lines[0], got["output"]
    killed(server.run("import", str(records), "--db", str(target), crash="new:replacing"), "replacing")
    assert digest(target) == before  # still the previous file, untouched
    done = server.run("import", str(records), "--db", str(target))
    assert done["code"] == 0, done["output"]
    assert "未建完" in done["output"]  # said so in the summary's notes
    assert persons_and_seed(target) == (6, None)
    assert others(tmp_path) == set()


def test_demo_force_rebuilds_an_incomplete_file(tmp_path):
    target = half_created(tmp_path / "county.duckdb")
    with pytest.raises(qm.QingmiaoError, match="--force"):
        synth.build(target, persons=50, progress=False)
    synth.build(target, persons=50, seed=3, progress=False, force=True)
    assert persons_and_seed(target)[1] == "3"
    assert others(tmp_path) == set()


def test_cli_demo_force_rebuilds_an_incomplete_file(server, tmp_path):
    target = half_created(tmp_path / "county.duckdb")
    refused = server.run("demo", "--db", str(target), "--persons", "50", "--quiet")
    assert refused["code"] == 1 and "--force" in refused["output"]
    done = server.run("demo", "--db", str(target), "--persons", "50", "--seed", "6", "--force", "--quiet")
    assert done["code"] == 0, done["output"]
    assert persons_and_seed(target)[1] == "6"
    assert others(tmp_path) == set()


def test_demo_force_refuses_a_file_that_is_not_a_qingmiao_database(tmp_path):
    target = tmp_path / "county.duckdb"
    con = duckdb.connect(str(target))
    con.execute("create table t (x integer)")  # empty, but not ours
    con.close()
    before = digest(target)
    with pytest.raises(SchemaMismatch, match="不会被覆盖"):
        synth.build(target, persons=50, progress=False, force=True)
    assert digest(target) == before and others(tmp_path) == set()


# ---------------------------------------------------------------------------------------------
# the previous file's write-ahead log, leftovers, concurrent runs
# ---------------------------------------------------------------------------------------------

def test_replaced_database_leaves_no_wal_that_would_break_the_new_one(tmp_path):
    target = tmp_path / "county.duckdb"
    synth.build(target, persons=50, seed=3, progress=False)
    new = db.NewDatabase(target, replace="any")
    con = new.open()
    con.execute("insert into meta values ('built', 'new')")
    # meanwhile a writer commits and is killed: its change lives only in county.duckdb.wal
    subprocess.run([sys.executable, "-c",
                    "import duckdb, os, signal, sys; c = duckdb.connect(sys.argv[1]);"
                    "c.execute(\"insert into meta values ('note', 'x')\");"
                    "os.kill(os.getpid(), signal.SIGKILL)", str(target)], check=False)
    assert Path(f"{target}.wal").exists()
    new.commit()
    assert not Path(f"{target}.wal").exists()
    with qm.connect(target) as c:  # DuckDB refuses a database beside another one's log
        facts = db.meta(c)
    assert facts["built"] == "new" and "note" not in facts and "seed" not in facts
    # an orphan log without its database is removed too
    orphan = tmp_path / "other.duckdb"
    Path(f"{orphan}.wal").write_bytes(target.read_bytes()[:4096])
    qm.connect(orphan, create=True).close()
    assert not Path(f"{orphan}.wal").exists()
    qm.connect(orphan).close()


def test_cleaning_touches_only_our_dead_unlocked_temporaries(tmp_path):
    target = tmp_path / "county.duckdb"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(gone.stdout)  # a process that has ended
    names = {
        "dead": f"county.duckdb.building-{dead}-0123abcd",
        "dead_wal": f"county.duckdb.building-{dead}-0123abcd.wal",
        "old_style": f"county.duckdb.building-{dead}",  # an earlier version's name
        "alive": f"county.duckdb.building-{os.getppid()}-89abcdef",  # pytest's parent lives
        "held": f"county.duckdb.building-{dead}-fedcba98",  # dead name, but someone holds it
        "other_db": f"other.duckdb.building-{dead}-0123abcd",
        "not_ours": f"county.duckdb.building-{dead}-notes.txt",
    }
    for key, name in names.items():
        if key == "held":
            duckdb.connect(str(tmp_path / name)).close()
        else:
            (tmp_path / name).write_bytes(b"x")
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
                               "print('ready', flush=True); time.sleep(60)", str(tmp_path / names["held"])],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        removed = {p.name for p in db.clean_temporaries(target)}
    finally:
        holder.kill()
        holder.wait()
    assert removed == {names["dead"], names["dead_wal"], names["old_style"]}
    assert {p.name for p in tmp_path.iterdir()} == set(names.values()) - removed
    # once its holder is gone, the held one goes as well
    assert {p.name for p in db.clean_temporaries(target)} == {names["held"]}


def test_a_build_that_finds_its_target_created_meanwhile_does_not_overwrite_it(tmp_path):
    # two first runs at once: the one finishing second must not replace the other's database
    target = tmp_path / "county.duckdb"
    for replace in ("missing", "incomplete"):
        new = db.NewDatabase(target, replace=replace)
        con = new.open()
        con.execute("insert into meta values ('mine', '1')")
        other = qm.connect(target, create=True)  # the other run, quicker
        other.execute("insert into meta values ('theirs', '1')")
        other.close()
        with pytest.raises(qm.QingmiaoError, match="另一个程序"):
            new.commit()
        with qm.connect(target) as c:
            facts = db.meta(c)
        assert "theirs" in facts and "mine" not in facts
        assert others(tmp_path) == set()  # its own temporary removed
        target.unlink()


def test_connect_create_builds_the_file_whole(tmp_path):
    target = tmp_path / "sub" / "county.duckdb"
    con = qm.connect(target, create=True)
    try:
        assert db.meta(con)["schema_version"] == SCHEMA_VERSION
    finally:
        con.close()
    assert {p.name for p in target.parent.iterdir()} == {"county.duckdb"}
