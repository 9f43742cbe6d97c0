"""Import 1,000 干部任免审批表 files (target: ≤ 30 s, issue 20).

The files are made from the test fixture 李明华.lrmx (9 简历 entries, 2 educations, 5 grades, 2
rewards, a photo and two family members), each with its own name and birth month so that every
file is a new person, half of them declared GB2312 to time that decoding too. Prints the seconds
of reading alone (parse + rows) and of the whole ``import_paths`` into a new database.

    .venv/bin/python benchmarks/bench_lrmx.py [--files 1000] [--dir /tmp/qmbench-lrmx]
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from qingmiao_lib.importer import _lrmx, _read, import_paths

FIX = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "lrmx"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "明华伟芳军静丽强磊洋艳勇杰娟涛超秀霞平刚桂英"


def make_files(folder: Path, n: int) -> None:
    template = (FIX / "good" / "李明华.lrmx").read_text("utf-8")
    template = template.replace("<ShenFenZheng>330302198603151230</ShenFenZheng>", "<ShenFenZheng></ShenFenZheng>")
    folder.mkdir(parents=True)
    for i in range(n):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + GIVEN[i % len(GIVEN)]
        born = f"{1980 + i % 10}{1 + (i // 10) % 12:02d}"
        text = template.replace("<XingMing>李明华</XingMing>", f"<XingMing>{name}</XingMing>").replace(
            "<ChuShengNianYue>198603</ChuShengNianYue>", f"<ChuShengNianYue>{born}</ChuShengNianYue>")
        if i % 2:
            (folder / f"{i:04d}.lrmx").write_bytes(
                text.replace('encoding="UTF-8"', 'encoding="GB2312"').encode("gb18030"))
        else:
            (folder / f"{i:04d}.lrmx").write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/qmbench-lrmx"))
    args = ap.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    folder = args.dir / "files"
    make_files(folder, args.files)
    start = time.perf_counter()
    r = _read.Reading()
    _read._read_csv(r, FIX / "units.csv", True)
    recs = _lrmx.read_into(r, [(p, True) for p in sorted(folder.iterdir())])
    read_s = time.perf_counter() - start
    assert not r.errors and len(recs) == args.files, r.errors[:3]
    start = time.perf_counter()
    rep = import_paths(args.dir / "lrmx.duckdb", [folder, FIX / "units.csv"])
    import_s = time.perf_counter() - start
    print(f"| files | read (s) | import_paths (s) | persons | posts | 简历 entries |\n|---|---|---|---|---|---|\n"
          f"| {args.files} | {read_s:.1f} | {import_s:.1f} | {rep.counts['persons']['new']} | "
          f"{rep.counts['posts']['new']} | {rep.counts['resume_entries']['new']} |")


if __name__ == "__main__":
    main()
