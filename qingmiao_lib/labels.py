"""Chinese names of the columns analyses return: one dictionary for tables, notebooks and reports.

>>> import pandas as pd
>>> chinese(pd.DataFrame({"code": ["F1"], "value": [698]})).columns.tolist()
['指标', '数值']
"""

from __future__ import annotations

import pandas as pd

COLUMNS = {
    # figures.headline
    "code": "指标", "label": "说明", "value": "数值", "denominator": "分母", "share": "占比",
    "article_value": "文章值", "article_share": "文章占比",
    # structure
    "band_start": "起始年龄", "band_end": "结束年龄", "band": "年龄段", "gender": "性别",
    "persons": "人数",
    # person snapshot
    "person_id": "人员编号", "name": "姓名", "education": "学历", "entry_date": "录用时间",
    "entry_cohort": "录用年份", "age": "年龄", "young": "40岁以下", "first_five": "入职五年内",
    "rank": "职级", "rank_months": "任现职级月数", "level": "职务层次", "unit_id": "单位代码",
    "unit_kind": "单位类别",
    # the 干部名册 (structure.roster)
    "birth_date": "出生年月", "party_join_date": "入党时间", "work_start_date": "参加工作时间",
    "title": "现任职务", "level_start": "任现职务层次时间", "rank_start": "任现职级时间",
    "rank_years": "任现职级年数", "in_young_pool": "年轻公务员库", "in_two_type_pool": "两型干部库",
}


def all_columns(area: str | None = None) -> dict[str, str]:
    """The shared names above with each analysis module's own ``COLUMNS`` over them; the modules
    may name one column differently (``status`` is 状态 in training, 记功状态 in evaluation), so
    ``area`` ("structure", "training", "evaluation", "pipeline") puts that module's names last."""
    from . import evaluation, pipeline, structure, training

    modules = {"structure": structure, "training": training, "evaluation": evaluation,
               "pipeline": pipeline}
    if area is not None and area not in modules:
        raise ValueError(f"unknown area {area!r}; choose from {', '.join(modules)}")
    merged = dict(COLUMNS)
    for name, module in modules.items():
        if name != area:
            merged.update(module.COLUMNS)
    if area is not None:
        merged.update(modules[area].COLUMNS)
    return merged


def chinese(df: pd.DataFrame, area: str | None = None) -> pd.DataFrame:
    """The frame with its columns renamed to Chinese (unknown columns keep their names); ``area``
    names the module the frame comes from when two modules name a column differently."""
    out = df.rename(columns=all_columns(area))
    out.attrs = dict(df.attrs)
    return out
