"""``qingmiao roster --as-of DATE --out FILE``: the 干部名册 (cadre roster) of a slice, as xlsx or csv.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import common_options, date_arg
from . import _county
from ._output import _checked_out, _format, _write_text

NAME = "roster"
HELP = "the 干部名册 (cadre roster) of a slice on a date, as xlsx or csv"


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--as-of", type=date_arg, required=True, help="the date (YYYY-MM-DD)")
    p.add_argument("--units", nargs="+", default=None, metavar="UNIT",
                   help="only these units: codes or names, mixed (qingmiao units lists them)")
    p.add_argument("--unit-kind", choices=("市直机关", "乡镇街道", "其他"), default=None)
    p.add_argument("--young", action="store_true", help="only the young (under the rules' age limit)")
    p.add_argument("--format", choices=("xlsx", "csv"), default=None,
                   help="default: from the extension of --out")
    p.add_argument("--out", type=Path, required=True,
                   help="the file to write (.xlsx or .csv, matching --format; its folder must exist)")
    p.add_argument("--unmasked", action="store_true", help="full names (default: masked, 张*明)")
    _county.add_option(p)


def run(args) -> int:
    from .. import export, labels, structure
    from .. import units as unit_names

    out = _checked_out(args, args.out)
    fmt = _format(args, ("xlsx", "csv"), None)
    con = _county.connect(args)
    try:
        chosen = unit_names.resolve(con, args.units)
        df = structure.roster(con, as_of=args.as_of, unmasked=args.unmasked, units=chosen,
                              unit_kinds=[args.unit_kind] if args.unit_kind else None,
                              young=True if args.young else None)
    finally:
        con.close()
    if args.unmasked:
        print("警告：--unmasked 输出含完整姓名，注意保密", file=sys.stderr)
    shown = labels.chinese(df, "structure")
    if fmt == "csv":
        _write_text(out, export.to_csv(shown), "csv")
    else:
        export.write_xlsx(shown, out, sheet="干部名册", title=f"{_county.heading(args)}干部名册（截至 {args.as_of}）")
    print(f"干部名册已写入 {out}（{len(df)} 人，截至 {args.as_of}）")
    return 0
