"""The rows a 干部任免审批表 record gives beyond persons, posts, grades and rewards
(domain/cadre-formats.md §1–2; SPEC §9): the education history, the 简历 entries, the ranks the
简历 states, and the sanctions of 奖惩情况. Used by :mod:`._lrmx`; nothing here reads a file.

- **education history** (``education_history``): one row per 全日制/在职 education the file
  states — its contract 学历, 学位, and the 毕业院校系及专业 text split into school (up to the first
  大学/学院/学校/党校/研究院: ``浙江大学公共管理学院行政管理专业`` → 浙江大学) and major (what is left
  after a faculty ``…学院`` or ``…系`` and without ``专业``: 行政管理). Its dates are those of the
  简历 study line (or, for 在职 education, 其间 note) naming the school — of those, the one naming
  the major when there are several; none when that leaves more than one.
- **简历 entries** (``resume_entries``): every entry, numbered by its first line: kind 工作 (a post,
  in the unit list or not — the organisation text is kept either way), 学习 or 职级; the text
  without its parenthesised notes, and the notes joined by ``；``.
- **ranks** (``ranks``): the rank events of the 简历 (``2019.06 晋升为三级主任科员``), each held until
  the next; the reason from the verb (晋升/升任 → 晋升, 确定/定级 → 定级, 套转/转任/调整 → 平级调整).
  An event without a verb states no reason: it is kept in the 简历 entries only (a warning counts it).
- **sanctions** (``supervision``): a sentence of 奖惩情况 naming a sanction, dated by the year and
  month before it: 处分 (警告, 记过, 记大过, 降级, 撤职, 留党察看, 开除 …), 诫勉, 组织处理 (免职处理,
  调离, 责令辞职 …), 批评教育 (通报批评); a sanction without a month, or of no kind above, is an error.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from . import _resume
from ._report import visible

_SCHOOL = re.compile(r"^(.+?(?:大学|学院|学校|党校|研究生院|研究院))(.*)$")
_FACULTY = re.compile(r"^(?:.*学院)?(?:[^系]{1,12}系(?!统|列))?")


def school_major(text: str) -> tuple[str, str]:
    """(school, major) of a 毕业院校系及专业 text; ('', '') when empty; (text, '') without a school word."""
    t = "".join(unicodedata.normalize("NFKC", text or "").split())
    if not t:
        return "", ""
    m = _SCHOOL.match(t)
    if not m:
        return t, ""
    rest = m.group(2)
    major = rest[_FACULTY.match(rest).end():].removesuffix("专业")
    return m.group(1), major


_NOTE_PERIOD = re.compile(r"(\d{4})[.．](\d{1,2})\s*(?:-{1,2}|—{1,2}|－|～|~|至)\s*(\d{4})[.．](\d{1,2})")


def _month(y: str, m: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), 1)
    except ValueError:
        return None


def education_dates(edu: dict, res: _resume.Resume) -> tuple[dt.date | None, dt.date | None]:
    """(start, end) of an education from the one 简历 study line (全日制) or 其间 note (在职) naming
    its school; (None, None) when none or several do."""
    school, major = edu.get("school_name") or "", edu.get("major_name") or ""
    if not school:
        return None, None
    found: list[tuple[str, dt.date | None, dt.date | None]] = []   # (text, start, end)
    for e in res.entries:
        if e.kind == "study" and school in _norm(e.text):
            found.append((_norm(e.text), e.start, e.end))
        if edu["kind"] == "在职":
            for n in e.notes:
                n = _norm(n)
                m = _NOTE_PERIOD.search(n)
                if school in n and m:
                    found.append((n, _month(m.group(1), m.group(2)), _month(m.group(3), m.group(4))))
    if len(found) > 1 and major:  # several at the school: the one naming the major
        found = [f for f in found if major in f[0]]
    return found[0][1:] if len(found) == 1 else (None, None)


def _norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def education_rows(edu: list[dict], res: _resume.Resume) -> dict[str, list[str]]:
    """The ``education_history`` columns (text) of a record's education list."""
    out: dict[str, list[str]] = {k: [] for k in ("kind", "level", "degree", "school", "major", "start_date", "end_date")}
    for e in edu:
        school, major = school_major(e["school"])
        start, end = education_dates({**e, "school_name": school, "major_name": major}, res)
        for k, v in (("kind", e["kind"]), ("level", e["level"]), ("degree", e["degree"]), ("school", school),
                     ("major", major), ("start_date", start.isoformat() if start else ""),
                     ("end_date", end.isoformat() if end else "")):
            out[k].append(v)
    return out


_KIND = {"post": "工作", "study": "学习", "rank": "职级"}


def resume_rows(res: _resume.Resume) -> tuple[list[int], dict[str, list[str]]]:
    """(lines, ``resume_entries`` columns as text) of every 简历 entry."""
    posts = {p.line: p for p in res.posts}
    cols: dict[str, list[str]] = {k: [] for k in ("line_no", "start_date", "end_date", "kind", "organisation",
                                                  "title", "level", "content", "note")}
    lines = []
    for e in res.entries:
        p = posts.get(e.line)
        lines.append(e.line)
        for k, v in (("line_no", str(e.line)), ("start_date", e.start.isoformat()),
                     ("end_date", e.end.isoformat() if e.end else ""), ("kind", _KIND[e.kind]),
                     ("organisation", p.organisation if p else ""), ("title", p.title if p else ""),
                     ("level", p.level if p else ""), ("content", e.text or "（无）"),
                     ("note", "；".join(n for n in e.notes if n))):
            cols[k].append(v)
    return lines, cols


def rank_rows(res: _resume.Resume) -> tuple[list[int], dict[str, list[str]], int]:
    """(lines, ``ranks`` columns as text, events left out for want of a reason): each stated rank
    held from its event to the next event (the last: still held)."""
    events = sorted(res.ranks, key=lambda r: (r[1], r[0]))
    cols: dict[str, list[str]] = {k: [] for k in ("rank", "start_date", "end_date", "reason")}
    lines, unstated = [], 0
    for i, (line, start, rank) in enumerate(events):
        reason = res.rank_reasons.get(line)
        if reason is None:
            unstated += 1
            continue
        end = events[i + 1][1] if i + 1 < len(events) else None
        lines.append(line)
        for k, v in (("rank", rank), ("start_date", start.isoformat()), ("end_date", end.isoformat() if end else ""),
                     ("reason", reason)):
            cols[k].append(v)
    return lines, cols, unstated


_SANCTION_KINDS = (
    ("诫勉", re.compile(r"诫勉")),
    ("处分", re.compile(r"处分|警告|记过|记大过|降级|撤职|留党察看|开除")),
    ("组织处理", re.compile(r"免职处理|组织处理|调离|责令辞职|引咎辞职|降职")),
    ("批评教育", re.compile(r"通报批评|批评教育")),
)
_WHEN = re.compile(r"(\d{4})\s*(?:年\s*(?:(\d{1,2})\s*月)?|[.．](\d{1,2})(?!\d))")


class SanctionProblem(ValueError):
    def __init__(self, reason: str, sentence: str):
        super().__init__(reason)
        self.reason, self.value = reason, visible(sentence[:40])


def sanction(sentence: str) -> tuple[dt.date, str]:
    """(date, supervision kind) of a sanction sentence of 奖惩情况, or :class:`SanctionProblem`."""
    s = unicodedata.normalize("NFKC", sentence)
    kind = next((k for k, pattern in _SANCTION_KINDS if pattern.search(s)), None)
    if kind is None:
        raise SanctionProblem("奖惩情况中的惩戒无法归类（应为处分、诫勉、组织处理或批评教育）", sentence)
    m = _WHEN.search(s)
    month = m and (m.group(2) or m.group(3))
    if not m or not month:
        raise SanctionProblem(f"奖惩情况中的{kind}没有年月（须写明如“2022年6月”）", sentence)
    if not 1 <= int(month) <= 12:
        raise SanctionProblem(f"奖惩情况中{kind}的月份无效", sentence)
    return dt.date(int(m.group(1)), int(month), 1), kind
