"""Import a 10,000-row roster (花名册) and a 年度考核 ledger of the same persons (target: ≤ 10 s for
the roster, issue 20).

The roster has a title row, a merged two-row header and a 序号 column in a department's own
words (as tests/test_roster.py), one row per new person in the demo county's units (half of them
unkeyed, matched or given an HM key; half with 人员编号), each with a current post whose title the
lexicon knows and a current rank. The ledger has a sheet per year (2023年度, 2024年度) naming each
person by 姓名 + 单位. Builds a demo database (2,000 persons) first unless ``--db`` names one;
prints seconds of the roster import, the ledger import, and a second import of the same roster
(nothing changes) into a copy of it.

    .venv/bin/python benchmarks/bench_roster.py [--rows 10000] [--dir /tmp/qmbench-roster] [--db DEMO]
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import qingmiao_lib as qm
from qingmiao_lib.importer import import_paths

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜欧司"
GIVEN = "明华伟芳军静丽强磊洋艳勇杰娟涛超秀霞平刚桂英青苗远航"
TOP = ["序号", "人员编号", "姓名", "性别", "出生\n年月", "民族", "单位", "现任职务", None, "现职级", None, "学历",
       "参加工作时间", "入职时间", "备注"]
SUB = [None, None, None, None, None, None, None, "职务", "任职时间", "职级", "任职级时间", None, None, None, None]


def people(n: int, units: list[str]) -> list[list]:
    """Distinct (name, birth month) for each row: the name runs through surnames × two given
    characters, the birth month through 1980–1999."""
    rows = []
    g = len(GIVEN)
    for i in range(n):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % g] + GIVEN[(i // (len(SURNAMES) * g)) % g]
        year, month = 1980 + (i // 12) % 20, 1 + i % 12
        entry = f"{year + 24}.{month:02d}"
        unit = units[i % len(units)]
        title = "副主任" if i % 10 == 0 else "科员"
        rows.append([i + 1, f"RB{i:06d}" if i % 2 else None, name, "男" if i % 3 else "女", f"{year}.{month:02d}",
                     "汉族", unit, title, entry, "一级科员", f"{year + 25}.{month:02d}", "本科", entry, entry, None])
    return rows


def roster(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    wb = Workbook()                 # not write_only: Excel writes the sheet's dimension, so does this
    ws = wb.active
    ws.title = "花名册"
    ws.append(["示例县公务员花名册（截至2024年12月）"])
    ws.append(TOP)
    ws.append(SUB)
    for col in "ABCDEFGLMNO":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("H2:I2")
    ws.merge_cells("J2:K2")
    for r in rows:
        ws.append(r)
    wb.save(path)


def ledger(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for year in (2023, 2024):
        ws = wb.create_sheet(f"{year}年度")
        ws.append([f"{year}年度考核结果"])
        ws.append(["序号", "姓名", "单位", "考核结果"])
        for r in rows:
            ws.append([r[0], r[2], r[6], "优秀" if r[0] % 7 == 0 else "称职"])
    wb.save(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/qmbench-roster"))
    ap.add_argument("--db", type=Path, help="a demo database to copy (default: build one of 2,000 persons)")
    args = ap.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    demo = args.db
    if demo is None:
        from qingmiao_lib import synth

        demo = args.dir / "demo.duckdb"
        synth.build(demo, persons=2000, seed=7, progress=False)
    db = args.dir / "db.duckdb"
    shutil.copyfile(demo, db)
    with qm.connect(db) as con:
        # units whose only current posts lexicon titles read: townships and organs
        units = [u for (u,) in con.execute("select name from units where kind in ('乡镇街道', '市直机关') "
                                           "order by unit_id").fetchall()]
    rows = people(args.rows, units)
    roster(args.dir / "花名册.xlsx", rows)
    ledger(args.dir / "年度考核.xlsx", rows)
    timings = {}
    for label, paths in (("roster", [args.dir / "花名册.xlsx"]), ("ledger (2 years)", [args.dir / "年度考核.xlsx"]),
                         ("roster again", [args.dir / "花名册.xlsx"])):
        start, cpu = time.perf_counter(), time.process_time()
        rep = import_paths(db, paths)
        timings[label] = (time.perf_counter() - start, time.process_time() - cpu, rep.counts)
    load = os.getloadavg()[0]
    print("| import | rows | seconds | CPU seconds | new | changed | unchanged |\n|---|---|---|---|---|---|---|")
    for label, (secs, cpu, counts) in timings.items():
        c = counts.get("persons") or counts.get("annual_assessments")
        print(f"| {label} | {c['read']} | {secs:.1f} | {cpu:.1f} | {c['new']} | {c['changed']} | {c['unchanged']} |")
    print(f"\nload average {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
