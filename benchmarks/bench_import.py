"""Import throughput and memory: rows from CSV (or XLSX) validated and loaded (target ≤ 60 s for
1,000,000 training rows; peak memory ≤ 4 GB whatever the files, issue 22).

usage: python benchmarks/bench_import.py [--rows 1000000 2000000 ...] [--repeat 1]
       [--table trainings|persons] [--pad N] [--xlsx] [--no-reimport] [--append]
       [--source /tmp/qmbench/demo-2000.duckdb] [--tmp DIR]

The generated file is ``trainings.csv`` (trainings of the source demo database's persons; with
``--pad N``, N more characters in every 培训主题: wider rows) or ``persons.csv`` (the source's
persons over and over, 人员编号 suffixed: the widest table); the source's units and persons are
exported next to it, and the folder is imported into a new, empty database (every run validates
and writes every table), then once more into the filled database (every row unchanged). With
``--xlsx`` the generated table is written as workbooks of one sheet each instead.

Each import runs in a child process of its own, so that its peak resident memory (``VmHWM`` of
/proc/self/status) is the import's and no other's; the child also notes the peak reached once
the files are read (``read_all``), which tells the reading's share from the validation's and the
writing's. Sizes run one after another; the load average of the machine is noted beside each
(the timings are only comparable on a quiet machine), and so are the importer's limits in force
(``_read.MAX_CSV_BYTES``, ``_read.MAX_ROWS``): a file over them is refused, which is recorded.
Results go to stdout and benchmarks/results/bench_import.json (``--append`` keeps its other
results: other sizes, tables, widths, formats or limits).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent

_TRAININGS = """
copy (
    with p as (select row_number() over (order by person_id) - 1 as i, person_id, entry_date
               from src.persons),
    n as (select count(*) as n from p),
    g as (select r, (hash(r) % (select n from n))::integer as i from range($rows) as t(r))
    select p.person_id as 人员编号,
           (['初任培训', '任职培训', '专门业务培训', '在职培训'])[1 + r % 4] as 培训类别,
           '专题培训' || (r % 97) || repeat('题', $pad) as 培训主题,
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


# persons.csv of $rows rows: the source's persons again and again, each copy's 人员编号 suffixed
_PERSONS = """
copy (
    select case when k = 0 then 人员编号 else 人员编号 || '-' || k end as 人员编号,
           * exclude (人员编号),
    from read_csv($src, all_varchar = true, header = true), range($copies) as t(k)
    limit $rows
) to '{out}' (header, delimiter ',')
"""


def make_folder(folder: Path, source: Path, rows: int, pad: int = 0, table: str = "trainings") -> Path:
    """The folder to import (units, persons, trainings); the generated file of ``rows`` rows is returned."""
    import qingmiao_lib as qm
    from qingmiao_lib import importer

    with qm.connect(source) as con:
        importer.export_tables(con, folder, tables=("units", "persons"))
        n = con.execute("select count(*) from persons").fetchall()[0][0]
    con = duckdb.connect()
    out = folder / f"{table}.csv"
    if table == "persons":
        src = folder / "persons-source.csv"
        (folder / "persons.csv").rename(src)
        con.execute(_PERSONS.format(out=str(out).replace("'", "''")),
                    {"src": str(src), "copies": -(-rows // n), "rows": rows})
        src.unlink()
    else:
        con.execute(f"attach '{source}' as src (read_only)")
        con.execute(_TRAININGS.format(out=str(out).replace("'", "''")), {"rows": rows, "pad": pad})
    con.close()
    return out


def to_xlsx(csv_path: Path) -> tuple[int, int]:
    """The CSV file as workbooks of one sheet named after its table (up to Excel's 1,048,575 rows
    below the header in each), the CSV removed; returns the workbooks' bytes, and unzipped."""
    import zipfile

    from openpyxl import Workbook

    con = duckdb.connect()
    cur = con.execute("select * from read_csv($p, all_varchar = true, header = true)", {"p": str(csv_path)})
    header = [d[0] for d in cur.description]
    paths: list[Path] = []
    wb = ws = None
    n = 0
    while batch := cur.fetchmany(100_000):
        for row in batch:
            if ws is None:
                wb = Workbook(write_only=True)
                ws = wb.create_sheet(csv_path.stem)
                ws.append(header)
            ws.append(row)
            n += 1
            if n == 1_048_575:
                paths.append(csv_path.with_name(f"{csv_path.stem}-{len(paths) + 1}.xlsx"))
                wb.save(paths[-1])
                wb = ws = None
                n = 0
    if ws is not None:
        paths.append(csv_path.with_name(f"{csv_path.stem}-{len(paths) + 1}.xlsx"))
        wb.save(paths[-1])
    con.close()
    csv_path.unlink()
    unzipped = sum(i.file_size for p in paths for i in zipfile.ZipFile(p).infolist())
    return sum(p.stat().st_size for p in paths), unzipped


def _status_mb(key: str) -> float:
    """A memory line of /proc/self/status (VmHWM: peak resident, VmRSS: resident now) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def child(db: Path, folder: Path, table: str) -> None:
    """One import in this process; prints a JSON line: wall time, peaks, counts or the failure."""
    from qingmiao_lib import importer
    from qingmiao_lib.importer import _read

    noted: dict = {}
    read_all = _read.read_all

    def read_all_noted(paths):
        t = time.perf_counter()
        reading = read_all(paths)
        noted.update(read_s=round(time.perf_counter() - t, 2), read_peak_mb=round(_status_mb("VmHWM")),
                     read_held_mb=round(_status_mb("VmRSS")))
        return reading

    _read.read_all = read_all_noted
    base = _status_mb("VmHWM")
    t = time.perf_counter()
    try:
        report = importer.import_paths(db, [folder])
        out = dict(ok=True, counts=report.counts[table])
    except importer.ImportFailed as e:
        out = dict(ok=False, message=str(e), errors=e.errors.head(5).astype(str).to_dict("records"))
    out.update(wall_s=round(time.perf_counter() - t, 2), peak_mb=round(_status_mb("VmHWM")),
               start_mb=round(base), **noted)
    print(json.dumps(out, ensure_ascii=False))


def run_child(db: Path, folder: Path, table: str) -> dict:
    load = os.getloadavg()[0]
    p = subprocess.run([sys.executable, __file__, "--child", str(db), str(folder), table],
                       capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(f"the import's child process failed ({p.returncode}):\n{p.stderr[-3000:]}")
    out = json.loads(p.stdout.strip().splitlines()[-1])
    out["load_1min"] = round(load, 2)
    return out


def bench(tmp: Path, source: Path, rows: int, repeat: int, reimport: bool, pad: int, table: str,
          xlsx: bool) -> dict:
    folder = tmp / f"in-{rows}"
    t = time.perf_counter()
    made = make_folder(folder, source, rows, pad, table)
    size, unzipped = to_xlsx(made) if xlsx else (made.stat().st_size, None)
    print(f"generated {rows:,} {table} rows ({size / 1e6:.0f} MB {'XLSX' if xlsx else 'CSV'}) in {time.perf_counter() - t:.1f} s",
          flush=True)
    fresh, again = [], []
    for i in range(repeat):
        db = tmp / f"db-{rows}-{i}.duckdb"
        fresh.append(run_child(db, folder, table))
        print(f"  run {i + 1}, new database: {fresh[-1]}", flush=True)
        if fresh[-1]["ok"] and reimport:
            assert fresh[-1]["counts"]["new"] == rows, fresh[-1]
            again.append(run_child(db, folder, table))
            print(f"  run {i + 1}, same files again: {again[-1]}", flush=True)
            assert again[-1]["counts"]["unchanged"] == rows, again[-1]
        db.unlink(missing_ok=True)
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    from qingmiao_lib.importer import _read

    limits = {k: getattr(_read, k) for k in ("MAX_CSV_BYTES", "MAX_ROWS", "MAX_XLSX_UNCOMPRESSED") if hasattr(_read, k)}
    res = dict(table=table, rows=rows, pad=pad, format="xlsx" if xlsx else "csv", csv_mb=round(size / 1e6),
               **({"unzipped_mb": round(unzipped / 1e6)} if unzipped else {}), limits=limits, ok=all(r["ok"] for r in fresh),
               median_new_s=round(statistics.median(r["wall_s"] for r in fresh), 2),
               peak_new_mb=max(r["peak_mb"] for r in fresh),
               read_peak_mb=max(r.get("read_peak_mb", 0) for r in fresh),
               load_1min=max(r["load_1min"] for r in fresh), runs_new=fresh)
    if not res["ok"]:
        res["message"] = fresh[0].get("message")
    if again:
        res.update(median_reimport_s=round(statistics.median(r["wall_s"] for r in again), 2),
                   peak_reimport_mb=max(r["peak_mb"] for r in again), runs_reimport=again)
    return res


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        return child(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--source", type=Path, default=Path("/tmp/qmbench/demo-2000.duckdb"))
    ap.add_argument("--no-reimport", action="store_true", help="time only the import into a new database")
    ap.add_argument("--table", choices=("trainings", "persons"), default="trainings",
                    help="the table of the generated file (persons: the source's persons over and over)")
    ap.add_argument("--xlsx", action="store_true",
                    help="the generated table as .xlsx workbooks (one sheet of ≤ 1,048,575 rows each)")
    ap.add_argument("--pad", type=int, default=0, help="characters added to every 培训主题 (wide rows)")
    ap.add_argument("--append", action="store_true",
                    help="keep the results file's other sizes (those of another --rows or --pad)")
    ap.add_argument("--tmp", type=Path, default=None, help="where to generate the files (default: a temporary folder)")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for rows in args.rows:  # one after another: the machine stays usable
            results.append(bench(Path(tmp), args.source, rows, args.repeat, not args.no_reimport, args.pad,
                                 args.table, args.xlsx))
            print(_table(results), flush=True)
    out = HERE / "results" / "bench_import.json"
    if args.append and out.exists():
        new = {_key(r) for r in results}
        kept = [r for r in json.loads(out.read_text())["results"] if _key(r) not in new]
        results = sorted(kept + results, key=_key)
        print(_table(results))
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(
        dict(target_s_per_million=60, target_peak_mb=4096, results=results), indent=1, ensure_ascii=False))


def _key(r: dict) -> tuple:
    """Results of one file shape and size under the same limits replace each other."""
    return (tuple(sorted(r.get("limits", {}).values(), reverse=True)), r.get("format", "csv"),
            r.get("table", "trainings"), r.get("pad", 0), r["rows"])


def _table(results: list[dict]) -> str:
    out = ["| table | rows | 培训主题 + chars | file MB | imported | wall, new database (s) | peak RSS (MB) | peak RSS once read (MB) "
           "| wall, same files again (s) | peak RSS again (MB) | load avg (1 min) | limits (CSV MB, rows) |", "|" + "---|" * 12]
    for r in results:
        out.append(f"| {r.get('table', 'trainings')} | {r['rows']:,} | {r.get('pad', 0)} "
                   f"| {r['csv_mb']}{' XLSX' if r.get('format') == 'xlsx' else ''} | {'yes' if r['ok'] else 'refused: ' + str(r.get('message'))} "
                   f"| {r['median_new_s']} | {r['peak_new_mb']} | {r['read_peak_mb']} "
                   f"| {r.get('median_reimport_s', '')} | {r.get('peak_reimport_mb', '')} | {r['load_1min']} "
                   f"| {_limits(r)} |")
    return "\n".join(out)


def _limits(r: dict) -> str:
    lim = r.get("limits", {})
    return f"{lim.get('MAX_CSV_BYTES', 0) / 1e6:.0f}, {lim.get('MAX_ROWS', 0):,}" if lim else ""


if __name__ == "__main__":
    main()
