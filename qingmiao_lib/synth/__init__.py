"""The simulated demo county (SPEC §6): ``build(path, persons=2000, seed=…)``.

History is simulated year by year (2012 → 2025), each step vectorised over persons; then every
table of SPEC §3 is written in one transaction. The headline figures are *not* targets here:
they are computed afterwards by ``qingmiao_lib.figures`` from the records.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from .. import db
from .. import rules as rules_mod
from ..errors import QingmiaoError
from .activities import Activities
from .calendar import day
from .model import Careers, Log, Rules
from .params import Params
from .units import Units
from .write import WRITE_STEPS, write_all

# The default seed: one draw of the county whose 2023 figures all land within the tolerance of the
# seed article (across seeds 1–70 the means are on the article; single draws scatter, most in
# the small counts F6–F9). See benchmarks/seed_scan.py.
DEFAULT_SEED = 51

__all__ = ["build", "Params", "DEFAULT_SEED"]

_LOGS = {
    "posts": ("pid", "unit", "title", "level", "start", "end"),
    "ranks": ("pid", "step", "start", "end", "reason"),
    "pools": ("pid", "pool", "entered", "exited", "reason"),
    "appointments": ("pid", "t", "level"),
    "trainings": ("pid", "kind", "start", "end", "hours", "mode", "passed", "topic"),
    "practices": ("pid", "program", "start", "end", "rating"),
    "tasks": ("pid", "task", "start", "rating"),
    "rewards": ("pid", "kind", "on", "reason"),
    "supervision": ("pid", "kind", "held", "until"),
    "quarterly": ("pid", "year", "quarter", "grade"),
    "mentors": ("pid", "mentor", "role", "start"),
    "quotas": ("year", "step", "max_count"),
}


def build(
    path: str | Path,
    *,
    persons: int = 2000,
    seed: int = DEFAULT_SEED,
    progress: bool = True,
    force: bool = False,
    rules: str | Path | None = None,
    params: Params | None = None,
) -> Path:
    """Simulate the demo county and write it to a new DuckDB file.

    Parameters
    ----------
    path
        Where to write; an existing file is replaced only with ``force=True`` (a Qingmiao
        database of any version, or a file left incomplete by an interrupted creation; it stays
        whole until the new database is complete and renamed onto it).
    persons
        Active headcount at the start (~2,000 for a county-level city; up to 8,000,000).
    seed
        Seed of the random generator: the same seed gives the same database.
    progress
        Show a progress bar (stderr).
    rules
        A locality rules file; careers obey it, and it is recorded in ``meta``.

    Returns
    -------
    Path of the database written.
    """
    path = Path(path)
    if persons < 50 or persons > 10_000_000:
        raise QingmiaoError(f"--persons 须在 50 到 10000000 之间（收到 {persons}）")
    if path.exists() and not path.is_file():
        raise QingmiaoError(f"{path} 已存在且不是文件（请给出数据库文件名，如 data/qingmiao.duckdb）")
    if path.exists():
        if not force:
            raise QingmiaoError(f"数据库已存在：{path}（如需覆盖请加 --force）")
        db.check_replaceable(path)  # before the simulation: not in use, a Qingmiao database
    p = replace(params or Params(), persons=int(persons))
    loaded = rules_mod.load(rules)
    r = Rules.from_dict(loaded)
    rng = np.random.default_rng(seed)
    years = list(range(p.start_year, p.end_year + 1))
    bar = tqdm(total=1 + len(years) + WRITE_STEPS + 1, desc="模拟示范县", unit="步", disable=not progress, leave=False)
    started = time.perf_counter()

    units = Units(p, rng)
    logs = {name: Log(cols) for name, cols in _LOGS.items()}
    careers = Careers(p, r, rng, units, logs)
    careers.seed_stock()
    acts = Activities(careers, day(p.end_year, 12, 31))
    bar.update()
    for y in years:
        head = int(round(p.persons * (1 + p.growth) ** (y - p.start_year)))
        careers.exits(y)
        acts.supervise(y)
        round1 = day(y, 4, 1) + int(rng.integers(0, 20))
        round2 = day(y, 10, 8) + int(rng.integers(0, 20))
        careers.step_downs(y, round1)
        careers.rank_round(round1, 0.5, head)
        careers.leadership(y)
        careers.step_downs(y, round2)
        careers.rank_round(round2, 0.5, head)
        careers.lateral_moves(y)
        recruits = careers.recruit(y, head)
        careers.pools(y)
        graded = careers.assess(y)
        acts.year(y, recruits, graded)
        steps = np.flatnonzero(careers.quota > 0)
        logs["quotas"].add(np.full(len(steps), y), steps, np.floor(careers.quota[steps] * head).astype(np.int64))
        bar.update()

    db.crash_point("demo:simulated")
    del acts  # it holds the state too: write_all drops it once loaded (Careers.release)
    # built under a temporary name and moved onto path only when complete: a run killed at any
    # moment leaves no file, or the previous one (db.NewDatabase)
    new = db.NewDatabase(path, replace="any" if force else "missing", rules=rules, bulk_load=True)
    try:
        con = new.open()
    except (OSError, QingmiaoError) as e:
        raise QingmiaoError(f"无法写入数据库 {path}：目录 {path.parent} 不存在或不可写") from e
    try:
        write_all(con, careers, units, seed=seed, bar=bar)
        db.set_meta(
            con, source=f"示范县模拟数据（seed={seed}, persons={persons}）", seed=seed, persons=persons,
            simulated_years=f"{p.start_year}-{p.end_year}", data_from=p.start_year, data_to=p.end_year,
            rules_version=rules_mod.version(loaded),
            jurisdiction="示范县（模拟数据）",
            build_seconds=f"{time.perf_counter() - started:.1f}",
        )
        db.crash_point("demo:written")
    except BaseException:
        new.discard()
        raise
    new.commit()
    bar.update()
    bar.close()
    return path
