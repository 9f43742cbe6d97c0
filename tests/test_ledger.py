"""Exported notebooks protected together with the county report (``qingmiao_lib._ledger``): a
notebook table that repeats a county table prints its figures in the county's states, a finer
breakdown of a merged county category is protected around it, and a ledger prints exactly what
was protected (hand-made tables; the whole export is tested in test_notebook_export.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from qingmiao_lib import _ledger
from qingmiao_lib.disclosure import TOTAL
from qingmiao_lib.sdc import Merge
from qingmiao_lib.sections._protect import Artefact

T = 5
GRADES = ["优秀", "称职", "基本称职", "不称职"]
#: two units × the four grades; 甲 has one 不称职 (a small count)
TABLE = pd.DataFrame([[10, 20, 6, 1], [12, 25, 8, 0]], index=["甲", "乙"], columns=GRADES)
MERGED = Merge("columns", ("基本称职", "不称职"), "基本称职及以下")


@pytest.fixture
def county() -> Artefact:
    """The county report prints the table with 基本称职 and 不称职 merged: 甲 7, 乙 8 — no small
    count, every cell shown."""
    a = Artefact(T)
    a.table(TABLE, name="等次", merges=[MERGED])
    a.protect()
    assert (a.result["等次"].status == "").all().all()
    return a


def _collect(tmp_path, stem: str, same: str | None, table: pd.DataFrame = TABLE):
    ledger = _ledger.Ledger(tmp_path / stem)
    assert not ledger.printing
    alone = ledger.protect(table, T, totals=True, name="等次分布", same=same)
    return ledger, alone


def test_a_finer_breakdown_of_a_merged_county_cell_is_protected_around_it(tmp_path, county):
    """Worked by hand. The notebook prints the four grades; the county printed 甲 基本称职及以下
    7, 甲 合计 37, 优秀 10 and 称职 20. 甲 不称职 = 1 is small (primary); 基本称职 = 6 would give
    it away (7 − 6), so it is hidden too. The 不称职 column total equals 1 (乙 has 0): primary;
    the 基本称职 column total 14 would give 甲's 6 (14 − 乙's 8), and the county's merged total
    15 = 14 + 1 pins nothing more once both are hidden. Every other cell is the county's, shown."""
    _collect(tmp_path, "nb", same="等次")
    base = _ledger.protect_around(county, ledger_dir=tmp_path, stems=["nb"])
    got = _ledger.Ledger(tmp_path / "nb").protect(TABLE, T, totals=True, name="等次分布", same="等次")
    hidden = {(r, c) for r in got.status.index for c in got.status.columns if got.status.at[r, c]}
    assert hidden == {("甲", "基本称职"), ("甲", "不称职"), (TOTAL, "基本称职"), (TOTAL, "不称职")}
    assert got.status.at["甲", "不称职"] == "primary" and got.status.at["甲", "基本称职"] == "complementary"
    assert base.sensitive_pinned() == []


def test_without_the_tie_the_same_page_would_be_read_against_the_county(county):
    """The check can fail. A protection of the notebook's table on its own that is sound for
    that table alone — 甲 不称职 (1) and the 不称职 total (1) primary, 甲 称职 and the 称职 total
    as complements (row 甲: 称职 + 不称职 = 21, two unknowns) — shows 甲 基本称职 6; the county
    printed 甲 基本称职及以下 7, so 7 − 6 pins 甲's 不称职 to 1."""
    from qingmiao_lib.sdc._union import union
    from qingmiao_lib.sections._release import pinned_printed

    nb = Artefact(T)
    nb.table(TABLE, name="等次分布")
    status = nb.problem.tables["等次分布"].values.map(lambda _: "")
    for cell, st in {("甲", "不称职"): "primary", (TOTAL, "不称职"): "primary",
                     ("甲", "称职"): "complementary", (TOTAL, "称职"): "complementary"}.items():
        status.at[cell] = st
    alone = pinned_printed(nb.problem, {"等次分布": status})
    assert alone == []                                  # sound on its own …
    joint = union({"county": county.problem, "nb": nb.problem})
    assert _ledger._tie(joint, "county·等次", "nb·等次分布") > 0
    pinned = pinned_printed(joint, {"county·等次": county.result["等次"].status, "nb·等次分布": status})
    assert any("甲" in p and "不称职" in p for p in pinned)   # … not beside the county report


def test_the_ledger_prints_what_was_protected_and_refuses_other_figures(tmp_path, county):
    _collect(tmp_path, "nb", same="等次")
    _ledger.protect_around(county, ledger_dir=tmp_path, stems=["nb"])
    printing = _ledger.Ledger(tmp_path / "nb")
    assert printing.printing
    changed = TABLE.copy()
    changed.loc["乙", "称职"] += 1
    with pytest.raises(_ledger.ReleaseChanged):
        printing.protect(changed, T, totals=True, name="等次分布", same="等次")


def test_the_same_chart_drawn_twice_is_one_figure(tmp_path, county):
    """An explorer's static view draws a chart of the notebook again, under the same title: the
    two copies are tied cell by cell, so they print one state per figure."""
    ledger = _ledger.Ledger(tmp_path / "nb")
    small = pd.DataFrame([[3, 9], [7, 8]], index=["甲", "乙"], columns=["男", "女"])
    ledger.protect(small, T, totals=True, name="某图")
    ledger.protect(small, T, totals=True, name="某图")
    _ledger.protect_around(county, ledger_dir=tmp_path, stems=["nb"])
    printing = _ledger.Ledger(tmp_path / "nb")
    a = printing.protect(small, T, totals=True, name="某图")
    b = printing.protect(small, T, totals=True, name="某图")
    assert a.status.equals(b.status)
    assert a.status.at["甲", "男"] == "primary"


def test_without_a_ledger_tables_are_protected_on_their_own(monkeypatch):
    from qingmiao_lib.disclosure import protect

    monkeypatch.setattr(_ledger, "_ACTIVE", None)
    p = _ledger.protect_table(TABLE, T, totals=True)
    assert p.status.equals(protect(TABLE, T, totals=True).status)
    assert p.status.at["甲", "不称职"] == "primary"
