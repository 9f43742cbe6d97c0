"""``qingmiao demo``: build the simulated demo county database (:mod:`qingmiao_lib.synth`).
"""

from __future__ import annotations

import argparse

from ..cli import common_options, int_between

NAME = "demo"
HELP = "build the simulated demo county database"


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--persons", type=int_between(50, 10_000_000), default=2000,
                   help="active headcount at the start, 50–10,000,000 (default 2000)")
    p.add_argument("--seed", type=int_between(0, 2**63 - 1), default=None,
                   help="random seed, a non-negative integer (default: the documented demo seed)")
    p.add_argument("--force", action="store_true", help="replace an existing database")
    p.add_argument("--if-missing", action="store_true", help="do nothing if the database already exists")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args) -> int:
    from .. import synth

    # synth.build checks an existing target itself (in use, not a Qingmiao database) and
    # rebuilds a file left incomplete by an interrupted creation
    if args.db.exists() and args.if_missing and not args.force:
        print(f"数据库已存在，跳过生成：{args.db}（重新生成请用 qingmiao demo --force）")
        return 0
    seed = synth.DEFAULT_SEED if args.seed is None else args.seed
    path = synth.build(args.db, persons=args.persons, seed=seed, force=args.force,
                       progress=not args.quiet, rules=args.rules)
    print(f"示范数据库已生成：{path}（{args.persons} 人，seed={seed}）")
    return 0
