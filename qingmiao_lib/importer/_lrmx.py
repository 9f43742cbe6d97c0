"""干部任免审批表 3.0 files (.lrmx; domain/cadre-formats.md §1) → the import contract's tables as
raw text rows, in the shape ``_read`` gives a CSV or a sheet (:class:`_read.Source`, one per file
and table, so every error names the file): ``persons``, ``posts`` (from the 简历, rows numbered by
简历 line, sheet 「简历」), ``annual_assessments`` (「年度考核结果」) and ``rewards`` (「奖惩情况」).
The SQL validator then checks them like any other file. ``import_paths`` reads them once the
database is open: the unit list is this call's units plus the database's (:func:`units_of`), the
known persons are the database's (:func:`assign_keys`).

Per file:

- **Encoding**: the XML declaration is honoured (UTF-8 without one; GB2312/GBK/CP936 read as
  GB18030, UTF-16 by its BOM). A document type or entity declaration is refused (no entity
  expansion, no external entity is ever read). The root element must be ``Person``.
- **Never read**: ``ZhaoPian`` (photo) and ``JiaTingChengYuan`` (family members) are skipped
  unread; ``ShenFenZheng`` (identity number) is checked and dropped — no part of it reaches the
  output, a warning or an error message (errors say what disagrees, never the number).
- **persons**: 姓名 (required), 性别, 出生年月, 民族, 入党时间 (a date → 政治面貌 中共党员; another
  word such as 民盟 → 政治面貌, no date), 参加工作时间. The birth day comes from a valid identity
  number (GB 11643 checksum) whose birth year and month agree with 出生年月; without a number the
  1st of the month. A number with a bad checksum or form, another birth month or the other gender
  is an error naming the file. 学历 = the higher of 全日制 and 在职 (大学 = 本科; 研究生 with a 博士
  degree = 博士研究生, otherwise 硕士研究生; 中央党校/省委党校 prefixes read as the level after them);
  学位 and 是否全日制 follow the one chosen (全日制 on a tie).
- **entry_date (录用时间)** — LRMX files do not state it. The rule: the start of the first 简历 post
  marked ``（试用期）`` (probation starts on recruitment); failing that, the start of the first post
  in an organisation of the unit list; failing both, an error naming the file. A person already in
  the database keeps the 录用时间 recorded there (see :func:`assign_keys`).
- **posts**: see :mod:`._resume`. Posts whose organisation is not in the unit list are not
  posts rows (posts need a unit); they are kept in ``resume_entries`` with their organisation text,
  title and level, and counted in a warning.
- **education history, 简历 entries, stated ranks, sanctions** (``education_history``,
  ``resume_entries``, ``ranks``, ``supervision``): see :mod:`._lrmx_rows`. 籍贯, 出生地 and
  专业技术职务 are persons columns.
- **annual grades**: ``2021年度考核称职；2022年度考核优秀``, ``2019—2021年度考核均为称职`` (three
  years), ``2020年度、2021年度…``; text with a year or a grade that no clause explains is an error.
- **rewards**: 一等功/二等功/三等功/嘉奖, each dated by the year and month written before it in its
  sentence (``2023年2月被县委、县政府记三等功一次。``); a year without a month is an error. A dated
  honour (被评为…, 荣获…, 表彰) is kind 其他; sanctions (处分, 诫勉 …) are not rewards: they become
  ``supervision`` rows (:func:`._lrmx_rows.sanction`). ``无`` = none.

**Person keys**: :mod:`._lrmx_keys` (never an identity number). The file's text and values are read
by :mod:`._lrmx_text`, the files and zips by :mod:`._lrmx_files`, the rows made by
:mod:`._lrmx_sources`; the names used elsewhere (``LrmxError``, ``grades``, ``rewards``,
``education``, ``id_birth``, ``assign_keys``, ``units_of``) are importable from here as well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import _lrmx_rows, _resume
from ._lrmx_files import _blobs
from ._lrmx_keys import assign_keys
from ._lrmx_sources import to_sources, units_of
from ._lrmx_text import (
    EDUCATION,
    LrmxError,
    education,
    grades,
    id_birth,
    month_date,
    parse_xml,
    rewards,
)
from ._read import Reading
from ._report import visible


@dataclass
class Record:
    """What one .lrmx file gives (never an identity number, photo or family member)."""

    file: str
    person: dict[str, str]                 # persons columns as text ('' = empty), person_id excluded
    extra: dict[str, str]                  # 籍贯, 出生地, 专业技术职务, 现任职务 (for the future schema)
    education: list[dict] = field(default_factory=list)   # kind 全日制/在职, level, written, degree, school
    posts: list[_resume.Post] = field(default_factory=list)
    studies: list[_resume.Entry] = field(default_factory=list)
    ranks: list[tuple[int, dt.date, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    grades: list[tuple[int, str]] = field(default_factory=list)          # (year, grade)
    rewards: list[tuple[dt.date, str, str]] = field(default_factory=list)  # (date, kind, sentence)
    sanctions: list[str] = field(default_factory=list)
    supervision: list[tuple[dt.date, str]] = field(default_factory=list)   # (date, kind) of the sanctions
    resume: _resume.Resume = field(default_factory=_resume.Resume)
    entry_rule: str = ""                   # which rule gave entry_date
    person_id: str | None = None


def parse(data: bytes, file: str, units: _resume.Units, lexicon: _resume.Lexicon) -> tuple[Record | None, list[LrmxError]]:
    """One file's record, and every problem found in it (the record is None when there is one)."""
    try:
        f = parse_xml(data)
    except LrmxError as e:
        return None, [e]
    problems: list[LrmxError] = []
    name = f.get("name", "")
    if not name:
        problems.append(LrmxError("缺少姓名", "文件中没有姓名（XingMing）"))
    gender = f.get("gender", "")
    if gender not in ("男", "女"):
        problems.append(LrmxError("性别无效", "性别应为男或女", value=visible(gender[:10]) or None))
    birth = month_date(f.get("birth", ""))
    if birth is None:
        problems.append(LrmxError("出生年月无效", "出生年月无法识别（应如 198603 或 1986.03）",
                                  value=visible(f.get("birth", "")[:20]) or None))
    id_number = f.pop("id", "")
    birth_date = birth[0] if birth else None
    if id_number:
        try:
            born, id_gender = id_birth(id_number)
            if birth_date and (born.year, born.month) != (birth_date.year, birth_date.month):
                problems.append(LrmxError("身份证号不符", "身份证号中的出生日期与出生年月不符"))
            elif gender in ("男", "女") and id_gender != gender:
                problems.append(LrmxError("身份证号不符", "身份证号显示的性别与性别不符"))
            elif birth_date:
                birth_date = born
        except LrmxError as e:
            problems.append(e)
    del id_number
    person = {"name": name, "gender": gender, "ethnicity": f.get("ethnicity", ""),
              "birth_date": birth_date.isoformat() if birth_date else "",
              "native_place": f.get("native_place", ""), "birthplace": f.get("birthplace", ""),
              "professional_title": f.get("professional_title", "")}
    party = f.get("party", "")
    pd_ = month_date(party) if party else None
    person["political_status"] = "中共党员" if pd_ else party
    person["party_join_date"] = pd_[0].isoformat() if pd_ else ""
    ws = f.get("work_start", "")
    wd = month_date(ws) if ws else None
    if ws and wd is None:
        problems.append(LrmxError("日期无效", "参加工作时间无法识别", value=visible(ws[:20])))
    person["work_start_date"] = wd[0].isoformat() if wd else ""
    # education
    edu = []
    for kind, p in (("全日制", "ft"), ("在职", "pt")):
        word = f.get(f"{p}_level", "")
        if not word:
            continue
        degree = f.get(f"{p}_degree", "")
        level = education(word, degree, kind)
        if level is None:
            problems.append(LrmxError("学历无法识别", f"{kind}教育的学历「{visible(word[:20])}」无法识别"
                                      f"（应为 研究生、大学、大专、中专、高中 等）", value=visible(word[:20])))
            continue
        edu.append(dict(kind=kind, level=level, written=word, degree=degree,
                        school=f.get(f"{p}_school", "") or f.get(f"{p}_school2", "")))
    if edu:
        best = max(edu, key=lambda e: (EDUCATION.index(e["level"]), e["kind"] == "全日制"))
        person |= {"education": best["level"], "degree": best["degree"],
                   "full_time_education": "是" if best["kind"] == "全日制" else "否"}
    elif not problems or all(p.kind != "学历无法识别" for p in problems):
        problems.append(LrmxError("缺少学历", "文件中没有全日制或在职教育的学历"))
    resume = _resume.parse(f.get("resume", ""), units, lexicon)
    for p in resume.problems:
        problems.append(LrmxError(p.kind, p.reason, sheet="简历", row=p.line, value=visible(p.value) if p.value else None))
    rec = Record(file, person, {"native_place": f.get("native_place", ""), "birthplace": f.get("birthplace", ""),
                                "professional_title": f.get("professional_title", ""),
                                "current_title": f.get("current_title", "")},
                 edu, resume.posts, resume.studies, resume.ranks, resume.notes, resume=resume)
    try:
        rec.grades = grades(f.get("grades", ""))
    except LrmxError as e:
        problems.append(e)
    try:
        rec.rewards, rec.sanctions = rewards(f.get("rewards", ""))
    except LrmxError as e:
        problems.append(e)
    for sentence in rec.sanctions:
        try:
            rec.supervision.append(_lrmx_rows.sanction(sentence))
        except _lrmx_rows.SanctionProblem as e:
            problems.append(LrmxError("奖惩情况无法识别", e.reason, sheet="奖惩情况", value=e.value))
    held = [d for d, _ in rec.supervision]
    if len(set(zip(held, (k for _, k in rec.supervision), strict=True))) < len(held):
        problems.append(LrmxError("奖惩情况无法识别", "奖惩情况中同一年月有两条同类惩戒记录", sheet="奖惩情况"))
    if len({d for _, d, _ in resume.ranks}) < len(resume.ranks):
        problems.append(LrmxError("简历格式错误", "简历中同一年月有两条职级变动", sheet="简历"))
    posts = sorted(resume.posts, key=lambda p: p.start)
    first = next((p for p in posts if p.probation), None)
    if first is not None:
        rec.entry_rule = "试用期"
    else:
        first = next((p for p in posts if p.unit_id is not None), None)
        rec.entry_rule = "单位名单" if first is not None else ""
    if first is None and not any(p.sheet == "简历" for p in problems):
        problems.append(LrmxError("无法确定录用时间", "无法从简历确定录用时间：简历中没有标注（试用期）的职务，"
                                  "也没有在单位名单中的单位任职", sheet="简历"))
    person["entry_date"] = first.start.isoformat() if first is not None else ""
    return (None if problems else rec), problems


def read_into(r: Reading, files, *, units: _resume.Units | None = None, existing=None,
              lexicon: _resume.Lexicon | None = None) -> list[Record]:
    """Read the .lrmx files (and zips of them) of ``files`` — (path, named explicitly) pairs —
    into ``r``: a Source per file and table, an error per problem (naming the file, and the 简历
    line where there is one), warnings for posts outside the unit list and sanctions not imported.
    ``units`` defaults to the units read in the same call (r's units sources; ``import_paths``
    passes :func:`units_of` with the database's units); ``existing`` is the frame of known
    persons for :func:`assign_keys` (``import_paths`` passes the database's persons, so a person
    keeps their key across imports). Returns the records read."""
    units = units if units is not None else units_of(r)
    lexicon = lexicon or _resume.load_titles()
    records: list[Record] = []
    for path, explicit in files:
        try:
            for label, data in _blobs(r, Path(path), explicit):
                rec, problems = parse(data, label, units, lexicon)
                for p in problems:
                    r.error(label, p.sheet, p.kind, p.reason, row=p.row, value=p.value)
                if rec is not None:
                    records.append(rec)
        except OSError as e:  # unreadable (permissions), vanished while read, a disk error
            r.error(path, None, "文件无法读取", f"文件无法读取：{visible(e.strerror or type(e).__name__)}")
    for rec, p in assign_keys(records, existing):
        r.error(rec.file, p.sheet, p.kind, p.reason, row=p.row, value=p.value)
        rec.person_id = None
    outside = unstated = 0
    rules: dict[str, int] = {}
    for rec in records:
        if rec.person_id is None:
            continue
        r.sources += to_sources(r, rec)
        outside += sum(1 for p in rec.posts if p.unit_id is None)
        unstated += _lrmx_rows.rank_rows(rec.resume)[2]
        rules[rec.entry_rule] = rules.get(rec.entry_rule, 0) + 1
    if records:
        said = {"试用期": "简历中第一个标注（试用期）的职务的开始时间", "单位名单": "简历中第一个在单位名单中的单位任职的开始时间",
                "数据库": "数据库中已有的录用时间"}
        r.warn("任免审批表", "人员", "任免审批表没有录用时间，按规则推定：" + "；".join(
            f"{said[k]} {n} 人" for k, n in rules.items() if k in said))
    if outside:
        r.warn("任免审批表", "职务", f"简历中有 {outside} 条职务的单位不在单位名单中，未导入职务表"
               "（已随单位名称原文导入简历表）")
    if unstated:
        r.warn("任免审批表", "职级", f"简历中有 {unstated} 条职级变动没有写明晋升、确定或套转等原因，未导入职级表"
               "（已导入简历表）")
    return records
