"""Write the simulated county into the schema: numeric frames in, SQL maps codes to vocabulary."""

from __future__ import annotations

import re

from .. import db, sql
from .frames import Frames
from .model import Careers

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
    on its own so DuckDB can flush and free memory between them. Each frame is made from its log
    only when the first table reading it is loaded, and given up once the last one is
    (:class:`.frames.Frames`); the simulation's state goes once every table is loaded
    (:meth:`Careers.release`): the weekly lectures and the stored layer then run in DuckDB alone."""
    p = c.p
    frames = Frames(c, units)
    bar.update()
    _load(con, frames, small=p.persons <= SMALL_BUILD, bar=bar)
    c.release()
    con.execute(sql.load("synth/lectures"), {"first": p.lecture_from, "last": p.end_year})
    con.execute(sql.load("synth/lecture_attendance"), {"seed": seed})
    db.set_meta(con, data_from=p.start_year, data_to=p.end_year)
    db.refresh_snapshots(con)
    bar.update()
    db.add_constraints(con)
    bar.update()


def _load(con, frames: Frames, *, small: bool, bar) -> None:
    """Load the tables, parents first, each frame made just before the first table reading it
    and given up once the last one is loaded: at most a few frames exist at once beside the logs
    not yet loaded."""
    # the tables of LOAD_ORDER whose SQL reads each frame (read from the files, not changed);
    # a frame no table reads (the appointments) is given up at once
    texts = [sql.load(f"synth/load/{t}") for t in LOAD_ORDER]
    readers = {name: [i for i, text in enumerate(texts) if re.search(rf"(?<!\w)_{name}(?!\w)", text)]
               for name in frames.names()}
    for name in [n for n, used in readers.items() if not used]:
        frames.drop(name)
    # DuckDB's own memory on the build connection: it spills beyond this, so a build stays
    # within its budget together with the simulation's logs not yet loaded (about 1.5 GB at a
    # million persons, fewer as the tables are loaded): ≤ 4 GB up to a million persons
    # (issue 22), ≤ 8 GiB at the national scale.
    if small:
        con.execute("set memory_limit = '1536MB'")
    else:
        con.execute("set memory_limit = '3GB'")
    con.execute("set preserve_insertion_order = false")
    con.execute(sql.load("synth/load/_macros"))
    for i, table in enumerate(LOAD_ORDER):  # each table autocommitted on its own
        for name in [n for n, used in readers.items() if used and used[0] == i]:
            con.register(f"_{name}", frames.make(name))
        if table == "persons":
            _load_persons(con)
        else:
            con.execute(texts[i])
        for name in [n for n, used in readers.items() if used and used[-1] == i]:
            con.unregister(f"_{name}")
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
