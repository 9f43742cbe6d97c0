"""The ``qingmiao`` command line (SPEC §7).

Exit status: 0 success; 1 a data or environment problem (one line on stderr); 2 a usage problem.
A user's mistake never prints a traceback; set QINGMIAO_DEBUG=1 to see one for a bug.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import unicodedata
from pathlib import Path

import duckdb
import pandas as pd

from . import __version__, commands
from .config import DEFAULT_DB, PROJECT_DIR
from .errors import QingmiaoError
from .outputs import UsageError, atomic_path, atomic_write_text, database_inputs, guard


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"{self.prog}: 用法错误 usage error: {message}（--help 查看用法）\n")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"DuckDB database file (default {DEFAULT_DB})")
    p.add_argument("--rules", type=Path, default=None, help="a locality rules file overriding the defaults")


def _int_between(low: int, high: int):
    """An argparse type: an integer in [low, high], else a usage error naming the range."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"不是整数 not an integer: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"须在 {low} 到 {high} 之间 must be {low}–{high}: {text}")
        return value

    return parse


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是日期 not a date (YYYY-MM-DD): {text!r}") from None


def _list_options(p: argparse.ArgumentParser) -> None:
    """--format, --out and --unmasked of a person list (eligible, retirements)."""
    p.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default=None,
                   help="default: from the extension of --out (.csv/.json/.xlsx), else table")
    p.add_argument("--out", type=Path, default=None,
                   help="write to this file (required for xlsx; its extension must match --format; "
                        "its folder must exist)")
    p.add_argument("--unmasked", action="store_true", help="full names (default: masked, 张*明)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="qingmiao", description="青苗工作台 Qingmiao Workbench")
    parser.add_argument("--version", action="version", version=f"qingmiao {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("demo", help="build the simulated demo county database")
    _common(p)
    p.add_argument("--persons", type=_int_between(50, 10_000_000), default=2000,
                   help="active headcount at the start, 50–10,000,000 (default 2000)")
    p.add_argument("--seed", type=_int_between(0, 2**63 - 1), default=None,
                   help="random seed, a non-negative integer (default: the documented demo seed)")
    p.add_argument("--force", action="store_true", help="replace an existing database")
    p.add_argument("--if-missing", action="store_true", help="do nothing if the database already exists")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("template", help="write the empty import workbook (one sheet per table, 说明 sheet)")
    p.add_argument("--out", type=Path, required=True, help="the .xlsx file to write (its folder must exist)")

    p = sub.add_parser("import", help="import CSV/XLSX files or folders: all or nothing")
    _common(p)
    p.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="files or folders to import")
    p.add_argument("--replace", action="store_true",
                   help="make each imported table equal to its file (a full re-export)")
    p.add_argument("--errors", type=Path, default=None,
                   help="on failure, write every error to this .xlsx (default: 导入错误.xlsx beside the "
                        "database, or in the current folder if that is an imported folder)")

    p = sub.add_parser("check", help="data-quality report of a database (exit 1 on an error-level finding)")
    _common(p)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = sub.add_parser("figures", help="the headline figures F1–F9 of a year")
    _common(p)
    p.add_argument("--year", type=int, required=True, help="the figures' year (taken on 31 December)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = sub.add_parser("eligible", help="rank-promotion eligibility (职级晋升) on a date, with reasons")
    _common(p)
    p.add_argument("--as-of", type=_date, required=True, help="the date (YYYY-MM-DD)")
    p.add_argument("--within-months", type=_int_between(1, 120), default=None,
                   help="also who meets the time condition within N months (the forward list)")
    _list_options(p)

    p = sub.add_parser("retirements", help="statutory retirements ahead (2024 reform) of the active persons")
    _common(p)
    p.add_argument("--as-of", type=_date, required=True, help="the date (YYYY-MM-DD)")
    p.add_argument("--years", type=_int_between(1, 50), required=True,
                   help="how many years ahead, 1–50 (dates after --as-of and up to --as-of + N years)")
    _list_options(p)

    p = sub.add_parser("roster", help="the 干部名册 (cadre roster) of a slice on a date, as xlsx or csv")
    _common(p)
    p.add_argument("--as-of", type=_date, required=True, help="the date (YYYY-MM-DD)")
    p.add_argument("--units", nargs="+", default=None, metavar="UNIT",
                   help="only these units: codes or names, mixed (qingmiao units lists them)")
    p.add_argument("--unit-kind", choices=("市直机关", "乡镇街道", "其他"), default=None)
    p.add_argument("--young", action="store_true", help="only the young (under the rules' age limit)")
    p.add_argument("--format", choices=("xlsx", "csv"), default=None,
                   help="default: from the extension of --out")
    p.add_argument("--out", type=Path, required=True,
                   help="the file to write (.xlsx or .csv, matching --format; its folder must exist)")
    p.add_argument("--unmasked", action="store_true", help="full names (default: masked, 张*明)")

    p = sub.add_parser("report", help="write the offline HTML report of a year")
    _common(p)
    p.add_argument("--year", type=int, required=True, help="the report's year (taken on 31 December)")
    p.add_argument("--out", type=Path, default=None,
                   help="output file (default reports/qingmiao-YEAR.html); with --by-unit a folder "
                        "(default reports/units-YEAR/); the folder it goes in must exist")
    p.add_argument("--unmasked", action="store_true", help="show names (stamps every page 含个人信息 注意保密)")
    p.add_argument("--audience", choices=("circulation", "internal"), default="circulation",
                   help="circulation (default): small counts protected; internal (部内研判): exact counts, "
                        "names still masked, every page stamped 部内研判 不得外传")
    p.add_argument("--by-unit", action="store_true",
                   help="one report per unit (its slice beside the jurisdiction's figures) and an index page")
    p.add_argument("--units", nargs="+", default=None, metavar="UNIT",
                   help="unit codes or names, mixed. With --by-unit: only these units; without it: "
                        "one report of these units' slice")
    p.add_argument("--unit-kind", choices=("市直机关", "乡镇街道", "其他"), default=None,
                   help="with --by-unit: only units of this kind (乡镇街道 = one report per township)")

    p = sub.add_parser("lab", help="open JupyterLab on notebooks/ against the database")
    _common(p)
    p.add_argument("--port", type=_int_between(1, 65535), default=None,
                   help="the port to serve on (default: JupyterLab's, 8888 or the next free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser (print the address)")

    p = sub.add_parser("units", help="list the units: code, name, kind and active headcount on a date")
    _common(p)
    p.add_argument("--as-of", type=_date, default=None,
                   help="headcount on this date (default: 31 December of the database's last data year; "
                        "without one, no headcount)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    for mod in commands.load():
        p = sub.add_parser(mod.NAME, help=mod.HELP)
        mod.register(p)
        _COMMANDS[mod.NAME] = mod.run
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help(sys.stderr)
        return 2
    args = parser.parse_args(argv)
    hook = sys.unraisablehook
    if not os.environ.get("QINGMIAO_DEBUG"):
        sys.unraisablehook = _quiet_unraisable
    try:
        return _run(args)
    finally:
        sys.unraisablehook = hook


def _run(args) -> int:
    """The command, its failures as one line on stderr (user text in them escaped)."""
    try:
        return _COMMANDS[args.command](args)
    except UsageError as e:
        print(f"qingmiao {args.command}: 用法错误 usage error: {_show(e)}（--help 查看用法）", file=sys.stderr)
        return 2
    except QingmiaoError as e:
        print(f"qingmiao {args.command}: {_show(e)}", file=sys.stderr)
        return 1
    except duckdb.Error as e:
        if os.environ.get("QINGMIAO_DEBUG"):
            raise
        print(f"qingmiao {args.command}: 数据库错误：{str(e).splitlines()[0]}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except OSError as e:  # a file the user named cannot be read or written
        if os.environ.get("QINGMIAO_DEBUG"):
            raise
        where = f"：{_show(e.filename)}" if e.filename else ""
        print(f"qingmiao {args.command}: 文件错误{where}：{e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"qingmiao {args.command}: 已中断 interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug: one line for the user, the traceback with QINGMIAO_DEBUG=1
        if os.environ.get("QINGMIAO_DEBUG"):
            raise
        print(f"qingmiao {args.command}: 内部错误 internal error: {type(e).__name__}: {e}"
              "（设置环境变量 QINGMIAO_DEBUG=1 可查看详细信息；请报告此问题）", file=sys.stderr)
        return 1


def _quiet_unraisable(unraisable) -> None:
    """A file writer that failed (a full disk) fails again when collected; the first failure was
    reported in one line already, so an OSError in a finaliser prints nothing. Anything else is
    shown as Python would."""
    if isinstance(unraisable.exc_value, OSError):
        return
    sys.__unraisablehook__(unraisable)


def _demo(args) -> int:
    from . import synth

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


def _figures(args) -> int:
    from . import figures
    from .db import connect

    con = connect(args.db, rules=args.rules)
    try:
        if args.format == "json":
            print(json.dumps(figures.headline_json(con, year=args.year), ensure_ascii=False, indent=2))
            return 0
        df = figures.headline(con, year=args.year)
    finally:
        con.close()
    if args.format == "csv":
        sys.stdout.write(df.to_csv(index=False))
        return 0
    print(f"青苗助跑行动 核心指标（{args.year}年，截至 {df.attrs['as_of']}，规则版本 {df.attrs['rules_version']}）")
    rows = [("指标", "数值", "占比", "分母", "文章值", "说明")]
    for row in df.itertuples():
        article = str(row.article_value)
        if not pd.isna(row.article_share):
            article += f" ({row.article_share:.1%})"
        rows.append((row.code, str(row.value), "" if pd.isna(row.share) else f"{row.share:.1%}",
                     "" if pd.isna(row.denominator) else str(row.denominator), article, row.label))
    widths = [max(_width(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        cells = [_pad(r[0], widths[0], left=True)] + [_pad(c, w) for c, w in zip(r[1:5], widths[1:], strict=True)]
        print("  " + "  ".join(cells) + "  " + r[5])
    return 0


def _width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool = False) -> str:
    fill = " " * (width - _width(text))
    return text + fill if left else fill + text


#: control, format (zero-width), line/paragraph separator, surrogate, private and unassigned
_HIDDEN = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"))


def _show(value, *, limit: int | None = None) -> str:
    """A value as one line of terminal text: control and invisible characters escaped (ESC as
    ``\\x1b``, like ``repr``), never sent raw; cut to ``limit`` characters with an ellipsis."""
    text = "" if value is None else str(value)
    text = "".join(repr(ch)[1:-1] if unicodedata.category(ch) in _HIDDEN else ch for ch in text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return text


# ------------------------------------------------------------------------------ output paths

_SUFFIX = {"xlsx": ".xlsx", "csv": ".csv", "json": ".json"}


def _inputs(args, *extra) -> list:
    """What a command reads: the database and its .wal, the rules file, and ``extra``."""
    return [*database_inputs(getattr(args, "db", None)), getattr(args, "rules", None), *extra]


def _checked_out(args, out: Path, *, what: str = "--out", named: bool = True, extra=()) -> Path:
    """``out`` unless it is one of the command's inputs (exit 2); the folder of a path the user
    named must exist (``named``), a default one (``reports/…``) is created by the writer."""
    return guard(out, inputs=_inputs(args, *extra), what=what, parent_must_exist=named)


def _format(args, choices: tuple[str, ...], default: str | None) -> str:
    """``--format``, or the one ``--out``'s extension names; a contradiction is a usage error."""
    suffix = args.out.suffix.lower() if args.out is not None else ""
    files = [c for c in choices if c in _SUFFIX]
    if args.format is None:
        for fmt in files:
            if suffix == _SUFFIX[fmt]:
                return fmt
        if args.out is None and default is not None:
            return default
        wanted = "、".join(_SUFFIX[f] for f in files)
        raise UsageError(f"--out {args.out}：无法从扩展名判断格式，请以 {wanted} 结尾或给出 --format")
    if args.out is not None:
        if args.format not in _SUFFIX:
            raise UsageError(f"--format {args.format} 不写文件；写文件请用 --format {'/'.join(files)}")
        if suffix != _SUFFIX[args.format]:
            raise UsageError(f"--out {args.out} 的扩展名与 --format {args.format} 不符"
                             f"（应以 {_SUFFIX[args.format]} 结尾）")
    return args.format


def _report(args) -> int:
    from . import report
    from . import units as unit_names
    from .db import connect

    if args.unit_kind and not args.by_unit:
        raise UsageError("--unit-kind 只能与 --by-unit 一起使用")
    if args.out is not None:
        _checked_out(args, args.out)
        if not args.by_unit:
            report.check_out(args.out)      # a folder or device named as the page: before any work
    elif not args.by_unit:
        _checked_out(args, report.default_out(args.year), named=False)
    con = connect(args.db, rules=args.rules)
    rules = str(args.rules) if args.rules else None
    try:
        chosen = unit_names.resolve(con, args.units)
        if args.unmasked:
            print("警告：--unmasked 生成的报告含个人信息（完整姓名），每页标注“含个人信息 注意保密”，注意保密",
                  file=sys.stderr)
        if args.audience == "internal":
            print("警告：--audience internal 生成部内研判版：显示确切人数、未作小数保护，每页标注“部内研判 不得外传”",
                  file=sys.stderr)
        if args.by_unit:
            index = report.write_unit_reports(
                con, year=args.year, out_dir=args.out, units=chosen, unit_kind=args.unit_kind,
                unmasked=args.unmasked, rules_file=rules, audience=args.audience)
            print(f"单位报告已生成：{index.parent}（目录页 {index}）")
            return 0
        out = args.out or report.default_out(args.year)
        path = report.write_report(con, year=args.year, out=out, unmasked=args.unmasked,
                                   units=chosen, rules_file=rules, audience=args.audience)
    finally:
        con.close()
    print(f"报告已生成：{path}")
    return 0


def lab_command(args) -> list[str]:
    """The JupyterLab command line of ``qingmiao lab``: ``--allow-root`` when run as root
    (JupyterLab refuses root otherwise), ``--port`` (no silent move to another port) and
    ``--no-browser`` when asked."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={PROJECT_DIR / 'notebooks'}"]
    if args.port is not None:
        cmd += [f"--ServerApp.port={args.port}", "--ServerApp.port_retries=0"]
    if args.no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def _lab(args) -> int:
    from .db import connect

    connect(args.db, rules=args.rules).close()  # a clear message now rather than in a notebook
    env = dict(os.environ, QINGMIAO_DB=str(args.db.resolve()))
    if args.rules:
        env["QINGMIAO_RULES"] = str(args.rules.resolve())
    cmd = lab_command(args)
    os.execvpe(cmd[0], cmd, env)
    return 0  # pragma: no cover


def _template(args) -> int:
    from . import template

    out = guard(args.out, inputs=database_inputs(DEFAULT_DB), what="--out", parent_must_exist=True)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"模板须为 .xlsx 文件：{out}")
    with atomic_path(out) as tmp:
        template.write_template(tmp)
    print(f"导入模板已生成：{out}（每张表一个工作表，“说明”工作表列出每列的含义、类型和可选值）")
    return 0


ERROR_WORKBOOK = "导入错误.xlsx"


def _default_error_workbook(args, inputs: list) -> Path:
    """Beside the database; else (that folder is imported, or missing) the current folder; else
    beside each imported path; else the system's temporary folder — never among the imported
    files (a folder's next import would read it) and never an input."""
    import tempfile

    candidates = [args.db.parent / ERROR_WORKBOOK, Path(ERROR_WORKBOOK),
                  *(Path(os.path.abspath(p)).parent / ERROR_WORKBOOK for p in args.paths),
                  Path(tempfile.gettempdir()) / ERROR_WORKBOOK]
    for path in candidates:
        if not path.parent.is_dir():
            continue
        try:
            return guard(path, inputs=inputs, what="错误清单")
        except UsageError:
            continue
    raise UsageError("找不到可以写错误清单的目录，请用 --errors 指定")  # pragma: no cover


def import_error_lines(errors: pd.DataFrame, *, limit: int = 20) -> list[str]:
    """The first ``limit`` import errors, one line each (file, sheet, row, column, value,
    reason), values escaped and shortened, then the count of those not shown."""
    lines = []
    for r in errors.head(limit).to_dict("records"):
        def get(name, r=r):
            v = r.get(name)
            return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v

        where = [_show(get("file"), limit=60) or "?"]
        if get("sheet"):
            where.append(f"工作表 {_show(get('sheet'), limit=40)}")
        if get("row") is not None:
            where.append(f"第 {int(get('row'))} 行")
        if get("column"):
            where.append(f"列 {_show(get('column'), limit=40)}")
        value = get("value")
        shown = f"值 {_show(value, limit=60)!s}" if value is not None and str(value) != "" else "值 （空）"
        lines.append(f"  {'，'.join(where)}，{shown}：{_show(get('reason'), limit=200)}")
    if len(errors) > limit:
        lines.append(f"  ……另有 {len(errors) - limit} 个错误未列出（见错误清单）")
    return lines


def _import(args) -> int:
    from . import importer

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise QingmiaoError(f"找不到要导入的文件或目录：{'，'.join(missing)}")
    inputs = _inputs(args, *args.paths)
    if args.errors is not None:
        errors = guard(args.errors, inputs=inputs, what="--errors", parent_must_exist=True)
        if errors.suffix.lower() != ".xlsx":
            raise UsageError(f"--errors 须为 .xlsx 文件：{errors}")
    else:
        errors = _default_error_workbook(args, inputs)
    failed = None
    # the importer writes the workbook only on failure, to a temporary name renamed when complete
    with atomic_path(errors, missing_ok=True) as tmp:
        try:
            report = importer.import_paths(args.db, args.paths, replace=args.replace, rules=args.rules,
                                           error_workbook=tmp)
        except importer.ImportFailed as e:
            failed = e
    if failed is not None:
        console = getattr(failed, "console", None)
        text = console(limit=20) if callable(console) else "\n".join(import_error_lines(failed.errors, limit=20))
        if text:
            print(text.rstrip("\n"), file=sys.stderr)
        message = str(failed).replace(str(tmp), str(errors))
        print(f"qingmiao import: {_show(message)}", file=sys.stderr)
        return 1
    print(report.summary())
    for w in report.warnings.itertuples():
        print(f"  提示：{_show(w.file)}{'：' + _show(w.sheet) if w.sheet else ''}：{_show(w.message)}")
    return 0


def _check(args) -> int:
    from . import check, export
    from .db import connect

    con = connect(args.db, rules=args.rules)
    try:
        found = check.run_check(con)
    finally:
        con.close()
    if args.format == "csv":
        sys.stdout.write(export.to_csv(found))
    elif args.format == "json":
        print(export.to_json_records(found))
    else:
        hits = found[found["count"] > 0]
        print(f"数据质量检查：{args.db}（{len(found)} 项检查，{len(hits)} 项有发现）")
        for r in hits.itertuples():
            print(f"  [{r.level}] {r.description}：{r.count} 条  例：{r.examples}")
        if hits.empty:
            print("  未发现问题")
    return 1 if check.has_errors(found) else 0


def _write_text(path: Path, text: str, fmt: str) -> None:
    """CSV with a BOM (Excel reads it as UTF-8), JSON without; written atomically."""
    atomic_write_text(path, text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")


def _list_target(args, example: str) -> tuple[Path | None, str]:
    """A person list's output (``--out`` checked, or None for the console) and format; xlsx needs
    a file (``example`` names one in the message)."""
    out = _checked_out(args, args.out) if args.out is not None else None
    fmt = _format(args, ("table", "csv", "json", "xlsx"), "table")
    if fmt == "xlsx" and out is None:
        raise UsageError(f"--format xlsx 需要 --out 文件名（例如 --out {example}）")
    return out, fmt


def _masked(args, df: pd.DataFrame) -> pd.DataFrame:
    """Names masked (张*明) unless ``--unmasked``, which warns on stderr."""
    from . import privacy

    if args.unmasked:
        print("警告：--unmasked 输出含完整姓名，注意保密", file=sys.stderr)
        return df
    return df.assign(name=df["name"].map(privacy.mask_name))


def _emit_records(rows: pd.DataFrame, fmt: str, out: Path | None) -> None:
    """A list as CSV or JSON, to ``out`` (atomically, a line on stderr) or to the console."""
    from . import export

    text = export.to_csv(rows) if fmt == "csv" else export.to_json_records(rows) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    _write_text(out, text, fmt)
    print(f"已写入 {out}（{len(rows)} 人）", file=sys.stderr)


def _roster(args) -> int:
    from . import export, labels, structure
    from . import units as unit_names
    from .db import connect

    out = _checked_out(args, args.out)
    fmt = _format(args, ("xlsx", "csv"), None)
    con = connect(args.db, rules=args.rules)
    try:
        chosen = unit_names.resolve(con, args.units)
        df = structure.roster(con, as_of=args.as_of, unmasked=args.unmasked, units=chosen,
                              unit_kinds=[args.unit_kind] if args.unit_kind else None,
                              young=True if args.young else None)
    finally:
        con.close()
    if args.unmasked:
        print("警告：--unmasked 输出含完整姓名，注意保密", file=sys.stderr)
    shown = labels.chinese(df, "structure")
    if fmt == "csv":
        _write_text(out, export.to_csv(shown), "csv")
    else:
        export.write_xlsx(shown, out, sheet="干部名册", title=f"干部名册（截至 {args.as_of}）")
    print(f"干部名册已写入 {out}（{len(df)} 人，截至 {args.as_of}）")
    return 0


#: The eligibility list's machine-readable columns (CSV and JSON), in order (SPEC §5): the person
#: (name masked unless --unmasked) and unit as in the xlsx, then the conditions.
ELIGIBLE_COLUMNS = ("person_id", "name", "unit_id", "unit_name", "current_rank", "next_rank",
                    "tenure_months", "required_months", "qualified", "quota_ok", "eligible", "reasons")


def _eligible(args) -> int:
    from . import export, labels, pipeline
    from .db import connect

    out, fmt = _list_target(args, "名单.xlsx")
    con = connect(args.db, rules=args.rules)
    try:
        df = _masked(args, pipeline.eligibility(con, as_of=args.as_of, within_months=args.within_months))
    finally:
        con.close()
    # the forward view (--within-months): when each person meets the time condition
    forward = [c for c in ("time_met_on", "months_to_eligible", "due_within")
               if c in df.columns and args.within_months is not None]
    if fmt in ("csv", "json"):
        _emit_records(df[[*ELIGIBLE_COLUMNS, *forward]], fmt, out)
        return 0
    shown = labels.chinese(df[[*ELIGIBLE_COLUMNS, *forward]], "pipeline")
    if fmt == "xlsx":
        path = export.write_xlsx(shown, out, sheet="职级晋升资格",
                                 title=f"职级晋升资格名单（截至 {args.as_of}）")
        print(f"已写入 {path}（{len(shown)} 人，其中符合条件 {int(df['eligible'].sum())} 人）")
        return 0
    yes = shown[df["eligible"].to_numpy()]
    print(f"职级晋升资格（截至 {args.as_of}）：在职 {len(df)} 人，个人条件符合 {int(df['qualified'].sum())} 人，"
          f"其中职数允许 {int(df['eligible'].sum())} 人")
    _print_table(yes if len(yes) else shown.head(0))
    return 0


#: The retirement list's columns (SPEC §9), in order: the person (name masked unless --unmasked),
#: the statutory age and date, the unit, post level and rank held on --as-of.
RETIREMENT_COLUMNS = ("person_id", "name", "gender", "birth_date", "retirement_age_months",
                      "retirement_date", "unit_id", "unit_name", "level", "rank")


def _retirements(args) -> int:
    from . import export, outlook
    from .db import connect

    out, fmt = _list_target(args, "退休名单.xlsx")
    con = connect(args.db, rules=args.rules)
    try:
        df = _masked(args, outlook.retirements(con, as_of=args.as_of, years=args.years))
    finally:
        con.close()
    rows = df[list(RETIREMENT_COLUMNS)]
    end = outlook.plus_years(args.as_of, args.years)
    if fmt in ("csv", "json"):
        _emit_records(rows, fmt, out)
        return 0
    shown = rows.assign(retirement_age=rows["retirement_age_months"].map(outlook.age_text))
    shown = shown[[*RETIREMENT_COLUMNS[:5], "retirement_age", *RETIREMENT_COLUMNS[5:]]]
    shown = shown.rename(columns=outlook.COLUMNS)
    if fmt == "xlsx":
        path = export.write_xlsx(shown, out, sheet="法定退休",
                                 title=f"法定退休名单（{args.as_of} 后至 {end}）")
        print(f"已写入 {path}（{len(shown)} 人）")
        return 0
    print(f"法定退休（{args.as_of} 之后至 {end}，{args.years} 年内，规则版本 {df.attrs['rules_version']}）："
          f"在职人员中 {len(df)} 人")
    table = shown.drop(columns=[outlook.COLUMNS["retirement_age_months"]])
    for col in (outlook.COLUMNS["birth_date"], outlook.COLUMNS["retirement_date"]):
        table[col] = table[col].dt.strftime("%Y-%m-%d")
    _print_table(table)
    return 0


def _units(args) -> int:
    from . import export
    from . import units as unit_names
    from .db import connect

    con = connect(args.db, rules=args.rules)
    try:
        as_of = args.as_of or unit_names.default_as_of(con)
        df = unit_names.listing(con, as_of=as_of)
    finally:
        con.close()
    if args.format in ("csv", "json"):
        rows = df.assign(as_of=as_of.isoformat()) if as_of is not None else df
        sys.stdout.write(export.to_csv(rows) if args.format == "csv" else export.to_json_records(rows) + "\n")
        return 0
    when = f"在职人数截至 {as_of}" if as_of is not None else "数据库未记录数据年份，不列人数（可用 --as-of 指定日期）"
    print(f"单位（{len(df)} 个；{when}）")
    cols = {"unit_id": "单位代码", "name": "单位名称", "kind": "单位类别", "parent_id": "上级单位代码"}
    if "persons" in df.columns:
        cols["persons"] = "在职人数"
    _print_table(df[list(cols)].rename(columns=cols))
    return 0


def _print_table(df: pd.DataFrame) -> None:
    rows = [tuple(_show(c) for c in df.columns)]
    rows += [tuple("" if pd.isna(v) else ("是" if v is True else "否" if v is False else _show(v)) for v in r)
             for r in df.itertuples(index=False)]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  " + "  ".join(_pad(c, w, left=True) for c, w in zip(r, widths, strict=True)).rstrip())


#: shared argument helpers, for the command modules in :mod:`qingmiao_lib.commands`
common_options, int_between, date_arg, list_options = _common, _int_between, _date, _list_options

_COMMANDS = {
    "demo": _demo, "template": _template, "import": _import, "check": _check, "figures": _figures,
    "eligible": _eligible, "retirements": _retirements, "roster": _roster, "report": _report, "lab": _lab, "units": _units,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
