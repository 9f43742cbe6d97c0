"""``qingmiao export --parquet DIR``: every table as Parquet, partitioned by county (hive layout
``DIR/<table>/county=CODE/*.parquet``), for DuckDB, Spark or Trino.

    qingmiao export --db data/prefecture.duckdb --parquet exports/prefecture
    qingmiao export --db data/gaoping.duckdb --parquet exports/gaoping --county 140581

A combined database's rows carry their county in their keys; a county's own database is written
with its keys prefixed ``CODE:`` so that several counties' folders read as one. Names are masked
unless ``--unmasked``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import common_options
from ..outputs import UsageError, database_inputs, guard

NAME = "export"
HELP = "write every table as Parquet partitioned by county (hive layout) for DuckDB, Spark or Trino"


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--parquet", type=Path, required=True, metavar="DIR",
                   help="the folder to write (must not exist, be empty, or with --force hold an earlier export)")
    p.add_argument("--county", default=None, metavar="CODE",
                   help="a county database's code (default: its meta county_code, else the file name)")
    p.add_argument("--unmasked", action="store_true", help="full names (default: masked, 张*明)")
    p.add_argument("--force", action="store_true", help="replace an earlier export in DIR")


def run(args) -> int:
    from ..combine import export_parquet
    from ..db import connect

    out = guard(args.parquet, inputs=[*database_inputs(args.db), args.rules], what="--parquet",
                parent_must_exist=True)
    for given in (args.db, args.rules):
        if given is not None and Path(given).resolve().is_relative_to(out.resolve()):
            raise UsageError(f"--parquet {out} 包含输入文件 {given}：请写到别的目录")
    con = connect(args.db, rules=args.rules)
    try:
        if args.unmasked:
            print("警告：--unmasked 导出的文件含完整姓名，注意保密", file=sys.stderr)
        report = export_parquet(con, out, county=args.county, unmasked=args.unmasked, force=args.force)
    finally:
        con.close()
    print(f"已导出全部数据表（{report['county'].nunique()} 个县，{int(report['rows'].sum()):,} 行，"
          f"按县分区 county=代码）：{out}")
    return 0
