"""``qingmiao shortlist``: the quota-constrained shortlist for rank promotion on a date (SPEC §9
*Shortlist*), or with ``--promotions`` the what-if: quota use after a list of promotions.

The table prints, per next rank and quota scope, "个人条件符合 N · 职数空缺 M · 建议人选 K ·
备选 B", then the candidates in order with a reason per criterion (every 建议人选 and the first
:data:`ALTERNATES_SHOWN` 备选; CSV, JSON and XLSX hold them all).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ..rules import RANKS
from . import _county

NAME = "shortlist"
HELP = "rank-promotion shortlist: candidates ordered by the 三优先, the first places suggested (what-if with --promotions)"

#: Alternates the console table shows per rank after the suggested.
ALTERNATES_SHOWN = 10

#: The list's columns for CSV, JSON and XLSX, in order.
LIST_COLUMNS = ("next_rank", "position", "place_text", "person_id", "name", "unit_id", "unit_name",
                "current_rank", "suggested", "status", "heavy_years", "heavy_reason",
                "frontline_years", "frontline_reason", "left_leadership", "left_reason",
                "excellent_years", "excellent_reason", "tenure_months", "tenure_reason", "age",
                "age_reason", "tied_at_cut", "places", "unit_places")
#: The console table's columns: the place, the person, the verdict, a reason per criterion.
TABLE_COLUMNS = ("place_text", "person_id", "name", "unit_name", "current_rank", "status",
                 "heavy_reason", "frontline_reason", "left_reason", "excellent_reason",
                 "tenure_reason", "age_reason")
WHAT_IF_COLUMNS = ("year", "unit_id", "unit_name", "rank", "quota", "holders", "promoted_in",
                   "promoted_out", "holders_after", "places_before", "places_after", "over_quota")


def register(p: argparse.ArgumentParser) -> None:
    from ..cli import common_options, date_arg, list_options

    common_options(p)
    p.add_argument("--as-of", type=date_arg, required=True, help="the date (YYYY-MM-DD); quotas of its year")
    p.add_argument("--rank", choices=RANKS, default=None, help="only the candidates for this next rank")
    p.add_argument("--units", nargs="+", default=None, metavar="UNIT",
                   help="only the candidates of these units (codes or names); their places stay the jurisdiction's")
    p.add_argument("--recommendations", type=Path, default=None, metavar="FILE",
                   help="the units' recommendations (一推): a .csv/.xlsx with a 人员编号 column; only they are candidates")
    p.add_argument("--promotions", type=Path, default=None, metavar="FILE",
                   help="what-if: a .csv/.xlsx of promotions (人员编号, optional 拟晋升职级): quota use after them")
    list_options(p)
    _county.add_option(p)


def run(args) -> int:
    from .. import cli, export, labels
    from .. import shortlist as sl
    from .. import units as unit_names

    out = cli._checked_out(args, args.out, extra=[args.recommendations, args.promotions]) \
        if args.out is not None else None
    fmt = cli._format(args, ("table", "csv", "json", "xlsx"), "table")
    if fmt == "xlsx" and out is None:
        raise cli.UsageError("--format xlsx 需要 --out 文件名（例如 --out 建议人选.xlsx）")
    if args.promotions is not None and args.recommendations is not None:
        raise cli.UsageError("--promotions（模拟晋升后的职数）与 --recommendations 不能同时使用")
    recommended = promotions = None
    if args.recommendations is not None:
        recommended = sl.read_person_list(args.recommendations, what="推荐名单")["person_id"].tolist()
    if args.promotions is not None:
        promotions = sl.read_person_list(args.promotions, what="晋升名单")
    con = _county.connect(args)
    try:
        if promotions is not None:
            return _what_if(con, args, promotions, fmt, out)
        chosen = unit_names.resolve(con, args.units)
        df = sl.shortlist(con, as_of=args.as_of, rank=args.rank, units=chosen,
                          recommendations=recommended, unmasked=args.unmasked)
        summary = sl.shortlist_summary(con, as_of=args.as_of, rank=args.rank, recommendations=recommended)
        refused = (sl.check_recommendations(con, as_of=args.as_of, recommendations=recommended,
                                            unmasked=args.unmasked) if recommended is not None else None)
    finally:
        con.close()
    if args.unmasked:
        print("警告：--unmasked 输出含完整姓名，注意保密", file=sys.stderr)
    if refused is not None and len(refused):
        print(f"推荐名单中 {len(refused)} 人不能作为人选：" + "；".join(
            f"{p}（{r}）" for p, r in refused[["person_id", "reasons"]].head(20).itertuples(index=False))
            + ("……" if len(refused) > 20 else ""), file=sys.stderr)
    rows = df[list(LIST_COLUMNS)]
    if fmt in ("csv", "json"):
        cli._emit_records(rows, fmt, out)
        return 0
    if fmt == "xlsx":
        path = export.write_xlsx(labels.chinese(rows.rename(columns=sl.COLUMNS)), out, sheet="建议人选",
                                 title=f"{_county.heading(args)}职级晋升建议人选（截至 {args.as_of}）")
        print(f"已写入 {path}（{len(rows)} 人，其中建议人选 {int(df['suggested'].sum())} 人）")
        return 0
    _print(cli, df, summary, args)
    return 0


def _headline(row) -> str:
    places = "未核定职数" if pd.isna(row.places) else f"职数空缺 {int(row.places)}（职数 {int(row.quota)}，现有 {int(row.holders)}）"
    tie = f"（{int(row.tied_at_cut)} 人在分界处并列，需集体研究）" if row.tied_at_cut else ""
    return (f"个人条件符合 {int(row.candidates)} · {places} · 建议人选 {int(row.suggested)} · "
            f"备选 {int(row.alternates)}{tie}")


def _print(cli, df: pd.DataFrame, summary: pd.DataFrame, args) -> None:
    from .. import shortlist as sl

    order = " → ".join(sl.CRITERIA_NAMES[c] for c in df.attrs["priorities"])
    print(f"{_county.heading(args)}职级晋升建议人选（截至 {args.as_of}，规则版本 {df.attrs['rules_version']}）")
    print(f"排序：{order or '（未设三优先）'} → 一贯表现（优秀年度） → 任职年限 → 年龄")
    if args.recommendations is not None:
        print(f"人选范围：单位推荐名单（一推，{args.recommendations.name}）中个人条件符合的人员")
    if summary.empty:
        print("  没有个人条件符合的人员，也没有核定职数")
        return
    for _step, scopes in summary.groupby("rank_step", sort=True):
        name = scopes["rank"].iloc[0]
        print(f"\n【拟晋升{name}】")
        for row in scopes.itertuples(index=False):
            print(f"  {row.unit_name}：{_headline(row)}")
        shown = df[df["next_rank"] == name]
        if args.units is not None:
            print(f"  （仅列 {len(shown)} 名所选单位人员；排序与结论按全辖区）")
        alternates = shown[~shown["suggested"]]
        listed = pd.concat([shown[shown["suggested"]], alternates.head(ALTERNATES_SHOWN)]).sort_values("position")
        if len(listed):
            cli._print_table(listed[list(TABLE_COLUMNS)].rename(columns=sl.COLUMNS))
        if len(alternates) > ALTERNATES_SHOWN:
            print(f"  ……另有备选 {len(alternates) - ALTERNATES_SHOWN} 人（--out 名单.xlsx 输出全部）")


def _what_if(con, args, promotions: pd.DataFrame, fmt: str, out) -> int:
    from .. import cli, export
    from .. import shortlist as sl

    df = sl.what_if(con, as_of=args.as_of, promotions=promotions)
    rows = df[list(WHAT_IF_COLUMNS)]
    if fmt in ("csv", "json"):
        cli._emit_records(rows, fmt, out)
        return 0
    shown = rows.rename(columns=sl.COLUMNS)
    if fmt == "xlsx":
        path = export.write_xlsx(shown, out, sheet="晋升后职数", title=f"{_county.heading(args)}晋升后职数使用（截至 {args.as_of}）")
        print(f"已写入 {path}（{len(rows)} 行）")
        return 0
    over = rows[rows["over_quota"]]
    print(f"{_county.heading(args)}模拟晋升 {len(promotions)} 人后的职数使用（{args.as_of}，{int(df['year'].iloc[0]) if len(df) else args.as_of.year}年度职数）："
          + (f"{len(over)} 项超职数" if len(over) else "均未超职数"))
    cli._print_table(shown)
    return 0
