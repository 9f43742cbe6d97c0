"""Validation across rows and tables (:mod:`._validate` checks each cell): repeated natural keys,
the ``fin_<table>`` views of every table as it would be after the import, references to rows that
would not exist, overlapping 职级/职务 intervals of one person and cycles of 上级单位. Each problem is
a row of ``import_errors``; identifiers come from the contract, values are bound.
"""

from __future__ import annotations

from ..contract import TABLES, references
from ._validate import _add, _q

#: Tables whose valid-time intervals may not overlap for one person.
NO_OVERLAP = {"ranks": "职级", "posts": "职务"}


def _key_match(key, a: str, b: str) -> str:
    return " and ".join(f"{a}.{_q(k)} is not distinct from {b}.{_q(k)}" for k in key)


#: Tables where rows repeating a natural key are kept (a warning, not an error): trainings have
#: no key in the schema, and the same course may appear twice for one person.
REPEATS_ALLOWED = ("trainings",)


def repeated_rows(con, table: str) -> int:
    """Rows of ``table`` repeating another row's natural key in the files."""
    key = ", ".join(_q(k) for k in TABLES[table].key)
    return con.execute(f"select count(*) - count(distinct ({key})) from stg_{table}").fetchall()[0][0]


def check_duplicates(con, table: str) -> None:
    t = TABLES[table]
    if table in REPEATS_ALLOWED:
        return
    key = ", ".join(_q(k) for k in t.key)
    present = " and ".join(f"{_q(k)} is not null" for k in t.key if t.column(k).required)
    names = "+".join(t.column(k).zh for k in t.key)
    _add(con, f"""
        select d._src, d._row, null, null, '重复记录',
               '与' || s.label || ' 第 ' || d.first_row || ' 行重复（' || ? || ' 相同）'
        from (select _src, _row, first_value(_src) over w as first_src, first_value(_row) over w as first_row,
                     row_number() over w as k
              from stg_{table} where {present}
              window w as (partition by {key} order by _src, _row)) as d
        join import_sources as s on s._src = d.first_src
        where d.k > 1""", [names])


def final_views(con, staged: set[str], replace: bool) -> None:
    """``fin_<table>``: the table as it would be after the import (imported rows with their
    ``_src``/``_row``, database rows kept with ``_src`` = -1)."""
    for name, t in TABLES.items():
        cols = ", ".join(_q(c.name) for c in t.stored_columns)
        db_rows = f"select -1 as _src, null::bigint as _row, {cols} from main.{name}"
        if name not in staged:
            body = db_rows
        elif replace:
            body = f"select _src, _row, {cols} from stg_{name}"
        else:
            body = (f"select _src, _row, {cols} from stg_{name} union all {db_rows} as t "
                    f"where not exists (select 1 from stg_{name} as s where {_key_match(t.key, 's', 't')})")
        con.execute(f"create or replace temp view fin_{name} as {body}")


def check_references(con, staged: set[str], replace: bool) -> None:
    for table, col, parent, pcol in references():
        parent_replaced = replace and parent in staged
        if table not in staged and not parent_replaced:
            continue
        c, p = TABLES[table].column(col), TABLES[parent]
        where_src = "true" if parent_replaced else "s._src >= 0"
        _add(con, f"""
            select s._src, s._row, ?, s.{_q(col)}, '引用不存在',
                   case when s._src >= 0 then ? || s.{_q(col)} || ?
                        else ? || s.{_q(col)} || ? end
            from fin_{table} as s
            where s.{_q(col)} is not null and {where_src}
              and not exists (select 1 from fin_{parent} as p where p.{_q(pcol)} = s.{_q(col)})""",
             [col, f"{c.zh}「", f"」在{p.zh}表中不存在（导入文件和数据库中都没有）",
              f"数据库中已有的{TABLES[table].zh}记录引用{c.zh}「", f"」，但导入后{p.zh}表中不再有它"])


def check_overlaps(con, staged: set[str]) -> None:
    for table, zh in NO_OVERLAP.items():
        if table not in staged:
            continue
        s, e = TABLES[table].interval
        _add(con, f"""
            with w as (
                select _src, _row, {_q(s)} as s,
                       max(coalesce({_q(e)}, 'infinity'::date)) over win as prev_end,
                       arg_max(struct_pack(_src, _row, s := {_q(s)}), coalesce({_q(e)}, 'infinity'::date)) over win as prev
                from fin_{table}
                where person_id is not null and {_q(s)} is not null
                window win as (partition by person_id order by {_q(s)}, _src, _row
                               rows between unbounded preceding and 1 preceding)
            )
            select case when _src >= 0 then _src else prev._src end,
                   case when _src >= 0 then _row else prev._row end,
                   ?, cast(case when _src >= 0 then s else prev.s end as varchar), '时间重叠',
                   case when _src >= 0 and prev._src >= 0 then ? || strftime(prev.s, '%Y-%m-%d') || ?
                        else ? || strftime(case when _src >= 0 then prev.s else s end, '%Y-%m-%d') || ? end
            from w
            where prev_end > s and (_src >= 0 or prev._src >= 0)""",
             [s, "与同一人起始于 ", f" 的另一条{zh}记录时间重叠",
              "与数据库中已有的同一人起始于 ", f" 的{zh}记录时间重叠"])


def check_unit_cycles(con, staged: set[str]) -> None:
    if "units" not in staged:
        return
    parent = dict(con.execute("select unit_id, parent_id from fin_units where unit_id is not null").fetchall())
    bad = set()
    for start in parent:
        seen, u = set(), start
        while u is not None and u not in seen:
            seen.add(u)
            u = parent.get(u)
        if u is not None and u == start:
            bad.add(start)
    if bad:
        con.execute("create or replace temp table _cycle as select unnest(?::varchar[]) as unit_id", [sorted(bad)])
        _add(con, "select _src, _row, 'parent_id', parent_id, '引用错误', '上级单位形成循环（单位互为上级）' "
                  "from stg_units where unit_id in (select unit_id from _cycle)")
