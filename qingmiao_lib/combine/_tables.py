"""Which columns of each table are keys (prefixed with the county in a combined database), and
the statements that move a table's rows, built from the contract's identifiers only — never from
a user's text; every value (the county code, the list of counties) is bound.
"""

from __future__ import annotations

import re

import duckdb

from ..contract import TABLES as CONTRACT
from ..db import TABLES

#: A county code: the prefix of every key of its records and its Parquet folder (county=CODE).
CODE_RE = re.compile(r"[0-9A-Za-z_-]{1,32}")

#: Tables of a combined database beside the schema's (sql/combine/tables.sql).
COMBINED_TABLES = ("counties", "county_quotas")


def _q(name: str) -> str:
    """An identifier from the contract, quoted."""
    if not name.replace("_", "").isalnum():
        raise ValueError(name)
    return f'"{name}"'


def key_columns(table: str) -> tuple[str, ...]:
    """The columns of ``table`` holding a person, unit or lecture key or a reference to one
    (``person_id``, ``unit_id``, ``parent_id``, ``mentor_id``, ``lecture_id``)."""
    return tuple(c.name for c in CONTRACT[table].stored_columns if c.is_code)


def anchor(table: str) -> str:
    """The key column that tells a row's county (every table has one; ``quotas.unit_id`` is
    empty only for a jurisdiction quota, kept in ``county_quotas`` in a combined database)."""
    return key_columns(table)[0]


def _prefixed(table: str) -> str:
    keys = ", ".join(f"$county || ':' || {_q(c)} as {_q(c)}" for c in key_columns(table))
    return f"* replace ({keys})"


def copy_county(con: duckdb.DuckDBPyConnection, table: str, *, county: str) -> int:
    """Insert the rows of ``source``.main.``table`` (a county's own database, attached) with
    every key prefixed ``county:``; a jurisdiction quota goes to ``county_quotas``. Returns the
    rows inserted."""
    where = " where unit_id is not null" if table == "quotas" else ""
    n = con.execute(
        f"insert into main.{_q(table)} by name select {_prefixed(table)} "  # noqa: S608 — contract names
        f"from src.main.{_q(table)}{where}", {"county": county}).fetchall()[0][0]
    if table == "quotas":
        n += con.execute(
            "insert into main.county_quotas select $county, year, rank, max_count "
            "from src.main.quotas where unit_id is null", {"county": county}).fetchall()[0][0]
    return int(n)


def copy_kept(con: duckdb.DuckDBPyConnection, table: str, *, counties: list[str]) -> int:
    """Insert, unchanged, the rows of ``old``.main.``table`` (the previous combined database,
    attached) whose county is one of ``counties``. Returns the rows inserted."""
    if table in COMBINED_TABLES:
        sql = f"insert into main.{_q(table)} select * from old.main.{_q(table)} where list_contains($c, county)"  # noqa: S608
    else:
        sql = (f"insert into main.{_q(table)} by name select * from old.main.{_q(table)} "  # noqa: S608
               f"where list_contains($c, split_part({_q(anchor(table))}, ':', 1))")
    return int(con.execute(sql, {"c": counties}).fetchall()[0][0])


def county_rows(con: duckdb.DuckDBPyConnection, table: str, *, county: str):
    """The rows of ``table`` in the combined database of ``con`` that belong to ``county``, keys
    as stored (prefixed), as a streaming Arrow reader."""
    return con.sql(
        f"select * from main.{_q(table)} where starts_with({_q(anchor(table))}, $p)",  # noqa: S608
        params={"p": f"{county}:"}).to_arrow_reader()


def county_checksums(con: duckdb.DuckDBPyConnection, *, county: str) -> dict[str, str]:
    """``{table: "rows:md5"}`` over one county's rows of a combined database (as
    ``importer.table_checksums``: equal exactly when the rows are), ``county_quotas`` included."""
    out = {}
    for table in TABLES:
        n, digest = con.execute(
            "select count(*), md5(coalesce(string_agg(h, '' order by h), '')) from ("  # noqa: S608
            f"select md5(cast(t as varchar)) as h from main.{_q(table)} as t "
            f"where starts_with({_q(anchor(table))}, $p))", {"p": f"{county}:"}).fetchall()[0]
        out[table] = f"{n}:{digest}"
    n, digest = con.execute(
        "select count(*), md5(coalesce(string_agg(h, '' order by h), '')) from ("
        "select md5(cast(t as varchar)) as h from main.county_quotas as t where county = $c)",
        {"c": county}).fetchall()[0]
    out["county_quotas"] = f"{n}:{digest}"
    return out


def load_rows(con: duckdb.DuckDBPyConnection, table: str, rows) -> None:
    """Insert ``rows`` (an Arrow reader or table with ``table``'s columns) into ``table``."""
    con.register("_combine_rows", rows)
    try:
        con.execute(f"insert into main.{_q(table)} by name select * from _combine_rows")  # noqa: S608
    finally:
        con.unregister("_combine_rows")


def parquet_select(table: str, *, combined: bool, unmasked: bool) -> str:
    """The rows of ``table`` as exported to Parquet, with a ``county`` column to partition by:
    a combined database's keys as stored and the county their prefix; a county's own database's
    keys prefixed ``$county:`` (so several counties' exports can be read as one). Names of
    persons masked (``mask_name``, sql/combine/mask_name.sql) unless ``unmasked``."""
    replace = [] if combined else [f"$county || ':' || {_q(c)} as {_q(c)}" for c in key_columns(table)]
    if table == "persons" and not unmasked:
        replace.append('mask_name("name") as "name"')
    star = f"* replace ({', '.join(replace)})" if replace else "*"
    county = f"split_part({_q(anchor(table))}, ':', 1)" if combined else "$county::varchar"
    rows = f"select {star}, {county} as county from main.{_q(table)}"  # noqa: S608 — contract names
    if table == "quotas" and combined:
        rows += (" where unit_id is not null union all by name "
                 "select year, null::varchar as unit_id, rank, max_count, county from main.county_quotas")
    return rows
