"""``qingmiao retirements --as-of DATE --years N``: statutory retirements ahead (2024 reform) of
the active persons, as a table, CSV, JSON or xlsx (names masked unless ``--unmasked``).
"""

from __future__ import annotations

import argparse

from ..cli import common_options, date_arg, int_between, list_options
from . import _county
from ._output import _emit_records, _list_target, _masked, _print_table

NAME = "retirements"
HELP = "statutory retirements ahead (2024 reform) of the active persons"


#: The retirement list's columns (SPEC §9), in order: the person (name masked unless --unmasked),
#: the statutory age and date, the unit, post level and rank held on --as-of.
RETIREMENT_COLUMNS = ("person_id", "name", "gender", "birth_date", "retirement_age_months",
                      "retirement_date", "unit_id", "unit_name", "level", "rank")


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--as-of", type=date_arg, required=True, help="the date (YYYY-MM-DD)")
    p.add_argument("--years", type=int_between(1, 50), required=True,
                   help="how many years ahead, 1–50 (dates after --as-of and up to --as-of + N years)")
    list_options(p)
    _county.add_option(p)


def run(args) -> int:
    from .. import export, outlook

    out, fmt = _list_target(args, "退休名单.xlsx")
    con = _county.connect(args)
    try:
        df = _masked(args, outlook.retirements(con, as_of=args.as_of, years=args.years))
    finally:
        con.close()
    rows = df[list(RETIREMENT_COLUMNS)]
    end = outlook.plus_years(args.as_of, args.years)
    if fmt in ("csv", "json"):
        _emit_records(rows, fmt, out)
        return 0
    shown = rows.assign(retirement_age=rows["retirement_age_months"].map(outlook.age_text))
    shown = shown[[*RETIREMENT_COLUMNS[:5], "retirement_age", *RETIREMENT_COLUMNS[5:]]]
    shown = shown.rename(columns=outlook.COLUMNS)
    if fmt == "xlsx":
        path = export.write_xlsx(shown, out, sheet="法定退休",
                                 title=f"{_county.heading(args)}法定退休名单（{args.as_of} 后至 {end}）")
        print(f"已写入 {path}（{len(shown)} 人）")
        return 0
    print(f"{_county.heading(args)}法定退休（{args.as_of} 之后至 {end}，{args.years} 年内，规则版本 {df.attrs['rules_version']}）："
          f"在职人员中 {len(df)} 人")
    table = shown.drop(columns=[outlook.COLUMNS["retirement_age_months"]])
    for col in (outlook.COLUMNS["birth_date"], outlook.COLUMNS["retirement_date"]):
        table[col] = table[col].dt.strftime("%Y-%m-%d")
    _print_table(table)
    return 0
