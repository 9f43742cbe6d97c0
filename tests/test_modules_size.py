"""Modules ≤ ~300 lines (STYLE.md "one module per job, each under ~300 lines"; issue 22 item 4):
every module of ``qingmiao_lib`` is at most 300 lines, or its docstring says why not in a sentence
naming the limit ("The module is over 300 lines because …").

And the splits made for it keep every name where callers know it: ``db.<name>``,
``sections.units.<name>``, ``sections.outlook.<name>``, ``shortlist.<name>`` and ``report.<name>``
are importable as before, and a test replacing ``db.set_meta`` still reaches the writes that
called it through ``db`` before the split.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import qingmiao_lib as qm

PACKAGE = Path(qm.__file__).parent
LIMIT = 300
REASON = re.compile(r"over\s+300\s+lines", re.IGNORECASE)

#: Modules another engineer is splitting under issue 22 item 4 (their owners', not this test's):
#: expected to fail until they are split or say why not; an xpass says the entry can go.
PENDING: set[str] = set()


def _modules() -> list[str]:
    return sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))


def _lines(text: str) -> int:
    return len(text.splitlines())


@pytest.mark.parametrize("module", [
    pytest.param(m, marks=pytest.mark.xfail(reason="issue 22 item 4: being split by its owner",
                                            strict=False)) if m in PENDING else m
    for m in _modules()])
def test_module_is_short_or_says_why(module):
    text = (PACKAGE / module).read_text("utf-8")
    if _lines(text) <= LIMIT:
        return
    doc = ast.get_docstring(ast.parse(text)) or ""
    assert REASON.search(doc), f"{module}: {_lines(text)} lines and no sentence saying why"


def test_the_rule_reads_lines_and_the_sentence():
    # 300 lines pass as they are; 301 need the sentence; the sentence may wrap across lines
    assert _lines("x = 1\n" * 300) == 300 and _lines("x = 1\n" * 301) == 301
    assert REASON.search("The module is over 300\nlines because it is one parser.")
    assert not REASON.search("Short and sweet: under 300 lines.")


# the names each split module offered before its split (read from the module before it)
BEFORE = {
    "qingmiao_lib.db": [
        "TABLES", "IncompleteDatabase", "connect", "create_schema", "add_constraints", "upgrade",
        "ADDED_PERSON_COLUMNS", "ADDED_TABLES", "database_state", "check_replaceable", "NewDatabase",
        "CRASH_ENV", "crash_point", "temporary_name", "clean_temporaries", "replace_file",
        "SNAPSHOT_YEARS", "QUARTER_MASK_YEARS", "refresh_snapshots", "stored_current",
        "install_once", "set_meta", "meta", "rules_version"],
    "qingmiao_lib.sections.units": [
        "ALL", "ALL_NAME", "KIND", "SELECTOR_UNITS", "KIND_ORDER", "GENDERS", "COVERAGE",
        "GRADE_ORDER", "ELIGIBILITY", "COVERAGE_COLORS", "ELIGIBILITY_COLORS", "CHARTS",
        "UnitTables", "Gathered", "gather", "build", "release", "WITHHELD_CELL",
        "COVERAGE_LABEL", "EXCELLENT_LABEL"],
    "qingmiao_lib.sections.outlook": [
        "YEARS", "BY", "RETIRED", "CANDIDATES", "build", "period_label", "retirement_tables",
        "shortlist_matrix", "suggested_by_rule", "suggested_text", "p_base_columns", "base_matrix",
        "masked_projection", "stock_chart", "_places_rows", "_projection_view"],
    "qingmiao_lib.shortlist": [
        "COLUMNS", "CRITERIA", "CRITERIA_NAMES", "POOL_YEARS", "install_macros", "store_pool",
        "priorities", "shortlist", "shortlist_summary", "check_recommendations", "what_if",
        "read_person_list", "_sources"],
    "qingmiao_lib.report": [
        "UNMASKED_STAMP", "INTERNAL_STAMP", "stamp_of", "default_out", "default_unit_dir",
        "check_out", "Shared", "shared_parts", "render_report", "write_report", "_prepare",
        "_finish", "PLOTLY_FILE", "write_unit_reports", "data_checksum"],
}


@pytest.mark.parametrize("module", sorted(BEFORE))
def test_split_modules_keep_their_names(module):
    mod = importlib.import_module(module)
    missing = [n for n in BEFORE[module] if not hasattr(mod, n)]
    assert missing == []
    assert all(hasattr(mod, n) for n in getattr(mod, "__all__", []))


def test_constants_keep_their_values():
    from qingmiao_lib import db, shortlist
    from qingmiao_lib.sections import outlook, units
    # the values the modules set before the split
    assert (db.SNAPSHOT_YEARS, db.QUARTER_MASK_YEARS, db.CRASH_ENV) == (15, 16, "QINGMIAO_CRASH_AT")
    assert (outlook.YEARS, outlook.BY) == (5, "age_band")
    assert (units.ALL, units.KIND, units.SELECTOR_UNITS) == ("__all__", "__kind__:", 60)
    assert shortlist.POOL_YEARS == 5


def test_a_replaced_db_set_meta_reaches_the_snapshot_stamps(monkeypatch):
    """refresh_snapshots writes its stamps through ``db.set_meta``. On a database holding no
    record the data span is empty, so it stops after the three stamps written before the span is
    read (lecture_marks, training_years, grade_years) and those of the empty 优秀 shares,
    obligations and eligibility tables (with the first's years and the last's days, none) —
    those, in that order, reach a replaced
    ``db.set_meta``; nothing is stored for the years."""
    con = qm.connect(":memory:", create=True)
    seen: list[str] = []
    monkeypatch.setattr(qm.db, "set_meta", lambda con, **values: seen.extend(values))
    try:
        assert qm.db.refresh_snapshots(con) == []
    finally:
        con.close()
    assert seen == ["lecture_marks_stamp", "training_years_stamp", "grade_years_stamp",
                    "excellent_shares_stamp", "excellent_shares_years",
                    "obligation_snapshots_stamp", "eligibility_snapshots_stamp", "eligibility_snapshots_days"]
