"""The ``qingmiao`` command line (SPEC §7): the parser, the shared option helpers and ``main``.

Exit status: 0 success; 1 a data or environment problem (one line on stderr); 2 a usage problem.
A user's mistake never prints a traceback; set QINGMIAO_DEBUG=1 to see one for a bug.

Each subcommand is a module of :mod:`qingmiao_lib.commands` (``NAME``, ``HELP``, ``register``,
``run``); the names other modules and tests imported from here are re-exported below.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import sys
from pathlib import Path

import duckdb

from . import __version__, commands

# the output helpers the command modules share, importable from here as before they moved
from .commands._output import (  # noqa: F401
    _checked_out,
    _emit_records,
    _format,
    _inputs,
    _list_target,
    _masked,
    _pad,
    _print_table,
    _show,
    _width,
    _write_text,
)
from .config import DEFAULT_DB
from .errors import QingmiaoError
from .outputs import UsageError


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


#: shared argument helpers, for the command modules in :mod:`qingmiao_lib.commands`
common_options, int_between, date_arg, list_options = _common, _int_between, _date, _list_options

#: the running commands by name, filled by :func:`build_parser`
_COMMANDS: dict = {}

#: Names that lived here before their commands moved to :mod:`qingmiao_lib.commands`, still
#: importable from here (read on first use: the command modules import this one).
_MOVED = {"ELIGIBLE_COLUMNS": "eligible", "RETIREMENT_COLUMNS": "retirements", "ERROR_WORKBOOK": "import_",
          "import_error_lines": "import_", "lab_command": "lab"}


def __getattr__(name: str):
    if name in _MOVED:
        return getattr(importlib.import_module(f"{commands.__name__}.{_MOVED[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
