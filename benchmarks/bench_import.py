"""Import throughput: 1,000,000 training rows from CSV validated and loaded (target ≤ 60 s).

usage: python benchmarks/bench_import.py [--rows 1000000] [--repeat 3] [--source /tmp/qmbench/demo-2000.duckdb]

The trainings refer to the persons of a demo database; its units and persons are exported next
to the generated trainings.csv, and the folder is imported into a new, empty database each time
(so every run validates and writes all three tables). A second import of the same folder into
the filled database (every row unchanged) is timed too. Medians go to stdout and
benchmarks/results/bench_import.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

import qingmiao_lib as qm
from qingmiao_lib import importer

HERE = Path(__file__).resolve().parent

_TRAININGS = """
copy (
    with p as (select row_number() over (order by person_id) - 1 as i, person_id, entry_date
               from src.persons),
    n as (select count(*) as n from p),
    g as (select r, (hash(r) % (select n from n))::integer as i from range($rows) as t(r))
    select p.person_id as 人员编号,
           (['初任培训', '任职培训', '专门业务培训', '在职培训'])[1 + r % 4] as 培训类别,
           '专题培训' || (r % 97) as 培训主题,
           (['市委党校', '网络学院', '县委党校'])[1 + r % 3] as 承办单位,
           -- no course after the demo's last day: the importer refuses dates after the import date
           strftime(least(p.entry_date + (r % 3000)::integer, date '2025-12-20'), '%Y-%m-%d') as 开始时间,
           strftime(least(p.entry_date + (r % 3000)::integer, date '2025-12-20') + (r % 5)::integer,
                    '%Y.%m.%d') as 结束时间,
           8 + r % 80 as 学时,
           (['脱产', '网络', '其他'])[1 + r % 3] as 方式,
           case when r % 50 = 0 then '否' else '是' end as 是否合格,
    from g join p using (i)
) to '{out}' (header, delimiter ',')
"""


def make_folder(folder: Path, source: Path, rows: int) -> None:
    with qm.connect(source) as con:
        importer.export_tables(con, folder, tables=("units", "persons"))
    con = duckdb.connect()
    con.execute(f"attach '{source}' as src (read_only)")
    out = str(folder / "trainings.csv").replace("'", "''")
    con.execute(_TRAININGS.format(out=out), {"rows": rows})
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--source", type=Path, default=Path("/tmp/qmbench/demo-2000.duckdb"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "in"
        t = time.perf_counter()
        make_folder(folder, args.source, args.rows)
        size = (folder / "trainings.csv").stat().st_size
        print(f"generated {args.rows} training rows ({size / 1e6:.0f} MB CSV) in {time.perf_counter() - t:.1f} s")
        fresh, again = [], []
        for i in range(args.repeat):
            db = tmp / f"db{i}.duckdb"
            t = time.perf_counter()
            report = importer.import_paths(db, [folder])
            fresh.append(time.perf_counter() - t)
            assert report.counts["trainings"]["new"] == args.rows, report.counts
            t = time.perf_counter()
            report = importer.import_paths(db, [folder])
            again.append(time.perf_counter() - t)
            assert report.counts["trainings"]["unchanged"] == args.rows, report.counts
            print(f"run {i + 1}: new database {fresh[-1]:.1f} s, same files again {again[-1]:.1f} s")
            db.unlink()
    result = dict(rows=args.rows, csv_mb=round(size / 1e6), median_new_s=round(statistics.median(fresh), 2),
                  median_reimport_s=round(statistics.median(again), 2), runs_new_s=[round(x, 2) for x in fresh],
                  runs_reimport_s=[round(x, 2) for x in again], target_s=60)
    print(f"| rows | CSV MB | median, new database (s) | median, same files again (s) | target (s) |\n"
          f"|---|---|---|---|---|\n| {args.rows:,} | {result['csv_mb']} | {result['median_new_s']} | "
          f"{result['median_reimport_s']} | 60 |")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "bench_import.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
