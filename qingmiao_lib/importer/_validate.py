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
The module is over 300 lines because every per-cell check of a table is gathered into one pass
over its rows (``_Checks``: one statement, the large macros bound once), and the checks and
their messages stay together here. The checks across rows and tables (duplicates, references,
overlaps, unit cycles) are :mod:`._validate_tables`; their names are importable from here too.
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


class _Checks:
    """The cell checks of one staged table, run as one pass over ``stg_<table>``: each check is a
    ``case when <problem> then struct_pack(col, value, kind, reason) end``, the cases of a row
    are one list, and its non-null entries become rows of ``import_errors``. Rows with no problem
    at all (nearly every row) are passed over before any list is built.

    Why not one select per check, in a ``union all``: DuckDB spends far longer *binding* such a
    statement than reading a small table, above all expanding the character macros
    (``qm_char_name(qm_bad_char(…))`` expands ``qm_bad_char`` in every branch of the name), and that
    was most of the time of a small import. Here a macro that several checks of a column use is
    a ``derive``-d column, bound and computed once."""

    def __init__(self, table: str):
        self.table = table
        self.cases: list[str] = []
        self.params: list = []
        self.derived: list[str] = []
        self.derived_params: list = []
        self.wheres: list[str] = []
        self.where_params: list = []

    def derive(self, name: str, expr: str, params=()) -> str:
        """A value of each row computed once, for the checks to use by the returned name."""
        self.derived.append(f"{expr} as {_q(name)}")
        self.derived_params += params
        return _q(name)

    def add(self, where: str, where_params=(), *, col: str, value: str, kind: str, reason: str = "",
            reason_sql: str = "", reason_params=()) -> None:
        """A problem of ``col`` in the rows where ``where`` holds. ``value`` is an SQL expression;
        ``col``, ``kind`` and ``reason`` are bound, or the reason is ``reason_sql`` with its own
        parameters."""
        self.cases.append(f"case when {where} then struct_pack(col := ?::varchar, value := ({value})::varchar, "
                          f"kind := ?::varchar, reason := ({reason_sql or '?'})::varchar) end")
        self.params += [*where_params, col, kind, *(reason_params if reason_sql else [reason])]
        self.wheres.append(f"({where})")
        self.where_params += where_params

    def run(self, con) -> None:
        if self.cases:
            derived = "".join(f", {d}" for d in self.derived)
            con.execute("insert into import_errors select _src, _row, e.col, e.value, e.kind, e.reason "
                        f"from (select _src, _row, unnest([{', '.join(self.cases)}]) as e "
                        f"from (select *{derived} from stg_{self.table}) where {' or '.join(self.wheres)}) "
                        "where e is not null",
                        [*self.params, *self.derived_params, *self.where_params])  # in the order of the text


def _add(con, select: str, params=()) -> None:
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


def _check_cell_text(checks: _Checks, c: Column) -> str:
    """Length, control and invisible characters, escapes. Text is checked where ``stage``
    flagged the row; a parsed value only where it did not parse (a tab that still reads as a
    date is gone with the parsing). Returns the condition under which a cell is not refused for
    its characters or length (its type is then checked)."""
    r, v = _q(c.name + "__raw"), _q(c.name)
    value = f"qm_mask({r})" if c.type == "id_number" else r
    ml = bool(c.multiline)
    checks.add(f"length({r}) > ?", [MAX_CELL_CHARS], col=c.name, value=f"left({value}, 40) || '…'",
               kind="单元格过长", reason_sql=f"? || length({r}) || ?",
               reason_params=[f"「{c.zh}」有 ", f" 个字符，超过单元格上限 {MAX_CELL_CHARS}（Excel 一个单元格的上限）"])
    if c.type == "text":
        where = "_suspect"
    elif c.type == "id_number":
        where = f"{v} is not null and qm_id_problem({v}) is not null"
    else:
        where = f"{r} <> '' and {v} is null"
    bad = checks.derive(c.name + "__bad", f"case when {where} then qm_bad_char({r}, ?) end", [ml])
    checks.add(f"{bad} is not null", col=c.name, value=value, kind="含控制字符",
               reason_sql=f"'「' || ? || '」含 ' || qm_char_name({bad}) || '：文本中不能有控制字符或不可见字符，请删除'",
               reason_params=[c.zh])
    if c.type == "text":
        checks.add(f"_suspect and regexp_matches({r}, ?)", [_ESCAPED], col=c.name, value=r, kind="含控制字符",
                   reason_sql=f"? || regexp_extract({r}, ?) || ?",
                   reason_params=[f"「{c.zh}」含转义写法「", _ESCAPED, "」（错误清单显示控制字符的形式）：请改为正确的文字"])
    # the type checks below look only at rows where ``where`` holds, so ``bad`` is the character
    # they need to know of (unless the column allows line breaks, which a typed value may not hold)
    bad_char = f"qm_bad_char({r}, false)" if ml else bad
    return f"length({r}) <= {int(MAX_CELL_CHARS)} and {bad_char} is null"


def _check_dates(checks: _Checks, c: Column, b: dict) -> None:
    r, v = _q(c.name + "__raw"), _q(c.name)
    name = f"{checks.table}.{c.name}"
    key, lower = ("earliest_birth_date", b["birth"]) if name == "persons.birth_date" else \
        ("earliest_record_date", b["record"])
    checks.add(f"{v} < ?", [lower], col=c.name, value=r, kind="日期超出范围",
               reason=f"「{c.zh}」不应早于 {lower}（规则 import.{key}）")
    if name in b["future"]:
        upper, why = b["latest"], f"「{c.zh}」不应晚于 {b['latest']}（导入日期后 {b['ahead']} 年，规则 import.max_years_ahead）"
    else:
        upper, why = b["today"], f"「{c.zh}」不应晚于导入日期 {b['today']}"
    checks.add(f"{v} > ?", [upper], col=c.name, value=r, kind="日期超出范围", reason=why)


def _check_years(checks: _Checks, b: dict) -> None:
    """Assessment years not after the import's year (a quarter not after its quarter), 职数 years
    not more than ``max_years_ahead`` ahead, none before the earliest record year."""
    table, first = checks.table, b["record"].year
    last = b["today"].year + (b["ahead"] if table == "quotas" else 0)
    checks.add("year not between ? and ?", [first, last], col="year", value="year__raw", kind="数值超出范围",
               reason=f"「年度」应在 {first}–{last} 之间" + ("" if table == "quotas" else "（不晚于导入年份）"))
    if table == "regular_assessments":
        quarter = (b["today"].month - 1) // 3 + 1
        checks.add("year = ? and quarter > ?", [b["today"].year, quarter], col="quarter", value="quarter__raw",
                   kind="数值超出范围",
                   reason=f"{b['today'].year} 年第 {quarter} 季度之后的平时考核不应已有结果（导入日期 {b['today']}）")


def check_columns(con, table: str) -> None:
    """Characters and length, required values, readable values, allowed values, plausible dates
    and years, identity numbers."""
    b = _bounds(con)
    checks = _Checks(table)  # run as one pass over stg_<table>
    for c in TABLES[table].columns:
        r, v = _q(c.name + "__raw"), _q(c.name)
        value = f"qm_mask({r})" if c.type == "id_number" else r
        clean = _check_cell_text(checks, c)
        if c.required:
            checks.add(f"{r} = ''", col=c.name, value="null", kind="必填项为空", reason=f"必填项「{c.zh}」为空")
        if c.type == "enum":
            checks.add(f"{r} <> '' and {v} is null and {clean}", col=c.name, value=r, kind="不在允许值中",
                       reason=f"「{c.zh}」只能是：{'、'.join(c.vocab)}")
        elif c.type in _UNREADABLE:
            kind, reason = _UNREADABLE[c.type]
            checks.add(f"{r} <> '' and {v} is null and {clean}", col=c.name, value=r, kind=kind,
                       reason=f"「{c.zh}」{reason}")
        if c.type == "date":
            _check_dates(checks, c, b)
        if c.type == "id_number":
            problem = checks.derive(c.name + "__problem", f"qm_id_problem({v})")
            checks.add(f"{v} is not null and {clean} and {problem} is not null", col=c.name, value=value,
                       kind="身份证号无效", reason_sql=problem)
    if "year" in {c.name for c in TABLES[table].columns}:
        _check_years(checks, b)
    for rule_table, condition, col, kind, reason in ROW_RULES:
        if rule_table == table:
            checks.add(condition, col=col, value=_q(col), kind=kind, reason=reason)
    if table == "persons":
        checks.add("entry_date > birth_date and entry_date < birth_date + to_years(?::integer)", [b["age"]],
                   col="entry_date", value="entry_date__raw", kind="年龄不符",
                   reason=f"录用时未满 {b['age']} 周岁（规则 import.min_entry_age）")
    checks.run(con)
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
