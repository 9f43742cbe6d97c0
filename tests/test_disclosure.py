"""Disclosure control: primary and complementary suppression with worked answers by hand, and an
independent LP attacker over random tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from qingmiao_lib.disclosure import LogEntry, Protected, protect, protect_linear, shares

P, C, _ = "primary", "complementary", ""
T = "合计"


def frame(rows, index=("r1", "r2", "r3"), columns=("a", "b", "c")):
    return pd.DataFrame(rows, index=list(index)[: len(rows)], columns=list(columns)[: len(rows[0])])


def test_single_small_cell_gets_its_complements_worked_by_hand():
    #        a   b   c | 合计
    # r1     2  10  20 |  32      2 is primary. Row r1 then has one hidden cell: the smallest
    # r2     8  12  30 |  50      interior non-zero other cell is b=10. Column a: smallest other is
    # r3     9  15  25 |  49      r2=8. Column b now has only r1·b hidden: smallest other is r2=12.
    # 合计  19  37  75 | 131      Row r2 has a and b: every line has 0 or 2 hidden → fixed point.
    # Audit: x11+x12=12, x21+x22=20, x11+x21=10, x12+x22=22, x11∈[1,4], the others ≥5:
    # x11 = 1..4 are all feasible (x21 = 10−x11 ≥ 6) → safe, nothing more.
    log: list[LogEntry] = []
    p = protect(frame([[2, 10, 20], [8, 12, 30], [9, 15, 25]]), 5, name="三乘三", log=log)
    assert p.status.to_numpy().tolist() == [
        [P, C, _, _],
        [C, C, _, _],
        [_, _, _, _],
        [_, _, _, _],
    ]
    assert p.shown().to_numpy().tolist() == [
        ["<5", "×", "20", "32"], ["×", "×", "30", "50"], ["9", "15", "25", "49"], ["19", "37", "75", "131"]]
    assert log == [LogEntry("三乘三", 16, 1, 3, "不足5人；防止由合计反推")]


def test_table_without_small_cells_is_untouched():
    t = frame([[5, 10, 0], [7, 1200, 30]])
    log: list = []
    p = protect(t, 5, name="无小格", log=log)
    assert not p.suppressed.to_numpy().any()
    expected = [[5, 10, 0, 15], [7, 1200, 30, 1237], [12, 1210, 30, 1252]]
    assert p.values.to_numpy().tolist() == expected
    assert p.shown().to_numpy().tolist() == [[f"{v:,}" for v in r] for r in expected]
    assert p.masked().to_numpy().tolist() == expected
    assert log[0].primary == log[0].complementary == 0 and log[0].reason == "无需隐去"


def test_small_row_total_and_column_total():
    #        a   b   c | 合计
    # r1     1   2   0 |   3     r1 entirely small: a, b and its total 3 are primary (0 shown).
    # r2    10  20  30 |  60     Column a: complement r3·a=6 (smaller than 10); column b: r3·b=7;
    # r3     6   7   8 |  21     column 合计: r1's total alone → r3's total 21 (a total, but the
    # 合计  17  29  38 |  84     only line choice besides 60 and the grand total). Row r3 then
    #                            has three hidden cells, row r1 three: fixed point; audit safe.
    p = protect(frame([[1, 2, 0], [10, 20, 30], [6, 7, 8]]), 5)
    assert p.status.to_numpy().tolist() == [
        [P, P, _, P],
        [_, _, _, _],
        [C, C, _, C],
        [_, _, _, _],
    ]
    assert p.cell("r1", "c") == "0"
    # a small column total:   a   b | 合计
    #                    r1   1  10 |  11    a's cells and its total 4 are primary. Row r1: one
    #                    r2   3  20 |  23    hidden → interior b=10; row r2 → b=20; the total row
    #                    合计 4  30 |  34    → b's total 30 (a marginal total before the grand
    # total). Audit: x1a + x2a = x合计a ≤ 4 → x1a ∈ [1, 3], x2a ∈ [1, 3], total ∈ [2, 4]: safe.
    q = protect(frame([[1, 10], [3, 20]], columns=("a", "b")), 5)
    assert q.status.to_numpy().tolist() == [[P, C, _], [P, C, _], [P, C, _]]
    assert q.shown()[T].tolist() == ["11", "23", "34"]


def test_audit_adds_what_the_line_rule_misses():
    #        a   b | 合计     The line rule alone hides the 2×2 interior (a rectangle):
    # r1     1   5 |   6     x11+x12=6, x11+x21=6. But a "×" cell is ≥ 5 (a smaller one would
    # r2     5  20 |  25     show "<5"): x12 = 6−x11 ≥ 5 → x11 ≤ 1 → x11 = 1 is recovered.
    # 合计   6  25 |  31     The audit hides r1's total (6, before column a's 6 by position), the
    # line rule then r2's total 25; still x21 = 6−x11 ≥ 5 pins x11, so column a's total goes,
    # and with it (total row) b's total 25. Only the grand total remains: x11 ∈ [1, 4].
    # The release pass then shows both 5s again (the 20 and the totals stay hidden): every
    # total is then "x11 + 5" or "5 + x22", and the grand total gives x11 + x22 = 21, which
    # x22 ≥ 5 allows for every x11 in 1–4; each line keeps two hidden cells.
    p = protect(frame([[1, 5], [5, 20]], columns=("a", "b")), 5)
    assert p.status.to_numpy().tolist() == [[P, _, C], [_, C, C], [C, C, _]]
    assert attacker_range(p, ("r1", "a")) == (1, 4)
    assert not p.pinned


def test_zero_is_shown_and_never_a_complement():
    p = protect(frame([[3, 0, 40], [0, 0, 50], [6, 9, 70]]), 5)
    assert p.cell("r1", "b") == "0" and p.cell("r2", "a") == "0" and p.cell("r2", "b") == "0"
    zero = p.values.to_numpy() == 0
    assert (p.status.to_numpy()[zero] == "").all()
    assert p.cell("r1", "a") == "<5"


def test_shares_of_hidden_cells_are_dashes():
    p = protect(frame([[2, 10, 20], [8, 12, 30], [9, 15, 25]]), 5)
    s = p.share("row")
    assert s.loc["r1", "a"] == "—" and s.loc["r1", "b"] == "—" and s.loc["r2", "a"] == "—"
    assert s.loc["r1", "c"] == f"{20 / 32:.1%}" and s.loc["r3", T] == "100.0%"
    assert shares(p, "column").loc["r1", "a"] == "—"
    assert shares(p, "column").loc["r3", "a"] == f"{9 / 19:.1%}"
    assert p.share("total").loc["r1", "b"] == "—"


def test_masked_and_hidden_values_never_leak():
    p = protect(frame([[2, 10, 20], [8, 12, 30], [9, 15, 25]]), 5)
    m = p.masked()
    assert np.isnan(m.loc["r1", "a"]) and np.isnan(m.loc["r1", "b"]) and m.loc["r3", "c"] == 25
    assert "2" not in p.shown().loc["r1"].tolist()


def test_one_dimensional_list_only_primary():
    p = protect(pd.DataFrame({"n": [3, 7, 0]}, index=["x", "y", "z"]), 5, totals=False)
    assert p.status["n"].tolist() == [P, _, _]
    assert T not in p.values.index


def test_row_totals_only():
    p = protect(frame([[2, 10], [8, 12]], index=("2022", "2023"), columns=("a", "b")), 5, totals="row")
    assert list(p.values.columns) == ["a", "b", T] and T not in p.values.index
    assert p.status.to_numpy().tolist() == [[P, C, _], [_, _, _]]


def test_linear_relations_stock_and_flows():
    # end = start + entries − exits; exits 2 would be recovered from the other three
    t = pd.DataFrame({"start": [40], "entries": [12], "exits": [2], "end": [50]}, index=["库"])
    p = protect_linear(t, 5, equations=[[(("库", "start"), 1), (("库", "entries"), 1),
                                         (("库", "exits"), -1), (("库", "end"), -1)]])
    assert p.status.loc["库"].tolist() == [_, C, P, _]
    with pytest.raises(ValueError):
        protect_linear(t, 5, relations=[(("库", "end"), [("库", "start")])])


# -- an independent attacker -----------------------------------------------------------------


def attacker_range(p: Protected, cell) -> tuple[int, int]:
    """Min and max of a hidden cell given everything shown, the row/column sums, "<t" ∈ [1,t-1],
    "×" ≥ t — written independently of the library's audit."""
    v, s, t = p.values, p.status, p.threshold
    hidden = [(r, c) for r in v.index for c in v.columns if s.at[r, c]]
    pos = {h: k for k, h in enumerate(hidden)}
    A, b = [], []
    inner_r = [r for r in v.index if r != T]
    inner_c = [c for c in v.columns if c != T]
    lines = []
    if T in v.columns:
        lines += [[((r, c), 1) for c in inner_c] + [((r, T), -1)] for r in v.index]
    if T in v.index:
        lines += [[((r, c), 1) for r in inner_r] + [((T, c), -1)] for c in v.columns]
    for line in lines:
        row, rhs = np.zeros(len(hidden)), 0.0
        for cl, k in line:
            if cl in pos:
                row[pos[cl]] += k
            else:
                rhs -= k * v.at[cl]
        if row.any():
            A.append(row)
            b.append(rhs)
    bounds = [(1, t - 1) if s.at[h] == P else (t, None) for h in hidden]
    obj = np.zeros(len(hidden))
    obj[pos[cell]] = 1
    kw = {"A_eq": np.array(A), "b_eq": np.array(b)} if A else {}
    lo = linprog(obj, bounds=bounds, method="highs", **kw)
    hi = linprog(-obj, bounds=bounds, method="highs", **kw)
    assert lo.status == 0 and hi.status == 0
    return round(lo.fun), round(-hi.fun)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 4).flatmap(lambda r: st.integers(1, 4).flatmap(lambda c: st.lists(
    st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8, 12, 20, 40]), min_size=c, max_size=c),
    min_size=r, max_size=r))))
def test_attacker_cannot_pin_any_primary_cell(rows):
    table = pd.DataFrame(rows, index=[f"r{i}" for i in range(len(rows))],
                         columns=[f"c{j}" for j in range(len(rows[0]))])
    p = protect(table, 5)
    for r in p.values.index:
        for c in p.values.columns:
            v, st_ = int(p.values.at[r, c]), p.status.at[r, c]
            assert (st_ == P) == (0 < v < 5)
            if v == 0:
                assert st_ == ""
            if st_ == P:
                lo, hi = attacker_range(p, (r, c))
                assert lo <= v <= hi
                if hi == lo:   # only when nothing is left to hide, e.g. [[1, 1], [1, 1]]: all ones
                    assert (r, c) in p.pinned and p.suppressed.to_numpy()[p.values.to_numpy() > 0].all()
    # every row and column line has 0 or ≥ 2 hidden cells
    hidden = p.suppressed
    assert not (hidden.sum(axis=1) == 1).any() and not (hidden.sum(axis=0) == 1).any()


def _table_relations(shape: tuple[int, int]):
    """The relations ``protect`` builds for an r × c interior with both totals (flat indices)."""
    r, c = shape
    width = c + 1
    flat = lambda i, j: i * width + j  # noqa: E731
    eqs = [[(flat(i, c), 1), *((flat(i, j), -1) for j in range(c))] for i in range(r + 1)]
    eqs += [[(flat(r, j), 1), *((flat(i, j), -1) for i in range(r))] for j in range(c + 1)]
    return eqs


def test_cycle_audit_by_hand():
    """[[2, 9], [9, 30]] with the 2 and both 9s hidden, totals shown: the only cycle through the
    2 is 2 → 9 → 30 → 9, and the 30 is shown, so the 2 is pinned (9 = 39 − 30, 2 = 11 − 9).
    Hiding the 30 as well opens the cycle: (3, 8, 8, 31) and (1, 10, 10, 29) both fit every
    bound ("<5" in 1–4, "×" ≥ 5), so the 2 is free."""
    from qingmiao_lib.disclosure import COMPLEMENTARY, PRIMARY, _Network, _pinned

    vals = np.array([2, 9, 11, 9, 30, 39, 11, 39, 50])
    eqs = _table_relations((2, 2))
    status = np.array([PRIMARY, COMPLEMENTARY, "", COMPLEMENTARY, "", "", "", "", ""], dtype=object)
    net = _Network(len(vals), eqs)
    assert net.ok
    assert net.pinned(0, vals, status, 5) and _pinned(0, vals, status, eqs, 5)
    status[4] = COMPLEMENTARY
    assert not net.pinned(0, vals, status, 5) and not _pinned(0, vals, status, eqs, 5)
    # with the 9s at 5 (the "×" floor) the 2 cannot go up, but it can go down to 1: still free
    vals2 = np.array([2, 5, 7, 5, 30, 35, 7, 35, 42])
    assert not net.pinned(0, vals2, status, 5)


def test_release_shows_a_large_complement_the_audit_does_not_need():
    #        a   b   c | 合计   The 2 needs a rectangle of hidden cells. Picking the smallest
    # r1     2   6  90 |  98    non-zero complements gives (r1, b) 6, (r2, a) 7 and (r2, b) 8 —
    # r2     7   8  60 |  75    the release pass keeps them (each is needed: without any one of
    # r3    40  50  30 | 120    them a row or a column holds a single hidden cell), and shows
    # 合计  49  64 180 | 293    everything else, including all totals.
    p = protect(frame([[2, 6, 90], [7, 8, 60], [40, 50, 30]], columns=("a", "b", "c")), 5)
    assert p.status.to_numpy().tolist() == [[P, C, _, _], [C, C, _, _], [_, _, _, _], [_, _, _, _]]
    # x12 = 8 − x11 ≥ 5 → x11 ≤ 3; x21 = 9 − x11 ≥ 5 and x22 = 6 + x11 ≥ 5 hold for 1–4
    assert attacker_range(p, ("r1", "a")) == (1, 3)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 4).flatmap(lambda r: st.integers(1, 4).flatmap(lambda c: st.lists(
    st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 9, 15]), min_size=c, max_size=c),
    min_size=r, max_size=r))), st.randoms(use_true_random=False))
def test_cycle_audit_agrees_with_the_lp(rows, rnd):
    """The graph audit and the LP audit give the same verdict on every primary cell, also for
    hidden patterns the line rule would not leave (random extra and missing complements)."""
    from qingmiao_lib.disclosure import COMPLEMENTARY, PRIMARY, _Network, _pinned

    p = protect(pd.DataFrame(rows), 5)
    vals = p.values.to_numpy().ravel()
    status = p.status.to_numpy().ravel().copy()
    for i in range(len(vals)):
        if status[i] != PRIMARY and vals[i] >= 5 and rnd.random() < 0.3:
            status[i] = "" if status[i] else COMPLEMENTARY
    eqs = _table_relations((p.values.shape[0] - 1, p.values.shape[1] - 1))
    net = _Network(len(vals), eqs)
    assert net.ok
    for q in np.flatnonzero(status == PRIMARY):
        assert net.pinned(q, vals, status, 5) == _pinned(q, vals, status, eqs, 5)
