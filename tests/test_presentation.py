"""Presentation never queries (issue 22): the report, its sections, the batch of unit reports,
the charts and the widgets take frames from the library; the database facts they print come from
:mod:`qingmiao_lib.provenance` and :mod:`qingmiao_lib.units`, tested here on hand-made rows."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import qingmiao_lib as qm
from qingmiao_lib import provenance, units

LIB = Path(qm.__file__).parent
PRESENTATION = [LIB / "report.py", LIB / "unit_reports.py",
                *sorted((LIB / "sections").glob("*.py")), *sorted((LIB / "widgets").glob("*.py")),
                *sorted((LIB / "charts").glob("*.py"))]
#: a call of one of these methods runs SQL on a DuckDB connection
QUERYING = {"execute", "executemany", "sql", "query", "fetchall", "fetchone", "fetchdf", "df"}


def _queries(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.name}:{n.lineno} .{n.func.attr}()" for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in QUERYING
            and not (n.func.attr == "df" and n.args)]


def test_presentation_modules_run_no_sql():
    assert len(PRESENTATION) > 20
    found = [q for p in PRESENTATION for q in _queries(p)]
    assert found == []


def test_the_scan_finds_a_query_where_there_is_one(tmp_path):
    p = tmp_path / "x.py"
    p.write_text('def f(con):\n    return con.execute("select 1").fetchall()\n', encoding="utf-8")
    assert len(_queries(p)) == 2


def test_first_years_of_entries_pools_and_practices(db):
    # nothing yet but the unit U1: every first year unknown
    assert provenance.first_years(db.con) == {"entry": None, "pool": None, "practice": None}
    db.add("persons", person_id="P1", entry_date=dt.date(2012, 9, 1))
    db.add("persons", person_id="P2", entry_date=dt.date(2009, 12, 31))   # the earliest: 2009
    db.add("pool_members", person_id="P1", pool="年轻公务员库", entered_on=dt.date(2016, 1, 1))
    db.add("practices", person_id="P2", program="驻村帮扶", start_date=dt.date(2019, 3, 1))
    assert provenance.first_years(db.con) == {"entry": 2009, "pool": 2016, "practice": 2019}


def test_units_with_posts_on_a_day_and_by_kind(db):
    db.add("units", unit_id="T1", name="东城镇", kind="乡镇街道")
    db.add("units", unit_id="A2", name="档案馆", kind="市直机关")
    db.add("persons", person_id="P1")
    db.add("persons", person_id="P2")
    db.add("posts", person_id="P1", unit_id="T1", start_date=dt.date(2020, 1, 1), end_date=dt.date(2023, 12, 31))
    db.add("posts", person_id="P2", unit_id="U1", start_date=dt.date(2021, 1, 1))
    # on 2023-12-30 both posts are held; on 2023-12-31 the T1 post has ended (end date exclusive)
    assert [u for u, _, _ in units.with_posts(db.con, as_of=dt.date(2023, 12, 30))] == ["U1", "T1"]
    assert [u for u, _, _ in units.with_posts(db.con, as_of=dt.date(2023, 12, 31))] == ["U1"]
    # every unit, kinds in the schema's order (市直机关 before 乡镇街道), codes within a kind
    assert [u for u, _, _ in units.by_kind(db.con)] == ["A2", "U1", "T1"]


def test_report_labels_come_from_the_rules(con):
    classification, title = provenance.report_labels(con)
    assert classification == con.execute("select rule_txt('report.classification')").fetchall()[0][0]
    assert isinstance(title, str)
