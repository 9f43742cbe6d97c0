"""``qingmiao report --year N``: the offline HTML report of a year, or one per unit (``--by-unit``);
with ``--county CODE`` of one county of a combined database (its default file names carry the code:
``reports/qingmiao-YEAR-CODE.html``, ``reports/units-YEAR-CODE/``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import common_options
from ..config import REPORTS_DIR
from ..outputs import UsageError
from . import _county
from ._output import _checked_out

NAME = "report"
HELP = "write the offline HTML report of a year"


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--year", type=int, required=True, help="the report's year (taken on 31 December)")
    p.add_argument("--out", type=Path, default=None,
                   help="output file (default reports/qingmiao-YEAR.html, with --county reports/qingmiao-YEAR-CODE.html); "
                        "with --by-unit a folder (default reports/units-YEAR/ or units-YEAR-CODE/); the folder it goes "
                        "in must exist")
    p.add_argument("--unmasked", action="store_true", help="show names (stamps every page 含个人信息 注意保密)")
    p.add_argument("--audience", choices=("circulation", "internal"), default="circulation",
                   help="circulation (default): small counts protected; internal (部内研判): exact counts, "
                        "names still masked, every page stamped 部内研判 不得外传")
    p.add_argument("--by-unit", action="store_true",
                   help="one report per unit (its slice beside the jurisdiction's figures) and an index page")
    p.add_argument("--units", nargs="+", default=None, metavar="UNIT",
                   help="unit codes or names, mixed. With --by-unit: only these units; without it: "
                        "one report of these units' slice")
    p.add_argument("--unit-kind", choices=("市直机关", "乡镇街道", "其他"), default=None,
                   help="with --by-unit: only units of this kind (乡镇街道 = one report per township)")
    _county.add_option(p)


def run(args) -> int:
    from .. import report
    from .. import units as unit_names

    if args.unit_kind and not args.by_unit:
        raise UsageError("--unit-kind 只能与 --by-unit 一起使用")
    if args.out is not None:
        _checked_out(args, args.out)
        if not args.by_unit:
            report.check_out(args.out)      # a folder or device named as the page: before any work
    elif not args.by_unit:
        _checked_out(args, _default_out(args), named=False)
    con = _county.connect(args)
    rules = _county.rules_file(args)
    try:
        chosen = unit_names.resolve(con, args.units)
        if args.unmasked:
            print("警告：--unmasked 生成的报告含个人信息（完整姓名），每页标注“含个人信息 注意保密”，注意保密",
                  file=sys.stderr)
        if args.audience == "internal":
            print("警告：--audience internal 生成部内研判版：显示确切人数、未作小数保护，每页标注“部内研判 不得外传”",
                  file=sys.stderr)
        if args.by_unit:
            index = report.write_unit_reports(
                con, year=args.year, out_dir=args.out or _default_dir(args), units=chosen, unit_kind=args.unit_kind,
                unmasked=args.unmasked, rules_file=rules, audience=args.audience)
            print(f"单位报告已生成：{index.parent}（目录页 {index}）")
            return 0
        out = args.out or _default_out(args)
        path = report.write_report(con, year=args.year, out=out, unmasked=args.unmasked,
                                   units=chosen, rules_file=rules, audience=args.audience)
    finally:
        con.close()
    print(f"报告已生成：{path}")
    return 0


def _default_out(args) -> Path:
    """``reports/qingmiao-YEAR.html``; a county's ``reports/qingmiao-YEAR-CODE.html`` (the
    prefecture's report is not overwritten)."""
    from .. import report

    if args.county is None:
        return report.default_out(args.year)
    return REPORTS_DIR / f"qingmiao-{int(args.year)}-{args.county}.html"


def _default_dir(args) -> Path | None:
    """The batch's folder: None (``reports/units-YEAR/``), a county's ``reports/units-YEAR-CODE/``."""
    return None if args.county is None else REPORTS_DIR / f"units-{int(args.year)}-{args.county}"
