"""Where a report's data comes from: the facts its cover, appendix and trend charts print about
the database itself, read here so that the report and its sections never query (issue 22).

- :func:`data_checksum` — a checksum of the record tables' content, the same on any machine;
- :func:`report_labels` — the cover's classification line and the rules' title;
- :func:`first_years` — the first year of entries, pool admissions and practice postings (where
  the report's trend charts start);
- :func:`database_file` — the file behind a connection and whether it is opened read-only.
"""

from __future__ import annotations

import hashlib

import duckdb

from . import sql


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
    classification, title = con.execute(sql.load("base/report_labels")).fetchall()[0]
    return classification, title or ""


def first_years(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """The first year of the records: ``{"entry": …, "pool": …, "practice": …}`` (None for a
    table without rows)."""
    row = con.execute(sql.load("base/first_years")).fetchall()[0]
    return {k: None if v is None else int(v) for k, v in zip(("entry", "pool", "practice"), row, strict=True)}


def database_file(con: duckdb.DuckDBPyConnection) -> tuple[str | None, bool]:
    """``(path, read_only)`` of the database behind ``con`` (path None in memory)."""
    path, mode = con.execute(
        "select path, current_setting('access_mode') from duckdb_databases() "
        "where database_name = current_database()").fetchall()[0]
    return (path or None), mode == "read_only"
