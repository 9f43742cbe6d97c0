"""Write the simulated county into the schema: numeric frames in, SQL maps codes to vocabulary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import db, sql
from .activities import (
    MODES,
    PROGRAMS,
    RATINGS,
    REWARDS,
    SUPERVISION,
    TASKS,
    TOPICS,
    TRAINING_KINDS,
)
from .calendar import NEVER, add_months
from .model import CHANNELS, EDUCATIONS, GRADES, RANK_REASONS, Careers
from .names import person_names
from .units import KINDS, TITLES

_EXIT_REASONS = ("", "退休", "调出", "辞职", "其他", "辞退")
_POOL_EXIT = ("退出公务员队伍", "超龄", "考核结果", "提拔使用")
_POOLS = ("年轻公务员库", "两型干部库")
_VOCAB = {
    "v_kind": KINDS, "v_title": TITLES, "v_edu": EDUCATIONS, "v_channel": CHANNELS,
    "v_reason": RANK_REASONS, "v_exit": _EXIT_REASONS, "v_pool_exit": _POOL_EXIT, "v_pool": _POOLS,
    "v_tkind": TRAINING_KINDS, "v_mode": MODES, "v_topic": TOPICS, "v_program": PROGRAMS,
    "v_rating": RATINGS, "v_task": TASKS, "v_sup": SUPERVISION, "v_reward": REWARDS, "v_grade": GRADES,
}


def _days(a: np.ndarray) -> np.ndarray:
    """Day numbers with NEVER as missing, for SQL (NULL when missing)."""
    a = np.asarray(a, dtype=np.int64)
    out = pd.array(a, dtype="Int64")
    out[a == NEVER] = pd.NA
    return out


# Logs whose rows are edited in pandas before loading; the others go to DuckDB as Arrow tables
# (zero-copy from numpy: they are the big ones).
_EDITED = ("posts", "ranks", "pools", "practices", "supervision", "mentors")


#: Event logs and their date column: an event is kept only while its person serves (a yearly
#: draw is made for everyone active mid-year; entry and exit dates fall anywhere in the year).
_IN_SERVICE = {"trainings": "start", "tasks": "start", "rewards": "on", "practices": "start",
               "supervision": "held"}


def _in_service(c: Careers, pid: np.ndarray, on: np.ndarray) -> np.ndarray:
    s = c.s
    return (on >= s.entry[pid]) & (on < s.exit[pid])


#: The tables loaded from the simulation's frames, parents first (``sql/synth/load/<table>.sql``).
LOAD_ORDER = (
    "units", "persons", "posts", "ranks", "pool_members", "trainings", "mentorships", "practices",
    "annual_assessments", "regular_assessments", "special_tasks", "rewards", "supervision", "quotas",
)
#: Up to this many persons a build's DuckDB memory is held to 1.5 GB (above it, 3 GB).
SMALL_BUILD = 1_000_000
#: Progress-bar steps of ``write_all``: preparing, one per table, lectures, keys.
WRITE_STEPS = 1 + len(LOAD_ORDER) + 2


def write_all(con, c: Careers, units, *, seed: int, bar) -> None:
    """Load every table from the simulation's logs. The caller builds into a temporary file and
    renames it when this returns, so a failed build leaves nothing behind; each table is committed
    on its own so DuckDB can flush and free memory between them. The simulation's state and logs
    are dropped as soon as the frames hold their rows (:meth:`Careers.release`), and each frame
    once the last table reading it is loaded: the loads, the weekly lectures and the stored
    layer run in DuckDB, and the arrays (about 2 GB at a million persons) would only add to
    their peak."""
    p = c.p
    frames = _frames(c, units)
    bar.update()
    c.release()
    _load(con, frames, small=p.persons <= SMALL_BUILD, bar=bar)
    con.execute(sql.load("synth/lectures"), {"first": p.lecture_from, "last": p.end_year})
    con.execute(sql.load("synth/lecture_attendance"), {"seed": seed})
    db.set_meta(con, data_from=p.start_year, data_to=p.end_year)
    db.refresh_snapshots(con)
    bar.update()
    db.add_constraints(con)
    bar.update()


def _frames(c: Careers, units) -> dict:
    """Each table's rows from the simulation's logs and state, as the frames
    ``sql/synth/load/<table>.sql`` read (``_<name>``)."""
    s, rng = c.s, c.rng
    n = s.n
    idx = np.arange(n)
    exit_ = s.exit[:n]
    # close what is still open at each leaver's exit
    open_post = (idx, s.unit[:n], s.title[:n], s.level[:n], s.post_start[:n], exit_)
    c.logs["posts"].add(*open_post)
    graded = (s.rank[:n] > 0) & (s.rank_start[:n] < exit_)
    c.logs["ranks"].add(idx[graded], s.rank[:n][graded], s.rank_start[:n][graded], exit_[graded],
                        s.rank_reason[:n][graded])
    for k in range(2):
        m = s.pool_since[k, :n] < NEVER
        c.logs["pools"].add(idx[m], k, s.pool_since[k, :n][m], exit_[m], 0)
    # each log is given up as soon as its frame holds its rows (the peak of a large build)
    frames = {name: pd.DataFrame(c.logs.pop(name).arrays()) for name in _EDITED}
    frames["posts"] = frames["posts"][frames["posts"]["end"] > frames["posts"]["start"]]
    frames["ranks"] = frames["ranks"][frames["ranks"]["end"] > frames["ranks"]["start"]]
    for name, col in (("posts", "end"), ("ranks", "end"), ("pools", "exited"), ("practices", "end"),
                      ("supervision", "until")):
        frames[name][col] = _days(frames[name][col].to_numpy())
    m = frames["mentors"]
    if len(m):
        end = np.minimum.reduce([add_months(s.entry[m["pid"].to_numpy()], 60), exit_[m["pid"].to_numpy()],
                                 exit_[m["mentor"].to_numpy()]]).astype(np.int64)
        end = np.where(end > _last_day(c), NEVER, end)
        m["end"] = _days(end)
        frames["mentors"] = m[(m["end"].isna()) | (m["end"] > m["start"])]
    else:
        m["end"] = pd.array([], dtype="Int64")
    for name in list(c.logs):
        if name not in _EDITED:
            arrays = c.logs.pop(name).arrays()
            if name in _IN_SERVICE:
                keep = _in_service(c, arrays["pid"], arrays[_IN_SERVICE[name]])
                arrays = {k: v[keep] for k, v in arrays.items()}
            frames[name] = pa.table(arrays)
    for name in ("practices", "supervision"):
        f = frames[name]
        frames[name] = f[_in_service(c, f["pid"].to_numpy(), f[_IN_SERVICE[name]].to_numpy())]
    # a recruit of the last year still on probation has no rank yet on its 31 December
    r = frames["ranks"]
    frames["ranks"] = r[r["start"] <= _last_day(c)]
    frames["persons"] = _persons(c, rng)
    frames["units"] = pd.DataFrame({"uid": np.arange(len(units.ids)), "unit_id": units.ids,
                                    "name": units.name, "kind": units.kind})
    g = s.grades[:n]
    who, col = np.nonzero(g)
    frames["annual"] = pa.table({"pid": who.astype(np.int32), "year": (col + s.y0).astype(np.int16),
                                 "grade": g[who, col]})
    for name, vocab in _VOCAB.items():
        frames[name] = pd.DataFrame({"code": np.arange(len(vocab)), "value": list(vocab)})
    return frames


def _load(con, frames: dict, *, small: bool, bar) -> None:
    """Load the tables from ``frames`` (:func:`_frames`), parents first, each frame given up
    once the last table reading it is loaded."""
    for name, frame in frames.items():
        con.register(f"_{name}", frame)
    # the last table of LOAD_ORDER whose SQL reads each frame (read from the files, not changed)
    last = {name: max((i for i, t in enumerate(LOAD_ORDER) if f"_{name}" in sql.load(f"synth/load/{t}")), default=-1)
            for name in frames}
    # DuckDB's own memory on the build connection: it spills beyond this, so a build stays
    # within its budget together with the simulation's arrays (about 2.2 GB at a million
    # persons): ≤ 4 GB up to a million persons (issue 22), ≤ 8 GiB at the national scale.
    if small:
        con.execute("set memory_limit = '1536MB'")
    else:
        con.execute("set memory_limit = '3GB'")
    con.execute("set preserve_insertion_order = false")
    con.execute(sql.load("synth/load/_macros"))
    for i, table in enumerate(LOAD_ORDER):  # each table autocommitted on its own
        if table == "persons":
            _load_persons(con)
        else:
            con.execute(sql.load(f"synth/load/{table}"))
        for name in [n for n in frames if last[n] <= i]:
            con.unregister(f"_{name}")
            del frames[name]
        bar.update()


def _load_persons(con) -> None:
    """Run ``synth/load/persons.sql`` (an insert listing the columns of persons before the
    干部任免审批表 additions, by position) into a temporary table of that shape, then move its rows
    into persons by name: the simulation has no 籍贯, 出生地 or 专业技术职务 (NULL)."""
    home = '"' + con.execute("select current_database()").fetchall()[0][0].replace('"', '""') + '".main.persons'
    added = ", ".join(db.ADDED_PERSON_COLUMNS)  # constants of db
    con.execute(f"create or replace temp table persons as select * exclude ({added}) from {home} limit 0")
    try:
        con.execute(sql.load("synth/load/persons"))
        con.execute(f"insert into {home} by name select * from temp.main.persons")
    finally:
        con.execute("drop table if exists temp.main.persons")


def _last_day(c: Careers) -> int:
    from .calendar import day
    return day(c.p.end_year, 12, 31)


def _persons(c: Careers, rng) -> pd.DataFrame:
    s = c.s
    n = s.n
    female = s.female[:n]
    birth = s.birth[:n].astype(np.int64)
    age_now = (birth.max() - birth) / 365.25
    party = rng.random(n) < np.clip(0.55 + 0.01 * age_now, 0.55, 0.92)
    league = ~party & (rng.random(n) < 0.5)
    democratic = ~party & ~league & (rng.random(n) < 0.15)
    status = np.select([party, league, democratic], ["中共党员", "共青团员", "民主党派"], "群众").astype(object)
    party_join = np.where(party, np.minimum(birth + (rng.uniform(19, 32, n) * 365.25).astype(np.int64),
                                            s.entry[:n].astype(np.int64) + 5 * 365), NEVER)
    # not yet joined by the end of the simulated years: not (yet) a party member
    late = party & (party_join > _last_day(c))
    status[late], party_join[late] = "群众", NEVER
    edu = s.edu[:n]
    degree = np.select([edu == 3, edu == 4, edu == 5], ["学士", "硕士", "博士"], "").astype(object)
    degree[(edu == 3) & (rng.random(n) < 0.08)] = ""
    degree[degree == ""] = None
    ethnicity = np.where(rng.random(n) < 0.985, "汉族", np.where(rng.random(n) < 0.6, "回族", "满族")).astype(object)
    transfer = s.trial_end[:n] == s.entry[:n]
    work = np.where(transfer, s.entry[:n] - (rng.uniform(2, 12, n) * 365.25).astype(np.int64), s.entry[:n])
    work = np.maximum(work, birth + 18 * 366)
    return pd.DataFrame({
        "pid": np.arange(n),
        "name": person_names(rng, female),
        "female": female,
        "ethnicity": ethnicity,
        "birth": birth,
        "political_status": status,
        "party_join": _days(party_join),
        "edu": edu,
        "degree": degree,
        "full_time": rng.random(n) < np.where(age_now < 40, 0.9, 0.6),
        "work_start": work,
        "entry": s.entry[:n],
        "channel": s.channel[:n],
        "exit": _days(s.exit[:n]),
        "exit_reason": s.exit_reason[:n],
    })
