"""``qingmiao template --out FILE.xlsx``: the empty import workbook, one sheet per table and a 说明 sheet.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import DEFAULT_DB
from ..outputs import UsageError, atomic_path, database_inputs, guard

NAME = "template"
HELP = "write the empty import workbook (one sheet per table, 说明 sheet)"


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, required=True, help="the .xlsx file to write (its folder must exist)")


def run(args) -> int:
    from .. import template

    out = guard(args.out, inputs=database_inputs(DEFAULT_DB), what="--out", parent_must_exist=True)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"模板须为 .xlsx 文件：{out}")
    with atomic_path(out) as tmp:
        template.write_template(tmp)
    print(f"导入模板已生成：{out}（每张表一个工作表，“说明”工作表列出每列的含义、类型和可选值）")
    return 0
