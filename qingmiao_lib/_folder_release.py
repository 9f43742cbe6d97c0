"""A folder of unit reports is one release (issue 18): unit reports written into a folder at
different times (``qingmiao report --by-unit --units A``, later ``--units B``) are protected
against each other, not only against the county report.

Each folder has a register: the data checksum, rules version, year, threshold and selector size
the pages were protected under, and every page's published tables (values and states) with its
line of the index. It holds exact counts, so it is kept **beside the database**, never in the
folder that is sent out: ``<database folder>/.qingmiao-release/<hash of the folder's path>.pkl``
(no register for an in-memory database). A later batch into the folder rebuilds the registered
pages' tables beside its own (one :class:`~qingmiao_lib.sections._release.Scoped` part each,
tied to the county report and to each other as one batch is), fixes every registered cell in the
state its page printed it, and protects only the new pages around them; the index then lists
every page of the folder. A register written under other data or rules no longer describes what
the pages say about these data: it is set aside, with a warning, and the new batch starts a new
register (delete the old pages, or write into a new folder).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Mapping
from pathlib import Path

from ._ledger import same_values
from .sdc._model import WITHHELD

#: the folder, beside the database, that keeps the registers of folders of unit reports
REGISTERS = ".qingmiao-release"
#: bump when the register's layout changes (an older register is then set aside)
VERSION = 1


class Stale(Exception):
    """A registered page's tables are not what the pages printed (another workbench version)."""


def key_of(s, selector_units: int) -> tuple:
    """What a register is valid for: the data, the rules, the year, the threshold, the selector."""
    return (VERSION, s.checksum, s.rules_version, int(s.year), int(s.threshold), int(selector_units))


def register_of(database: str | Path | None, folder: Path) -> Path | None:
    """Where the register of ``folder`` is kept: beside ``database`` (None: an in-memory
    database keeps none)."""
    if database is None:
        return None
    digest = hashlib.sha256(str(Path(folder).resolve()).encode("utf-8")).hexdigest()[:20]
    return Path(database).resolve().parent / REGISTERS / f"{digest}.pkl"


def load(path: Path | None, key: tuple, folder: Path) -> tuple[dict, dict]:
    """``(pages, entries)`` registered at ``path`` under ``key`` — each page's published
    tables ``{unit_id: {table: (values, status)}}`` and index lines ``{unit_id: entry}`` — or
    two empty dicts (no register, or one for other data or rules: set aside with a warning)."""
    if path is None or not path.exists():
        return {}, {}
    try:
        got = pickle.loads(path.read_bytes())
    except Exception:                 # noqa: BLE001 - an unreadable register protects nothing
        got = None
    if not isinstance(got, dict) or got.get("key") != key:
        print(f"警告：{folder} 中此前的单位报告基于不同的数据、规则或版本，新生成的报告不与它们一并保护"
              "（请删除旧报告或改用新目录）", file=sys.stderr)
        return {}, {}
    return got["pages"], got["entries"]


def save(path: Path | None, key: tuple, pages: Mapping, entries: Mapping) -> None:
    """Write the register atomically (a temporary file beside it, then a rename)."""
    if path is None:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(exist_ok=True)
        tmp.write_bytes(pickle.dumps({"key": key, "pages": dict(pages), "entries": dict(entries)}))
        tmp.replace(path)
    except OSError as e:              # a read-only database folder: the pages stand, unregistered
        print(f"警告：无法在 {path.parent} 保存单位报告的登记（{e.strerror or e}）："
              "以后写入同一目录的单位报告不会与这些报告一并保护", file=sys.stderr)
    finally:
        tmp.unlink(missing_ok=True)


def tables_of(base, part) -> dict[str, str]:
    """A part's published tables: ``{name as its page prints it: name in base}``."""
    head = part.prefix + "·"
    return {n[len(head):]: n for n in base.problem.tables
            if n.startswith(head) and n not in base.problem.unpublished}


def fix_registered(base, parts: Mapping, pages: Mapping) -> int:
    """Fix every registered page's cells (``pages``) in ``base`` in the states the page printed;
    raises :class:`Stale` when a rebuilt table is not the registered one. Returns the cells
    fixed."""
    n = 0
    for uid, tables in pages.items():
        mine = tables_of(base, parts[uid])
        if set(mine) != set(tables):
            raise Stale(uid)
        for plain, (values, status) in tables.items():
            t = base.problem.tables[mine[plain]]
            if not same_values(t.values, values):
                raise Stale(uid)
            base.problem.frozen.add(mine[plain])      # its page is out: never withheld now
            if (status == WITHHELD).all().all():        # withheld there: withheld again, unknown
                base.problem.withhold.add(mine[plain])
                continue
            for r in t.ids.index:
                for c in t.ids.columns:
                    base.problem.hold(int(t.ids.at[r, c]), status.at[r, c])
                    n += 1
    return n


def published(base, parts: Mapping) -> dict:
    """Every part's published tables as printed: ``{unit_id: {table: (values, status)}}``."""
    res = base.result
    return {uid: {plain: (base.problem.tables[name].values, res[name].status)
                  for plain, name in tables_of(base, part).items()}
            for uid, part in parts.items()}


__all__ = ["REGISTERS", "Stale", "fix_registered", "key_of", "load", "published", "register_of", "save", "tables_of"]
