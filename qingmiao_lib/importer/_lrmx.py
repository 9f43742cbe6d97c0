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

**Person keys** (no identity number is ever a key or part of one): :func:`assign_keys` matches
each file against the persons already known (a frame of person_id, name, gender, birth_date — the
database's persons, which may carry the department's own 人员编号 from an earlier roster import) by
name + birth date + gender: one match → that key; several → an error (ambiguous); none → a new
surrogate ``LR000001``, numbered after the largest ``LR`` key known, in reading order. Two files of
the same import for one name + birth date + gender are an error naming both. Surrogates are
sequence numbers, not hashes: a hash of the name would let a reader of a masked list (张*明 beside
its key) confirm a guessed name.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import pyarrow as pa

from ..contract import TABLES, VOCABS
from . import _lrmx_rows, _resume
from ._read import Reading, Source, _assemble
from ._report import visible

MAX_LRMX_BYTES = 20_000_000          # one file (a photo is typically < 1 MB)
MAX_ZIP_MEMBERS = 50_000
MAX_ZIP_UNCOMPRESSED = 4_000_000_000
MAX_ZIP_RATIO = 200                  # a member more compressed than this (and large) is a bomb
KEY_PREFIX = "LR"

#: Elements never read (their text is never touched).
NEVER_READ = frozenset({"ZhaoPian", "JiaTingChengYuan"})
FIELDS = {
    "XingMing": "name", "XingBie": "gender", "ChuShengNianYue": "birth", "MinZu": "ethnicity",
    "JiGuan": "native_place", "ChuShengDi": "birthplace", "RuDangShiJian": "party",
    "CanJiaGongZuoShiJian": "work_start", "ZhuanYeJiShuZhiWu": "professional_title",
    "QuanRiZhiJiaoYu_XueLi": "ft_level", "QuanRiZhiJiaoYu_XueWei": "ft_degree",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "ft_school", "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "ft_school2",
    "ZaiZhiJiaoYu_XueLi": "pt_level", "ZaiZhiJiaoYu_XueWei": "pt_degree",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "pt_school", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "pt_school2",
    "XianRenZhiWu": "current_title", "JianLi": "resume", "JiangChengQingKuang": "rewards",
    "NianDuKaoHeJieGuo": "grades", "ShenFenZheng": "id",
}

EDUCATION = VOCABS["education"]
_EDU_WORDS = {"高中": "高中", "中专": "中专", "中等专科": "中专", "中技": "中专", "技校": "中专",
              "大专": "大专", "大学专科": "大专", "专科": "大专", "大学": "本科", "大学本科": "本科",
              "本科": "本科", "硕士研究生": "硕士研究生", "博士研究生": "博士研究生", "研究生": "研究生"}
_PARTY_SCHOOL = re.compile(r"^(?:中央|省委|市委|县委|省|市)?党校")
_GB = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "gb_2312-80", "csgb2312", "euc-cn", "ms936", "936"}


class LrmxError(Exception):
    """A file that cannot be read (kind, reason in Chinese; ``line`` of the 简历 where known)."""

    def __init__(self, kind: str, reason: str, *, sheet: str | None = None, row: int | None = None,
                 value: str | None = None):
        super().__init__(reason)
        self.kind, self.reason, self.sheet, self.row, self.value = kind, reason, sheet, row, value


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


# --- bytes → XML ---------------------------------------------------------------------------------

_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:\-]+)[\"']")
_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")


def decode(data: bytes) -> str:
    """The XML text, read in its declared encoding (see the module docstring)."""
    if data.startswith(codecs.BOM_UTF8):
        enc, data = "utf-8", data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    else:
        m = _DECL.match(data[:400])
        enc = m.group(1).decode("ascii").lower() if m else "utf-8"
    if enc in _GB:
        enc = "gb18030"
    try:
        codecs.lookup(enc)
    except LookupError:
        raise LrmxError("文件编码无法识别", f"XML 声明的编码「{visible(enc[:30])}」无法识别") from None
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        raise LrmxError("文件编码无法识别", f"文件内容不是所声明的编码（{enc.upper()}）：请用任免表编辑器重新导出") from None
    return _DECL_TEXT.sub("", text.lstrip("\ufeff"), count=1)


def parse_xml(data: bytes) -> dict[str, str]:
    """Element name → text of the ``Person`` root's children, except those never read."""
    text = decode(data)
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise LrmxError("XML 格式错误", "文件含 DOCTYPE 或 ENTITY 声明：任免审批表不含这些声明，出于安全考虑拒绝读取")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as e:
        line, col = e.position
        raise LrmxError("XML 格式错误", f"XML 格式错误（第 {line} 行第 {col} 列）：文件不完整或已损坏") from None
    if _local(root.tag) != "Person":
        raise LrmxError("不是任免审批表", f"根元素是「{visible(_local(root.tag)[:30])}」，任免审批表 3.0 的根元素应为 Person")
    out: dict[str, str] = {}
    for child in root:
        tag = _local(child.tag)
        if tag in NEVER_READ or tag not in FIELDS:
            continue
        out[FIELDS[tag]] = (child.text or "").strip(" \t\r\n\u3000\u00a0")
    return out


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# --- values --------------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s*(?:[./\-]\s*(\d{1,2})(?:\s*[./\-]\s*(\d{1,2}))?|年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?"
                   r"|(\d{2})(\d{2})?)?")


def month_date(text: str) -> tuple[dt.date, bool] | None:
    """(date, day known) of 198603, 1986.03, 1986.3, 1986年3月, 1986-03-15, 19860315; None if not one."""
    t = unicodedata.normalize("NFKC", text).strip()
    m = _DATE.fullmatch(t)
    if not m or not any(m.group(i) for i in (2, 4, 6)):
        return None
    month = int(m.group(2) or m.group(4) or m.group(6))
    day = m.group(3) or m.group(5) or m.group(7)
    try:
        return dt.date(int(m.group(1)), month, int(day) if day else 1), day is not None
    except ValueError:
        return None


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_birth(number: str) -> tuple[dt.date, str]:
    """(birth date, gender) of a valid 18-character identity number (GB 11643), else
    :class:`LrmxError` — whose message never holds the number or any part of it."""
    s = unicodedata.normalize("NFKC", number).strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", s):
        raise LrmxError("身份证号不符", "身份证号应为18位（最后一位可为X）")
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS, strict=True))
    if "10X98765432"[total % 11] != s[17]:
        raise LrmxError("身份证号不符", "身份证号校验位不正确")
    try:
        born = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise LrmxError("身份证号不符", "身份证号中的出生日期无效") from None
    return born, "男" if int(s[16]) % 2 else "女"


def education(level: str, degree: str, kind: str) -> str | None:
    """The contract's 学历 of an LRMX 学历 word and 学位, or None when the word is unknown."""
    w = unicodedata.normalize("NFKC", level).strip()
    w = _PARTY_SCHOOL.sub("", w)
    w = w.removesuffix("毕业").removesuffix("学历")
    v = _EDU_WORDS.get(w)
    if v == "研究生":
        return "博士研究生" if "博士" in degree else "硕士研究生"
    return v


_GRADE = r"(优秀|基本称职|不称职|称职|不定等次|不确定等次)"
_YEARS = r"\d{4}\s*(?:年度|年)?(?:\s*(?:——|[—\-－~～至到、,，和及])\s*\d{4}\s*(?:年度|年)?)*"
_GRADES = re.compile(rf"({_YEARS})\s*(?:年度)?\s*(?:的)?\s*(?:年度)?考核(?:结果)?(?:等次)?\s*(?:均|都|连续)?\s*"
                     rf"(?:被?评为|被?确定为|被?评定为|定为|为|是)?\s*{_GRADE}(?:等次)?")


def grades(text: str) -> list[tuple[int, str]]:
    """(year, grade) of a 年度考核结果 text; :class:`LrmxError` where a year or grade is left unread."""
    t = unicodedata.normalize("NFKC", text or "").strip()
    if t in ("", "无", "暂无", "-", "/"):
        return []
    out: dict[int, str] = {}
    for m in _GRADES.finditer(t):
        grade = "不定等次" if m.group(2) == "不确定等次" else m.group(2)
        block = m.group(1)
        years = [(int(y.group()), y.start(), y.end()) for y in re.finditer(r"\d{4}", block)]
        chosen: list[int] = []
        for i, (y, _, _end) in enumerate(years):
            if i and re.search(r"——|[—\-－~～至到]", block[years[i - 1][2]:years[i][1]]):
                lo = years[i - 1][0]
                if not lo < y <= lo + 30:
                    raise LrmxError("年度考核结果无法识别", f"年度考核结果中的年份区间「{lo}—{y}」无效",
                                    sheet="年度考核结果", value=visible(m.group(0)[:40]))
                chosen += range(lo + 1, y + 1)
            else:
                chosen.append(y)
        for y in chosen:
            if y in out and out[y] != grade:
                raise LrmxError("年度考核结果无法识别", f"年度考核结果中 {y} 年度有两个不同的等次",
                                sheet="年度考核结果", value=visible(m.group(0)[:40]))
            out[y] = grade
    rest = _GRADES.sub("", t)
    if re.search(r"\d{4}|称职|优秀|不定等次", rest):
        raise LrmxError("年度考核结果无法识别", "年度考核结果中有无法识别的内容（应如“2021年度考核称职；"
                        "2019—2021年度考核均为称职”）", sheet="年度考核结果", value=visible(rest.strip()[:40]))
    return sorted(out.items())


_REWARD_KINDS = ("一等功", "二等功", "三等功", "嘉奖")
_WHEN = re.compile(r"(\d{4})\s*(?:年\s*(?:(\d{1,2})\s*月)?|[.．](\d{1,2})(?!\d))")
_TOKEN = re.compile(r"(\d{4})\s*(?:年\s*(?:(\d{1,2})\s*月)?|[.．](\d{1,2})(?!\d))|(一等功|二等功|三等功|嘉奖)")
_HONOUR = re.compile(r"评为|授予|荣获|表彰|通报表扬|表扬")
_SANCTION = re.compile(r"处分|警告|记过|记大过|降级|撤职|开除|诫勉|通报批评|免职处理")


def rewards(text: str) -> tuple[list[tuple[dt.date, str, str]], list[str]]:
    """(rewards as (date, kind, sentence), sanction sentences) of a 奖惩情况 text."""
    t = unicodedata.normalize("NFKC", text or "").strip()
    if t in ("", "无", "暂无", "-", "/"):
        return [], []
    out, sanctions = [], []
    for sentence in re.split(r"[。;；\n]+", t):
        s = sentence.strip(" ,，")
        if not s or s in ("无", "暂无"):
            continue
        if _SANCTION.search(s):
            sanctions.append(s)
            continue
        when: tuple[int, int | None] | None = None
        found = False
        for m in _TOKEN.finditer(s):
            if m.group(4) is None:
                when = (int(m.group(1)), int(m.group(2) or m.group(3)) if (m.group(2) or m.group(3)) else None)
                continue
            found = True
            out.append(_dated(when, m.group(4), s))
        if not found and _HONOUR.search(s):
            m = _WHEN.search(s)
            if m:
                out.append(_dated((int(m.group(1)), int(m.group(2) or m.group(3)) if (m.group(2) or m.group(3)) else None),
                                  "其他", s))
            else:
                raise LrmxError("奖惩情况无法识别", "奖惩情况中的表彰没有时间", sheet="奖惩情况", value=visible(s[:40]))
        elif not found:
            raise LrmxError("奖惩情况无法识别", "奖惩情况中有无法识别的内容（应如“2023年2月被县委、县政府记三等功一次”）",
                            sheet="奖惩情况", value=visible(s[:40]))
    return out, sanctions


def _dated(when, kind: str, sentence: str) -> tuple[dt.date, str, str]:
    if when is None or when[1] is None:
        raise LrmxError("奖惩情况无法识别", f"奖惩情况中的「{kind}」没有年月（须写明如“2023年2月”）",
                        sheet="奖惩情况", value=visible(sentence[:40]))
    if not 1 <= when[1] <= 12:
        raise LrmxError("奖惩情况无法识别", f"奖惩情况中「{kind}」的月份无效", sheet="奖惩情况", value=visible(sentence[:40]))
    return dt.date(when[0], when[1], 1), kind, sentence


# --- one file ------------------------------------------------------------------------------------

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


# --- keys ----------------------------------------------------------------------------------------

def _norm_name(s) -> str:
    return "".join(unicodedata.normalize("NFKC", str(s)).split())


def _iso(v) -> str:
    """YYYY-MM-DD of a date, a datetime or pandas Timestamp (its day), or a text."""
    if isinstance(v, dt.datetime):
        v = v.date()
    return v.isoformat() if isinstance(v, dt.date) else str(v)[:10]


def assign_keys(records: list[Record], existing=None) -> list[tuple[Record, LrmxError]]:
    """Give every record its ``person_id`` (see the module docstring); returns the problems
    (an ambiguous match, two files of one person). ``existing``: a DataFrame (or None) with
    person_id, name, gender, birth_date and optionally entry_date, entry_channel; a matched
    person's 录用时间 and 进入方式 are kept."""
    known: dict[tuple, list[dict]] = {}
    largest = 0
    if existing is not None and len(existing):
        for row in existing.to_dict("records"):
            b = _iso(row["birth_date"])
            known.setdefault((_norm_name(row["name"]), b, row["gender"]), []).append(row)
            m = re.fullmatch(rf"{KEY_PREFIX}(\d+)", str(row["person_id"]))
            if m:
                largest = max(largest, int(m.group(1)))
    problems: list[tuple[Record, LrmxError]] = []
    seen: dict[tuple, Record] = {}
    for rec in records:
        p = rec.person
        k = (_norm_name(p["name"]), p["birth_date"], p["gender"])
        if k in seen:
            problems.append((rec, LrmxError("人员重复", f"与 {Path(seen[k].file).name} 是同一姓名、出生日期和性别，"
                                                   "无法区分是否同一人：请只保留一个文件")))
            continue
        seen[k] = rec
        match = known.get(k, [])
        if len(match) > 1:
            problems.append((rec, LrmxError("人员无法确定", f"数据库中有 {len(match)} 人与此文件的姓名、出生日期和性别相同，"
                                                        "无法确定是哪一位：请先在人员表中区分")))
        elif match:
            old = match[0]
            rec.person_id = str(old["person_id"])
            for col in ("entry_date", "entry_channel"):
                v = old.get(col)
                if v is not None and str(v) not in ("", "NaT", "nan", "None"):
                    p[col] = _iso(v) if col == "entry_date" else str(v)
                    if col == "entry_date":
                        rec.entry_rule = "数据库"
        else:
            largest += 1
            rec.person_id = f"{KEY_PREFIX}{largest:06d}"
    return problems


# --- records → sources ---------------------------------------------------------------------------

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


# --- files, folders, zips ------------------------------------------------------------------------

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


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _blobs(r: Reading, path: Path, explicit: bool):
    """(label, bytes) of every .lrmx file of ``path`` (a file or a zip); problems listed in r."""
    suffix = path.suffix.lower()
    if suffix == ".lrm":
        r.error(path, None, "文件类型不支持", "旧版任免审批表（.lrm，2.0 格式）不支持："
                "请在任免表编辑器中打开后另存为任免审批表 3.0 格式（.lrmx）再导入")
        return
    size = path.stat().st_size
    if suffix == ".lrmx":
        if size > MAX_LRMX_BYTES:
            r.error(path, None, "超出限制", f"文件有 {size / 1e6:.0f} MB，超过任免审批表文件上限 {MAX_LRMX_BYTES / 1e6:.0f} MB")
            return
        data = path.read_bytes()
        r.files.append(dict(name=str(path), bytes=len(data), sha256=hashlib.sha256(data).hexdigest()))
        yield str(path), data
        return
    try:
        with zipfile.ZipFile(path) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
            wanted = [i for i in infos if PurePosixPath(_member_name(i)).suffix.lower() == ".lrmx"
                      and not PurePosixPath(_member_name(i)).name.startswith((".", "~$"))]
            if not wanted:
                if explicit:
                    r.error(path, None, "没有数据", "压缩包中没有任免审批表文件（.lrmx）")
                else:
                    r.warn(path, None, "压缩包中没有任免审批表文件（.lrmx），已忽略")
                return
            if len(wanted) > MAX_ZIP_MEMBERS or sum(i.file_size for i in wanted) > MAX_ZIP_UNCOMPRESSED:
                r.error(path, None, "超出限制", f"压缩包中的文件过多或过大（{len(wanted)} 个）")
                return
            r.files.append(dict(name=str(path), bytes=size, sha256=hashlib.sha256(path.read_bytes()).hexdigest()))
            for i in sorted(wanted, key=_member_name):
                label = f"{path}/{_member_name(i)}"
                if i.file_size > MAX_LRMX_BYTES or (i.file_size > 1_000_000 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1)):
                    r.error(label, None, "超出限制", "文件过大或压缩比异常，拒绝读取")
                    continue
                try:
                    yield label, z.read(i)
                except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as e:
                    r.error(label, None, "文件无法打开", f"压缩包中的文件无法读取（{type(e).__name__}；加密的压缩包请先解压）")
    except (zipfile.BadZipFile, EOFError) as e:
        r.error(path, None, "文件无法打开", f"不是有效的 zip 压缩包（{type(e).__name__}）")


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
