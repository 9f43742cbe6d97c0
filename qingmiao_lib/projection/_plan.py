"""The recruitment plan of a projection: what the analyst sets, as rows the model adds each year.

A plan is read against the intake observed over the last K years (the persons who entered in a
year and were active on its year end, by age on that day, rank, post level and the year ahead
their statutory retirement falls in): what the analyst leaves open takes the observed mix.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

import numpy as np
import pandas as pd

#: The columns of the rows the model takes (``_model.project``).
ROWS = ["period", "age", "retire_in", "rank_step", "level_step", "persons"]
#: Column names a plan frame or file may use (English or Chinese) → the plan's own.
PLAN_COLUMNS = {"year": "year", "年度": "year", "age": "age", "年龄": "age", "rank": "rank",
                "职级": "rank", "level": "level", "职务层次": "level", "persons": "persons", "人数": "persons"}
#: A statutory retirement age (years) for a planned recruit when no intake was observed at all.
FALLBACK_RETIREMENT_AGE = 60
_KEYS = ["age", "retire_in", "rank_step", "level_step"]


def average_intake(intake: pd.DataFrame, k: int) -> pd.DataFrame:
    """The observed intake per year on average: rows age, retire_in, rank_step, level_step,
    persons (a yearly mean over the ``k`` years, so fractions of persons)."""
    if not len(intake):
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "persons" else "int64") for c in _KEYS + ["persons"]})
    mean = intake.groupby(_KEYS, as_index=False)["persons"].sum()
    mean["persons"] = mean["persons"].astype(float) / k
    return mean


def rows(plan, intake: pd.DataFrame, *, k: int, start_year: int, years: int,
         steps: dict[str, dict[str, int]]) -> tuple[pd.DataFrame, str]:
    """The plan as the model's rows (:data:`ROWS`) for periods 1 … ``years`` (calendar years
    ``start_year`` + period), and a short description of it.

    ``plan``:
    - ``None``: the average observed intake every year (its composition as observed);
    - a number: that many recruits a year, composed as the observed intake;
    - a mapping ``{year: persons}``: those totals in those years, composed as the observed intake;
      a year not named recruits nobody (as a plan frame without a row for it);
    - a DataFrame (English or Chinese headers, :data:`PLAN_COLUMNS`) with ``persons`` and any of
      ``year`` (absent or empty: every year; a year without a row recruits nobody), ``age`` (on the year end of entry), ``rank`` and
      ``level`` (names from the rules; ``rank`` 未定职级 = not yet graded): each row's recruits
      take the observed intake's mix of what the row leaves open among those matching it (or,
      when none matches, of the whole intake, each open part independently).
    ``steps``: ``{"rank": {name: step}, "level": {name: step}}``.
    """
    avg = average_intake(intake, k)
    periods = range(1, years + 1)
    if plan is None:
        return _each(avg, periods), f"近{k}年平均录用（每年约{avg['persons'].sum():.1f}人）"
    if isinstance(plan, Real) and not isinstance(plan, bool):
        total = _count(plan, "recruitment")
        return _each(_scaled(avg, total), periods), f"每年录用{total:g}人（构成同近{k}年录用）"
    if isinstance(plan, Mapping):
        totals = {_year(y, start_year, years): _count(v, f"recruitment[{y}]") for y, v in plan.items()}
        out = _concat([_each(_scaled(avg, totals[p]), [p]) for p in sorted(totals)])
    elif isinstance(plan, pd.DataFrame):
        out = _frame_rows(plan, avg, start_year=start_year, years=years, steps=steps)
    else:
        raise TypeError(f"recruitment must be None, a number, a {{year: persons}} mapping or a DataFrame, "
                        f"got {type(plan).__name__}")
    per_year = out.groupby("period")["persons"].sum()
    named = "，".join(f"{start_year + p}年{per_year.get(p, 0.0):g}人" for p in periods)
    return out, f"录用计划：{named}（未列出的构成同近{k}年录用）"


def _frame_rows(plan: pd.DataFrame, avg: pd.DataFrame, *, start_year: int, years: int,
                steps: dict[str, dict[str, int]]) -> pd.DataFrame:
    plan = plan.rename(columns={c: PLAN_COLUMNS.get(str(c).strip(), str(c).strip()) for c in plan.columns})
    unknown = sorted(set(plan.columns) - set(PLAN_COLUMNS.values()))
    if unknown or "persons" not in plan.columns:
        raise ValueError("录用计划须有列 persons（人数），可有 year（年度）、age（年龄）、rank（职级）、"
                         f"level（职务层次）；{'未知列：' + '、'.join(unknown) if unknown else '缺少 persons'}")
    parts = []
    for i, row in enumerate(plan.to_dict("records"), start=1):
        persons = _count(row["persons"], f"第{i}行人数")
        given = {}
        if _filled(row.get("age")):
            age = _whole(row["age"])
            if age is None or not 16 <= age <= 70:
                raise ValueError(f"录用计划第{i}行年龄须为16–70的整数：{row['age']!r}")
            given["age"] = age
        for col in ("rank", "level"):
            if _filled(row.get(col)):
                name = str(row[col]).strip()
                if name not in steps[col]:
                    raise ValueError(f"录用计划第{i}行{'职级' if col == 'rank' else '职务层次'}未知：{name!r}"
                                     f"（可选：{'、'.join(steps[col])}）")
                given[f"{col}_step"] = steps[col][name]
        mix = _mix(avg, given)
        periods = ([_year(row["year"], start_year, years)] if _filled(row.get("year"))
                   else range(1, years + 1))
        parts.append(_each(_scaled(mix, persons), periods))
    return _concat(parts)


def _mix(avg: pd.DataFrame, given: dict[str, int]) -> pd.DataFrame:
    """The observed intake's composition among those matching ``given``; else each open part
    from the whole intake independently (a planned age takes the whole intake's retirement ages)."""
    match = avg
    for col, value in given.items():
        match = match[match[col] == value]
    if match["persons"].sum() > 0:
        return match
    if not avg["persons"].sum() > 0 and len(given) < 3:
        raise ValueError("近年无录用记录可供参照：录用计划须给出每行的年龄、职级和职务层次")
    grid = pd.DataFrame({"persons": [1.0]})
    for col in ("age", "rank_step", "level_step"):
        part = (pd.DataFrame({col: [given[col]], "persons": [1.0]}) if col in given
                else avg.groupby(col, as_index=False)["persons"].sum())
        grid = grid.merge(part, how="cross", suffixes=("", "_p"))
        grid["persons"] = grid["persons"] * grid.pop("persons_p")
    if avg["persons"].sum() > 0:
        at = avg.assign(retire_at=avg["age"] + avg["retire_in"]).groupby("retire_at", as_index=False)["persons"].sum()
    else:
        at = pd.DataFrame({"retire_at": [FALLBACK_RETIREMENT_AGE], "persons": [1.0]})
    grid = grid.merge(at, how="cross", suffixes=("", "_p"))
    grid["persons"] = grid["persons"] * grid.pop("persons_p")
    grid["retire_in"] = np.maximum(grid.pop("retire_at") - grid["age"], 1)
    return grid


def _scaled(mix: pd.DataFrame, total: float) -> pd.DataFrame:
    whole = mix["persons"].sum()
    if total > 0 and not whole > 0:
        raise ValueError("近年无录用记录可供参照：请按年龄、职级和职务层次给出录用计划")
    return mix.assign(persons=mix["persons"] * (total / whole if whole > 0 else 0.0))


def _each(mix: pd.DataFrame, periods) -> pd.DataFrame:
    parts = [mix[_KEYS + ["persons"]].assign(period=p) for p in periods]
    return _concat(parts)


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "persons" else "int64") for c in ROWS})
    out = pd.concat(parts, ignore_index=True)
    out = out.groupby(ROWS[:-1], as_index=False)["persons"].sum()
    return out.astype({c: "int64" for c in ROWS[:-1]})[ROWS]


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) and str(value).strip() != ""


def _whole(value) -> int | None:
    """A whole number written as a number or text ("30", 30.0), else None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if not isinstance(value, bool) and number.is_integer() else None


def _count(value, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what}须为不小于0的数：{value!r}") from None
    if isinstance(value, bool) or not np.isfinite(number) or number < 0:
        raise ValueError(f"{what}须为不小于0的数：{value!r}")
    return number


def _year(value, start_year: int, years: int) -> int:
    """A plan's calendar year as the period 1 … years of the projection."""
    year = _whole(value)
    if year is None:
        raise ValueError(f"录用计划年度不是年份：{value!r}")
    if not start_year < year <= start_year + years:
        raise ValueError(f"录用计划年度须在 {start_year + 1}–{start_year + years} 之间：{value!r}")
    return year - start_year
