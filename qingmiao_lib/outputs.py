"""Writing output files safely (issue 19).

- ``guard`` refuses an output path that is one of the command's inputs — the database, its
  ``.wal``, a rules file, an imported file or a file inside an imported folder — however it is
  spelled: relative or absolute, through a symbolic link (``Path.resolve``) or a hard link (same
  device and inode). A refused path is a usage mistake (``UsageError``, CLI exit 2).
- ``atomic_path`` / ``atomic_write_bytes`` / ``atomic_write_text`` write a temporary file in the
  target's own folder (``.{name}.tmp-{pid}-{random}``), fsync it and ``os.replace`` it onto the
  target only when the whole file is written: a failure (a full disk, an exception, Ctrl-C)
  removes the temporary file and leaves the previous file, or none. A temporary file left by a
  killed run (its process gone) is removed by the next write to the same target.
- ``safe_name`` makes a file name out of a record value (a unit code, a unit name): never a path.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import QingmiaoError


class UsageError(Exception):
    """A usage mistake the argument parser cannot see by itself: one line, CLI exit status 2."""


# --------------------------------------------------------------------------------------------
# outputs that would overwrite an input


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _same_file(a: os.stat_result | None, b: os.stat_result | None) -> bool:
    return a is not None and b is not None and (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _resolve(path: Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser())).resolve(strict=False)


def database_inputs(db: Path | str | None) -> list[Path]:
    """The files a database consists of: the file itself and DuckDB's write-ahead log."""
    if db is None:
        return []
    db = Path(db)
    return [db, db.with_name(db.name + ".wal")]


def guard(out: Path | str, *, inputs: Iterable[Path | str | None], what: str = "--out",
          parent_must_exist: bool = False) -> Path:
    """Refuse (``UsageError``) an output path ``out`` that is, or would overwrite, an input.

    ``inputs``: the database and its ``.wal`` (see ``database_inputs``), the rules file, the
    imported files and folders (``None`` entries are skipped). ``out`` is refused when it resolves
    to an input file, is the same file as one (a hard link), or lies inside an input folder (an
    imported folder: the next import would read it). ``what`` names the option in the message.
    ``parent_must_exist``: the folder of a path the user named must exist (``目录不存在``); the
    commands' default paths (``reports/…``) are created instead. Returns ``out`` unchanged.
    """
    out = Path(out)
    target = _resolve(out)
    target_stat = _stat(out)
    # the folders the output would be written in, as (path, stat) from the nearest up
    ancestors = [(p, _stat(p)) for p in target.parents]
    for given in inputs:
        if given is None:
            continue
        given = Path(given)
        source = _resolve(given)
        source_stat = _stat(given)
        is_dir = source_stat is not None and os.path.isdir(given)
        if is_dir:
            inside = target == source or target.is_relative_to(source) or any(
                _same_file(st, source_stat) for _, st in ancestors) or _same_file(target_stat, source_stat)
            if inside:
                raise UsageError(f"{what} {out} 位于导入的目录 {given} 之中，下次导入会读到它；"
                                 "请写到别的目录 (output inside an imported folder)")
            continue
        if target == source or _same_file(target_stat, source_stat):
            raise UsageError(f"{what} {out} 就是输入文件 {given}，写入会覆盖它；请换一个文件名 "
                             "(output would overwrite an input)")
    if parent_must_exist:
        require_parent(out, what=what)
    return out


def require_parent(out: Path | str, *, what: str = "--out") -> None:
    """The folder a user-named output goes into must already exist (nothing is created silently)."""
    parent = Path(out).parent
    if not parent.is_dir():
        raise UsageError(f"{what} {out}：目录不存在 {parent}（请先创建该目录）")


# --------------------------------------------------------------------------------------------
# atomic writes

_TMP_RE = re.compile(r"\.tmp-(\d+)-[0-9a-f]+$")


def temp_path(path: Path | str) -> Path:
    """A fresh temporary name beside ``path``: ``.{name}.tmp-{pid}-{random}`` in the same folder."""
    path = Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` may still be running (ours, or one we cannot signal): a temporary
    file it named is left alone. On Windows an open file cannot be deleted anyway, so False."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover — os.kill would end the process there
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, someone else's
        return True
    return True


def clean_stale(path: Path | str) -> list[Path]:
    """Remove the temporary files a killed write to ``path`` left beside it (their process is
    gone); returns what was removed. Never touches another live process's temporary file."""
    path = Path(path)
    removed = []
    prefix = f".{path.name}.tmp-"
    try:
        names = os.listdir(path.parent if str(path.parent) else ".")
    except OSError:
        return removed
    for name in names:
        if not name.startswith(prefix):
            continue
        m = _TMP_RE.search(name)
        if not m or pid_alive(int(m.group(1))):
            continue
        stale = path.with_name(name)
        with contextlib.suppress(OSError):
            if stale.is_file() and not stale.is_symlink():
                stale.unlink()
                removed.append(stale)
    return removed


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); a failure here loses nothing already renamed."""
    if os.name == "nt":  # pragma: no cover — folders cannot be opened there
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: Path | str, *, missing_ok: bool = False) -> Iterator[Path]:
    """Yield a temporary path in ``path``'s folder; write the whole file there. On success it is
    fsynced and renamed onto ``path`` (``os.replace``); on any failure it is removed and ``path``
    keeps its previous content (or stays absent). ``path``'s folder must exist.

    ``missing_ok``: a block that ends without writing the temporary file leaves ``path`` alone
    (e.g. an error workbook written only when an import fails); otherwise that is an error.
    An ``OSError`` about the temporary file (a full disk) names ``path`` instead.
    """
    path = Path(path)
    if path.is_dir():
        raise QingmiaoError(f"输出路径 {path} 已存在且不是普通文件（请给出一个文件名）")
    if not path.parent.is_dir() and str(path.parent):
        raise FileNotFoundError(errno.ENOENT, "目录不存在 no such folder", str(path.parent))
    clean_stale(path)
    tmp = temp_path(path)
    try:
        yield tmp
        if tmp.exists():
            _fsync_file(tmp)
            os.replace(tmp, path)
            fsync_dir(path.parent)
        elif not missing_ok:
            raise QingmiaoError(f"未写出文件 nothing was written: {path}")
    except BaseException as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(e, OSError) and (e.filename is None or os.fspath(e.filename) == os.fspath(tmp)):
            e.filename = str(path)
        raise


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see ``atomic_path``)."""
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "xb") as f:
        f.write(data)
    return path


def atomic_write_text(path: Path | str, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (see ``atomic_path``); newlines are kept as given."""
    return atomic_write_bytes(path, text.encode(encoding))


# --------------------------------------------------------------------------------------------
# file names from record values

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                     *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
                     "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"}
_FORBIDDEN = set('/\\:*?"<>|')


def _truncate_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def safe_name(text: object, *, max_len: int = 80) -> str:
    """A file name (not a path) made from a record value, at most ``max_len`` UTF-8 bytes.

    Path separators (``/`` ``\\``), the characters Windows refuses (``: * ? " < > |``), NUL and
    every other control or invisible format character become ``_``; runs of dots collapse to one
    (so never ``..``); leading dots and spaces and trailing dots and spaces are dropped (never a
    hidden file, never a name Windows trims); Windows device names (``CON``, ``NUL``, ``COM1`` …)
    get a leading ``_``. A name that had to be shortened ends in ``~`` and 8 hex digits of the
    original's hash, so long values that share a prefix stay distinct. Never empty (``_``).
    The mapping is not one-to-one (``a/b`` and ``a_b`` both give ``a_b``): a caller that needs
    distinct names for distinct records checks for collisions.
    """
    if max_len < 16:
        raise ValueError("max_len must be at least 16 bytes")
    original = "" if text is None else str(text)
    name = unicodedata.normalize("NFC", original)
    name = "".join(
        "_" if ch in _FORBIDDEN or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn")
        else ch for ch in name)
    name = re.sub(r"\s", " ", name)       # tabs and odd spaces: a plain space
    name = re.sub(r"\.{2,}", ".", name)   # never ".."
    name = name.lstrip(". ").rstrip(". ")
    if name.split(".")[0].upper().rstrip() in _WINDOWS_RESERVED:
        name = "_" + name
    if len(name.encode("utf-8")) > max_len:
        digest = hashlib.sha1(original.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        name = _truncate_utf8(name, max_len - 9).rstrip(". ") + "~" + digest
    return name or "_"
