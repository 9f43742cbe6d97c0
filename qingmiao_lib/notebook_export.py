"""Export the notebooks to offline HTML without code: ``make export`` → ``reports/notebooks/``.

Each notebook is run with papermill (parameters ``db_path``, ``year`` or ``as_of`` — whichever
it declares — and ``export=True``) in a kernel whose plotly renderer is ``notebook``, so every
figure is an HTML output and plotly.js is embedded once, in the first. In export mode the
notebooks draw no widgets (a widget without a kernel is dead): the explorers show the same
figures for the parameter values instead (:class:`qingmiao_lib.widgets.Static`), and names are
masked as in the reports. nbconvert then writes HTML with no code and no prompts, from the lab
template minus everything it would fetch from the web (require.js, MathJax, mermaid, the
widget manager); the MathJax ``<script src>`` plotly's renderer puts before each figure is
removed too. A file that still refers to the web is not written.

**Who may read an export** (the ``audience`` papermill parameter, :mod:`qingmiao_lib.published`):

- ``circulation`` (default, 传阅版): the report's disclosure control. Every count table and chart
  is protected — counts below ``report.small_cell_threshold`` show "<5", complements "×",
  shares from a hidden cell "—"; a chart leaves a hidden value out of its data and marks its
  place with a grey × named 未显示 (its title says so). Names are masked. Person-level lists
  (training gap lists, attendance, eligibility, merits, warnings) and person profiles are
  **withheld**: a one-line note with the list's protected count stands in their place — a masked
  name beside a person number, unit and grade still identifies the person to anyone holding the
  roster, and a short list is itself a small count. The notebooks are protected **together with
  the county report** of the year and with each other: each runs once to register its tables,
  they are protected in one problem around the report's published states, and each runs again
  printing from it (:mod:`qingmiao_lib._ledger`; the ``release`` parameter names a notebook's
  ledger).
- ``internal`` (``--audience internal``, 部内研判): exact counts, names masked, lists and
  profiles shown; every page stamped "部内研判 不得外传" at the top.
- ``unmasked`` (``--unmasked``): no protection, full names; a warning on the console and every
  page stamped "含个人信息 注意保密" at the top.

Command line (the Makefile's ``make export``)::

    python -m qingmiao_lib.notebook_export --db data/qingmiao.duckdb --year 2023 --out reports/notebooks
    python -m qingmiao_lib.notebook_export --audience internal --out reports/notebooks-internal
    python -m qingmiao_lib.notebook_export --unmasked --out reports/notebooks-unmasked

The module is over 300 lines because the export and its command line belong together (``python
-m`` runs this module) and this docstring is the contract of what each audience sees; the page
itself is made in :mod:`qingmiao_lib._nb_html`, the joint protection in :mod:`qingmiao_lib._ledger`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ._nb_html import (  # noqa: F401
    PLOTLYJS_BANNER,
    REMOTE_REF,
    WIDGET_VIEW,
    NotOffline,
    check_offline,
    clean,
    stamp,
    to_html,
)
from .config import DEFAULT_DB, PROJECT_DIR, REPORTS_DIR
from .errors import QingmiaoError
from .published import AUDIENCES, STAMPS, check_audience

NOTEBOOK_DIR = PROJECT_DIR / "notebooks"
DEFAULT_OUT = REPORTS_DIR / "notebooks"


class NotebookFailed(QingmiaoError):
    """A notebook raised an error while it ran for export."""



def notebooks_in(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The project's notebooks, in order (``00-…`` first)."""
    return sorted(p for p in Path(directory).glob("*.ipynb") if not p.name.startswith("."))


def _resolve(notebooks: Iterable[str | Path] | None) -> list[Path]:
    if notebooks is None:
        return notebooks_in()
    found = []
    for nb in notebooks:
        p = Path(nb)
        if not p.exists():  # a bare name: "03", "03-evaluation-outcomes" or with .ipynb
            matches = [q for q in notebooks_in() if q.stem == p.stem or q.name.startswith(f"{p.stem}-")]
            if len(matches) != 1:
                raise ValueError(f"找不到笔记本：{nb}")
            p = matches[0]
        found.append(p.resolve())
    return found


def _parameters(path: Path, *, db: Path, year: int, audience: str = "circulation",
                release: Path | None = None) -> dict:
    """What to inject: db_path, export and audience always (and ``release``, the notebook's
    ledger, for circulation), year or as_of as the notebook declares. A notebook without these
    could not protect what it shows."""
    import papermill

    declared = papermill.inspect_notebook(str(path))
    for needed in ("export", "audience", *(("release",) if release is not None else ())):
        if needed not in declared:
            raise NotebookFailed(f"{path.name}: 参数单元格中没有 {needed} 参数（导出模式需要它）")
    params = {"db_path": str(db), "export": True, "audience": audience}
    if release is not None:
        params["release"] = str(release)
    if "year" in declared:
        params["year"] = int(year)
    if "as_of" in declared:
        params["as_of"] = f"{int(year)}-12-31"
    return params


# The export kernels: quiet (no "running over TCP" warning, no shutdown noise), and without the
# optional rfc3987_syntax, which jsonschema imports when plotly's HTML renderer imports nbformat:
# it builds a grammar at import (2–3 s per kernel here) for IRI format checks no notebook uses.
_KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL",
                "--IPKernelApp.exec_lines=["
                "'import sys as _sys; _sys.modules.setdefault(\"rfc3987_syntax\", None); del _sys']"]


def _execute(path: Path, params: dict, *, timeout: int):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        # no ``cwd=``: papermill would chdir the whole process, and notebooks run in threads
        return papermill.execute_notebook(
            str(path), None, parameters=params, kernel_name="python3", progress_bar=False,
            log_output=False, request_save_on_cell_execute=False, execution_timeout=timeout,
            resources={"metadata": {"path": str(path.parent)}},
            extra_arguments=_KERNEL_ARGS)
    except PapermillExecutionError as e:
        raise NotebookFailed(f"{path.name} 第 {e.exec_count} 个单元格出错：{e.ename}: "
                             f"{str(e.evalue).splitlines()[0] if e.evalue else ''}") from e


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory when it lies below it (for messages)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _export_one(path: Path, *, db: Path, year: int, out_dir: Path, executed_dir: Path | None,
                timeout: int, audience: str = "circulation", release: Path | None = None,
                collect: bool = False) -> tuple[Path | None, float, list[str]]:
    """Run one notebook and write its page; ``collect``: the first run of a circulated export,
    which only fills the notebook's ``release`` ledger (nothing written)."""
    import nbformat

    start = time.perf_counter()
    nb = _execute(path, _parameters(path, db=db, year=year, audience=audience, release=release),
                  timeout=timeout)
    if collect:
        return None, time.perf_counter() - start, []
    warnings = clean(nb)
    if executed_dir is not None:
        executed_dir.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, executed_dir / path.name)
    html = stamp(to_html(nb), audience)
    check_offline(html, path.name)
    out = _write(out_dir / f"{path.stem}.html", html)
    return out, time.perf_counter() - start, warnings


def export_notebooks(db: str | Path = DEFAULT_DB, out_dir: str | Path = DEFAULT_OUT, *,
                     year: int | None = None, notebooks: Iterable[str | Path] | None = None,
                     jobs: int | None = None, executed_dir: str | Path | None = None,
                     timeout: int = 600, progress: bool = True,
                     audience: str = "circulation", release_dir: str | Path | None = None) -> list[Path]:
    """Run every notebook (or those named) in export mode and write ``out_dir/<name>.html``.

    Parameters
    ----------
    db
        The database the notebooks open (read-only).
    out_dir
        Where the HTML files go (default ``reports/notebooks``); each is replaced atomically.
    year
        The year the notebooks show (``as_of`` = 31 December of it); default the last year with
        data. Must lie within the data's years.
    notebooks
        Paths or names (``"03"``, ``"03-evaluation-outcomes"``); default all in ``notebooks/``.
    jobs
        Notebooks run at once (default: up to 2, one kernel per CPU).
    executed_dir
        Also keep the executed, cleaned notebooks there (what the HTML was made from).
    progress
        Print one line per notebook.
    audience
        ``"circulation"`` (protected, the default), ``"internal"`` (exact counts, names masked,
        stamped 部内研判 不得外传) or ``"unmasked"`` (stamped 含个人信息 注意保密); see above.
    release_dir
        Circulation only: keep each notebook's ledger and published states there (by default in
        a temporary folder, removed afterwards; :mod:`qingmiao_lib._ledger`).

    Returns the written paths, in the notebooks' order. Raises ``ValueError`` for a bad year or
    notebook name, :class:`~qingmiao_lib.errors.QingmiaoError` (``DatabaseMissing``,
    :class:`NotebookFailed`, :class:`NotOffline`) otherwise.
    """
    from . import figures
    from .db import connect

    check_audience(audience)
    db = Path(db).resolve()
    con = connect(db)  # a clear message now (missing, locked, not a Qingmiao file)
    try:
        span = figures.data_years(con)
    finally:
        con.close()
    if span is None:
        raise QingmiaoError(f"数据库中没有人员记录：{db}")
    if year is None:
        year = span[1]
    if not span[0] <= int(year) <= span[1]:
        raise ValueError(f"年份 {year} 不在数据年份 {span[0]}–{span[1]} 之内")
    paths = _resolve(notebooks)
    if not paths:
        raise ValueError(f"没有要导出的笔记本：{NOTEBOOK_DIR}")
    out_dir = Path(out_dir).resolve()
    executed = Path(executed_dir).resolve() if executed_dir is not None else None
    jobs = max(1, min(jobs or min(2, os.cpu_count() or 1), len(paths)))
    ledger = None
    if audience == "circulation":
        ledger = Path(release_dir).resolve() if release_dir is not None else \
            Path(tempfile.mkdtemp(prefix="qingmiao-release-"))
        ledger.mkdir(parents=True, exist_ok=True)
        for old in ledger.glob("*.pkl"):       # a ledger from an earlier export is not this one's
            old.unlink()

    def one(path: Path, collect: bool = False):
        return _export_one(path, db=db, year=int(year), out_dir=out_dir, executed_dir=executed,
                           timeout=timeout, audience=audience, collect=collect,
                           release=None if ledger is None else ledger / path.stem)

    # the kernels inherit this process's environment: figures as HTML with plotly.js embedded
    saved = os.environ.get("PLOTLY_RENDERER")
    os.environ["PLOTLY_RENDERER"] = "notebook"
    written: list[Path] = []
    start = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            if ledger is not None:      # circulation: protected with the county report, together
                list(pool.map(lambda p: one(p, collect=True), paths))
                _protect_together(db, year=int(year), ledger=ledger, paths=paths, progress=progress)
            results = pool.map(one, paths)
            for i, (out, secs, warnings) in enumerate(results, start=1):
                written.append(out)
                if progress:
                    print(f"[{i}/{len(paths)}] {_shown(out)}  {out.stat().st_size / 1e6:.1f} MB  "
                          f"{secs:.1f} s", flush=True)
                    for w in warnings:
                        print(f"    警告 ({out.stem}): {w.splitlines()[-1]}", file=sys.stderr)
    finally:
        if saved is None:
            os.environ.pop("PLOTLY_RENDERER", None)
        else:
            os.environ["PLOTLY_RENDERER"] = saved
        if ledger is not None and release_dir is None:
            shutil.rmtree(ledger, ignore_errors=True)
    if progress:
        print(f"已导出 {len(written)} 个笔记本到 {_shown(out_dir)}（{time.perf_counter() - start:.0f} s）")
    return written


def _protect_together(db: Path, *, year: int, ledger: Path, paths: Sequence[Path],
                      progress: bool) -> None:
    """Every table the notebooks registered, protected with the county report of ``year``
    (:func:`qingmiao_lib._ledger.protect_release`)."""
    from ._ledger import protect_release
    from .db import connect

    start = time.perf_counter()
    con = connect(db)
    try:
        release = protect_release(con, year=year, ledger_dir=ledger, stems=[p.stem for p in paths])
    finally:
        con.close()
    if progress:
        n = sum(1 for name in release.problem.tables if name.startswith("笔记本"))
        print(f"与 {year} 年报告一并保护：{len(paths)} 个笔记本的 {n} 张表（{time.perf_counter() - start:.1f} s）",
              flush=True)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit status 2
        self.exit(2, f"{self.prog}: {message}\n")


def _year(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年份须为整数：{text!r}") from None
    if not 1900 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"年份超出范围 1900–2100：{value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m qingmiao_lib.notebook_export",
                     description="导出笔记本为离线 HTML（不含代码）Export the notebooks to offline HTML")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"the database (default {DEFAULT_DB})")
    parser.add_argument("--year", type=_year, default=None, help="the year shown (default: last year with data)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    parser.add_argument("--jobs", type=int, choices=range(1, 9), default=None, metavar="N",
                        help="notebooks run at once, 1–8 (default 2)")
    parser.add_argument("--audience", choices=[a for a in AUDIENCES if a != "unmasked"],
                        default="circulation",
                        help="circulation (default: counts protected, lists withheld) or internal "
                             "(部内研判: exact counts, names masked, stamped)")
    parser.add_argument("--unmasked", action="store_true",
                        help="no protection and full names; every page stamped 含个人信息 注意保密")
    parser.add_argument("notebooks", nargs="*", help="only these notebooks (names or paths)")
    try:
        args = parser.parse_args(argv)
        if args.out.exists() and not args.out.is_dir():
            parser.error(f"--out 须为目录：{args.out}")
        if args.unmasked and args.audience != "circulation":
            parser.error("--unmasked 与 --audience 不能同时使用")
    except SystemExit as e:  # a bad argument (one line, status 2), or --help
        return e.code if isinstance(e.code, int) else 2
    audience = "unmasked" if args.unmasked else args.audience
    if audience == "unmasked":
        print(f"{parser.prog}: 警告：导出不作保护、显示全名，每页标注“{STAMPS['unmasked']}”", file=sys.stderr)
    try:
        export_notebooks(args.db, args.out, year=args.year, notebooks=args.notebooks or None,
                         jobs=args.jobs, audience=audience)
    except ValueError as e:  # a year outside the data, an unknown notebook
        print(f"{parser.prog}: {e}", file=sys.stderr)
        return 2
    except QingmiaoError as e:
        print(f"{parser.prog}: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        where = f"：{e.filename}" if e.filename else ""
        print(f"{parser.prog}: 文件错误{where}：{e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{parser.prog}: 已中断 interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
