"""A folder of unit reports is one release (issue 18): unit reports written into a folder at
different times (``qingmiao report --by-unit --units A``, later ``--units B``) are protected
against each other, not only against the county report.

The folder keeps a register, ``.qingmiao-release.pkl``: the data checksum, rules version, year,
threshold and selector size the pages were protected under, and every page's published tables
(values and states) with its line of the index. A later batch into the folder rebuilds the
registered pages' tables beside its own (one :class:`~qingmiao_lib.sections._release.Scoped`
part each, tied to the county report and to each other as one batch is), fixes every registered
cell in the state its page printed it, and protects only the new pages around them; the index
then lists every page of the folder. A register written under other data or rules no longer
describes what the pages say about these data: it is set aside, with a warning, and the new
batch starts a new register (delete the old pages, or write into a new folder).
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Mapping
from pathlib import Path

from ._ledger import same_values
from .sdc._model import WITHHELD

#: the register's file name in a folder of unit reports
RELEASE_FILE = ".qingmiao-release.pkl"
#: bump when the register's layout changes (an older register is then set aside)
VERSION = 1


class Stale(Exception):
    """A registered page's tables are not what the pages printed (another workbench version)."""


def key_of(s, selector_units: int) -> tuple:
    """What a register is valid for: the data, the rules, the year, the threshold, the selector."""
    return (VERSION, s.checksum, s.rules_version, int(s.year), int(s.threshold), int(selector_units))


def load(folder: Path, key: tuple) -> tuple[dict, dict]:
    """``(pages, entries)`` registered in ``folder`` under ``key`` — each page's published
    tables ``{unit_id: {table: (values, status)}}`` and index lines ``{unit_id: entry}`` — or
    two empty dicts (no register, or one for other data or rules: set aside with a warning)."""
    path = Path(folder) / RELEASE_FILE
    if not path.exists():
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


def save(folder: Path, key: tuple, pages: Mapping, entries: Mapping) -> None:
    """Write the register atomically (a temporary file in the folder, then a rename)."""
    path = Path(folder) / RELEASE_FILE
    tmp = path.with_name(f"{RELEASE_FILE}.{os.getpid()}.part")
    try:
        tmp.write_bytes(pickle.dumps({"key": key, "pages": dict(pages), "entries": dict(entries)}))
        tmp.replace(path)
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
                    slot = int(t.ids.at[r, c])
                    if status.at[r, c] in ("", None):
                        base.problem.fix_shown(slot)
                    else:
                        base.problem.forced.add(slot)
                    n += 1
    return n


def published(base, parts: Mapping) -> dict:
    """Every part's published tables as printed: ``{unit_id: {table: (values, status)}}``."""
    res = base.result
    return {uid: {plain: (base.problem.tables[name].values, res[name].status)
                  for plain, name in tables_of(base, part).items()}
            for uid, part in parts.items()}


__all__ = ["RELEASE_FILE", "Stale", "fix_registered", "key_of", "load", "published", "save", "tables_of"]
