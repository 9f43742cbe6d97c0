"""``qingmiao units``: the units (code, name, kind) and their active headcount on a date.
"""

from __future__ import annotations

import argparse
import sys

from ..cli import common_options, date_arg
from . import _county
from ._output import _print_table

NAME = "units"
HELP = "list the units: code, name, kind and active headcount on a date"


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--as-of", type=date_arg, default=None,
                   help="headcount on this date (default: 31 December of the database's last data year; "
                        "without one, no headcount)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _county.add_option(p)


def run(args) -> int:
    from .. import export
    from .. import units as unit_names

    con = _county.connect(args)
    try:
        as_of = args.as_of or unit_names.default_as_of(con)
        df = unit_names.listing(con, as_of=as_of)
    finally:
        con.close()
    if args.format in ("csv", "json"):
        rows = df.assign(as_of=as_of.isoformat()) if as_of is not None else df
        sys.stdout.write(export.to_csv(rows) if args.format == "csv" else export.to_json_records(rows) + "\n")
        return 0
    when = f"在职人数截至 {as_of}" if as_of is not None else "数据库未记录数据年份，不列人数（可用 --as-of 指定日期）"
    print(f"{_county.heading(args)}单位（{len(df)} 个；{when}）")
    cols = {"unit_id": "单位代码", "name": "单位名称", "kind": "单位类别", "parent_id": "上级单位代码"}
    if "persons" in df.columns:
        cols["persons"] = "在职人数"
    _print_table(df[list(cols)].rename(columns=cols))
    return 0
