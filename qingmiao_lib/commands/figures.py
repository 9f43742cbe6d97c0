"""``qingmiao figures --year N``: the headline figures F1–F9 of a year, as a table, CSV or JSON.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from ..cli import common_options
from . import _county
from ._output import _pad, _width

NAME = "figures"
HELP = "the headline figures F1–F9 of a year"


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--year", type=int, required=True, help="the figures' year (taken on 31 December)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _county.add_option(p)


def run(args) -> int:
    from .. import figures

    con = _county.connect(args)
    try:
        if args.format == "json":
            print(json.dumps(figures.headline_json(con, year=args.year), ensure_ascii=False, indent=2))
            return 0
        df = figures.headline(con, year=args.year)
    finally:
        con.close()
    if args.format == "csv":
        sys.stdout.write(df.to_csv(index=False))
        return 0
    print(f"{_county.heading(args)}青苗助跑行动 核心指标（{args.year}年，截至 {df.attrs['as_of']}，规则版本 {df.attrs['rules_version']}）")
    rows = [("指标", "数值", "占比", "分母", "文章值", "说明")]
    for row in df.itertuples():
        article = str(row.article_value)
        if not pd.isna(row.article_share):
            article += f" ({row.article_share:.1%})"
        rows.append((row.code, str(row.value), "" if pd.isna(row.share) else f"{row.share:.1%}",
                     "" if pd.isna(row.denominator) else str(row.denominator), article, row.label))
    widths = [max(_width(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        cells = [_pad(r[0], widths[0], left=True)] + [_pad(c, w) for c, w in zip(r[1:5], widths[1:], strict=True)]
        print("  " + "  ".join(cells) + "  " + r[5])
    return 0
