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


def test_control_characters_are_escaped_not_refused(tmp_path):
    df = pd.DataFrame({"姓名\x07": ["张\x1b[31m三", "李\x0b四", "王\x00五", "赵\t六\n", "=1+\x1b"],
                       "n": [1, 2, 3, 4, 5]})
    path = export.write_xlsx(df, tmp_path / "list.xlsx", title="名单\x1b")
    wb = openpyxl.load_workbook(path)
    rows = [[c.value for c in r] for r in wb.active.iter_rows()]
    assert rows[0] == ["姓名\\x07", "n"]
    # worked: ESC (0x1b) → the four characters \x1b; VT 0x0b, NUL 0x00 likewise; tab and LF kept
    assert [r[0] for r in rows[1:]] == ["张\\x1b[31m三", "李\\x0b四", "王\\x00五", "赵\t六\n", "'=1+\\x1b"]
    assert wb.properties.title == "名单\\x1b"
    assert [p.name for p in tmp_path.iterdir()] == ["list.xlsx"]   # no temporary left
    csv = export.to_csv(df)
    assert "张\\x1b[31m三" in csv and "\x1b" not in csv and "\x00" not in csv


def test_xlsx_write_failure_keeps_the_previous_file(tmp_path, monkeypatch):
    from qingmiao_lib import outputs

    path = tmp_path / "list.xlsx"
    export.write_xlsx(frame(), path)
    before = path.read_bytes()

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs.os, "replace", broken)
    try:
        export.write_xlsx(frame().head(1), path)
    except OSError as e:
        assert e.filename == str(path)  # the file the user named, not the temporary one
    else:
        raise AssertionError("the write should have failed")
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["list.xlsx"]
