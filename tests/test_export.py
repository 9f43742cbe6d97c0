"""Exports: formula-like cells are neutralised in spreadsheets and CSV; booleans are true/false."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd

from qingmiao_lib import export


def frame() -> pd.DataFrame:
    return pd.DataFrame({"person_id": ["P1", "P2", "P3"],
                         "reasons": ["=HYPERLINK(\"http://x\")", "任现职级1年", "@SUM(A1)"],
                         "eligible": [True, False, True], "months": [24, 7, None]})


def test_xlsx_neutralises_formulas_and_keeps_types(tmp_path):
    path = export.write_xlsx(frame(), tmp_path / "out" / "list.xlsx")
    ws = openpyxl.load_workbook(path).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["person_id", "reasons", "eligible", "months"]
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")" and rows[3][1] == "'@SUM(A1)"
    assert rows[2][1] == "任现职级1年"
    assert [r[2] for r in rows[1:]] == ["是", "否", "是"]
    assert rows[3][3] is None and ws.freeze_panes == "A2"
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_csv_and_json_use_true_false():
    csv = export.to_csv(frame()).splitlines()
    assert csv[0] == "person_id,reasons,eligible,months"
    assert csv[2].startswith("P2,任现职级1年,false")
    assert csv[3].startswith("P3,'@SUM(A1),true")
    records = json.loads(export.to_json_records(frame()))
    assert records[1]["eligible"] is False and records[2]["months"] is None
