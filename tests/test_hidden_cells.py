"""Charts never lie by omission: every hidden cell ("<5" / "×") of a chart drawn from a protected
table is drawn as one grey "未显示" placeholder of fixed size at its place — never dropped, never
its value. Unit tests on hand-made protected tables; a browser test over the 2023 demo report."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from qingmiao_lib import charts
from qingmiao_lib.charts._base import HIDDEN_META, hidden_points
from qingmiao_lib.disclosure import COMPLEMENTARY, PRIMARY, TOTAL, Protected


def made(values: pd.DataFrame, hidden: dict) -> Protected:
    """A protected table with the given cells hidden: ``{(row, col): status}``."""
    status = pd.DataFrame("", index=values.index, columns=values.columns)
    for (r, c), st in hidden.items():
        status.at[r, c] = st
    return Protected(values=values, status=status, threshold=5)


def numbers(fig, skip_meta=True):
    """Every (axis, category, number) a non-placeholder trace carries."""
    out = []
    for t in fig.data:
        if skip_meta and t.meta == HIDDEN_META:
            continue
        h = t.orientation == "h" or t.type == "funnel"
        cats, vals = (t.y, t.x) if h else (t.x, t.y)
        if cats is None or vals is None:
            continue
        out += [(c, v) for c, v in zip(cats, vals, strict=False) if v is not None]
    return out


def no_value_at(fig, cells: dict):
    """No trace holds a hidden cell's value (or its negative) at the cell's category."""
    for cat, value in cells.items():
        for c, v in numbers(fig):
            if c == cat and isinstance(v, (int, float)) and not math.isnan(v):
                assert abs(v) != value, (cat, v)
        for t in fig.data:
            if t.meta == HIDDEN_META:
                size = t.x if t.orientation == "h" or t.type == "funnel" else t.y
                assert all(abs(s) != value for s in size)


def test_pyramid_one_placeholder_per_hidden_cell_on_the_right_side():
    df = pd.DataFrame({"band": ["25–29岁", "25–29岁", "30–34岁", "30–34岁"], "band_start": [25, 25, 30, 30],
                       "gender": ["男", "女", "男", "女"], "persons": [3, 12, 20, 7]})
    values = pd.DataFrame({"男": [3, 20, 23], "女": [12, 7, 19], TOTAL: [15, 27, 42]},
                          index=["25–29岁", "30–34岁", TOTAL])
    p = made(values, {("25–29岁", "男"): PRIMARY, ("30–34岁", "男"): COMPLEMENTARY,
                      ("25–29岁", TOTAL): COMPLEMENTARY, ("30–34岁", TOTAL): COMPLEMENTARY})
    fig = charts.pyramid(df, protected=p)
    assert sorted(c for _, c in hidden_points(fig)) == ["25–29岁", "30–34岁"]
    mark = next(t for t in fig.data if t.meta == HIDDEN_META)
    assert all(x < 0 for x in mark.x)                    # on the men's side
    assert "未显示" in mark.customdata[0] and "不代表人数" in mark.customdata[0]
    no_value_at(fig, {"25–29岁": 3, "30–34岁": 20})


def test_stacked_bars_keep_the_stack_and_place_the_placeholder_in_it():
    df = pd.DataFrame({"unit_kind": ["党群机关"] * 3 + ["乡镇街道"] * 3,
                       "education": ["大专", "本科", "硕士研究生"] * 2, "persons": [2, 30, 9, 8, 40, 3]})
    wide = charts.structure.matrix(df, "unit_kind", "education")
    values = wide.assign(**{TOTAL: wide.sum(axis=1)})
    values.loc[TOTAL] = values.sum()
    hidden = {("党群机关", "大专"): PRIMARY, ("乡镇街道", "大专"): COMPLEMENTARY,
              ("党群机关", "硕士研究生"): COMPLEMENTARY, ("乡镇街道", "硕士研究生"): PRIMARY}
    fig = charts.structure.stacked_bars(df, "unit_kind", "education", protected=made(values, hidden))
    assert len(hidden_points(fig)) == 4
    names = [t.name for t in fig.data]
    # each placeholder trace right after the series it stands for: the stack order is kept
    assert names[names.index("大专") + 1] == charts._base.HIDDEN_NAME
    assert names[names.index("硕士研究生") + 1] == charts._base.HIDDEN_NAME
    assert sum(1 for t in fig.data if t.meta == HIDDEN_META and t.showlegend) == 1
    no_value_at(fig, {"党群机关": 2, "乡镇街道": 3})


def test_grade_distribution_hidden_grade_is_a_segment_of_the_bar():
    rows = []
    for key, (name, counts) in enumerate((("35岁以下", (3, 40, 2, 0)), ("35岁及以上", (12, 60, 1, 1)))):
        graded = sum(counts)
        for grade, v in zip(("优秀", "称职", "基本称职", "不称职"), counts, strict=True):
            rows.append({"group_key": key, "group_name": name, "sort_key": key, "grade": grade,
                         "persons": v, "graded": graded, "share": v / graded})
    df = pd.DataFrame(rows)
    values = pd.DataFrame([[3, 40, 2, 0, 45], [12, 60, 1, 1, 74], [15, 100, 3, 1, 119]],
                          index=["35岁以下", "35岁及以上", TOTAL], columns=["优秀", "称职", "基本称职", "不称职", TOTAL])
    hidden = {("35岁以下", "优秀"): PRIMARY, ("35岁以下", "基本称职"): PRIMARY,
              ("35岁及以上", "基本称职"): PRIMARY, ("35岁及以上", "不称职"): PRIMARY}
    fig = charts.evaluation.grade_distribution(df, protected=made(values, hidden))
    assert sorted(c for _, c in hidden_points(fig)) == ["35岁以下", "35岁以下", "35岁及以上", "35岁及以上"]
    assert fig.layout.barmode == "stack"


def test_eligibility_and_funnel_and_streaks():
    from qingmiao_lib.charts.pipeline import OUTCOMES
    cols = [c for c, _, _ in OUTCOMES]
    df = pd.DataFrame([{"next_step": 1, "next_rank": "一级科员", **{c: v for c, v in zip(cols, (3, 30, 10, 9, 2, 1, 4, 6), strict=False)}}])
    df = df.reindex(columns=["next_step", "next_rank", *cols], fill_value=7)
    values = df.set_index("next_rank")[cols].astype("int64")
    values[TOTAL] = values.sum(axis=1)
    hidden = {("一级科员", cols[0]): PRIMARY, ("一级科员", cols[-1]): COMPLEMENTARY}
    fig = charts.pipeline.eligibility_bars(df, protected=made(values, hidden))
    assert hidden_points(fig) == [("x", "一级科员"), ("x", "一级科员")]

    streaks = pd.DataFrame({"current_run": [1] * 9 + [2] * 2, "longest_run": [1] * 6 + [2] * 4 + [3]})
    m = charts.evaluation.streak_matrix(streaks)
    p = made(m, {("2年", "当前连续优秀"): PRIMARY, ("3年", "历史最长连续优秀"): PRIMARY})
    fig = charts.evaluation.streak_histogram(streaks, protected=p)
    assert sorted(c for _, c in hidden_points(fig)) == ["2年", "3年"]
    offsets = {t.offsetgroup for t in fig.data if t.meta == HIDDEN_META}
    assert offsets == {"当前连续优秀", "历史最长连续优秀"}   # each in its own series' slot
    no_value_at(fig, {"2年": 2})


# -- the report in Chromium -------------------------------------------------------------------

CHECK = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
  const box = gd.closest('.qm-chart');
  const marks = [], dropped = [];
  const key = (t, c) => (t.xaxis || 'x') + '|' + c;
  const arr = v => (v && v.length !== undefined) ? Array.from(v) : [];
  for (const t of gd._fullData) {
    const h = t.orientation === 'h' || t.type === 'funnel';
    const cats = arr(h ? t.y : t.x), vals = arr(h ? t.x : t.y);
    if (t.meta === 'qm-hidden' || (Array.isArray(t.meta) && t.meta[0] === 'qm-hidden')) { cats.forEach(c => marks.push(key(t, c))); continue; }
    if (!['bar', 'funnel', 'scatter'].includes(t.type) || t.yaxis === 'y2') continue;
    cats.forEach((c, i) => { if (vals[i] === null || (typeof vals[i] === 'number' && isNaN(vals[i])))
                               dropped.push(key(t, c) + ' ' + t.name); });
  }
  return {title: (gd.layout.title && gd.layout.title.text) || '', marks,
          dropped, expected: box ? Number(box.dataset.hiddenCells) : null};
})"""


@pytest.mark.browser
def test_no_chart_drops_a_hidden_segment_silently(demo_county_report, browser):
    path = demo_county_report         # the 2023 report, written once for the run (conftest)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 5", timeout=60_000)
    got = page.evaluate(CHECK)
    page.close()
    checked = [g for g in got if g["expected"] is not None]
    assert len(checked) >= 10
    assert sum(g["expected"] for g in checked) > 0      # the demo report does hide cells
    for g in checked:   # the charts drawn from a protected table by the sections
        assert len(g["marks"]) >= g["expected"], g
        # a missing point of a drawn series has a placeholder at its category (same subplot)
        missing = [d.rsplit(" ", 1)[0] for d in g["dropped"]]
        assert all(m in g["marks"] for m in missing), g
