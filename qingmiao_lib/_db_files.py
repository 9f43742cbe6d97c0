"""A database file's life cycle: built under a temporary name (:class:`NewDatabase`), moved
onto its path only when complete, leftovers of killed runs removed (:func:`clean_temporaries`),
the locks DuckDB holds told apart, and the named crash points of the crash-safety tests.

Split from :mod:`qingmiao_lib.db`, which re-exports every public name here (``db.NewDatabase``,
``db.crash_point`` … stay where callers know them).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
from pathlib import Path

import duckdb

from . import _config
from ._db_state import database_state
from .errors import DatabaseLocked, QingmiaoError, SchemaMismatch
from .outputs import fsync_dir, pid_alive

try:  # POSIX record locks, the kind DuckDB takes on its file (absent on Windows)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


def _duck(path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A plain DuckDB connection, its failures turned into one-line Qingmiao errors."""
    config = _config.from_environment()
    try:
        return duckdb.connect(str(path), read_only=read_only and str(path) != ":memory:", config=config)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise DatabaseLocked(
                f"数据库 {path} 正被另一个程序占用（例如打开着的笔记本，或正在运行的 qingmiao demo/import），"
                "请关闭该程序后重试"
            ) from None
        raise SchemaMismatch(f"无法打开数据库 {path}：{str(e).splitlines()[0]}") from None
    except duckdb.Error as e:
        raise SchemaMismatch(f"无法打开数据库 {path}：{str(e).splitlines()[0]}") from None


def _empty_file(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size == 0
    except OSError:
        return False



#: Fault injection for the crash-safety tests (tests/test_crash_safety.py): with the environment
#: variable set to a point's name, the process kills itself (SIGKILL) when it reaches that point.
CRASH_ENV = "QINGMIAO_CRASH_AT"


def crash_point(name: str) -> None:
    """A named moment of a write (``new:closed``, ``import:validated`` …) where the crash-safety
    tests kill the process; does nothing unless ``QINGMIAO_CRASH_AT`` names it."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def temporary_name(path: Path) -> Path:
    """``<name>.building-<pid>-<8 hex>`` beside ``path``: the process that builds it and a random
    part, so concurrent runs never share one and a leftover can be told from a live build."""
    return path.with_name(f"{path.name}.building-{os.getpid()}-{secrets.token_hex(4)}")


def _temporary_pattern(path: Path) -> re.Pattern:
    # also the names of earlier versions (<name>.building-<pid>), and each file's .wal
    return re.compile(re.escape(path.name) + r"\.building-(\d+)(?:-[0-9a-f]{8})?(?:\.wal)?")


def _wal(path: Path) -> Path:
    return Path(str(path) + ".wal")


def _locked(path: Path) -> bool:
    """Does a process hold ``path`` open through DuckDB (which takes a POSIX record lock on it)?"""
    if fcntl is None or not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: leave it alone
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def clean_temporaries(path: str | Path) -> list[Path]:
    """Remove what killed runs left beside ``path``: only files named by
    :func:`temporary_name` (and their ``.wal``) whose process is gone and which no process holds
    open — a concurrent build's files are never touched. Returns the files removed."""
    path = Path(path)
    pattern = _temporary_pattern(path)
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(path.parent) if e.name.startswith(path.name + ".building-")]
    except OSError:
        return removed
    for entry in sorted(entries, key=lambda e: e.name):
        m = pattern.fullmatch(entry.name)
        if not m or not entry.is_file(follow_symlinks=False) or pid_alive(int(m[1])):
            continue
        file = Path(entry.path)
        main = file.with_name(file.name[:-4]) if file.name.endswith(".wal") else file
        if _locked(main):
            continue
        try:
            file.unlink()
        except FileNotFoundError:
            continue
        except OSError:  # held open (Windows) or not ours to delete
            continue
        removed.append(file)
    return removed


def _hold(path: Path) -> duckdb.DuckDBPyConnection | None:
    """A writable plain connection on an existing file (its lock held), or None for an empty file."""
    if _empty_file(path):
        return None
    return _duck(path, read_only=False)


def check_replaceable(path: str | Path) -> str:
    """May a new database replace the file at ``path`` (``qingmiao demo --force``)? Returns its
    :func:`database_state` for a Qingmiao database (any version) or an interrupted creation;
    raises :class:`DatabaseLocked` while another process holds it and
    :class:`SchemaMismatch` for any other file, which is never replaced."""
    path = Path(path)
    con = _hold(path)
    if con is None:
        return "incomplete"
    try:
        state = database_state(con)
    finally:
        con.close()
    if state == "foreign":
        raise SchemaMismatch(f"{path} 不是青苗工作台数据库，不会被覆盖（请换一个 --db 文件名）")
    return state


class NewDatabase:
    """A new database built under a temporary name beside ``path`` (:func:`temporary_name`) and
    moved onto ``path`` only when complete — checkpointed, closed, no ``.wal`` left — so a run
    killed at any moment leaves no file, or the previous one, never a broken one.

    ``replace`` says what may be at ``path`` when the new database is moved there:
    ``"missing"`` nothing, ``"incomplete"`` nothing or an interrupted creation
    (:class:`qingmiao_lib.db.IncompleteDatabase`), ``"any"`` any Qingmiao database as well (``demo --force``;
    never a foreign file). The previous file stays whole until the rename. Leftovers of killed
    runs are removed first (:func:`clean_temporaries`).

    >>> new = NewDatabase(path, replace="missing")            # doctest: +SKIP
    >>> con = new.open(); ...; new.commit()                    # or: with NewDatabase(...) as con:
    """

    def __init__(self, path: str | Path, *, replace: str = "missing", rules=None, bulk_load: bool = False):
        if replace not in ("missing", "incomplete", "any"):
            raise ValueError(f"replace: {replace!r}")
        self.path = Path(path)
        self.replace = replace
        self.rules = rules
        self.bulk_load = bulk_load
        self.tmp: Path | None = None
        self.con: duckdb.DuckDBPyConnection | None = None

    def open(self, *, ready: bool = True) -> duckdb.DuckDBPyConnection:
        """Create the temporary file with the schema; returns a writable connection to it (with
        rules and macros unless ``ready=False``)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        clean_temporaries(self.path)
        self.tmp = temporary_name(self.path)
        from . import db  # late: db opens files (connect) with this class, this class opens with db
        try:
            self.con = db._open(self.tmp, read_only=False, rules=self.rules, new=True,
                                bulk_load=self.bulk_load, ready=ready)
        except BaseException:
            self.discard()
            raise
        return self.con

    def commit(self) -> Path:
        """Checkpoint and close the new database, then move it onto ``path``; returns ``path``."""
        try:
            crash_point("new:written")
            self.con.execute("checkpoint")
            crash_point("new:checkpointed")
            self.con.close()
            self.con = None
            crash_point("new:closed")
            if _wal(self.tmp).exists():  # closing checkpoints; fold in whatever is left
                _duck(self.tmp, read_only=False).close()
            if _wal(self.tmp).exists():
                raise QingmiaoError(f"无法完成数据库 {self.path}：临时文件的预写日志未能并入")
            _install(self.tmp, self.path, self.replace)
        except BaseException:
            self.discard()
            raise
        return self.path

    def discard(self) -> None:
        """Close and remove the temporary files (the target is left as it was)."""
        if self.con is not None:
            try:
                self.con.close()
            finally:
                self.con = None
        if self.tmp is not None:
            for p in (self.tmp, _wal(self.tmp)):
                p.unlink(missing_ok=True)

    def create(self) -> Path:
        """A database with the schema and nothing else."""
        self.open(ready=False)
        return self.commit()

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        return self.open()

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def _install(tmp: Path, path: Path, replace: str) -> None:
    """Move the complete database ``tmp`` onto ``path``. A previous file there is held open
    (its lock: nobody writes it meanwhile) and checkpointed, so no ``.wal`` of it outlives it
    — DuckDB would refuse the new file beside another's write-ahead log."""
    holder = None
    try:
        if path.exists():
            if replace == "missing":
                raise QingmiaoError(f"数据库已存在：{path}（另一个程序刚刚创建了它，本次未写入；如需覆盖请加 --force）")
            holder = _hold(path)
            state = "incomplete" if holder is None else database_state(holder)
            if state == "foreign":
                raise SchemaMismatch(f"{path} 不是青苗工作台数据库，不会被覆盖（请换一个 --db 文件名）")
            if replace == "incomplete" and state != "incomplete":
                raise QingmiaoError(f"数据库 {path} 在此期间已由另一个程序创建：本次未写入任何数据，请重新运行")
            if holder is not None:
                holder.execute("checkpoint")
            copy = path.with_name(path.name + ".importing")  # an import's copy, left by a kill
            for leftover in (copy, _wal(copy)):
                leftover.unlink(missing_ok=True)
        # the previous file's log (checkpointed above, or an orphan without its database)
        _wal(path).unlink(missing_ok=True)
        crash_point("new:replacing")
        if holder is not None and os.name == "nt":  # pragma: no cover - an open file cannot be replaced there
            holder.close()
            holder = None
        os.replace(tmp, path)
        crash_point("new:renamed")
        fsync_dir(path.parent)
    finally:
        if holder is not None:
            holder.close()


def replace_file(tmp: Path, path: Path, holder: duckdb.DuckDBPyConnection) -> None:
    """Move the complete copy ``tmp`` onto the database ``path`` while ``holder`` (a connection
    to ``path`` with nothing unwritten) keeps it locked; used by imports written into a copy."""
    if _wal(tmp).exists():
        _duck(tmp, read_only=False).close()
    holder.execute("checkpoint")
    _wal(path).unlink(missing_ok=True)
    if os.name == "nt":  # pragma: no cover
        holder.close()
    os.replace(tmp, path)
    fsync_dir(path.parent)
