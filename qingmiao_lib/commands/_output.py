"""What the commands of ``qingmiao`` share for their output: terminal text (escaped, CJK-aware
widths, aligned tables), the output path checks (``--out`` never an input, its format from its
extension) and person lists (names masked unless ``--unmasked``; CSV/JSON to a file or the console).

Private to :mod:`qingmiao_lib.commands` (and re-exported by :mod:`qingmiao_lib.cli` under the same
names for the modules that import them from there).
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pandas as pd

from ..outputs import UsageError, atomic_write_text, database_inputs, guard


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


def _print_table(df: pd.DataFrame) -> None:
    rows = [tuple(_show(c) for c in df.columns)]
    rows += [tuple("" if pd.isna(v) else ("是" if v is True else "否" if v is False else _show(v)) for v in r)
             for r in df.itertuples(index=False)]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  " + "  ".join(_pad(c, w, left=True) for c, w in zip(r, widths, strict=True)).rstrip())


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


# ------------------------------------------------------------------------------ person lists


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
    from .. import privacy

    if args.unmasked:
        print("警告：--unmasked 输出含完整姓名，注意保密", file=sys.stderr)
        return df
    return df.assign(name=privacy.mask_names(df["name"]))


def _emit_records(rows: pd.DataFrame, fmt: str, out: Path | None) -> None:
    """A list as CSV or JSON, to ``out`` (atomically, a line on stderr) or to the console."""
    from .. import export

    text = export.to_csv(rows) if fmt == "csv" else export.to_json_records(rows) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    _write_text(out, text, fmt)
    print(f"已写入 {out}（{len(rows)} 人）", file=sys.stderr)
