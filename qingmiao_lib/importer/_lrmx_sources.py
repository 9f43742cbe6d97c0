"""A 干部任免审批表 record as the import's raw rows (:mod:`._lrmx`): one :class:`._read.Source` per
file and table, so that every error names the file; and the unit list the 简历 lines are matched
against (:func:`units_of`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from ..contract import TABLES
from . import _lrmx_rows, _resume
from ._read import Reading, Source, _assemble

if TYPE_CHECKING:
    from ._lrmx import Record


def _source(r: Reading, file: str, sheet: str | None, table: str, rows: list[int], data: dict[str, list[str]]) -> Source:
    written = {c.name: c.zh for c in TABLES[table].columns if c.name in data}
    n = len(rows)
    cols = {k: pa.array(v, pa.string()) for k, v in data.items()}
    return Source(file, sheet, table, 0, written, _assemble(r, file, sheet, table, written, pa.array(rows, pa.int64()), cols, n))


def to_sources(r: Reading, rec: Record) -> list[Source]:
    """The record's rows as Sources: persons; posts in the unit list; grades; rewards; sanctions
    (supervision); the education history, 简历 entries and stated ranks (:mod:`._lrmx_rows`)."""
    pid = rec.person_id
    out = [_source(r, rec.file, None, "persons", [1], {"person_id": [pid], **{k: [v] for k, v in rec.person.items()}})]
    posts = [p for p in rec.posts if p.unit_id is not None]
    if posts:
        out.append(_source(r, rec.file, "简历", "posts", [p.line for p in posts], {
            "person_id": [pid] * len(posts), "unit_id": [p.unit_id for p in posts],
            "title": [p.title for p in posts], "level": [p.level for p in posts],
            "start_date": [p.start.isoformat() for p in posts],
            "end_date": [p.end.isoformat() if p.end else "" for p in posts]}))
    if rec.grades:
        out.append(_source(r, rec.file, "年度考核结果", "annual_assessments", list(range(1, len(rec.grades) + 1)), {
            "person_id": [pid] * len(rec.grades), "year": [str(y) for y, _ in rec.grades],
            "grade": [g for _, g in rec.grades]}))
    if rec.rewards:
        out.append(_source(r, rec.file, "奖惩情况", "rewards", list(range(1, len(rec.rewards) + 1)), {
            "person_id": [pid] * len(rec.rewards), "awarded_on": [d.isoformat() for d, _, _ in rec.rewards],
            "kind": [k for _, k, _ in rec.rewards], "reason": [s for _, _, s in rec.rewards]}))
    if rec.supervision:
        out.append(_source(r, rec.file, "奖惩情况", "supervision", list(range(1, len(rec.supervision) + 1)), {
            "person_id": [pid] * len(rec.supervision), "held_on": [d.isoformat() for d, _ in rec.supervision],
            "kind": [k for _, k in rec.supervision]}))
    if rec.education:
        cols = _lrmx_rows.education_rows(rec.education, rec.resume)
        out.append(_source(r, rec.file, "学历", "education_history", list(range(1, len(rec.education) + 1)),
                           {"person_id": [pid] * len(rec.education), **cols}))
    lines, cols = _lrmx_rows.resume_rows(rec.resume)
    if lines:
        out.append(_source(r, rec.file, "简历", "resume_entries", lines, {"person_id": [pid] * len(lines), **cols}))
    lines, cols, _ = _lrmx_rows.rank_rows(rec.resume)
    if lines:
        out.append(_source(r, rec.file, "简历", "ranks", lines, {"person_id": [pid] * len(lines), **cols}))
    return out


def units_of(r: Reading, database=()) -> _resume.Units:
    """The unit list 简历 lines are matched against: the units read into ``r`` (this call's
    units files and sheets) and the ``database`` rows (unit_id, name, kind) whose unit_id this
    call does not give again — the units table as it will be after the import."""
    given: list[tuple[str, str, str]] = []
    for s in r.sources:
        if s.table == "units" and s.data is not None:
            given += [(uid, name, kind) for uid, name, kind in zip(
                s.data.column("unit_id").to_pylist(), s.data.column("name").to_pylist(),
                s.data.column("kind").to_pylist(), strict=True) if uid and name]
    again = {uid for uid, _, _ in given}
    names, kinds = {}, {}
    for uid, name, kind in [*(u for u in database if u[0] not in again), *given]:
        names[name] = uid
        kinds[uid] = kind
    return _resume.Units(names, kinds)
