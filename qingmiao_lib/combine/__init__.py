"""Many counties in one database (SPEC §1, §9; issue 23): ``qingmiao combine`` and ``qingmiao
export --parquet``.

A prefecture or province receives its counties' databases and compares them. :func:`combine`
builds one database from them; :func:`by_county` runs any analysis county by county.

Design
------
**Keys.** Every key of a county's records is prefixed with the county code and a colon —
``person_id``, ``unit_id``, ``parent_id``, ``mentor_id`` and ``lecture_id`` (the contract's code
columns): ``A:P0001``. Two counties' keys can never collide, the schema stays the one every
analysis reads (no column added to any table), and every record carries its county: the part
of its key before the first colon (a code has no colon). A county's quotas over its whole
jurisdiction (``quotas.unit_id`` empty) cannot stay in ``quotas``, where an empty unit would mean
the whole prefecture; they go to ``county_quotas`` (county, year, rank, max_count).

**Codes and names.** A county's code is the source's meta ``county_code``, else the file name
without extension, else what the caller says (``CODE=FILE`` on the command line, ``County(code=)``
or ``names``); letters, digits, ``_`` and ``-`` only (it names a key prefix and a Parquet folder
``county=CODE``). Its name: ``--county CODE=NAME``, else meta ``county_name``, else
``jurisdiction``, else the code.

**Rules.** A county's database does not store its rules. ``counties`` records, per county, the
merged rules it is judged by (canonical JSON, the locality file's text) with their version, the
source's data checksum (sha256 over ``importer.table_checksums``) and per-table checksums. A
source whose meta records a ``rules_version`` other than the rules now given for it (a demo
built before the shipped rules changed) is combined, and recorded (``source_rules_version``)
and noted in the result: the database holds records, not rules, and its own analyses too judge
by the rules their connection loads.

The analyses read one rule set per connection, so a connection to the combined database judges
everyone by the rules it was opened with; :func:`county_connection` gives one county's records
under that county's own rules, and :func:`by_county` / :func:`headline_by_county` /
:func:`eligibility_by_county` run the analyses that way — each county's figures and eligibility
are then what its own database gives. Counties with different rules are refused unless
``allow_different_rules`` (meta ``rules_differ`` records it); prefecture-wide analyses on the
combined connection itself are then under one rule set, which a report must say.

**The county as a slice and a dimension.** In place, under the connection's rules: every
analysis taking slice filters takes ``counties=[code, …]`` (``Slice.counties``, applied in SQL as
``county_of(person_id)`` beside the unit filter), and the areas that group take ``by="county"``
(see :mod:`qingmiao_lib._slice`); nothing is copied, so this is the way at a province's scale.
Under each county's own rules: ``county_connection(con, code)`` — any analysis, notebook function
or report writer taking a connection answers for that county alone (its keys stay prefixed), and
``by_county(con, analysis, **args)`` stacks an analysis's rows per county with ``county`` and
``county_name`` first; each county's records are copied into memory for this (about a second per
few thousand persons; at a million persons per county, open that county's own database instead).
The two agree where the counties' rules are the connection's (``tests/test_county_slice.py``).

**Quotas on the combined connection.** Eligibility read directly on the combined database counts
unit quotas correctly but sees no jurisdiction quota (they are per county) — unless asked with
``counties=``: each person is then judged against their own county's jurisdiction quota
(``county_quotas``) and holders, as :func:`eligibility_by_county` does.

**All or nothing.** Every source is opened and read through (a damaged block fails there), its
schema version checked, before anything is written; the new file is built under a temporary
name and moved onto ``out`` only complete (``db.NewDatabase``). Re-combining with a county's newer
file copies the other counties' rows unchanged from the previous file and replaces that county's
rows only. Any failure leaves the previous file as it was, and names the county's file.

**Beyond one machine.** :func:`export_parquet` writes every table as Parquet in hive layout
(``DIR/<table>/county=CODE/*.parquet``) for DuckDB, Spark or Trino; no engine of our own.
"""

from ._build import County, combine, is_combined
from ._county import (
    TOTAL,
    by_county,
    counties,
    county_connection,
    eligibility_by_county,
    headline_by_county,
    headline_side_by_side,
)
from ._parquet import export_parquet
from ._tables import county_checksums

__all__ = [
    "County", "combine", "is_combined", "counties", "county_connection", "by_county",
    "headline_by_county", "headline_side_by_side", "eligibility_by_county", "export_parquet",
    "county_checksums", "TOTAL",
]
