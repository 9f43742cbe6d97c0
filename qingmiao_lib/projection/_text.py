"""The words the report prints beside the projection: the methods paragraph and the backtest line."""

from __future__ import annotations

import math

import pandas as pd

#: 方法说明 (the report's methods): the model and its limits, in one paragraph.
METHODS = (
    "预测方法：以起始年末在职人员为基数，按年龄、职级、职务层次分组，采用马尔可夫人力资源模型逐年推算。"
    "每一年：达到法定退休日期的人员（按2024年渐进式延迟退休规定计算，女性县处级干部规则按起始时点的职务层次认定）退出；"
    "其余人员按近K年实际观察到的年度转移率（按年初所在年龄段、职级和职务层次分组统计职级晋升、职务晋升、留任及调出辞职等离开的比例；"
    "样本少的年龄段向全部年龄段的合并比例收缩）在职级和职务层次间移动或离开；全体人员年龄增加一岁；"
    "再加入当年录用人员（默认取近K年平均录用人数及其年龄、职级构成，也可由分析人员设定录用计划）。"
    "结果为期望人数，可有小数。局限：转移率假定今后与近K年相同，不考虑职数限制、政策调整和机构改革，"
    "晋升不随空缺多少而变化；同一状态的人员按相同概率变动，不区分任职年限、考核等次和个人差异；"
    "样本越小（单位少、人数少的年龄段和职级）误差越大，单元格越细越不可靠，宜看合计和大类；"
    "调入调出等非录用进入仅在其计入录用时反映；提前退休、延迟退休的个人申请不在模型中，一律按法定日期。"
)


def _persons(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def backtest_text(df: pd.DataFrame) -> str:
    """One sentence on a :func:`qingmiao_lib.projection.backtest` frame: the totals, the error on
    the total, the sum of absolute errors over the cells and its share of the observed total
    (WAPE), beside the no-change forecast's."""
    a = df.attrs
    dims = {"age_band": "年龄段", "rank": "职级", "level": "职务层次"}
    cut = "×".join(dims[d] for d in a.get("by", ()))
    cells = int((~df["is_total"]).sum())
    who = f"{a['young_limit']}岁以下人员" if a.get("young_only", True) else "全体在职人员"
    diff = a["projected_total"] - a["observed_total"]
    share = diff / a["observed_total"] if a["observed_total"] else math.nan
    return (
        f"回测：以{a['start_year']}年末为起点、用{a['transition_years']}年的转移率和录用情况预测"
        f"{a['target_year']}年末{who}，预测{_persons(a['projected_total'])}人，实际"
        f"{_persons(a['observed_total'])}人（合计误差{diff:+,.1f}人，{share:+.1%}）；按{cut}分的{cells}个单元格，"
        f"绝对误差之和{_persons(a['abs_error_sum'])}人，为实际人数的{a['wape']:.1%}"
        f"（假定各单元格人数不变则为{a['baseline_wape']:.1%}）。"
    )


def methods_text(backtest: pd.DataFrame | None = None, *, k: int | None = None) -> str:
    """:data:`METHODS` with K filled in (``k``, else the backtest's, else "K"), followed by the
    backtest sentence when a backtest frame is given."""
    k = k if k is not None else (backtest.attrs.get("k") if backtest is not None else None)
    text = METHODS.replace("近K年", f"近{k}年") if k is not None else METHODS
    return text if backtest is None else f"{text}{backtest_text(backtest)}"
