"""Time the disclosure-control engine (qingmiao_lib.sdc) on synthetic tables shaped like the
report's: one 10×10 table, a ~300-cell linked artefact (a main report: grade, age, unit kind, sex,
education and unit tables sharing their margins, with headline figures), and unit-selector data
(N units × 4 tables, each unit's cells summing to the county's). Prints a Markdown table: build +
protect time (median), cells, primary / complementary / withheld cells, persons hidden by
complements — optimal and greedy (greedy not for the large unit selector) — and the pinned cells
(must be 0) by :func:`pinned` (batched certificates) and by the full :func:`audit` (every hidden
cell's range), with their times.

    python benchmarks/bench_sdc.py [--units 60] [--repeat 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from qingmiao_lib.sdc import Problem

GRADES = ["优秀", "称职", "基本称职", "不称职"]
AGES = ["30岁以下", "30–34岁", "35–39岁", "40岁及以上", "45岁及以上"][:4]
KINDS = ["党委部门", "政府部门", "人大政协", "群团机关", "法检两院", "乡镇街道"]
EDU = ["研究生", "大学本科", "大专", "中专及以下"]
SEX = ["男", "女"]


def _split(rng, total: int, parts: int, weights) -> np.ndarray:
    """A random split of ``total`` into ``parts`` counts."""
    w = np.asarray(weights, float)
    return rng.multinomial(total, w / w.sum()) if total else np.zeros(parts, dtype=int)


def table_10x10(seed: int = 1) -> Problem:
    rng = np.random.default_rng(seed)
    vals = rng.choice([0, 1, 2, 3, 4, 6, 8, 12, 20, 35, 60, 150], size=(10, 10),
                      p=[.08, .05, .05, .04, .04, .1, .12, .14, .14, .12, .08, .04])
    p = Problem(5)
    p.add_table("十乘十", pd.DataFrame(vals, index=[f"r{i}" for i in range(10)],
                                     columns=[f"c{j}" for j in range(10)]), principal="grand")
    return p


def artefact(seed: int = 1, units: int = 14) -> Problem:
    """A main report of ~300 cells: grade × age, grade × unit kind, grade × sex, education ×
    age, unit × grade, unit × age, unit kind × education, two unit reports (本单位 beside
    全辖区), all drawn from one person-level table so their margins agree, linked where they
    share cells, with headline F-figures (principal) linked to theirs."""
    rng = np.random.default_rng(seed)
    n = 900
    people = pd.DataFrame({
        "grade": rng.choice(GRADES, n, p=[.17, .78, .04, .01]),
        "age": rng.choice(AGES, n, p=[.3, .3, .25, .15]),
        "kind": rng.choice(KINDS, n, p=[.25, .35, .05, .05, .1, .2]),
        "sex": rng.choice(SEX, n, p=[.55, .45]),
        "edu": rng.choice(EDU, n, p=[.15, .6, .2, .05]),
        "unit": rng.choice([f"单位{u:02d}" for u in range(units)], n),
    })

    def ct(r, c, rows, cols):
        return pd.crosstab(people[r], people[c]).reindex(index=rows, columns=cols, fill_value=0)

    p = Problem(5)
    ga = p.add_table("等次×年龄", ct("grade", "age", GRADES, AGES), principal="row_totals")
    gk = p.add_table("等次×单位类别", ct("grade", "kind", GRADES, KINDS))
    gs = p.add_table("等次×性别", ct("grade", "sex", GRADES, SEX))
    ea = p.add_table("学历×年龄", ct("edu", "age", EDU, AGES))
    ug = p.add_table("单位×等次", ct("unit", "grade", sorted(people.unit.unique()), GRADES))
    ke = p.add_table("单位类别×学历", ct("kind", "edu", KINDS, EDU))
    for g in [*GRADES, "合计"]:               # the grade totals, printed in every grade table
        p.link(ga[g, "合计"], gk[g, "合计"])
        p.link(ga[g, "合计"], gs[g, "合计"])
        p.link(ga[g, "合计"], ug["合计", g])
    for a in [*AGES, "合计"]:                 # age totals
        p.link(ga["合计", a], ea["合计", a])
    for k in [*KINDS, "合计"]:                # unit-kind totals
        p.link(gk["合计", k], ke[k, "合计"])
    for e in [*EDU]:
        p.link(ea[e, "合计"], ke["合计", e])
    units_sorted = sorted(people.unit.unique())
    ua = p.add_table("单位×年龄", ct("unit", "age", units_sorted, AGES))
    for u in [*units_sorted, "合计"]:         # unit totals
        p.link(ua[u, "合计"], ug[u, "合计"])
    for a in AGES:
        p.link(ua["合计", a], ga["合计", a])
    for u in units_sorted[:2]:                 # unit reports: 本单位 beside 全辖区
        rep = p.add_table(f"{u}单位报告", pd.DataFrame(
            {"本单位": ug.values.loc[u, GRADES].to_numpy(),
             "全辖区": ga.values.loc[GRADES, "合计"].to_numpy()}, index=GRADES), totals="column")
        for g in [*GRADES, "合计"]:
            p.link(rep[g, "本单位"], ug[u, g])
            p.link(rep[g, "全辖区"], ga[g, "合计"])
    for label, key in (("F1 总人数", ("合计", "合计")), ("F5 优秀人数", ("优秀", "合计"))):
        p.link(p.add_cell(label, int(ga.values.at[key]), principal=True), ga[key])
    return p


def unit_selector(units: int = 60, seed: int = 1) -> Problem:
    """Unit-selector data: per unit a grade table, an age × sex pyramid, a training 3 × 3 matrix
    and an education table; the county tables are the sums of the units'."""
    rng = np.random.default_rng(seed)
    p = Problem(5)
    names = {"grade": [], "pyr": [], "train": [], "edu": []}
    for u in range(units):
        size = int(rng.integers(8, 120))
        g = _split(rng, size, 4, [.17, .78, .04, .01])
        a = _split(rng, size, 8, [.16, .14, .16, .14, .12, .1, .1, .08]).reshape(4, 2)
        tr = _split(rng, size, 9, [.3, .1, .05, .1, .2, .05, .05, .05, .1]).reshape(3, 3)
        e = _split(rng, size, 4, [.15, .6, .2, .05])
        for key, frame in (("grade", pd.Series(g, index=GRADES, name="人数")),
                           ("pyr", pd.DataFrame(a, index=AGES, columns=SEX)),
                           ("train", pd.DataFrame(tr, index=["初任", "任职", "专门"],
                                                  columns=["未训", "在训", "已训"])),
                           ("edu", pd.Series(e, index=EDU, name="人数"))):
            name = f"单位{u:02d}·{key}"
            p.add_table(name, frame)
            names[key].append(name)
    for key, parts in names.items():
        tot = sum(p.tables[n].values.loc[[r for r in p.tables[n].values.index if r != "合计"],
                                        [c for c in p.tables[n].values.columns if c != "合计"]]
                  for n in parts)
        p.add_table(f"全县·{key}", tot if tot.shape[1] > 1 else tot.iloc[:, 0])
        p.sum_tables(f"全县·{key}", parts)
    return p


def run(name: str, build, repeat: int, methods=("optimal", "greedy")) -> dict:
    row = {"case": name}
    for method in methods:
        times, cpu, res = [], [], None
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            res = build().protect(method)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        c = res.counts()
        row |= {f"{method} s": f"{statistics.median(times):.2f}",
                f"{method} cpu s": f"{statistics.median(cpu):.2f}",
                f"{method} hidden (p/c/w)": f"{c['primary']}/{c['complementary']}/{c['withheld']}",
                f"{method} persons ×": res.cost()}
        if method == "optimal":
            row["cells (printed)"] = f"{res.state.size} ({res.problem.n_slots})"
            start = time.perf_counter()
            row["pinned"] = len(res.pinned())
            row["pinned s"] = f"{time.perf_counter() - start:.2f}"
            start = time.perf_counter()
            row["full audit: pinned"] = sum(r.lo == r.hi for r in res.audit())
            row["full audit s"] = f"{time.perf_counter() - start:.2f}"
            row["proven optimal"] = res.stats.optimal
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rows = [run("10×10 table", lambda: table_10x10(args.seed), args.repeat),
            run("main report (linked tables)", lambda: artefact(args.seed), args.repeat),
            run("unit selector (10 units × 4 tables)", lambda: unit_selector(10, args.seed), 1),
            # the greedy baseline's release pass audits every sensitive cell per complement:
            # minutes at this size, so only the optimum
            run(f"unit selector ({args.units} units × 4 tables)",
                lambda: unit_selector(args.units, args.seed), 1, ("optimal",))]
    cols = list(dict.fromkeys(k for r in rows for k in r))
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |")


if __name__ == "__main__":
    main()
