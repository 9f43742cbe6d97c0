"""``qingmiao check``: the data-quality report of a database; exit 1 on an error-level finding.
"""

from __future__ import annotations

import argparse
import sys

from ..cli import common_options

NAME = "check"
HELP = "data-quality report of a database (exit 1 on an error-level finding)"


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")


def run(args) -> int:
    from .. import check, export
    from ..db import connect

    con = connect(args.db, rules=args.rules)
    try:
        found = check.run_check(con)
    finally:
        con.close()
    if args.format == "csv":
        sys.stdout.write(export.to_csv(found))
    elif args.format == "json":
        print(export.to_json_records(found))
    else:
        hits = found[found["count"] > 0]
        print(f"数据质量检查：{args.db}（{len(found)} 项检查，{len(hits)} 项有发现）")
        for r in hits.itertuples():
            print(f"  [{r.level}] {r.description}：{r.count} 条  例：{r.examples}")
        if hits.empty:
            print("  未发现问题")
    return 1 if check.has_errors(found) else 0
