"""Validation in DuckDB: the raw text tables are typed by the macros of ``sql/importer/macros.sql``
into temporary ``stg_<table>`` tables, and every problem becomes a row of the temporary table
``import_errors`` — by set operations over whole tables, never per row in Python.

A text cell (names, codes, notes) is refused when it holds a control or invisible character (C0
controls, DEL, C1 controls, zero-width spaces and joiners U+200B–U+200D, U+2060, U+FEFF, the bidi
marks, embeddings, overrides and isolates U+200E/F, U+202A–U+202E, U+2066–U+2069, any other
Unicode format character, line and paragraph separators); tab and line breaks only inside the
free-text columns marked ``multiline`` in the contract (培训主题, 事由 …). A key with a zero-width
space would be a new "distinct" person; a name with ESC would break every list it appears in.
A date, number, 是/否 or vocabulary cell holding one does not parse, and its error names the
character (a value that parses is stored as parsed: nothing of the character remains).
A cell longer than Excel's 32,767 characters is refused, as is the escaped form (``\\x1b``) the
error list shows, copied back. Dates must lie within the rules' ``[import]`` bounds: 出生年月 from
``earliest_birth_date``, other dates from ``earliest_record_date``, none after the import date
except the planned ends listed in ``future_allowed`` (up to ``max_years_ahead``); 录用时间 at
``min_entry_age`` or older; assessment years not after the import's year (nor a quarter after
its quarter); 职数 years up to ``max_years_ahead`` ahead.

Identifiers in the generated SQL come only from the contract (an allowlist); values are bound.
The checks across rows and tables (duplicates, references, overlaps, unit cycles) are
:mod:`._validate_tables`; their names are importable from here too.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from .. import sql
from ..contract import TABLES, Column
from ._report import MAX_CELL_CHARS

#: Problems with one row that the schema's CHECKs would otherwise reject at write time:
#: (table, condition on typed columns, column blamed, kind, reason).
ROW_RULES = (
    ("units", "parent_id = unit_id", "parent_id", "引用错误", "上级单位不能是本单位"),
    ("persons", "entry_date <= birth_date", "entry_date", "日期顺序错误", "录用时间应晚于出生年月"),
    ("persons", "work_start_date <= birth_date", "work_start_date", "日期顺序错误", "参加工作时间应晚于出生年月"),
    ("persons", "work_start_date > entry_date", "work_start_date", "日期顺序错误", "参加工作时间不应晚于录用时间"),
    ("persons", "party_join_date <= birth_date", "party_join_date", "日期顺序错误", "入党时间应晚于出生年月"),
    ("persons", "exit_date < entry_date", "exit_date", "日期顺序错误", "退出时间不应早于录用时间"),
    ("persons", "exit_reason is not null and exit_date is null", "exit_reason", "日期顺序错误",
     "填写了退出原因但没有退出时间"),
    ("posts", "end_date <= start_date", "end_date", "区间错误", "免职时间应晚于任职时间"),
    ("ranks", "end_date <= start_date", "end_date", "区间错误", "免职级时间应晚于任职级时间"),
    ("pool_members", "exited_on <= entered_on", "exited_on", "区间错误", "出库时间应晚于入库时间"),
    ("pool_members", "exit_reason is not null and exited_on is null", "exit_reason", "区间错误",
     "填写了出库原因但没有出库时间"),
    ("trainings", "end_date < start_date", "end_date", "区间错误", "结束时间不应早于开始时间"),
    ("trainings", "hours <= 0 or hours > 2000", "hours", "数值超出范围", "学时应大于0且不超过2000"),
    ("mentorships", "mentor_id = person_id", "mentor_id", "引用错误", "导师不能是本人"),
    ("mentorships", "end_date <= start_date", "end_date", "区间错误", "结束时间应晚于开始时间"),
    ("practices", "end_date <= start_date", "end_date", "区间错误", "结束时间应晚于开始时间"),
    ("supervision", "effective_until <= held_on", "effective_until", "区间错误", "影响期至应晚于时间"),
    ("quotas", "max_count < 0", "max_count", "数值超出范围", "职数不能小于0"),
)


_TYPED = {
    "text": "nullif({r}, '')",
    "date": "qm_date(nullif({r}, ''))",
    "int": "qm_int(nullif({r}, ''))",
    "decimal": "qm_decimal(nullif({r}, ''))",
    "bool": "qm_bool(nullif({r}, ''))",
    "quarter": "qm_quarter(nullif({r}, ''))",
    "id_number": "upper(nullif({r}, ''))",
}

_UNREADABLE = {
    "date": ("日期无法识别", "无法识别的日期（可写作 1990-05-01、1990/5/1、1990.05、1990年5月、19900501、199005）"),
    "int": ("不是整数", "应为整数"),
    "decimal": ("不是数字", "应为数字"),
    "bool": ("不是是/否", "应为 是/否（也可写 Y/N、true/false）"),
    "quarter": ("季度无效", "季度应为 1–4"),
}


def _q(name: str) -> str:
    """An identifier from the contract, quoted (never a user's text)."""
    assert name.replace("_", "").isalnum(), name
    return f'"{name}"'


def _typed(c: Column) -> str:
    r = _q(c.name + "__raw")
    if c.type == "enum":
        expr = f"try_cast(nullif({r}, '') as {c.vocab_name})"
    else:
        expr = _TYPED[c.type].format(r=r)
    if c.default is not None and c.type == "bool":
        expr = f"coalesce({expr}, case when {r} = '' then qm_bool('{c.default}') end)"
    return expr


def stage(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    """``raw`` arrow table (``_src``, ``_row``, text columns) → temp table ``stg_<table>`` holding
    each column typed and as written (``<col>__raw``); blank rows dropped."""
    t = TABLES[table]
    con.register("_raw", data)
    raw_cols = ", ".join(f"{_q(c.name)} as {_q(c.name + '__raw')}" for c in t.columns)
    blank = " and ".join(f"{_q(c.name)} = ''" for c in t.columns)
    con.execute(f"create or replace temp table raw_{table} as select _src, _row, {raw_cols} "
                f"from _raw where not ({blank})")
    con.unregister("_raw")
    typed = ", ".join(f"{_typed(c)} as {_q(c.name)}" for c in t.columns)
    text = [_q(c.name + "__raw") for c in t.columns if c.type == "text"]
    # one cheap pass flags the rows whose text might hold a refused character or an escape;
    # only those are checked column by column (_check_cell_text)
    suspect = f"regexp_matches(concat_ws(' ', {', '.join(text)}), ?)" if text else "false"
    con.execute(f"create or replace temp table stg_{table} as select *, {suspect} as _suspect, {typed} "
                f"from raw_{table}", [_SUSPECT] if text else [])
    con.execute(f"drop table raw_{table}")


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql.load("importer/macros"))
    con.execute("create or replace temp table import_errors (_src integer, _row bigint, col varchar, "
                "value varchar, kind varchar, reason varchar)")


class _Batch:
    """Error queries gathered and run as one ``insert … union all …`` (one statement per table
    instead of several per column)."""

    def __init__(self):
        self.parts: list[str] = []
        self.params: list = []

    def run(self, con) -> None:
        if self.parts:
            con.execute("insert into import_errors " + " union all ".join(f"({p})" for p in self.parts),
                        self.params)


def _add(con, select: str, params=()) -> None:
    if isinstance(con, _Batch):
        con.parts.append(select)
        con.params.extend(params)
    else:
        con.execute(f"insert into import_errors {select}", list(params))


def import_date() -> dt.date:
    """The day of the import: no record may be dated after it (tests replace this)."""
    return dt.date.today()


def _bounds(con) -> dict:
    """The ``[import]`` rules of this connection and the import date."""
    birth, record, age, ahead = con.execute(
        "select rule_txt('import.earliest_birth_date')::date, rule_txt('import.earliest_record_date')::date, "
        "rule_num('import.min_entry_age')::integer, rule_num('import.max_years_ahead')::integer").fetchall()[0]
    future = {v for (v,) in con.execute(
        "select value from rule_lists where name = 'import.future_allowed'").fetchall()}
    today = import_date()
    try:
        latest = today.replace(year=today.year + ahead)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + ahead, day=28)
    return dict(birth=birth, record=record, age=age, ahead=ahead, future=future, today=today, latest=latest)


#: Any character a value may hold only where it is allowed, or a backslash (a possible escape).
_SUSPECT = r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\\]"
#: The escapes ``_report.visible`` writes (``\x1b``, ``\u200b``), copied back into a file.
_ESCAPED = r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})"


def _check_cell_text(con, table: str, c: Column) -> str:
    """Length, control and invisible characters, escapes. Text is checked where ``stage``
    flagged the row; a parsed value only where it did not parse (a tab that still reads as a
    date is gone with the parsing). Returns the condition under which a cell is not refused for
    its characters or length (its type is then checked)."""
    stg, r, v = f"stg_{table}", _q(c.name + "__raw"), _q(c.name)
    value = f"qm_mask({r})" if c.type == "id_number" else r
    ml = bool(c.multiline)
    _add(con, f"select _src, _row, ?, left({value}, 40) || '…', '单元格过长', ? || length({r}) || ? "
              f"from {stg} where length({r}) > ?",
         [c.name, f"「{c.zh}」有 ", f" 个字符，超过单元格上限 {MAX_CELL_CHARS}（Excel 一个单元格的上限）", MAX_CELL_CHARS])
    if c.type == "text":
        where = "_suspect"
    elif c.type == "id_number":
        where = f"{v} is not null and qm_id_problem({v}) is not null"
    else:
        where = f"{r} <> '' and {v} is null"
    _add(con, f"select _src, _row, ?, {value}, '含控制字符', '「' || ? || '」含 ' || qm_char_name(qm_bad_char({r}, ?)) "
              f"|| '：文本中不能有控制字符或不可见字符，请删除' from {stg} where {where} and qm_bad_char({r}, ?) is not null",
         [c.name, c.zh, ml, ml])
    if c.type == "text":
        _add(con, f"select _src, _row, ?, {r}, '含控制字符', ? || regexp_extract({r}, ?) || ? "
                  f"from {stg} where _suspect and regexp_matches({r}, ?)",
             [c.name, f"「{c.zh}」含转义写法「", _ESCAPED, "」（错误清单显示控制字符的形式）：请改为正确的文字",
              _ESCAPED])
    return f"length({r}) <= {int(MAX_CELL_CHARS)} and qm_bad_char({r}, false) is null"


def _check_dates(con, table: str, c: Column, b: dict) -> None:
    stg, r, v = f"stg_{table}", _q(c.name + "__raw"), _q(c.name)
    name = f"{table}.{c.name}"
    key, lower = ("earliest_birth_date", b["birth"]) if name == "persons.birth_date" else \
        ("earliest_record_date", b["record"])
    _add(con, f"select _src, _row, ?, {r}, '日期超出范围', ? from {stg} where {v} < ?",
         [c.name, f"「{c.zh}」不应早于 {lower}（规则 import.{key}）", lower])
    if name in b["future"]:
        upper, why = b["latest"], f"「{c.zh}」不应晚于 {b['latest']}（导入日期后 {b['ahead']} 年，规则 import.max_years_ahead）"
    else:
        upper, why = b["today"], f"「{c.zh}」不应晚于导入日期 {b['today']}"
    _add(con, f"select _src, _row, ?, {r}, '日期超出范围', ? from {stg} where {v} > ?", [c.name, why, upper])


def _check_years(con, table: str, b: dict) -> None:
    """Assessment years not after the import's year (a quarter not after its quarter), 职数 years
    not more than ``max_years_ahead`` ahead, none before the earliest record year."""
    stg, first = f"stg_{table}", b["record"].year
    last = b["today"].year + (b["ahead"] if table == "quotas" else 0)
    _add(con, f"select _src, _row, 'year', year__raw, '数值超出范围', ? from {stg} where year not between ? and ?",
         [f"「年度」应在 {first}–{last} 之间" + ("" if table == "quotas" else "（不晚于导入年份）"), first, last])
    if table == "regular_assessments":
        quarter = (b["today"].month - 1) // 3 + 1
        _add(con, f"select _src, _row, 'quarter', quarter__raw, '数值超出范围', ? from {stg} "
                  "where year = ? and quarter > ?",
             [f"{b['today'].year} 年第 {quarter} 季度之后的平时考核不应已有结果（导入日期 {b['today']}）",
              b["today"].year, quarter])


def check_columns(con, table: str) -> None:
    """Characters and length, required values, readable values, allowed values, plausible dates
    and years, identity numbers."""
    stg = f"stg_{table}"
    b = _bounds(con)
    batch = _Batch()  # run as one statement
    for c in TABLES[table].columns:
        r, v = _q(c.name + "__raw"), _q(c.name)
        value = f"qm_mask({r})" if c.type == "id_number" else r
        clean = _check_cell_text(batch, table, c)
        if c.required:
            _add(batch, f"select _src, _row, ?, null, '必填项为空', ? from {stg} where {r} = ''",
                 [c.name, f"必填项「{c.zh}」为空"])
        if c.type == "enum":
            _add(batch, f"select _src, _row, ?, {r}, '不在允许值中', ? from {stg} "
                        f"where {r} <> '' and {v} is null and {clean}",
                 [c.name, f"「{c.zh}」只能是：{'、'.join(c.vocab)}"])
        elif c.type in _UNREADABLE:
            kind, reason = _UNREADABLE[c.type]
            _add(batch, f"select _src, _row, ?, {r}, ?, ? from {stg} where {r} <> '' and {v} is null and {clean}",
                 [c.name, kind, f"「{c.zh}」{reason}"])
        if c.type == "date":
            _check_dates(batch, table, c, b)
        if c.type == "id_number":
            _add(batch, f"select _src, _row, ?, {value}, '身份证号无效', qm_id_problem({v}) from {stg} "
                        f"where {v} is not null and {clean} and qm_id_problem({v}) is not null", [c.name])
    if "year" in {c.name for c in TABLES[table].columns}:
        _check_years(batch, table, b)
    for rule_table, condition, col, kind, reason in ROW_RULES:
        if rule_table == table:
            _add(batch, f"select _src, _row, ?, cast({_q(col)} as varchar), ?, ? from {stg} where {condition}",
                 [col, kind, reason])
    if table == "persons":
        _add(batch, f"select _src, _row, 'entry_date', entry_date__raw, '年龄不符', ? from {stg} "
                    "where entry_date > birth_date and entry_date < birth_date + to_years(?::integer)",
             [f"录用时未满 {b['age']} 周岁（规则 import.min_entry_age）", b["age"]])
    batch.run(con)
    if table == "persons":
        _add(con, sql.load("importer/identity"))


# the checks across rows and tables, importable from here as before (read on first use: that
# module imports this one)
_MOVED = frozenset({"NO_OVERLAP", "REPEATS_ALLOWED", "_key_match", "repeated_rows", "check_duplicates",
                    "final_views", "check_references", "check_overlaps", "check_unit_cycles"})


def __getattr__(name: str):
    if name in _MOVED:
        from . import _validate_tables

        return getattr(_validate_tables, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
