"""A batch of unit reports: one page per unit (its slice beside the jurisdiction's figures) and
an index page, written into one folder that opens offline.

The pages share one ``plotly.min.js`` beside ``index.html`` (copied from the installed plotly
package: no CDN), so each page stays small. File names are built from unit codes and names
through ``outputs.safe_name``: never a path, never outside the folder, distinct units never on one
file (a suffix ``-2``, ``-3`` … on a clash), every file written atomically. The pages are
rendered by :func:`qingmiao_lib.report.render_report` in worker processes, each with its own
read-only connection; what the whole batch shares (headline figures, definitions, checksum) is
computed once.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb
from plotly.offline import get_plotlyjs

from . import __version__, _query, charts, report
from . import units as unit_list
from .errors import QingmiaoError
from .outputs import atomic_write_text, database_inputs, guard, safe_name
from .provenance import database_file
from .report import Shared
from .sections._render import env

#: the plotly.js file the batch's pages share, beside ``index.html``
PLOTLY_FILE = "plotly.min.js"
#: names in the batch's folder that no unit's page may take
_RESERVED_FILES = ("index.html", PLOTLY_FILE)
#: the longest unit code and unit name (UTF-8 bytes) kept in a page's file name
_CODE_BYTES, _NAME_BYTES = 60, 90


def unit_file_names(units: Sequence[tuple[str, str]]) -> list[str]:
    """The file name of each unit's page, for ``(unit_id, name)`` pairs, in order.

    ``{code}-{name}.html`` with both parts made safe by ``outputs.safe_name`` (no separator, no
    ``..``, no control character, no Windows device name, bounded length); a name already taken
    — by an earlier unit, ``index.html`` or ``plotly.min.js``, compared as case-insensitive file
    systems do — gets ``-2``, ``-3`` … before ``.html``. Distinct units never share a file."""
    taken = {n.casefold() for n in _RESERVED_FILES}
    out = []
    for uid, name in units:
        stem = f"{safe_name(uid, max_len=_CODE_BYTES)}-{safe_name(name, max_len=_NAME_BYTES)}"
        file, k = f"{stem}.html", 1
        while file.casefold() in taken:
            k += 1
            file = f"{stem}-{k}.html"
        taken.add(file.casefold())
        out.append(file)
    return out


def _inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing (an internal error, never a silent write elsewhere) a name that
    is not a plain file name of ``folder``."""
    target = folder / name
    if (name in ("", ".", "..") or os.sep in name or (os.altsep and os.altsep in name)
            or os.path.dirname(os.path.abspath(target)) != os.path.abspath(folder)):
        raise QingmiaoError(f"拒绝写出目录之外的文件：{name!r}")
    return target


def _write_in(folder: Path, name: str, text: str, inputs: Sequence = ()) -> Path:
    """Write one file of the batch into ``folder`` atomically. A symbolic link of that name is
    replaced, never followed (a link must not carry a page out of the folder); an input (the
    database, its ``.wal``, the rules file) is never overwritten."""
    target = _inside(folder, name)
    guard(target, inputs=inputs, what="单位报告")
    atomic_write_text(target, text)
    if os.path.dirname(os.path.realpath(target)) != os.path.realpath(folder):   # cannot happen
        raise QingmiaoError(f"文件未写在目录 {folder} 之内：{name!r}")
    return target


#: the state of a batch worker process (or of the calling process when it runs alone)
_WORKER: dict = {}


def _unit_worker(db: str, rules_file: str | None, shared: Shared, out: Path, unmasked: bool,
                 inputs: tuple, audience: str = "circulation") -> None:
    from .db import connect

    _WORKER.update(con=connect(db, rules=rules_file), shared=shared, cache={}, out=out,
                   unmasked=unmasked, rules_file=rules_file, inputs=inputs, audience=audience)


def _unit_job(uid: str, name: str, kind: str, file: str) -> dict:
    w = _WORKER
    html = report.render_report(w["con"], year=w["shared"].year, unmasked=w["unmasked"], units=[uid],
                         audience=w.get("audience", "circulation"),
                         shared=w["shared"], rules_file=w["rules_file"], cache=w["cache"],
                         plotlyjs_src=PLOTLY_FILE)
    return _entry(_write_in(w["out"], file, html, w["inputs"]), uid, name, kind, file)


def _entry(path: Path, uid: str, name: str, kind: str, file: str) -> dict:
    """The index page's line of one written page."""
    size = path.stat().st_size
    return {"unit_id": uid, "name": name, "kind": kind, "file": file, "bytes": size,
            "size": f"{size / 1e6:.2f} MB" if size >= 100_000 else f"{size / 1e3:.0f} KB"}


def _joint_pages(con, s: Shared, uids: Sequence[str], *, unmasked: bool, rules_file: str | None,
                 selector_units: int | None = None, registered: dict | None = None,
                 released: dict | None = None):
    """``(unit_id, html)`` of every unit's page, protected as one artefact with the county
    report (the circulation audience): the county report's states fixed, every unit's tables
    registered in one :class:`~qingmiao_lib.sections._protect.Artefact` (a
    :class:`~qingmiao_lib.sections._release.Scoped` part each), tied to the county tables (a
    county cell is the sum of its units' and the units without a page), protected once. Reading
    any pages of the batch with the county report pins nothing (``tests/test_release.py``).

    ``registered``: the pages already in the folder (:mod:`qingmiao_lib._folder_release`), rebuilt
    beside the new ones with every cell fixed in its printed state; ``released`` receives every
    page's published tables (the folder's new register)."""
    from . import _folder_release
    from .sections import units as unit_section
    from .sections._release import Scoped, batch, tie_batch

    registered = registered or {}
    with _query.steady(con):        # one batch: the rules and stored tables looked up once
        selector_units = unit_section.SELECTOR_UNITS if selector_units is None else selector_units
        cache: dict = {}
        county = report._prepare(con, year=s.year, unmasked=unmasked, audience="circulation", units=None,
                                 shared=s, cache=cache, selector_units=selector_units, timings=None)
        county["ctx"].artefact.protect()
        cache[county["ctx"].release_key] = county["ctx"].artefact
        base = batch(county["ctx"].artefact, s.threshold)
        every = [*registered, *(u for u in uids if u not in registered)]
        parts = {uid: Scoped(base, f"#{i}") for i, uid in enumerate(every)}   # a prefix no code can spell
        built = {uid: report._prepare(con, year=s.year, unmasked=unmasked, audience="circulation", units=[uid],
                                      shared=s, cache=cache, selector_units=selector_units, timings=None,
                                      artefact=parts[uid])
                 for uid in every}
        tie_batch(base, county["ctx"].artefact, list(parts.values()))
        _folder_release.fix_registered(base, parts, registered)
        base.protect()
        if released is not None:
            released.update(_folder_release.published(base, parts))
        for uid in uids:
            yield uid, report._finish(built[uid], rules_file=rules_file, plotlyjs_src=PLOTLY_FILE)


def write_unit_reports(
    con: duckdb.DuckDBPyConnection,
    *,
    year: int,
    out_dir: str | Path | None = None,
    units: Sequence[str] | None = None,
    unit_kind: str | None = None,
    unmasked: bool = False,
    progress: bool = True,
    audience: str = "circulation",
    rules_file: str | None = None,
    workers: int | None = None,
) -> Path:
    """One report per unit (or per unit of ``unit_kind``, or the ``units`` given) and an index
    page; returns the index page's path. Every report obeys the same disclosure control.

    The pages share one ``plotly.min.js`` beside ``index.html`` (each page refers to it by a
    relative ``<script src>``): copy or send the whole folder. File names come from the unit
    codes and names made safe (:func:`unit_file_names`); nothing is written outside the folder.

    The reports are written by ``workers`` processes (default: one per CPU, at most 8), each
    with its own read-only connection; the headline figures, definitions and checksum are
    computed once and the jurisdiction's tables once per process."""
    out = Path(out_dir) if out_dir is not None else report.default_unit_dir(year)
    if out.exists() and not out.is_dir():
        raise QingmiaoError(f"输出目录 {out} 已存在且不是目录")
    s = report.shared_parts(con, year=year, audience=audience)
    listed = unit_list.with_posts(con, as_of=s.as_of)
    if units is not None:
        wanted = [str(u) for u in units]
        known = {u for u, _, _ in listed}
        missing = [u for u in wanted if u not in known]
        if missing:
            raise QingmiaoError(f"这些单位在 {s.as_of} 没有在职人员或不存在：{'、'.join(missing)}")
        chosen = set(wanted)
        listed = [r for r in listed if r[0] in chosen]
    if unit_kind is not None:
        kinds = {k for _, _, k in listed}
        if unit_kind not in kinds:
            raise QingmiaoError(f"没有类别为“{unit_kind}”的单位（可选：{'、'.join(sorted(kinds))}）")
        listed = [r for r in listed if r[2] == unit_kind]
    from tqdm import tqdm

    db_path, read_only = database_file(con)
    db = db_path if read_only else None   # other processes may open a read-only file too
    inputs = tuple(database_inputs(db_path) if db_path else []) + ((rules_file,) if rules_file else ())
    files = unit_file_names([(uid, name) for uid, name, _ in listed])
    jobs = [(uid, name, kind, file) for (uid, name, kind), file in zip(listed, files, strict=True)]
    for name in (PLOTLY_FILE, *files, "index.html"):     # refuse before writing anything
        guard(_inside(out, name), inputs=inputs, what="单位报告")
    out.mkdir(parents=True, exist_ok=True)
    _write_in(out, PLOTLY_FILE, get_plotlyjs(), inputs)      # shared by every page, offline
    n = max(1, min(int(workers) if workers else (os.cpu_count() or 1), len(jobs), 8))
    bar = tqdm(total=len(jobs), desc="单位报告", unit="个", file=sys.stderr, disable=not progress)
    entries = []
    if audience == "circulation":    # one artefact for the whole batch and the folder's pages
        entries = _circulated(con, s, jobs, out=out, unmasked=unmasked, rules_file=rules_file,
                              inputs=inputs, bar=bar)
    elif n == 1 or db is None:       # one process (an in-memory database cannot be shared)
        _WORKER.update(con=con, shared=s, cache={}, out=out, unmasked=unmasked, rules_file=rules_file,
                       inputs=inputs, audience=audience)
        try:
            for job in jobs:
                entries.append(_unit_job(*job))
                bar.update()
        finally:
            _WORKER.clear()
    else:                             # each worker opens the file read-only, like a notebook
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(n, mp_context=mp.get_context("spawn"), initializer=_unit_worker,
                                 initargs=(db, rules_file, s, out, unmasked, inputs, audience)) as pool:
            futures = [pool.submit(_unit_job, *job) for job in jobs]
            for f in as_completed(futures):
                entries.append(f.result())
                bar.update()
        order = {uid: i for i, (uid, _, _, _) in enumerate(jobs)}
        entries.sort(key=lambda e: order[e["unit_id"]])
    bar.close()
    index = env().get_template("report_index.html.j2").render(
        s=s, entries=entries, font=charts.FONT, unmasked=unmasked, stamp=report.stamp_of(unmasked, audience),
        plotly_file=PLOTLY_FILE, version=__version__,
        generated_at=dt.datetime.now().isoformat(timespec="seconds"))
    return _write_in(out, "index.html", index, inputs)


def _circulated(con, s: Shared, jobs, *, out: Path, unmasked: bool, rules_file, inputs, bar) -> list[dict]:
    """The pages of a batch for circulation, protected with the county report and with the
    pages already in ``out`` (its register, :mod:`qingmiao_lib._folder_release`); returns the
    index lines of every page of the folder, registered ones first."""
    from . import _folder_release as folder
    from .sections import units as unit_section

    key = folder.key_of(s, unit_section.SELECTOR_UNITS)
    where = folder.register_of(database_file(con)[0], out)
    pages, lines = folder.load(where, key, out)
    by_id = {uid: (uid, name, kind, file) for uid, name, kind, file in jobs}
    released: dict = {}
    written: dict = {}
    try:
        for uid, html in _joint_pages(con, s, list(by_id), unmasked=unmasked, rules_file=rules_file,
                                      registered=pages, released=released):
            _, name, kind, file = by_id[uid]
            written[uid] = _entry(_write_in(out, file, html, inputs), uid, name, kind, file)
            bar.update()
    except folder.Stale:              # the register is not what these pages print: start again
        print(f"警告：{out} 中此前的单位报告与本次重建的不一致，新生成的报告不与它们一并保护",
              file=sys.stderr)
        pages, lines = {}, {}
        for uid, html in _joint_pages(con, s, list(by_id), unmasked=unmasked, rules_file=rules_file,
                                      released=released):
            _, name, kind, file = by_id[uid]
            written[uid] = _entry(_write_in(out, file, html, inputs), uid, name, kind, file)
            bar.update()
    folder.save(where, key, released, {**lines, **written})
    return [*(e for u, e in lines.items() if u not in written), *written.values()]


__all__ = ["PLOTLY_FILE", "unit_file_names", "write_unit_reports"]
