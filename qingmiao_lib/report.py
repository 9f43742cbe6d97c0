"""The offline HTML report: one self-contained file, plotly.js embedded once, no network request.

A county report (``write_report``) has a cover, a table of contents, the headline figures F1–F9
beside last year's, the sections 队伍结构, 教育培训, 考核评价, 选拔使用 and 分单位查看, and a methods
appendix (definitions from the rules file, data as-of, rules version, the suppression log and a
reproducibility stamp). ``write_unit_reports`` writes one report per unit — its own slice beside
the jurisdiction's figures — and an index page.

Scale: the county report's unit selector offers the jurisdiction, the unit kinds and the
``selector_units`` largest units (``sections.units.SELECTOR_UNITS``, 60 by default); every unit
has its own page in the batch. The batch's pages share one ``plotly.min.js`` written beside
``index.html`` (copied from the installed plotly package: offline, no CDN), so each page stays
small; the county report embeds plotly.js once and stands alone. File names in the batch are
built from unit codes and names through ``outputs.safe_name``: never a path, never outside the
folder, distinct units never on one file (a suffix ``-2``, ``-3`` … on a clash), every file
written atomically.

Disclosure control is on by default: every count table is protected (``disclosure.protect``:
small counts "<5", complementary cells "×"), names are masked (张*明). ``unmasked=True`` shows
full names and stamps every page "含个人信息 注意保密".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from . import __version__, charts, contract, definitions, figures, sections
from .config import REPORTS_DIR
from .db import meta
from .errors import QingmiaoError
from .outputs import atomic_write_text, database_inputs, guard, safe_name
from .privacy import small_cell_threshold
from .sections import units as unit_section
from .sections._render import env, figure_html

UNMASKED_STAMP = "含个人信息 注意保密"
INTERNAL_STAMP = "部内研判 不得外传"


def stamp_of(unmasked: bool, audience: str) -> str:
    """What every page of a report is stamped with ('' for a protected, masked report)."""
    return " · ".join(t for t, on in ((INTERNAL_STAMP, audience == "internal"),
                                      (UNMASKED_STAMP, unmasked)) if on)


def default_out(year: int) -> Path:
    """Where ``qingmiao report --year Y`` writes by default: ``reports/qingmiao-Y.html``."""
    return REPORTS_DIR / f"qingmiao-{int(year)}.html"


def default_unit_dir(year: int) -> Path:
    """Where ``qingmiao report --year Y --by-unit`` writes: ``reports/units-Y/``."""
    return REPORTS_DIR / f"units-{int(year)}"


def _out_path(path: Path) -> Path:
    """Where to write: a symlink's target; refuse a directory, device or other non-file."""
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        raise QingmiaoError(f"输出路径 {path} 已存在且不是普通文件（请给出一个 .html 文件名）")
    return path


def check_out(path: str | Path) -> Path:
    """Refuse, before anything is computed, an output path that is a folder or another
    non-file (:class:`QingmiaoError`); the path to write otherwise."""
    return _out_path(Path(path))


def _write(path: Path, text: str) -> Path:
    """Write ``text`` atomically (a temporary file in the same folder, then a rename): a failed
    run leaves the previous file or none. The folder is created (the CLI refuses a user-named
    folder that does not exist)."""
    path = _out_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(path, text)


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


def data_checksum(con: duckdb.DuckDBPyConnection) -> str:
    """A checksum of the record tables' content (the import contract's tables; not the derived
    snapshots or ``meta``), independent of row order: the same records give the same checksum on
    any machine (the first 16 hex digits of a SHA-256 over each table's name, row count and sum
    of row hashes)."""
    present = {n for (n,) in con.execute(
        "select table_name from duckdb_tables() where not temporary and schema_name = 'main'").fetchall()}
    names = sorted(n for n in contract.TABLES if n in present)
    digest = hashlib.sha256()
    for name in names:
        # identifiers from the catalogue, checked and quoted; no value enters the SQL text
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise QingmiaoError(f"数据库中有不认识的表名：{name!r}")
        quoted = f'"{name}"'
        rows, total = con.execute(
            f"select count(*), coalesce(sum(hash(t)::hugeint), 0) from {quoted} t").fetchall()[0]
        digest.update(f"{name}:{rows}:{total};".encode())
    return digest.hexdigest()[:16]


# --- the headline table -------------------------------------------------------------------------

#: The year of the seed article's figures (Gaoping, 2023: ``figures.ARTICLE``): the headline
#: table's 文章值 column is printed for that year only.
ARTICLE_YEAR = 2023


def _fmt_count(value, threshold: int) -> str:
    """A headline count as printed: "<5" when small (it is published on its own, with nothing to
    hide it among; ``threshold`` 0 for the 部内研判 audience)."""
    if pd.isna(value):
        return "—"
    return f"<{threshold}" if 0 < int(value) < threshold else f"{int(value):,}"


def _share_text(r, threshold: int) -> str:
    """"26.8%（分母 441）" — or "—" when the count or its denominator is small."""
    if pd.isna(r.share) or any(0 < int(v) < threshold for v in (r.value, r.denominator)):
        return "—"
    return f"{r.share:.1%}（分母 {int(r.denominator):,}）"


def _headline_rows(head: pd.DataFrame, last: pd.DataFrame | None, threshold: int) -> list[dict]:
    """The headline table's rows: the count this year and last, the change, the article's value;
    a figure with a share says under its label of what (F2, F5, F6: the denominator named)."""
    prev = {} if last is None else {r.code: r for r in last.itertuples()}
    rows = []
    for r in head.itertuples():
        p = prev.get(r.code)
        change = "—"
        small = any(0 < int(v) < threshold for v in (r.value, getattr(p, "value", 0) or 0)
                    if not pd.isna(v))
        if small:
            change = "—"                 # a change between small counts would give them away
        elif p is not None and p.value:
            change = f"{(r.value - p.value) / p.value:+.0%}"
        elif p is not None:
            change = "—" if not r.value else "新增"
        share = ""
        if not pd.isna(r.share):
            label = r.denominator_label if isinstance(r.denominator_label, str) and r.denominator_label else "占比"
            share = f"{label}：本年 {_share_text(r, threshold)}"
            if p is not None and not pd.isna(p.share):
                share += f"，上年 {_share_text(p, threshold)}"
        article = f"{r.article_value}" + ("" if pd.isna(r.article_share) else f"（{r.article_share:.1%}）")
        rows.append({
            "code": r.code, "label": r.label, "share": share,
            "value": _fmt_count(r.value, threshold),
            "last": "—" if p is None else _fmt_count(p.value, threshold),
            "change": change, "article": article,
            "diff_class": "diff-ok" if abs(r.value - r.article_value) <= max(2, 0.15 * r.article_value)
            else "diff-far",
        })
    return rows


# --- what a county report and its unit reports share ---------------------------------------------

@dataclass(frozen=True)
class Shared:
    """The parts computed once for a county report and every unit report of the same year."""

    year: int
    as_of: dt.date
    threshold: int
    classification: str
    jurisdiction: str
    source: str
    rules_version: str
    rules_title: str
    checksum: str
    headline: list[dict]
    headline_chart: Markup
    article: bool
    definitions: list[dict]
    has_last_year: bool


def shared_parts(con: duckdb.DuckDBPyConnection, *, year: int, audience: str = "circulation") -> Shared:
    """Headline figures (this year and last), definitions, checksum and the cover's facts (the
    headline's small counts shown exactly for the 部内研判 ``audience`` only)."""
    year = int(year)
    head = figures.headline(con, year=year)
    first, _ = figures.data_years(con)
    last = figures.headline(con, year=year - 1) if first is not None and year - 1 >= first else None
    info = meta(con)
    (classification, title), = con.execute(
        "select rule_txt('report.classification'), rule_txt('meta.title')").fetchall()
    defs = [{"group": g, "term": t, "text": x} for g, t, x in definitions.definitions(con)]
    threshold = small_cell_threshold(con)
    return Shared(
        year=year, as_of=dt.date.fromisoformat(head.attrs["as_of"]), threshold=threshold,
        classification=classification, jurisdiction=info.get("jurisdiction", "本辖区"),
        source=info.get("source", "导入数据"), rules_version=head.attrs["rules_version"],
        rules_title=title or "", checksum=data_checksum(con),
        headline=_headline_rows(head, last, threshold if audience == "circulation" else 0),
        headline_chart=figure_html(charts.headline_bars(head, small_cell=threshold)) if year == ARTICLE_YEAR
        else Markup(""),
        article=year == ARTICLE_YEAR,
        definitions=defs, has_last_year=last is not None)


def _log_rows(log: list) -> tuple[list[dict], dict]:
    """The suppression log grouped by table (unit tables of one chart summed)."""
    grouped: dict[str, dict] = {}
    for e in log:
        key = re.sub(r"·[^·]*$", "", e.table) if e.table.startswith("分单位查看·") else e.table
        g = grouped.setdefault(key, {"table": key, "tables": 0, "cells": 0, "primary": 0,
                                     "complementary": 0, "reasons": set()})
        g["tables"] += 1
        g["cells"] += e.cells
        g["primary"] += e.primary
        g["complementary"] += e.complementary
        if e.primary or e.complementary:
            g["reasons"].add(e.reason)
    rows = [{**g, "reasons": "；".join(sorted(r for r in g["reasons"] if r))} for g in grouped.values()]
    total = {k: sum(r[k] for r in rows) for k in ("tables", "cells", "primary", "complementary")}
    return rows, total


def _merged_count(artefact) -> int:
    """Tables shown with categories merged by recoding."""
    return sum(1 for e in artefact.log if getattr(e, "merges", None))


def _unit_names(con: duckdb.DuckDBPyConnection, cache: dict) -> dict[str, str]:
    key = ("unit-names",)
    if key not in cache:            # once per batch of unit reports, not once per unit
        cache[key] = dict(con.execute("select unit_id, name from units").fetchall())
    return cache[key]


def render_report(con: duckdb.DuckDBPyConnection, *, year: int, unmasked: bool = False,
                  audience: str = "circulation",
                  units: Sequence[str] | None = None, shared: Shared | None = None,
                  rules_file: str | None = None, cache: dict | None = None,
                  selector_units: int | None = unit_section.SELECTOR_UNITS,
                  plotlyjs_src: str | None = None, timings: dict | None = None) -> str:
    """The report's HTML: the county's (``units=None``) or a unit report for ``units``.
    ``shared`` and ``cache`` carry what a batch of unit reports computes only once.

    ``selector_units``: how many single units the county report's selector offers (the largest
    by persons in post; None = every unit); the others are in the batch unit reports.
    ``plotlyjs_src``: a relative address of a shared plotly.js (the batch's ``plotly.min.js``)
    instead of embedding it. ``timings``, when given, receives the seconds spent per part."""
    started = time.perf_counter()
    clock = {"t": started}
    spent = timings if timings is not None else {}

    def lap(name: str) -> None:
        now = time.perf_counter()
        spent[name] = spent.get(name, 0.0) + now - clock["t"]
        clock["t"] = now

    s = shared or shared_parts(con, year=year, audience=audience)
    lap("shared")
    cache = {} if cache is None else cache
    unit_ids = None if units is None else tuple(str(u) for u in units)
    ctx = sections.Context(con=con, year=s.year, as_of=s.as_of, threshold=s.threshold,
                           unmasked=unmasked, units=unit_ids, cache=cache, audience=audience)
    unit_name = None
    if unit_ids:
        names = _unit_names(con, cache)
        missing = [u for u in unit_ids if u not in names]
        if missing:
            raise QingmiaoError(f"没有这些单位：{'、'.join(missing)}（单位代码见 units 表）")
        unit_name = "、".join(names[u] for u in unit_ids)
    parts = []
    for area in sections.AREAS:      # as sections.build_all, timed one by one
        section = area.build(ctx)
        lap(area.__name__.rsplit(".", 1)[-1])
        if section is not None:
            parts.append(section)
    picker = unit_section.build(ctx, max_units=selector_units)
    lap("units")
    ctx.artefact.protect()          # every table of the report at once, before anything renders
    lap("protect")
    if picker is not None:
        parts = [picker, *parts] if unit_ids else [*parts, picker]
    for p in parts:
        p.html                      # noqa: B018 — renders from the protected tables
    lap("sections")
    log_rows, log_total = _log_rows(ctx.artefact.log)
    title = (f"青苗助跑行动 年度分析报告（{s.year}年）" if not unit_ids
             else f"青苗助跑行动 单位分析报告（{s.year}年）")
    params = [("年度", str(s.year)), ("统计时点", s.as_of.isoformat()),
              ("小数保护阈值", f"{s.threshold} 人" if audience == "circulation" else "不适用（部内研判版，--audience internal）"),
              ("姓名", "完整显示（--unmasked）" if unmasked else "遮蔽（张*明）"),
              ("范围", unit_name or s.jurisdiction), ("规则文件", rules_file or "内置默认规则")]
    if not unit_ids:
        params.append(("分单位查看", "全部单位" if selector_units is None
                       else f"在岗人数最多的 {selector_units} 个单位及各单位类别合计"))
    html = env().get_template("report.html.j2").render(
        title=title, unit_name=unit_name, s=s, sections=parts, numerals="二三四五六七八九十",
        font=charts.FONT, plotlyjs=None if plotlyjs_src else Markup(get_plotlyjs()),
        plotlyjs_src=plotlyjs_src, unmasked=unmasked, stamp=stamp_of(unmasked, audience),
        internal=audience == "internal", merged=_merged_count(ctx.artefact),
        withheld=sum(1 for e in ctx.artefact.log if getattr(e, "withheld", False)),
        log_rows=log_rows, log_total=log_total, params=params, version=__version__,
        generated_at=dt.datetime.now().isoformat(timespec="seconds"),
        build_seconds=f"{time.perf_counter() - started:.1f}",
    )
    lap("render")
    return html


def write_report(
    con: duckdb.DuckDBPyConnection,
    *,
    year: int,
    out: str | Path | None = None,
    unmasked: bool = False,
    units: Sequence[str] | None = None,
    rules_file: str | None = None,
    selector_units: int | None = unit_section.SELECTOR_UNITS,
    timings: dict | None = None,
    audience: str = "circulation",
) -> Path:
    """Write the report of ``year`` to ``out`` (default ``reports/qingmiao-YEAR.html``).

    Parameters
    ----------
    con
        A connection from :func:`qingmiao_lib.connect`.
    year
        The report's year; figures are taken on 31 December.
    out
        The HTML file to write; its folder is created. Written to a temporary file in the same
        folder and renamed, so a failed run never leaves half a report.
    unmasked
        Full names instead of masked ones; every page is stamped "含个人信息 注意保密".
    units
        Unit ids: a unit report (the units' slice beside the jurisdiction's figures).
    rules_file
        The locality rules file the connection was opened with, for the reproducibility stamp.
    selector_units
        How many single units the selector 分单位查看 offers: the largest by persons in post
        (default ``sections.units.SELECTOR_UNITS`` = 60; None = every unit). The unit kinds'
        sums are always offered; every unit has its page in :func:`write_unit_reports`.
    timings
        A dict that receives the seconds spent per part (shared, structure, training,
        evaluation, pipeline, units, protect, sections, render).
    audience
        ``"circulation"`` (default: disclosure control on every count) or ``"internal"``
        (部内研判: exact counts, names still masked unless ``unmasked``; every page stamped
        "部内研判 不得外传" and the appendix says so).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    html = render_report(con, year=year, unmasked=unmasked, units=units, rules_file=rules_file,
                         selector_units=selector_units, timings=timings, audience=audience)
    return _write(Path(out) if out is not None else default_out(year), html)


#: the state of a batch worker process (or of the calling process when it runs alone)
_WORKER: dict = {}


def _db_file(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file behind a read-only connection, which other processes may open read-only too;
    None for an in-memory database or a connection that writes (it holds the file's lock)."""
    (path, mode), = con.execute(
        "select path, current_setting('access_mode') from duckdb_databases() "
        "where database_name = current_database()").fetchall()
    return path if path and mode == "read_only" else None


def _unit_worker(db: str, rules_file: str | None, shared: Shared, out: Path, unmasked: bool,
                 inputs: tuple, audience: str = "circulation") -> None:
    from .db import connect

    _WORKER.update(con=connect(db, rules=rules_file), shared=shared, cache={}, out=out,
                   unmasked=unmasked, rules_file=rules_file, inputs=inputs, audience=audience)


def _unit_job(uid: str, name: str, kind: str, file: str) -> dict:
    w = _WORKER
    html = render_report(w["con"], year=w["shared"].year, unmasked=w["unmasked"], units=[uid],
                         audience=w.get("audience", "circulation"),
                         shared=w["shared"], rules_file=w["rules_file"], cache=w["cache"],
                         plotlyjs_src=PLOTLY_FILE)
    path = _write_in(w["out"], file, html, w["inputs"])
    size = path.stat().st_size
    return {"unit_id": uid, "name": name, "kind": kind, "file": file, "bytes": size,
            "size": f"{size / 1e6:.2f} MB" if size >= 100_000 else f"{size / 1e3:.0f} KB"}


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
    out = Path(out_dir) if out_dir is not None else default_unit_dir(year)
    if out.exists() and not out.is_dir():
        raise QingmiaoError(f"输出目录 {out} 已存在且不是目录")
    s = shared_parts(con, year=year, audience=audience)
    listed = con.execute(
        "select u.unit_id, u.name, u.kind::varchar from units u "
        "where u.unit_id in (select unit_id from posts where start_date <= $d "
        "                    and (end_date is null or end_date > $d)) "
        "order by u.kind, u.unit_id", {"d": s.as_of}).fetchall()
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

    db = _db_file(con)
    (db_path,), = con.execute("select path from duckdb_databases() "
                              "where database_name = current_database()").fetchall()
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
    if n == 1 or db is None:          # one process (an in-memory database cannot be shared)
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
        s=s, entries=entries, font=charts.FONT, unmasked=unmasked, stamp=stamp_of(unmasked, audience),
        plotly_file=PLOTLY_FILE, version=__version__,
        generated_at=dt.datetime.now().isoformat(timespec="seconds"))
    return _write_in(out, "index.html", index, inputs)


__all__ = ["PLOTLY_FILE", "Shared", "check_out", "data_checksum", "default_out", "default_unit_dir", "render_report",
           "shared_parts", "unit_file_names", "write_report", "write_unit_reports"]
