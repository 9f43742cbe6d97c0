"""Where a report's data comes from: the facts its cover, appendix and trend charts print about
the database itself, read here so that the report and its sections never query (issue 22).

- :func:`data_checksum` — a checksum of the record tables' content, the same on any machine;
- :func:`report_labels` — the cover's classification line and the rules' title;
- :func:`first_years` — the first year of entries, pool admissions and practice postings (where
  the report's trend charts start);
- :func:`database_file` — the file behind a connection and whether it is opened read-only;
- :func:`database_facts` — the file's tables and ``meta`` rows with the labels and first years
  above, read in one statement once per report (the stored tables' checks read it too).
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import duckdb

from . import sql
from ._steady import remembered


def data_checksum(con: duckdb.DuckDBPyConnection) -> str:
    """A checksum of the record tables' content (the import contract's tables; not the derived
    snapshots or ``meta``), independent of row order: the same records give the same checksum on
    any machine (the first 16 hex digits of a SHA-256 over each table's name, row count and sum
    of row hashes)."""
    digest = hashlib.sha256()
    # one statement for every table (sql/base/table_checksums.sql lists the contract's tables);
    # a read-only file of an older version has empty temporary stand-ins, left out as before
    for name, rows, total, present in con.execute(sql.load("base/table_checksums")).fetchall():
        if present:
            digest.update(f"{name}:{rows}:{total};".encode())
    return digest.hexdigest()[:16]


def report_labels(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """``(classification, title)``: the cover's classification line (``report.classification``)
    and the rules' title (``meta.title``, '' when unset)."""
    facts = database_facts(con)
    return facts.classification, facts.title or ""


def first_years(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """The first year of the records: ``{"entry": …, "pool": …, "practice": …}`` (None for a
    table without rows)."""
    return dict(database_facts(con).first_years)


def database_file(con: duckdb.DuckDBPyConnection) -> tuple[str | None, bool]:
    """``(path, read_only)`` of the database behind ``con`` (path None in memory)."""
    path, mode = con.execute(
        "select path, current_setting('access_mode') from duckdb_databases() "
        "where database_name = current_database()").fetchall()[0]
    return (path or None), mode == "read_only"


class Facts(NamedTuple):
    """What :func:`database_facts` reads."""

    tables: frozenset[str]                  #: the tables of the file (main schema)
    meta: dict[str, str]                    #: every row of ``meta``, by key
    classification: str | None              #: rules ``report.classification``
    title: str | None                       #: rules ``meta.title`` (None when unset)
    first_years: dict[str, int | None]      #: ``{"entry": …, "pool": …, "practice": …}``


def database_facts(con: duckdb.DuckDBPyConnection) -> Facts:
    """The facts above, read in one statement (``sql/base/database_facts.sql``) once per
    :func:`qingmiao_lib._steady.steady` block (a report; every call outside one). The dicts are
    the block's own: read them, never change them."""
    def read() -> Facts:
        tables, rows, classification, title, *years = con.execute(sql.load("base/database_facts")).fetchall()[0]
        first = {k: None if v is None else int(v) for k, v in zip(("entry", "pool", "practice"), years, strict=True)}
        return Facts(frozenset(tables), {r["key"]: r["value"] for r in rows}, classification, title, first)

    return remembered(con, ("database-facts",), read)
