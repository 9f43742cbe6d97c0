"""Chinese names of the columns analyses return: one dictionary for tables, notebooks and reports;
and :func:`display_table`, the one way the notebooks and their widgets show a frame.

>>> import pandas as pd
>>> chinese(pd.DataFrame({"code": ["F1"], "value": [698]})).columns.tolist()
['指标', '数值']
"""

from __future__ import annotations

import datetime as dt
import html
import re

import duckdb
import numpy as np
import pandas as pd

from .privacy import mask_name

COLUMNS = {
    # figures.headline
    "code": "指标", "label": "说明", "value": "数值", "denominator": "分母", "share": "占比",
    "denominator_label": "占比口径",
    "article_value": "文章值", "article_share": "文章占比",
    # every area (structure, training, evaluation, pipeline)
    "year": "年度",
    # structure
    "band_start": "起始年龄", "band_end": "结束年龄", "band": "年龄段", "gender": "性别",
    "persons": "人数",
    # person snapshot
    "person_id": "人员编号", "name": "姓名", "education": "学历", "entry_date": "录用时间",
    "entry_cohort": "录用年份", "age": "年龄", "young": "年轻公务员", "first_five": "入职五年内",
    "rank": "职级", "rank_months": "任现职级月数", "level": "职务层次", "unit_id": "单位代码",
    "unit_kind": "单位类别",
    # the 干部名册 (structure.roster)
    "birth_date": "出生年月", "party_join_date": "入党时间", "work_start_date": "参加工作时间",
    "title": "现任职务", "level_start": "任现职务层次时间", "rank_start": "任现职级时间",
    "rank_years": "任现职级年数", "in_young_pool": "年轻公务员库", "in_two_type_pool": "两型干部库",
}


#: Columns whose name states the young age limit (rules ``general.young_age_limit``): ``{under}``
#: becomes "35岁以下" for a limit of 35, or "年轻公务员" when the limit is not known.
YOUNG_COLUMNS = {
    "young": "{under}", "share_young": "{under}占比", "young_excellent": "其中{under}",
    "young_share": "{under}占比",
}


def young_limit(con: duckdb.DuckDBPyConnection) -> int:
    """The young age limit of the rules the connection loaded (``general.young_age_limit``): the
    one accessor labels, charts and report sections read it through."""
    from ._query import rules

    return rules(con).young_limit


def young_labels(limit: int | None) -> tuple[str, str]:
    """The two sides of the young age limit as labels say them: ``(f"{limit}岁以下",
    f"{limit}岁及以上")`` — "35岁以下" / "35岁及以上" for 35 — or ("年轻公务员", "非年轻公务员")
    when the limit is not known (a frame without ``attrs["young_limit"]``): never a number the
    rules did not give.

    >>> young_labels(35)
    ('35岁以下', '35岁及以上')
    """
    if limit is None:
        return "年轻公务员", "非年轻公务员"
    return f"{int(limit)}岁以下", f"{int(limit)}岁及以上"


def all_columns(area: str | None = None, *, young_limit: int | None = None) -> dict[str, str]:
    """The shared names above with each analysis module's own ``COLUMNS`` over them; the modules
    may name one column differently (``status`` is 状态 in training, 记功状态 in evaluation), so
    ``area`` ("structure", "training", "evaluation", "pipeline", "outlook") puts that module's names last.
    The columns of :data:`YOUNG_COLUMNS` are named after ``young_limit`` (the rules' young age
    limit; "年轻公务员" wording when None)."""
    from . import evaluation, outlook, pipeline, structure, training

    modules = {"structure": structure, "training": training, "evaluation": evaluation,
               "pipeline": pipeline, "outlook": outlook}
    if area is not None and area not in modules:
        raise ValueError(f"unknown area {area!r}; choose from {', '.join(modules)}")
    merged = dict(COLUMNS)
    for name, module in modules.items():
        if name != area:
            merged.update(module.COLUMNS)
    if area is not None:
        merged.update(modules[area].COLUMNS)
    under = young_labels(young_limit)[0]
    merged.update({k: v.format(under=under) for k, v in YOUNG_COLUMNS.items()})
    return merged


def chinese(df: pd.DataFrame, area: str | None = None, *, young_limit: int | None = None) -> pd.DataFrame:
    """The frame with its columns renamed to Chinese (unknown columns keep their names); ``area``
    names the module the frame comes from when two modules name a column differently;
    ``young_limit`` (default: the frame's ``attrs["young_limit"]``, which the analyses set from
    the rules) names the columns that state the young age limit ("35岁以下")."""
    if young_limit is None:
        young_limit = df.attrs.get("young_limit")
    out = df.rename(columns=all_columns(area, young_limit=young_limit))
    out.attrs = dict(df.attrs)
    return out


# ------------------------------------------------------------------------------ display

#: Columns holding shares (0.933 → "93.3%"): English names as the analyses return them, Chinese
#: names for frames renamed already.
_SHARE = re.compile(r"(^|_)(coverage|share|rate|ratio|conversion|cap)(_|$)")
_SHARE_ZH = re.compile(r"率|占比|比例")
#: Integer columns holding a calendar year or a count of years: no thousands separator (2,023).
_YEAR = re.compile(r"(^|_)(years?|cohort|quarters?)(_|$)|^block_(start|end)$")
_YEAR_ZH = re.compile(r"年度|年份|季度")
#: Columns holding a person's name: masked (张*明) unless asked.
NAME_COLUMNS = ("name", "姓名")
MISSING = "—"

_TABLE_CSS = [
    {"selector": "", "props": "border-collapse: collapse; border: none; margin: 0.4em 0 1.2em;"
                              " font-size: 13px; line-height: 1.5;"},
    {"selector": "caption", "props": "caption-side: top; text-align: left; color: #4a5568;"
                                     " font-size: 13px; padding: 0 0 6px;"},
    {"selector": "thead th", "props": "font-weight: 600; color: #1a202c; background: #fff;"
                                      " border: none; border-bottom: 1.5px solid #4a5568;"
                                      " padding: 5px 12px; white-space: nowrap; vertical-align: bottom;"},
    {"selector": "td", "props": "border: none; border-bottom: 1px solid #edf0f3; padding: 4px 12px;"
                                " vertical-align: baseline; color: #1a202c;"},
    {"selector": "tbody tr:nth-child(even)", "props": "background: #f7f9fb;"},
    {"selector": "tbody tr:nth-child(odd)", "props": "background: #fff;"},
    {"selector": "tbody tr:hover", "props": "background: #edf2f7;"},
]


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):   # list-like cells
        return False


def _kind(col, s: pd.Series, percent) -> str:
    """How a column is shown: bool, date, year, int, percent, float or text."""
    name = str(col)
    values = s.dropna()
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "date"
    if pd.api.types.is_numeric_dtype(s.dtype):
        numeric = True
    else:
        inferred = pd.api.types.infer_dtype(values, skipna=True) if len(values) else "empty"
        if inferred == "boolean":
            return "bool"
        if inferred in ("date", "datetime", "datetime64"):
            return "date"
        numeric = inferred in ("integer", "floating", "mixed-integer-float", "decimal")
    if not numeric:
        return "text"
    if percent is True or col in percent or (
            pd.api.types.is_float_dtype(s.dtype) and (_SHARE.search(name) or _SHARE_ZH.search(name))):
        return "percent"
    whole = all(float(v).is_integer() for v in values)
    if whole and (_YEAR.search(name) or _YEAR_ZH.search(name)):
        return "year"
    return "int" if whole else "float"


def _number(value) -> str:
    """One decimal, none when it is .0: 10.875 → "10.9", 0.0 → "0", 10008.0 → "10,008"."""
    r = round(float(value), 1)
    return f"{int(r):,}" if r.is_integer() else f"{r:,.1f}"


def _cell(value, kind: str, fmt=None) -> str:
    if _missing(value):
        return MISSING
    if fmt is not None:
        return fmt(value) if callable(fmt) else fmt.format(value)
    if kind == "bool" or isinstance(value, (bool, np.bool_)):
        return "是" if value else "否"
    if kind == "date" or isinstance(value, dt.date):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if kind == "year":
        return str(int(value))
    if kind == "int":
        return f"{int(value):,}"
    if kind == "percent":
        return f"{float(value):.1%}"
    if kind == "float":
        return _number(value)
    return str(value)


def display_table(df: pd.DataFrame, area: str | None = None, *, max_rows: int | None = 50,
                  caption: str | None = None, count: bool = False, unit: str = "项",
                  show_names: bool = False, percent=(), formats: dict | None = None,
                  na_rep: dict | None = None, total_rows: int | None = None):
    """A frame as the notebooks show it: a pandas ``Styler`` (its ``to_html()`` is the table).

    - no index column (a named index — a pivot's or a groupby's rows — becomes the first columns);
    - Chinese headers (:func:`chinese`, ``area`` as there);
    - names masked (张*明) in the ``name`` column unless ``show_names``;
    - missing values as "—", dates as 2023-12-31, 是/否 for booleans;
    - integers with thousands separators (years as 2023), shares as 93.3% (columns named
      coverage/share/rate/ratio/conversion/cap, or 率/占比/比例; ``percent`` names more columns,
      ``True`` makes every number a share), other numbers with one decimal (10.875 → 10.9, 0.0 → 0);
    - text left-aligned, numbers right-aligned;
    - at most ``max_rows`` rows (None: all) with a caption saying so (共 76 项，显示前 50 项);
      ``caption`` goes before it, ``count`` adds 共 N 项 when nothing was cut, ``unit`` replaces 项;
      ``total_rows``: the whole list's length when ``df`` holds only its first rows.

    ``formats`` maps a column (English or Chinese name) to a format string or a function for
    the cases the rules above get wrong, e.g. ``{"difference": "{:+.1%}"}``; ``na_rep`` maps a
    column to what its missing values mean, e.g. ``{"entry_cohort": "合计"}`` for a total row.

    >>> t = display_table(pd.DataFrame({"year": [2023], "persons": [1234], "share": [0.9333]}))
    >>> t.data.values.tolist()
    [['2023', '1,234', '93.3%']]
    """
    frame = df
    if any(n is not None for n in frame.index.names):
        frame = frame.reset_index()
    frame = frame.copy()
    frame.columns.name = None
    total = len(frame) if total_rows is None else max(total_rows, len(frame))
    if max_rows is not None and total > max_rows:
        frame = frame.head(max_rows)
    if not show_names:
        for col in NAME_COLUMNS:
            if col in frame.columns:
                frame[col] = frame[col].map(lambda v: v if _missing(v) else mask_name(str(v)))
    percent = percent if percent is True else set(percent)
    formats = dict(formats or {})
    na_rep = dict(na_rep or {})
    limit = df.attrs.get("young_limit")
    names = all_columns(area, young_limit=limit)
    kinds = [_kind(c, frame.iloc[:, i], percent) for i, c in enumerate(frame.columns)]
    cells = {}
    for i, col in enumerate(frame.columns):
        fmt = formats.get(col, formats.get(names.get(col, col)))
        missing = na_rep.get(col, na_rep.get(names.get(col, col), MISSING))
        cells[i] = [missing if _missing(v) else _cell(v, kinds[i], fmt) for v in frame.iloc[:, i]]
    shown = pd.DataFrame(cells, index=range(len(frame)))
    shown.columns = chinese(frame.iloc[:0], area, young_limit=limit).columns

    note = None
    if len(frame) < total:
        note = f"共 {total:,} {unit}，显示前 {len(frame):,} {unit}"
    elif count:
        note = f"共 {total:,} {unit}"
    text = "：".join(t for t in (caption, note) if t)

    styles = list(_TABLE_CSS)
    for i, kind in enumerate(kinds):
        if kind in ("int", "year", "float", "percent"):
            props = "text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums;"
        elif kind == "date":
            props = "text-align: left; white-space: nowrap; font-variant-numeric: tabular-nums;"
        else:
            props = "text-align: left;"
        styles.append({"selector": f".col{i}", "props": props})
    styler = shown.style.hide(axis="index").format(escape="html").set_table_styles(styles)
    if text:
        styler = styler.set_caption(html.escape(text))
    return styler
