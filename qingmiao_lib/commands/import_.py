"""``qingmiao import PATH…``: import CSV/XLSX files or folders, all or nothing; on failure every
error goes to an xlsx workbook and the first twenty to the console.

The module is ``import_`` because ``import`` is a Python keyword; the command is ``import``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from ..cli import common_options
from ..errors import QingmiaoError
from ..outputs import UsageError, atomic_path, guard
from ._output import _inputs, _show

NAME = "import"
HELP = "import CSV/XLSX files or folders: all or nothing"


ERROR_WORKBOOK = "导入错误.xlsx"


def _default_error_workbook(args, inputs: list) -> Path:
    """Beside the database; else (that folder is imported, or missing) the current folder; else
    beside each imported path; else the system's temporary folder — never among the imported
    files (a folder's next import would read it) and never an input."""
    import tempfile

    candidates = [args.db.parent / ERROR_WORKBOOK, Path(ERROR_WORKBOOK),
                  *(Path(os.path.abspath(p)).parent / ERROR_WORKBOOK for p in args.paths),
                  Path(tempfile.gettempdir()) / ERROR_WORKBOOK]
    for path in candidates:
        if not path.parent.is_dir():
            continue
        try:
            return guard(path, inputs=inputs, what="错误清单")
        except UsageError:
            continue
    raise UsageError("找不到可以写错误清单的目录，请用 --errors 指定")  # pragma: no cover


def import_error_lines(errors: pd.DataFrame, *, limit: int = 20) -> list[str]:
    """The first ``limit`` import errors, one line each (file, sheet, row, column, value,
    reason), values escaped and shortened, then the count of those not shown."""
    lines = []
    for r in errors.head(limit).to_dict("records"):
        def get(name, r=r):
            v = r.get(name)
            return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v

        where = [_show(get("file"), limit=60) or "?"]
        if get("sheet"):
            where.append(f"工作表 {_show(get('sheet'), limit=40)}")
        if get("row") is not None:
            where.append(f"第 {int(get('row'))} 行")
        if get("column"):
            where.append(f"列 {_show(get('column'), limit=40)}")
        value = get("value")
        shown = f"值 {_show(value, limit=60)!s}" if value is not None and str(value) != "" else "值 （空）"
        lines.append(f"  {'，'.join(where)}，{shown}：{_show(get('reason'), limit=200)}")
    if len(errors) > limit:
        lines.append(f"  ……另有 {len(errors) - limit} 个错误未列出（见错误清单）")
    return lines


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="files or folders to import")
    p.add_argument("--replace", action="store_true",
                   help="make each imported table equal to its file (a full re-export)")
    p.add_argument("--errors", type=Path, default=None,
                   help="on failure, write every error to this .xlsx (default: 导入错误.xlsx beside the "
                        "database, or in the current folder if that is an imported folder)")


def run(args) -> int:
    from .. import importer

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise QingmiaoError(f"找不到要导入的文件或目录：{'，'.join(missing)}")
    inputs = _inputs(args, *args.paths)
    if args.errors is not None:
        errors = guard(args.errors, inputs=inputs, what="--errors", parent_must_exist=True)
        if errors.suffix.lower() != ".xlsx":
            raise UsageError(f"--errors 须为 .xlsx 文件：{errors}")
    else:
        errors = _default_error_workbook(args, inputs)
    failed = None
    # the importer writes the workbook only on failure, to a temporary name renamed when complete
    with atomic_path(errors, missing_ok=True) as tmp:
        try:
            report = importer.import_paths(args.db, args.paths, replace=args.replace, rules=args.rules,
                                           error_workbook=tmp)
        except importer.ImportFailed as e:
            failed = e
    if failed is not None:
        console = getattr(failed, "console", None)
        text = console(limit=20) if callable(console) else "\n".join(import_error_lines(failed.errors, limit=20))
        if text:
            print(text.rstrip("\n"), file=sys.stderr)
        message = str(failed).replace(str(tmp), str(errors))
        print(f"qingmiao import: {_show(message)}", file=sys.stderr)
        return 1
    print(report.summary())
    for w in report.warnings.itertuples():
        print(f"  提示：{_show(w.file)}{'：' + _show(w.sheet) if w.sheet else ''}：{_show(w.message)}")
    return 0
