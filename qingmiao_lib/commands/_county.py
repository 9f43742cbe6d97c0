"""``--county CODE`` of the commands that analyse a database (issue 23): one county of a combined
(prefecture) database as the database the command reads.

    qingmiao figures --db data/prefecture.duckdb --year 2023 --county 140581

The county's records are read through :func:`qingmiao_lib.combine.county_connection`: judged by
the rules recorded for that county (so ``--rules`` is refused beside ``--county``), its keys as
stored (``CODE:P0001``). Its jurisdiction reads "<name>（汇总数据库中的县 CODE）", which a report's
cover and a table's heading show. An unknown code, or ``--county`` on a county's own database,
is a one-line usage error (exit 2). Private to :mod:`qingmiao_lib.commands`.
"""

from __future__ import annotations

import argparse

import duckdb

from ..outputs import UsageError


def add_option(p: argparse.ArgumentParser) -> None:
    """``--county CODE`` on a command's parser."""
    p.add_argument("--county", default=None, metavar="CODE",
                   help="a county of a combined database (qingmiao combine): only its records, judged by "
                        "its own recorded rules")


def label(code: str, name: str) -> str:
    """How a county of a combined database is named on a page: ``甲县（汇总数据库中的县 A）``."""
    return f"{name}（汇总数据库中的县 {code}）"


def connect(args) -> duckdb.DuckDBPyConnection:
    """The connection the command analyses: ``--db`` under ``--rules``, or with ``--county`` that
    county of the combined database ``--db`` in memory under its own rules. Sets
    ``args.county_label`` (None without ``--county``)."""
    from .. import combine
    from ..db import connect as open_db
    from ..db import set_meta

    code = getattr(args, "county", None)
    args.county_label = None
    if code is None:
        return open_db(args.db, rules=args.rules)
    if args.rules is not None:
        raise UsageError("--county 按汇总数据库中记录的该县规则分析，不能同时给 --rules")
    con = open_db(args.db)
    try:
        if not combine.is_combined(con):
            raise UsageError(f"--county 只用于汇总数据库（qingmiao combine 生成）；{args.db} 是一个县自己的数据库，"
                             "请去掉 --county")
        table = combine.counties(con)
        names = dict(zip(table["county"], table["name"], strict=True))
        if code not in names:
            raise UsageError(f"--county {code}：汇总数据库中没有这个县（有：{'、'.join(names)}）")
        one = combine.county_connection(con, code)
    finally:
        con.close()
    args.county_label = label(code, names[code])
    set_meta(one, jurisdiction=args.county_label)
    return one


def heading(args) -> str:
    """What a console heading or a file title starts with: the county's label and a space, or ''."""
    found = getattr(args, "county_label", None)
    return f"{found} " if found else ""


def rules_file(args) -> str | None:
    """The rules a report's reproducibility stamp names: ``--rules``, or the county's recorded ones."""
    if getattr(args, "county", None) is not None:
        return f"汇总数据库 {args.db} 中记录的县 {args.county} 规则"
    return str(args.rules) if args.rules else None
