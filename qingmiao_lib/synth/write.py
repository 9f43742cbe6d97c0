"""Write the simulated county into the schema: numeric frames in, SQL maps codes to vocabulary."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from .. import db, sql
from .._memory import give_back
from .frames import Frames
from .model import Careers

#: The tables loaded from the simulation's frames, parents first (``sql/synth/load/<table>.sql``).
LOAD_ORDER = (
    "units", "persons", "posts", "ranks", "pool_members", "trainings", "mentorships", "practices",
    "annual_assessments", "regular_assessments", "special_tasks", "rewards", "supervision", "quotas",
)
#: Up to this many persons a build's DuckDB memory is held to 1.5 GB (above it, 3 GB while
#: loading and 10 GB once the simulation's state is gone).
SMALL_BUILD = 1_000_000
#: Above SMALL_BUILD, a table is loaded from its own frame this many rows per statement, each
#: statement its own transaction followed by a checkpoint. DuckDB keeps index entries (its ART)
#: in memory, where its memory limit cannot spill them, until a checkpoint writes them to the
#: file: a transaction's new entries, and every index node a commit changed. 19 million posts in
#: one statement outgrew the 3 GB limit at 8 million persons (issue 23); so did, in parts in
#: log order, the commit of special tasks, each part's keys changing nodes all over the index.
CHUNK_ROWS = 4_000_000
#: The tables whose frame is not already in person order (annual_assessments' is made person by
#: person): their frames are put in person order first, at any size. Each table's rows then lie in
#: the file person by person, so DuckDB's zone maps skip all but a row group or two when one
#: person's records are read (成长档案, 个人考核情况: at 1M persons the 31.8 million trainings
#: were scanned whole, 230 ms CPU, for one person). Above SMALL_BUILD it also makes each part's
#: keys (person_id first) extend the index at one end instead of changing it throughout.
_SORTED = {"posts", "ranks", "pool_members", "trainings", "mentorships", "practices",
           "regular_assessments", "special_tasks", "rewards", "supervision"}
#: The frame each table's rows come from (the others its SQL reads are code lists and units).
_OWN_FRAME = {
    "posts": "posts", "ranks": "ranks", "pool_members": "pools", "trainings": "trainings",
    "mentorships": "mentors", "practices": "practices", "annual_assessments": "annual",
    "regular_assessments": "quarterly", "special_tasks": "tasks", "rewards": "rewards",
    "supervision": "supervision",
}
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
    give_back()
    if p.persons > SMALL_BUILD:
        # the simulation's state is gone (the process held ~4 GB after it at 8 million persons):
        # the weekly lectures' attendance (~800 million rows), the stored layer and the deferred
        # key's index over every quarterly grade (~190 million at 8 million persons; 24 million
        # keys took over 0.38 GB and under 0.75 GB) may take DuckDB more memory. Held to the 3 GB
        # of the load, the attendance's join stopped the 8 million build with DuckDB's
        # "Out of Memory Error" (issue 23).
        con.execute("set memory_limit = '10GB'")
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
    # (issue 22). At 8 million persons the simulation alone holds ~13 GB when loading starts
    # (the build's peak was 16.8 GB, issue 23).
    if small:
        con.execute("set memory_limit = '1536MB'")
    else:
        con.execute("set memory_limit = '3GB'")
    con.execute("set preserve_insertion_order = false")
    con.execute(sql.load("synth/load/_macros"))
    held = {}  # the frames registered, each given up after its last reader
    for i, table in enumerate(LOAD_ORDER):  # each table autocommitted on its own
        for name in [n for n, used in readers.items() if used and used[0] == i]:
            held[name] = frames.make(name)
            con.register(f"_{name}", held[name])
        own = _OWN_FRAME.get(table)
        if table in _SORTED:
            con.unregister(f"_{own}")               # the frame's one reference is then held's
            _in_person_order(held, own)
            con.register(f"_{own}", held[own])
        if table == "persons":
            _load_persons(con)
        elif small or own is None:
            con.execute(texts[i])
        else:
            _load_in_parts(con, texts[i], own, held[own])
        for name in [n for n, used in readers.items() if used and used[-1] == i]:
            con.unregister(f"_{name}")
            del held[name]
        give_back()
        bar.update()


def _in_person_order(held: dict, name: str) -> None:
    """Put ``held[name]`` in person number order (the same rows, equal pids in their order).

    An Arrow frame is reordered a column at a time, each original column given up once taken:
    sorted whole (``Table.sort_by``) it existed twice at once, and at 8 million persons the
    courses alone are ~250 million rows (the build's peak passed 22 GB there, issue 23). So the
    frame is taken out of ``held``, which must hold its only reference. A column given up is
    numpy's memory, freed to the C heap, where Arrow's own allocator cannot reuse it: the columns
    taken are allocated from the C heap too (``pa.system_memory_pool``) and its free memory goes
    back to the system after each (:func:`qingmiao_lib._memory.give_back`). Measured on a 32-million-row frame of
    the courses' columns (0.69 GB): the sort's peak above the frame 1.19 → 0.58 GB."""
    frame = held.pop(name)
    if not isinstance(frame, pa.Table):
        held[name] = frame.sort_values("pid", kind="stable")
        return
    heap = pa.system_memory_pool()
    order = pc.sort_indices(frame, sort_keys=[("pid", "ascending")], memory_pool=heap)  # stable
    if len(order) < 2**32:
        order = order.cast(pa.uint32(), memory_pool=heap)   # half the indices' memory
    schema, columns = frame.schema, []
    for column in schema.names:
        columns.append(pc.take(frame.column(column), order, memory_pool=heap))
        frame = frame.drop_columns([column])
        give_back()
    held[name] = pa.Table.from_arrays(columns, schema=schema)


def _load_in_parts(con, text: str, name: str, frame) -> None:
    """Run a table's insert over its frame ``_<name>`` CHUNK_ROWS rows at a time, each part
    committed and checkpointed on its own (the rows are loaded row by row: the parts make the
    same rows)."""
    for start in range(0, len(frame), CHUNK_ROWS):
        part = (frame.slice(start, CHUNK_ROWS) if isinstance(frame, pa.Table)
                else frame.iloc[start: start + CHUNK_ROWS])
        con.register(f"_{name}", part)
        con.execute(text)
        con.execute("checkpoint")
    con.register(f"_{name}", frame)


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
