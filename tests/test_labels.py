"""labels.display_table: the one way the notebooks and their widgets show a frame."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from qingmiao_lib.labels import display_table


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "name": ["张小明", "李四", None],
        "entry_date": pd.to_datetime(["2023-01-05", None, "2021-07-01"]),
        "coverage": [0.9333, np.nan, 1.0],
        "have_days": [10.875, 0.0, 2.04],
        "hours": [10008.0, 12.0, np.nan],
        "persons": pd.array([1234, None, 7], dtype="Int64"),
        "entry_cohort": [2019, 2020, 2021],
        "active": [True, False, True],
        "level": ["乡科级副职", pd.NA, "<b>x</b>"],
    }, index=[10, 11, 12])   # a filtered frame's index: not shown either


def _cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows if "<td" in r]


def test_cells_headers_and_no_index():
    t = display_table(_frame(), "training")
    assert list(t.data.columns) == ["姓名", "录用时间", "覆盖率", "已训天数", "学时", "人数", "录用年份",
                                    "在职", "职务层次"]
    assert t.data.values.tolist() == [
        ["张*明", "2023-01-05", "93.3%", "10.9", "10,008", "1,234", "2019", "是", "乡科级副职"],
        ["李*", "—", "—", "0", "12", "—", "2020", "否", "—"],
        ["—", "2021-07-01", "100.0%", "2", "—", "7", "2021", "是", "<b>x</b>"],
    ]
    html = t.to_html()
    assert "row_heading" not in html and "index_name" not in html and ">10<" not in html
    assert html.count("<th ") == 9          # the nine headers, no index cell
    assert _cells(html)[0][:4] == ["张*明", "2023-01-05", "93.3%", "10.9"]
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html   # text is escaped
    for bad in ("NaN", "NaT", "&lt;NA&gt;", "<NA>", "None", "00:00:00", "True", "False"):
        assert bad not in html, bad


def test_text_left_numbers_right():
    html = display_table(_frame(), "training").to_html()
    align = dict(re.findall(r"\.col(\d+) \{\s*text-align: (\w+);", html))
    # 姓名 日期 覆盖率 天数 学时 人数 年份 在职 层次
    assert [align[str(i)] for i in range(9)] == ["left", "left", "right", "right", "right", "right",
                                                 "right", "left", "left"]


def test_rows_capped_with_a_caption():
    df = pd.DataFrame({"unit_name": [f"单位{i}" for i in range(76)], "persons": range(76)})
    t = display_table(df, max_rows=50)
    assert len(t.data) == 50
    assert "<caption>共 76 项，显示前 50 项</caption>" in t.to_html()
    t = display_table(df, max_rows=None, caption="各单位人数", count=True, unit="个")
    assert len(t.data) == 76 and "<caption>各单位人数：共 76 个</caption>" in t.to_html()
    assert "<caption>" not in display_table(df.head(3)).to_html()
    assert "<caption>名单：共 76 人，显示前 10 人</caption>" in display_table(
        df, max_rows=10, caption="名单", unit="人").to_html()


def test_names_masked_unless_asked():
    df = pd.DataFrame({"name": ["欧阳小明", "王五"], "unit_name": ["河西镇", "市委办公室"]})
    assert display_table(df).data["姓名"].tolist() == ["欧**明", "王*"]
    assert display_table(df, show_names=True).data["姓名"].tolist() == ["欧阳小明", "王五"]
    assert display_table(df).data["单位"].tolist() == ["河西镇", "市委办公室"]   # not a person's name


def test_named_index_becomes_columns_and_overrides():
    trend = pd.DataFrame({"rule": ["初任培训", "在职培训"] * 2, "year": [2022, 2022, 2023, 2023],
                          "coverage": [0.5, 0.25, 0.875, np.nan]})
    pivot = trend.pivot_table(index="rule", columns="year", values="coverage", sort=False)
    t = display_table(pivot, "training", percent=True)
    assert list(t.data.columns) == ["培训类别", 2022, 2023]
    assert t.data.values.tolist() == [["初任培训", "50.0%", "87.5%"], ["在职培训", "25.0%", "—"]]
    out = pd.DataFrame({"entry_cohort": pd.array([2001, None], dtype="Int64"),
                        "difference": [0.05, -0.125]})
    t = display_table(out, "training", formats={"difference": "{:+.1%}"}, na_rep={"录用年份": "合计"})
    assert t.data.values.tolist() == [["2001", "+5.0%"], ["合计", "-12.5%"]]


def test_integral_floats_read_as_integers_and_shares_by_name():
    df = pd.DataFrame({"group_persons": [208.0, 1500.0], "share": [0.461538, 0.0],
                       "unit_excellent_share": [0.2, 0.15], "leaders_avg_age": [49.4, 52.333],
                       "good_quarters": [4, 3]})
    t = display_table(df, "evaluation")
    assert t.data.values.tolist() == [["208", "46.2%", "20.0%", "49.4", "4"],
                                      ["1,500", "0.0%", "15.0%", "52.3", "3"]]
