"""provenance: the data checksum in one statement (sql/base/table_checksums.sql) over the import
contract's tables, the same value as the checksum defined table by table; the database's facts."""

from __future__ import annotations

import datetime as dt
import hashlib

from qingmiao_lib import contract, provenance, sql

D = dt.date.fromisoformat


def _expected(parts: list[str]) -> str:
    return hashlib.sha256("".join(parts).encode()).hexdigest()[:16]


def test_the_sql_lists_exactly_the_contract_tables(con):
    names = [r[0] for r in con.execute(sql.load("base/table_checksums")).fetchall()]
    assert names == sorted(contract.TABLES)          # each once, in name order


def test_an_empty_database(con):
    # every table present with no rows: "<name>:0:0;" for each table in name order
    parts = [f"{n}:0:0;" for n in sorted(contract.TABLES)]
    assert provenance.data_checksum(con) == _expected(parts)


def test_rows_counted_and_hashed_per_table(db):
    # the fixture's unit U1, plus a second unit and one person: units 2 rows, persons 1 row; the
    # sum of hashes is DuckDB's hash of each row, read table by table as the checksum defines it
    db.add("units", unit_id="U2", name="乙单位")
    db.add("persons", person_id="P1")
    parts = []
    for n in sorted(contract.TABLES):
        rows, total = db.con.execute(
            "select count(*), coalesce(sum(hash(t)::hugeint), 0) from query_table($t) as t", {"t": n}
        ).fetchall()[0]
        parts.append(f"{n}:{rows}:{total};")
    assert "units:2:" in "".join(parts) and "persons:1:" in "".join(parts)
    assert provenance.data_checksum(db.con) == _expected(parts)


def test_order_of_rows_does_not_matter(db):
    db.add("units", unit_id="U2").add("units", unit_id="U3")
    first = provenance.data_checksum(db.con)
    db.con.execute("delete from units where unit_id <> 'U1'")
    db.add("units", unit_id="U3").add("units", unit_id="U2")     # the same rows, another order
    assert provenance.data_checksum(db.con) == first
    db.con.execute("update units set name = '另一单位' where unit_id = 'U3'")
    assert provenance.data_checksum(db.con) != first


def test_temporary_stand_ins_are_left_out(con):
    # a read-only file of an older version gets empty temporary education_history and
    # resume_entries: the checksum names only the stored tables, as before the one-statement form
    con.execute("drop table resume_entries")
    con.execute("create temp table resume_entries (x integer)")
    parts = [f"{n}:0:0;" for n in sorted(contract.TABLES) if n != "resume_entries"]
    assert provenance.data_checksum(con) == _expected(parts)


def test_database_facts_first_years_and_labels(db):
    # persons entered 2015-07-01 (the fixture's default) and 2012-03-01 → entry 2012; no pool
    # members and no practice postings → None; the cover's labels are the rules' values
    db.add("persons", person_id="P1").add("persons", person_id="P2", entry_date=D("2012-03-01"))
    facts = provenance.database_facts(db.con)
    assert facts.first_years == {"entry": 2012, "pool": None, "practice": None}
    assert provenance.first_years(db.con) == facts.first_years
    classification, title = provenance.report_labels(db.con)
    assert (classification, title) == tuple(db.con.execute(
        "select rule_txt('report.classification'), coalesce(rule_txt('meta.title'), '')").fetchall()[0])
    assert "persons" in facts.tables and facts.meta["schema_version"]


def test_database_facts_read_once_in_a_steady_block(db):
    from qingmiao_lib import _query

    db.con.execute("CALL enable_logging('QueryLog')")
    with _query.steady(db.con):
        provenance.report_labels(db.con)
        provenance.first_years(db.con)
        provenance.database_facts(db.con)
    logged = [m for (m,) in db.con.execute("select message from duckdb_logs where type = 'QueryLog'").fetchall()]
    assert [m.split("—")[0].strip() for m in logged if m] == ["-- base/database_facts.sql"]
