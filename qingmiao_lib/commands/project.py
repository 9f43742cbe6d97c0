"""``qingmiao project``: the under-40 cohort N years ahead (a Markov manpower model), or its
backtest (``--backtest``: from the year end of Y − N to that of Y, beside what was observed).

    qingmiao project --year 2025 --years 5
    qingmiao project --year 2025 --years 10 --recruit plan.csv --format csv
    qingmiao project --year 2025 --backtest            # from 2020 to 2025, error per cell
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ..cli import common_options, int_between
from ..errors import QingmiaoError
from ..outputs import UsageError
from . import _county

NAME = "project"
HELP = "project the under-40 cohort by age band, rank and level N years ahead (Markov model), or backtest it"
_ZH = {"age_band": "年龄段", "rank": "职级", "level": "职务层次"}


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--year", type=int_between(1950, 2200), required=True,
                   help="start from the persons active on this year's 31 December (with --backtest: the year "
                        "projected to and compared with)")
    p.add_argument("--years", type=int_between(1, 30), default=None,
                   help="years ahead (required; with --backtest the horizon, default 5)")
    p.add_argument("--k", type=int_between(1, 30), default=5,
                   help="transition rates and the default intake from the last K years (default 5)")
    p.add_argument("--backtest", action="store_true",
                   help="project from Y − years to Y and print the error per cell beside the projection")
    p.add_argument("--recruit", type=Path, default=None,
                   help="recruitment plan, CSV (UTF-8 or GB18030) or XLSX: columns persons/人数 and any of "
                        "year/年度, age/年龄, rank/职级, level/职务层次 (default: the average intake of the last K years)")
    p.add_argument("--by", default="age_band,rank,level",
                   help="backtest cells: comma-separated among age_band, rank, level (default all three)")
    p.add_argument("--all", action="store_true", help="the whole workforce instead of the under-40 cohort")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _county.add_option(p)


def read_plan(path: Path) -> pd.DataFrame:
    """A recruitment plan file as a frame (its checks are the projection's)."""
    if path.suffix.lower() == ".xlsx":
        return pd.read_excel(path, dtype=object)
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any bytes
        raise QingmiaoError(f"录用计划文件无法解码：{path}")
    import io

    return pd.read_csv(io.StringIO(text), dtype=object, skipinitialspace=True)


def run(args) -> int:
    from .. import export, projection

    by = [d.strip() for d in args.by.split(",") if d.strip()]
    if any(d not in projection.DIMENSIONS for d in by) or not by or len(set(by)) != len(by):
        raise UsageError(f"--by 须为 age_band、rank、level 中的一个或几个（逗号分隔）：{args.by}")
    if args.backtest and args.recruit is not None:
        raise UsageError("--backtest 用当时的平均录用，不能与 --recruit 同用")
    if not args.backtest and args.years is None:
        raise UsageError("请给出 --years（预测年数）")
    plan = read_plan(args.recruit) if args.recruit is not None else None
    con = _county.connect(args)
    try:
        if args.backtest:
            try:
                df = projection.backtest(con, year=args.year, horizon=args.years or 5, k=args.k, by=by,
                                         young_only=not args.all)
            except ValueError as e:
                raise UsageError(str(e)) from None
            flow = None
        else:
            kw = dict(year=args.year, years=args.years, k=args.k, recruitment=plan, young_only=not args.all)
            try:
                df = projection.project(con, **kw)
                flow = projection.flows(con, **kw)
            except ValueError as e:
                raise QingmiaoError(f"录用计划有误：{e}") from None
    finally:
        con.close()
    if args.format in ("csv", "json"):
        rows = df.round(4)
        sys.stdout.write(export.to_csv(rows) if args.format == "csv" else export.to_json_records(rows) + "\n")
        return 0
    if args.county_label:
        print(args.county_label)
    if args.backtest:
        _print_backtest(df)
    else:
        _print_projection(df, flow)
    return 0


def _print_projection(df: pd.DataFrame, flow: pd.DataFrame) -> None:
    from ..cli import _print_table

    a = df.attrs
    who = f"{a['young_limit']}岁以下人员" if a["young_only"] else "全体在职人员"
    print(f"{who}预测（{a['as_of']} 起 {a['years']} 年；转移率 {a['transition_years']} 年；{a['recruitment']}；"
          f"规则版本 {a['rules_version']}；期望人数）")
    for dim, key in (("age_band", "band_start"), ("rank", "rank_step"), ("level", "level_step")):
        table = df.pivot_table(index=[key, dim], columns="year", values="persons", aggfunc="sum")
        table = table[table.max(axis=1) >= 0.05].round(1).reset_index(level=0, drop=True)
        table.loc["合计"] = table.sum().round(1)
        table.index.name = _ZH[dim]
        table.columns = [f"{y}年末" for y in table.columns]
        print(f"\n按{_ZH[dim]}：")
        _print_table(table.reset_index())
    from ..projection import COLUMNS

    shown = flow.drop(columns=["period"]).round(1).rename(columns=COLUMNS)
    print("\n逐年增减：")
    _print_table(shown)


def _print_backtest(df: pd.DataFrame) -> None:
    from ..cli import _print_table
    from ..projection import COLUMNS, backtest_text

    a = df.attrs
    print(f"回测（{a['start_year']}年末 → {a['target_year']}年末，转移率 {a['transition_years']} 年；"
          f"规则版本 {a['rules_version']}）")
    cells = df[~df["is_total"]]
    tiny = cells[(cells["observed"] == 0) & (cells["projected"] < 0.05)]
    shown = df.drop(tiny.index)
    cols = [*a["by"], "projected", "observed", "error", "abs_error", "baseline"]
    table = shown[cols].copy()
    table[cols[len(a["by"]):]] = table[cols[len(a["by"]):]].astype(float).round(1)
    _print_table(table.rename(columns=COLUMNS))
    if len(tiny):
        print(f"  （另有{len(tiny)}个单元格实际为0、预测合计{tiny['projected'].sum():.2f}人，未列出，已计入合计）")
    print(backtest_text(df))
