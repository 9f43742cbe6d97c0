"""Rosters (花名册: one row per person, domain/cadre-formats.md §3) → persons, posts and ranks.

Columns (``rules/roster.toml`` gives their spellings):

- **persons**: every persons column of the contract the roster has. 人员编号 is the department's
  key where the roster has one; otherwise (or where its cell is empty) the row is matched with the
  known persons (the database's and this import's) by 姓名 + 出生年月 (year and month) + 性别 (when
  written): one → that person; several → an error (人员无法确定); none → a new person with a
  surrogate key ``HM000001``, numbered after the largest known (``sql/importer/roster_keys.sql``).
  Two unkeyed rows of one name, birth month and gender that match nobody are an error (人员重复).
  A column the roster does not have keeps the database's value for a person already there (a
  roster without 进入方式 does not erase it); a new person needs every required column.
  学历 words of 干部任免审批表 (大学, 研究生 …) read as in those files; with only 全日制学历, it is
  the 学历 and 是否全日制 is 是. A 入党时间 without a 政治面貌 column makes the person 中共党员.
  毕业院校及专业 is not read (the education history replaces a person's whole history: a
  roster's one school would erase the rest) and is reported as an ignored column.
- **posts** (the current post): 现任职务 with 任现职时间, in the unit of the 单位 (or 单位代码)
  column — a unit name is resolved as ``_people.unit_ids`` says — or, without one, the unit whose
  name the 现任职务 text starts with. The unit's name is taken off the title; the 职务层次 is the
  column's, else the highest of the titles' in the title lexicon (``rules/titles.toml``); an
  unknown title is an error (未知职务), never a guess. No 任现职时间 column: no posts (a warning).
- **ranks** (the current rank): 现职级 with 任现职级时间; 变动原因 as ``roster_ranks.sql`` says.
- A current post or rank succeeds the database's open one of the same person that started
  earlier: that row ends when the roster's starts (``roster_closed.sql``; counted in a warning).

The module is over 300 lines: the steps of one roster sheet (keys, persons, posts, ranks, the
rows they close) share that sheet's state and run in order in :func:`read`; a split would cut
that one pass in two for a dozen lines.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from .. import sql
from ..contract import TABLES, VOCABS
from ..frames import fetch
from . import _people
from ._report import visible

_KEYS_WRITTEN = ("person_id", "name", "gender", "birth_date")


def _text(c) -> str:
    """SQL: the database's value of persons column ``c`` as an import cell (text)."""
    col = f'p."{c.name}"'
    assert c.name.replace("_", "").isalnum()
    if c.type == "date":
        return f"coalesce(strftime({col}, '%Y-%m-%d'), '')"
    if c.type == "bool":
        return f"coalesce(case when {col} then '是' when not {col} then '否' end, '')"
    return f"coalesce(cast({col} as varchar), '')"


def _keys(con, rosters, headers) -> list[pa.Table]:
    """Per roster: (_row, person_id, how, n, first_sheet, first_row), in row order."""
    parts = []
    for k, s in enumerate(rosters):
        parts.append(pa.table({"_sheet": pa.array([k] * len(s.rows), pa.int32()), "_row": pa.array(s.rows, pa.int64()),
                               **{("key" if f == "person_id" else "birth" if f == "birth_date" else f):
                                  pa.array(_people.cells(s, "persons", f), pa.string()) for f in _KEYS_WRITTEN}}))
    con.register("_ros", pa.concat_tables(parts))
    got = fetch(con, sql.load("importer/roster_keys") + " order by _sheet, _row", {"prefix": headers.key_prefix})
    con.unregister("_ros")
    return [got.filter(pc.equal(got["_sheet"], k)) for k in range(len(rosters))]


def _key_errors(reading, s, keys: pa.Table, rosters) -> pa.Array:
    """The errors of unresolved rows; returns the mask of the rows that are resolved."""
    how = keys["how"]
    ok = pc.is_in(how, pa.array(["key", "matched", "new"]))
    header = s.layout.written.get(("persons", "name"), "姓名")
    names = _people.cells(s, "persons", "name")
    for i in pc.indices_nonzero(pc.invert(ok)).to_pylist():
        row = keys.slice(i, 1).to_pylist()[0]
        if row["how"] == "ambiguous":
            reading.error(s.file, s.sheet, "人员无法确定",
                          f"已有 {row['n']} 人与此行的姓名、出生年月和性别相同，无法确定是哪一位：请加「人员编号」列区分",
                          row=row["_row"], column=header, value=visible(names[i]))
        else:
            first = rosters[row["first_sheet"]]
            where = "" if first is s else f"{first.sheet or first.file}「"
            reading.error(s.file, s.sheet, "人员重复",
                          f"与{where}第 {row['first_row']} 行的姓名、出生年月和性别相同，且都没有人员编号：无法区分是否同一人",
                          row=row["_row"], column=header, value=visible(names[i]))
    return ok


def _education(cells_: list[str], degrees: list[str]) -> pa.Array:
    """学历 as the contract spells it: a word of 干部任免审批表 (大学, 研究生 + degree …) mapped."""
    from ._lrmx import education

    arr = pa.array(cells_, pa.string())
    pairs = pc.binary_join_element_wise(arr, pa.array(degrees, pa.string()), "\x00")
    distinct = pc.unique(pairs).to_pylist()
    vocab = set(VOCABS["education"])
    mapped = []
    for p in distinct:
        word, degree = p.split("\x00", 1)
        mapped.append(word if word in vocab or not word else (education(word, degree, "") or word))
    return pc.take(pa.array(mapped, pa.string()), pc.index_in(pairs, pa.array(distinct, pa.string())))


def _persons(con, reading, s, keys: pa.Table, ok: pa.Array) -> pa.Table:
    """The persons rows (resolved only): the roster's columns, the database's for the others."""
    t = TABLES["persons"]
    have = {f for g, f in s.data if g == "persons"}
    if "education" not in have and "ft_education" in have:
        s.data[("persons", "education")] = s.data[("persons", "ft_education")]
        s.layout.written[("persons", "education")] = s.layout.written[("persons", "ft_education")]
        if "full_time_education" not in have:
            s.data[("persons", "full_time_education")] = ["是" if v else "" for v in s.data[("persons", "education")]]
        have = {f for g, f in s.data if g == "persons"}
    rows = pc.filter(pa.array(s.rows, pa.int64()), ok)
    ids = pc.filter(keys["person_id"], ok)
    absent = [c for c in t.stored_columns if c.name not in have and c.name != "person_id"]
    cols: dict[str, pa.Array] = {"person_id": ids}
    if absent:
        con.register("_ids", pa.table({"_row": rows, "person_id": ids}))
        db = fetch(con, "select " + ", ".join(f'{_text(c)} as "{c.name}"' for c in absent)
                   + " from _ids as r left join main.persons as p using (person_id) order by r._row", {})
        con.unregister("_ids")
        cols |= {c.name: db[c.name].combine_chunks() for c in absent}
    for c in t.columns:
        if c.name in have and c.name != "person_id":
            cols[c.name] = pc.filter(pa.array(s.data[("persons", c.name)], pa.string()), ok)
    if "birth_date" in have:
        cols["birth_date"] = _keep_birth_day(con, rows, ids, cols["birth_date"])
    if "party_join_date" in have and "political_status" not in have:
        # a 入党时间 makes a party member (as in 干部任免审批表 files); otherwise the database's 政治面貌
        cols["political_status"] = pc.if_else(pc.not_equal(cols["party_join_date"], ""), "中共党员",
                                              cols["political_status"])
    if "education" in have:
        cols["education"] = _education(cols["education"].to_pylist(),
                                       cols["degree"].to_pylist() if "degree" in cols else [""] * len(rows))
    return pa.table({"_row": rows, **cols})


_MONTH_ONLY = re.compile(r"^\s*(\d{4})\s*[年.\-/]?\s*(\d{1,2})\s*月?\s*$")


def _keep_birth_day(con, rows: pa.Array, ids: pa.Array, births: pa.Array) -> pa.Array:
    """A roster's 出生年月 gives the month only ("1992年8月", "1992.08", "199208"): where the
    database already holds a birth date in that month (from an identity number or an LRMX file),
    it is kept — the roster must not move a person's birthday to the 1st (ages and retirement
    dates follow it)."""
    con.register("_ids", pa.table({"_row": rows, "person_id": ids}))
    stored = fetch(con, "select coalesce(strftime(p.birth_date, '%Y-%m-%d'), '') as b "
                        "from _ids as r left join main.persons as p using (person_id) order by r._row",
                   {})["b"].to_pylist()
    con.unregister("_ids")
    out = []
    for given, have in zip(births.to_pylist(), stored, strict=True):
        m = _MONTH_ONLY.match(given or "")
        same = m and have and have[:7] == f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
        out.append(have if same else given)
    return pa.array(out, pa.string())


def _titles(reading, s, units, lexicon, unit_col: list, titles: list[str], mask: list[bool]):
    """(unit ids, titles without the unit's name, levels) of the current posts; errors for
    unknown titles; None in a row whose post cannot be read."""
    from ._resume import UnknownTitle, _title_of

    by_kind: dict = {}
    memo: dict[tuple, tuple] = {}
    out_u, out_t, out_l = [], [], []
    header = s.layout.written[("posts", "title")]
    for i, (uid, title) in enumerate(zip(unit_col, titles, strict=True)):
        if not mask[i] or uid is None:
            out_u.append(None), out_t.append(None), out_l.append(None)
            continue
        key = (uid, title)
        if key not in memo:
            name = _people._norm(units.names.get(uid, ""))
            text = _people._norm(title)
            text = text[len(name):] if name and text.startswith(name) and len(text) > len(name) else text
            kind = units.kinds.get(uid)
            if kind not in by_kind:
                table = lexicon.table(kind)
                by_kind[kind] = (table, sorted(table, key=len, reverse=True))
            table, order = by_kind[kind]
            try:
                levels = [_title_of(seg, table, order, 0, inside_unit=True)[2] for seg in text.split("、") if seg]
                memo[key] = (text, max(levels, key=VOCABS["post_level"].index) if levels else None, None)
            except UnknownTitle as e:
                memo[key] = (text, None, e.title)
        text, level, unknown = memo[key]
        if unknown is not None:
            reading.error(s.file, s.sheet, "未知职务", f"职务「{visible(unknown)}」不在职务层次词表中：请加「职务层次」列，"
                          "或在本地的职务词表（titles.toml 格式）中加上它的职务层次", row=s.rows[i], column=header,
                          value=visible(title))
        out_u.append(uid if level else None), out_t.append(text), out_l.append(level)
    return out_u, out_t, out_l


def _posts(con, reading, s, units, lexicon, persons: pa.Table, ok) -> tuple[pa.Table | None, dict]:
    have = {f for g, f in s.data if g == "posts"}
    if "title" not in have:
        return None, {}
    if "start_date" not in have:
        reading.warn(s.file, s.sheet, f"花名册没有「任现职时间」列，「{s.layout.written[('posts', 'title')]}」未导入职务表")
        return None, {}
    okl = ok.to_pylist()
    titles = _people.cells(s, "posts", "title")
    mask = [o and bool(t) for o, t in zip(okl, titles, strict=True)]
    if "unit_id" in have:
        unit_col = [u or None for u in _people.cells(s, "posts", "unit_id")]
    elif "unit_name" in have:
        written = [u if m else "" for u, m in zip(_people.cells(s, "posts", "unit_name"), mask, strict=True)]
        unit_col = _people.unit_ids(reading, units, s, ("posts", "unit_name"), written)
    else:
        from ._resume import Units
        match = Units({n: u for u, n in units.names.items()}, units.kinds).match
        unit_col = [(match(t) or (None,))[0] if m else None for t, m in zip(titles, mask, strict=True)]
        for i in [i for i, (u, m) in enumerate(zip(unit_col, mask, strict=True)) if m and u is None]:
            reading.error(s.file, s.sheet, "单位不存在", "现任职务中没有单位表中的单位名称：请加「单位」列",
                          row=s.rows[i], column=s.layout.written[("posts", "title")], value=visible(titles[i]))
    if "level" in have:
        levels = _people.cells(s, "posts", "level")
        units_, texts = unit_col, titles
    else:
        units_, texts, levels = _titles(reading, s, units, lexicon, unit_col, titles, mask)
    keep = [m and u is not None for m, u in zip(mask, units_, strict=True)]
    idx = [i for i, k in enumerate(keep) if k]
    starts = _people.cells(s, "posts", "start_date")
    pids = _take(persons, "person_id", pa.array([s.rows[i] for i in idx], pa.int64())).to_pylist()
    data = {"_row": [s.rows[i] for i in idx], "person_id": pids,
            "unit_id": [units_[i] for i in idx], "title": [texts[i] for i in idx],
            "level": [levels[i] for i in idx], "start_date": [starts[i] for i in idx], "end_date": [""] * len(idx)}
    written = {"unit_id": s.layout.written.get(("posts", "unit_name"), s.layout.written.get(("posts", "unit_id"), "单位")),
               **{f: s.layout.written[("posts", f)] for f in ("title", "level", "start_date") if ("posts", f) in s.layout.written}}
    return pa.table({k: pa.array(v, pa.int64() if k == "_row" else pa.string()) for k, v in data.items()}), written


def _take(persons: pa.Table, column: str, rows: pa.Array) -> pa.Array:
    """``persons[column]`` for each of ``rows`` (roster rows of resolved persons)."""
    return pc.take(persons[column], pc.index_in(rows, persons["_row"]))


def _ranks(con, reading, s, persons: pa.Table, ok, headers) -> tuple[pa.Table | None, dict]:
    have = {f for g, f in s.data if g == "ranks"}
    if "rank" not in have:
        return None, {}
    if "start_date" not in have:
        reading.warn(s.file, s.sheet, f"花名册没有「任现职级时间」列，「{s.layout.written[('ranks', 'rank')]}」未导入职级表")
        return None, {}

    def col(f):
        return pc.filter(pa.array(_people.cells(s, "ranks", f), pa.string()), sel)
    sel = pc.and_(ok, pc.not_equal(pa.array(_people.cells(s, "ranks", "rank"), pa.string()), ""))
    rows = pc.filter(pa.array(s.rows, pa.int64()), sel)
    rr = pa.table({"_sheet": pa.array([0] * len(rows), pa.int32()), "_row": rows, "person_id": _take(persons, "person_id", rows), "rank": col("rank"),
                   "start": col("start_date"), "reason": col("reason"), "entry": _take(persons, "entry_date", rows)})
    con.register("_rr", rr)
    got = fetch(con, sql.load("importer/roster_ranks") + " order by _row",
                {"ladder": list(VOCABS["rank_name"]), "within": headers.first_rank_within_months})
    con.unregister("_rr")
    presumed = [(h, pc.sum(pc.equal(got["how"], h)).as_py() or 0) for h in ("定级", "晋升")]
    if any(n for _, n in presumed):
        reading.warn(s.file, s.sheet, "花名册没有职级变动原因、数据库中也没有此前职级的，按任现职级时间距录用时间推定："
                     + "；".join(f"{h} {n} 条" for h, n in presumed if n) + "（请核对，或加「变动原因」列）")
    data = pa.table({"_row": rows, "person_id": rr["person_id"], "rank": rr["rank"], "start_date": rr["start"],
                     "end_date": pa.array([""] * len(rows), pa.string()), "reason": got["reason"]})
    written = {f: s.layout.written[("ranks", f)] for f in ("rank", "start_date", "reason") if ("ranks", f) in s.layout.written}
    return data, written


def _closed(con, reading, s, posts: pa.Table | None, ranks: pa.Table | None) -> list:
    """Sources of the database's open posts and ranks the roster's current ones succeed."""
    empty = pa.table({k: pa.array([], pa.int64() if k == "_row" else pa.string())
                      for k in ("_row", "person_id", "unit_id", "start_date")})
    rp = posts.select(["_row", "person_id", "unit_id", "start_date"]) if posts is not None else empty
    rr = ranks.select(["_row", "person_id", "start_date"]) if ranks is not None else empty.drop_columns(["unit_id"])
    con.register("_rp", rp.rename_columns(["_row", "person_id", "unit_id", "start"]).append_column(
        "_sheet", pa.array([0] * rp.num_rows, pa.int32())))
    con.register("_rr", rr.rename_columns(["_row", "person_id", "start"]).append_column(
        "_sheet", pa.array([0] * rr.num_rows, pa.int32())))
    got = fetch(con, sql.load("importer/roster_closed") + " order by tbl, _row", {})
    con.unregister("_rp")
    con.unregister("_rr")
    out = []
    for table, cols in (("posts", ("person_id", "unit_id", "title", "level", "start_date", "end_date")),
                        ("ranks", ("person_id", "rank", "start_date", "end_date", "reason"))):
        part = got.filter(pc.equal(got["tbl"], table))
        if part.num_rows:
            what = {"posts": "职务", "ranks": "职级"}[table]
            reading.warn(s.file, s.sheet, f"数据库中 {part.num_rows} 条现任{what}记录由花名册的现任{what}接替，"
                         f"以花名册的任现{what}时间结束")
            out.append(_people.source(reading, s, table, {"end_date": s.layout.written.get((table, "start_date"), "")},
                                      part["_row"].to_pylist(), {c: part[c].combine_chunks() for c in cols}))
    return out


def read(con, reading, rosters, *, units, headers, lexicon) -> None:
    """Every roster into ``reading.sources`` (see the module docstring); errors into ``reading``."""
    keys = _keys(con, rosters, headers)
    for s, k in zip(rosters, keys, strict=True):
        ok = _key_errors(reading, s, k, rosters)
        persons = _persons(con, reading, s, k, ok)
        written = {c: s.layout.written[("persons", c)] for g, c in s.layout.written if g == "persons"}
        reading.sources.append(_people.source(reading, s, "persons", written, persons["_row"].to_pylist(),
                                              {c: persons[c] for c in persons.column_names if c != "_row"}))
        posts, posts_written = _posts(con, reading, s, units, lexicon, persons, ok)
        ranks, ranks_written = _ranks(con, reading, s, persons, ok, headers)
        for table, data, w in (("posts", posts, posts_written), ("ranks", ranks, ranks_written)):
            if data is not None and data.num_rows:
                reading.sources.append(_people.source(reading, s, table, w, data["_row"].to_pylist(),
                                                      {c: data[c] for c in data.column_names if c != "_row"}))
        reading.sources += _closed(con, reading, s, posts, ranks)
        how = k["how"]
        n = {h: pc.sum(pc.equal(how, h)).as_py() or 0 for h in ("key", "matched", "new")}
        reading.warn(s.file, s.sheet, f"花名册 {len(s.rows)} 人：按人员编号 {n['key']} 人，按姓名、出生年月和性别"
                     f"与已有人员对应 {n['matched']} 人，新增 {n['new']} 人（人员编号以 {headers.key_prefix} 开头）")
