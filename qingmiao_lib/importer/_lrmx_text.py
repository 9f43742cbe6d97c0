"""One 干部任免审批表 file's text (:mod:`._lrmx`): its bytes decoded and parsed into the fields read
(never the photo or family members), and the values of those fields — a 出生年月, the birth date
and gender of an identity number, a 学历, the annual grades and the rewards of their free text. The
rules are those of :mod:`._lrmx`'s docstring; every problem is an :class:`LrmxError`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import unicodedata
from xml.etree import ElementTree

from ..contract import VOCABS
from ._report import visible

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
