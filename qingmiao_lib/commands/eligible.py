"""``qingmiao eligible --as-of DATE``: rank-promotion eligibility (职级晋升) with reasons, as a
table, CSV, JSON or xlsx (names masked unless ``--unmasked``).
"""

from __future__ import annotations

import argparse

from ..cli import common_options, date_arg, int_between, list_options
from . import _county
from ._output import _emit_records, _list_target, _masked, _print_table

NAME = "eligible"
HELP = "rank-promotion eligibility (职级晋升) on a date, with reasons"


#: The eligibility list's machine-readable columns (CSV and JSON), in order (SPEC §5): the person
#: (name masked unless --unmasked) and unit as in the xlsx, then the conditions.
ELIGIBLE_COLUMNS = ("person_id", "name", "unit_id", "unit_name", "current_rank", "next_rank",
                    "tenure_months", "required_months", "qualified", "quota_ok", "eligible", "reasons")


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--as-of", type=date_arg, required=True, help="the date (YYYY-MM-DD)")
    p.add_argument("--within-months", type=int_between(1, 120), default=None,
                   help="also who meets the time condition within N months (the forward list)")
    list_options(p)
    _county.add_option(p)


def run(args) -> int:
    from .. import export, labels, pipeline

    out, fmt = _list_target(args, "名单.xlsx")
    con = _county.connect(args)
    try:
        df = _masked(args, pipeline.eligibility(con, as_of=args.as_of, within_months=args.within_months))
    finally:
        con.close()
    # the forward view (--within-months): when each person meets the time condition
    forward = [c for c in ("time_met_on", "months_to_eligible", "due_within")
               if c in df.columns and args.within_months is not None]
    if fmt in ("csv", "json"):
        _emit_records(df[[*ELIGIBLE_COLUMNS, *forward]], fmt, out)
        return 0
    shown = labels.chinese(df[[*ELIGIBLE_COLUMNS, *forward]], "pipeline")
    if fmt == "xlsx":
        path = export.write_xlsx(shown, out, sheet="职级晋升资格",
                                 title=f"{_county.heading(args)}职级晋升资格名单（截至 {args.as_of}）")
        print(f"已写入 {path}（{len(shown)} 人，其中符合条件 {int(df['eligible'].sum())} 人）")
        return 0
    yes = shown[df["eligible"].to_numpy()]
    print(f"{_county.heading(args)}职级晋升资格（截至 {args.as_of}）：在职 {len(df)} 人，个人条件符合 {int(df['qualified'].sum())} 人，"
          f"其中职数允许 {int(df['eligible'].sum())} 人")
    _print_table(yes if len(yes) else shown.head(0))
    return 0
