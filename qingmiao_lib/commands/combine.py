"""``qingmiao combine``: counties' databases in one prefecture database, all or nothing.

    qingmiao combine --out data/prefecture.duckdb data/gaoping.duckdb data/zezhou.duckdb
    qingmiao combine --out data/prefecture.duckdb 140581=data/高平市.duckdb --county 140581=高平市
    qingmiao combine --out data/prefecture.duckdb data/gaoping.duckdb   # a newer file: replaces that county only

Keys become ``CODE:key`` (see :mod:`qingmiao_lib.combine`); each county keeps its rules
(``--county-rules CODE=FILE``, else ``--rules``, else the shipped defaults) and its checksums.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..outputs import UsageError

NAME = "combine"
HELP = "combine counties' databases into one prefecture database (keys per county, each county's rules kept)"


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="+", metavar="[CODE=]COUNTY.duckdb",
                   help="the counties' databases; CODE= names a county's code (default: its meta "
                        "county_code, else the file name without .duckdb)")
    p.add_argument("--out", type=Path, required=True,
                   help="the combined database: created, or, when it exists, the counties given replace "
                        "their earlier selves and the others stay")
    p.add_argument("--rules", type=Path, default=None,
                   help="rules of the counties without --county-rules, and of the combined database's own "
                        "connection (default: the shipped rules)")
    p.add_argument("--county-rules", action="append", default=[], metavar="CODE=FILE",
                   help="a county's own locality rules file (repeatable)")
    p.add_argument("--county", action="append", default=[], metavar="CODE=NAME",
                   help="a county's name (repeatable; default: its meta county_name or jurisdiction)")
    p.add_argument("--name", default=None, help="the combined jurisdiction's name (e.g. 晋城市)")
    p.add_argument("--allow-different-rules", action="store_true",
                   help="combine counties judged by different rules (each county's figures and eligibility "
                        "then follow its own rules; prefecture-wide analyses follow one set)")


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in values:
        code, sep, value = text.partition("=")
        if not sep or not code.strip() or not value.strip():
            raise UsageError(f"{option} {text!r}：应写作 代码=值")
        if code.strip() in out:
            raise UsageError(f"{option}：县代码 {code.strip()} 给了两次")
        out[code.strip()] = value.strip()
    return out


def sources(values: list[str]):
    """``[CODE=]FILE`` arguments as :class:`~qingmiao_lib.combine.County`: an existing file is a
    file even when its name holds ``=``."""
    from ..combine import County

    out = []
    for text in values:
        code, sep, rest = text.partition("=")
        if Path(text).exists() or not sep:
            out.append(County(Path(text)))
        elif not code:
            raise UsageError(f"{text!r}：县代码为空（应写作 代码=文件）")
        else:
            out.append(County(Path(rest), code=code))
    return out


def run(args) -> int:
    from .. import combine

    names = _pairs(args.county, "--county")
    rules = {k: Path(v) for k, v in _pairs(args.county_rules, "--county-rules").items()}
    result = combine.combine(args.out, sources(args.sources), rules=args.rules, names=names, county_rules=rules,
                             allow_different_rules=args.allow_different_rules, name=args.name)
    for row in result.itertuples():
        print(f"  {row.county}  {row.name}  {row.status}  {row.persons:,} 人  规则 {row.rules_version}")
        if row.note:
            print(f"  {row.county}  注意：{row.note}", file=sys.stderr)
    if result["rules_version"].nunique() > 1:
        print("注意：各县规则不同——各县的指标和晋升资格按本县规则计算（qingmiao_lib.combine.by_county），"
              "直接在汇总数据库上的分析按同一套规则", file=sys.stderr)
    changed = (result["status"] != "保留").sum()
    print(f"汇总数据库已生成：{args.out}（{len(result)} 个县，本次写入 {changed} 个）")
    return 0
