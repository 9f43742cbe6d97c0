"""The offline HTML report: one self-contained file, plotly.js embedded once, no network request.

A county report (``write_report``) has a cover, a table of contents, the headline figures F1–F9
beside last year's, the sections 队伍结构, 教育培训, 考核评价, 选拔使用, 展望 and 分单位查看, and a
methods appendix (definitions from the rules file, data as-of, rules version, the suppression log
and a reproducibility stamp). A unit report (``units=``) is the units' slice beside the
jurisdiction's figures; the batch of them (``write_unit_reports``) lives in
:mod:`qingmiao_lib.unit_reports`, the headline table's rows in :mod:`qingmiao_lib.sections._headline`
and what the cover says of the data (checksum, classification) in :mod:`qingmiao_lib.provenance`:
the report itself runs no query, it takes frames from the library. What a county report and
its unit reports share (:class:`Shared`, :func:`shared_parts`) is in :mod:`._report_shared`.

Scale: the county report's unit selector offers the jurisdiction, the unit kinds and the
``selector_units`` largest units (``sections.units.SELECTOR_UNITS``); every unit has its own page
in the batch.

Disclosure control is on by default: every count table of the report is registered with one
:class:`~qingmiao_lib.sections._protect.Artefact` and protected together (small counts "<5",
complementary cells "×"), names are masked (张*明). ``unmasked=True`` shows full names and stamps
every page "含个人信息 注意保密"; ``audience="internal"`` (部内研判) shows exact counts.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from . import __version__, _query, charts, sections
from . import units as unit_list
from ._memory import give_back
from ._report_shared import Shared, shared_parts
from .config import REPORTS_DIR
from .errors import QingmiaoError
from .outputs import atomic_write_text
from .sections import units as unit_section
from .sections._render import env

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
    instead of embedding it. ``timings``, when given, receives the seconds spent per part.

    The connection is steady while the report is built (:func:`qingmiao_lib._query.steady`):
    the rules and the stored tables' currency are looked up once, not once per analysis."""
    with _query.steady(con):
        built = _prepare(con, year=year, unmasked=unmasked, audience=audience, units=units,
                         shared=shared, cache=cache, selector_units=selector_units, timings=timings)
        return _finish(built, rules_file=rules_file, plotlyjs_src=plotlyjs_src)


def _prepare(con, *, year, unmasked, audience, units, shared, cache, selector_units, timings,
             artefact=None) -> dict:
    """Every section of one report built and its tables registered (with ``artefact``, a
    :class:`~qingmiao_lib.sections._release.Scoped` part of a batch's, when given), not yet
    protected: what :func:`_finish` renders."""
    started = time.perf_counter()
    clock = {"t": started}
    spent = timings if timings is not None else {}

    def lap(name: str) -> None:
        give_back()      # each part's frames, once dropped, leave the process (at 8M: gigabytes)
        now = time.perf_counter()
        spent[name] = spent.get(name, 0.0) + now - clock["t"]
        clock["t"] = now

    s = shared or shared_parts(con, year=year, audience=audience)
    lap("shared")
    cache = {} if cache is None else cache
    unit_ids = None if units is None else tuple(str(u) for u in units)
    ctx = sections.Context(con=con, year=s.year, as_of=s.as_of, threshold=s.threshold,
                           unmasked=unmasked, units=unit_ids, cache=cache, audience=audience,
                           selector_units=selector_units, artefact=artefact)
    unit_name = None
    if unit_ids:
        if ("unit-names",) not in cache:            # once per batch of unit reports
            cache[("unit-names",)] = dict(unit_list.load(con)[["unit_id", "name"]].itertuples(index=False))
        names = cache[("unit-names",)]
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
    if picker is not None:
        parts = [picker, *parts] if unit_ids else [*parts, picker]
    return {"ctx": ctx, "parts": parts, "s": s, "unit_name": unit_name, "started": started,
            "lap": lap, "unmasked": unmasked, "audience": audience, "selector_units": selector_units}


def _finish(b: dict, *, rules_file, plotlyjs_src) -> str:
    """The page of a report :func:`_prepare` built: its artefact protected (once: a batch's is
    protected by the first page), then every section rendered."""
    ctx, parts, s, lap = b["ctx"], b["parts"], b["s"], b["lap"]
    unmasked, audience, selector_units, unit_ids = b["unmasked"], b["audience"], b["selector_units"], ctx.units
    ctx.artefact.protect()          # every table of the report at once, before anything renders
    if not unit_ids:                # the county report unit reports of this batch follow
        ctx.cache.setdefault(ctx.release_key, ctx.artefact)
    lap("protect")
    for p in parts:
        p.html                      # noqa: B018 — renders from the protected tables
    lap("sections")
    log_rows, log_total = _log_rows(ctx.artefact.log)
    title = (f"青苗助跑行动 年度分析报告（{s.year}年）" if not unit_ids
             else f"青苗助跑行动 单位分析报告（{s.year}年）")
    params = [("年度", str(s.year)), ("统计时点", s.as_of.isoformat()),
              ("小数保护阈值", f"{s.threshold} 人" if audience == "circulation" else "不适用（部内研判版，--audience internal）"),
              ("姓名", "完整显示（--unmasked）" if unmasked else "遮蔽（张*明）"),
              ("范围", b["unit_name"] or s.jurisdiction), ("规则文件", rules_file or "内置默认规则")]
    if not unit_ids:
        params.append(("分单位查看", "全部单位" if selector_units is None
                       else f"在岗人数最多的 {selector_units} 个单位及各单位类别合计"))
    log = ctx.artefact.log
    html = env().get_template("report.html.j2").render(
        title=title, unit_name=b["unit_name"], s=s, sections=parts, numerals="二三四五六七八九十",
        font=charts.FONT, plotlyjs=None if plotlyjs_src else Markup(get_plotlyjs()),
        plotlyjs_src=plotlyjs_src, unmasked=unmasked, stamp=stamp_of(unmasked, audience),
        internal=audience == "internal", merged=sum(1 for e in log if getattr(e, "merges", None)),
        withheld=sum(1 for e in log if getattr(e, "withheld", False)),
        log_rows=log_rows, log_total=log_total, params=params, version=__version__,
        generated_at=dt.datetime.now().isoformat(timespec="seconds"),
        build_seconds=f"{time.perf_counter() - b['started']:.1f}",
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


#: moved to :mod:`qingmiao_lib.unit_reports` and :mod:`qingmiao_lib.provenance`; still read here
_MOVED = {"PLOTLY_FILE": "unit_reports", "unit_file_names": "unit_reports",
          "write_unit_reports": "unit_reports", "data_checksum": "provenance"}


def __getattr__(name: str):
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(f".{_MOVED[name]}", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Shared", "check_out", "default_out", "default_unit_dir", "render_report", "shared_parts",
           "stamp_of", "write_report"]
