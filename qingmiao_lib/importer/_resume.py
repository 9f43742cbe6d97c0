"""简历 (resume) text of a 干部任免审批表 → periods, posts, study lines and rank events
(domain/cadre-formats.md §2), and the title lexicon (``rules/titles.toml``) that gives a post its
职务层次.

Reading the text:

- An entry starts at a line beginning with a period: ``2015.07--2018.09``, ``2015.07—2018.09``,
  ``2015.07－2018.09``, ``2015.7-2018.9``, ``2015.07～2018.09``, ``2015年7月至2018年9月``,
  ``201507--201809``; an open end (``2019.03--`` then spaces, or ``至今``) is the current post.
  A line with a single date (``2019.06 晋升为三级主任科员``) is a rank event when it names a rank.
- Every other line continues the entry before it, and so does any line while a parenthesis is
  open (a ``（其间：…）`` note spanning lines, even when its next line starts with a date).
- Parenthesised notes (full or half width) are taken out of the text: ``（其间：…学习）`` notes,
  ``（试用期）``, an inline rank ``（四级主任科员）``. They never make a post.
- A study line (text ending in 学习/学生/就读/进修, or ``…学习，获…学位``) is education, not a post.
- Otherwise the text is organisation + titles: the organisation is the longest unit name of the
  unit list that the text starts with (compared after NFKC); the titles are the rest, split at
  ``、``. Each title is the longest lexicon entry that it ends with. Inside a matched unit, text left
  before the title must be an organ word (党委, 政府 …) unless the title is of level 无 (预算股股长)
  — ``党政办主任`` is not read as 主任. Outside the unit list, the text before the first title is the
  organisation text. A match whose remaining text ends with 副 or 常务 is refused. The post's level
  is the highest of its titles' (``（试用期）`` → 无). A title the lexicon does not know is an
  :class:`UnknownTitle` — never a guess.

The module is over 300 lines: the 简历 grammar (lines, notes, entries), the title lexicon and
the resolution of a post are one parser whose rules this docstring states together; split, that
one specification would be read in three files.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..contract import VOCABS

LEVELS: tuple[str, ...] = VOCABS["post_level"]          # 无 < 乡科级副职 < … < 县处级正职
RANKS: tuple[str, ...] = VOCABS["rank_name"]

#: Text left before a title inside a matched unit that is still the unit itself (镇党委书记 …).
ORGAN_WORDS = ("人民政府", "政府", "党委", "党组", "党工委", "办事处", "人大主席团", "人大", "纪委",
               "机关", "")

_SEP = r"\s*(?:-{1,2}|—{1,2}|－{1,2}|–{1,2}|―{1,2}|～|~|〜|至|到)\s*"
_STUDY = re.compile(r"(学习|学生|就读|进修|读书|攻读[^，,。]*)$|学习[，,].*获.*学位$|研究生学习|读研究生")
_RANK_EVENT = re.compile(r"^(?P<verb>晋升|升任|调整|转任|套转|确定|定级|定|任)?为?(" + "|".join(RANKS) + r")$")
#: The verb of a rank event → 变动原因 (ranks.reason); an event without a verb states no reason.
RANK_REASONS = {"晋升": "晋升", "升任": "晋升", "确定": "定级", "定级": "定级", "定": "定级",
                "套转": "平级调整", "转任": "平级调整", "调整": "平级调整"}
_OPEN = "（("
#: Full-width digits and dot read as ASCII in periods (one character for one: places are kept).
_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_CLOSE = "）)"


def _line_re() -> re.Pattern:
    d = r"(?P<{p}y>\d{{4}})\s*(?:[.．/]\s*(?P<{p}m1>\d{{1,2}})(?!\d)|年\s*(?P<{p}m2>\d{{1,2}})\s*月(?:份)?|(?P<{p}m3>\d{{2}})(?!\d))"
    return re.compile(rf"^{d.format(p='s')}(?:(?P<sep>{_SEP})(?:{d.format(p='e')}|(?P<now>至今|今))?)?(?P<rest>.*)$",
                      re.S)


_LINE = _line_re()


class ResumeProblem(Exception):
    """A 简历 line that cannot be read (``line``: 1-based line of the 简历 text)."""

    def __init__(self, line: int, kind: str, reason: str, value: str | None = None):
        super().__init__(reason)
        self.line, self.kind, self.reason, self.value = line, kind, reason, value


class UnknownTitle(ResumeProblem):
    def __init__(self, line: int, title: str):
        super().__init__(line, "未知职务", f"简历第 {line} 行的职务「{title}」不在职务层次词表中："
                         "请在本地的职务词表（titles.toml 格式）中加上它的职务层次后重新导入", title)
        self.title = title


@dataclass
class Entry:
    """One 简历 entry: its first line (1-based), period, text without notes, and the notes."""

    line: int
    start: dt.date
    end: dt.date | None          # None: the open end of the current post (or a rank event)
    text: str
    notes: list[str] = field(default_factory=list)
    single: bool = False         # a single date, no period
    kind: str = "post"           # post · study · rank


@dataclass
class Post:
    line: int
    start: dt.date
    end: dt.date | None
    unit_id: str | None          # None: the organisation is not in the unit list
    organisation: str            # the unit's name as written, or the organisation text
    title: str                   # the titles as written (joined by 、), notes removed
    level: str
    titles: list[str] = field(default_factory=list)
    probation: bool = False      # （试用期）
    inline_rank: str | None = None


# --- the lexicon ---------------------------------------------------------------------------------

@dataclass
class Lexicon:
    """title → 职务层次, with overrides per unit kind (单位类别)."""

    titles: dict[str, str]
    by_unit_kind: dict[str, dict[str, str]] = field(default_factory=dict)
    version: str = ""

    def table(self, unit_kind: str | None) -> dict[str, str]:
        if unit_kind and unit_kind in self.by_unit_kind:
            return {**self.titles, **self.by_unit_kind[unit_kind]}
        return self.titles


class LexiconError(ValueError):
    pass


def _check_levels(where: str, table: dict) -> dict[str, str]:
    out = {}
    for title, level in table.items():
        if level not in LEVELS:
            raise LexiconError(f"{where}：职务「{title}」的职务层次「{level}」应为 {'/'.join(LEVELS)} 之一")
        out[_norm(title)] = level
    return out


def load_titles(locality: str | Path | None = None) -> Lexicon:
    """The shipped county lexicon (``rules/titles.toml``), with the entries of ``locality`` (a
    file of the same layout) replacing or adding to it one by one. A level outside the post-level
    vocabulary, or an unreadable file, is a :class:`LexiconError` naming the file."""
    with resources.files("qingmiao_lib").joinpath("rules/titles.toml").open("rb") as f:
        base = tomllib.load(f)
    lex = Lexicon(_check_levels("titles.toml", base.get("titles", {})),
                  {k: _check_levels(f"titles.toml [{k}]", v) for k, v in base.get("by_unit_kind", {}).items()},
                  base.get("meta", {}).get("version", ""))
    if locality is not None:
        path = Path(locality)
        try:
            with path.open("rb") as f:
                local = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise LexiconError(f"职务词表 {path.name} 无法读取：{type(e).__name__}") from None
        lex.titles.update(_check_levels(path.name, local.get("titles", {})))
        for kind, table in local.get("by_unit_kind", {}).items():
            lex.by_unit_kind.setdefault(kind, {}).update(_check_levels(f"{path.name} [{kind}]", table))
        lex.version += "+" + str(local.get("meta", {}).get("version", path.stem))
    return lex


# --- reading the text ----------------------------------------------------------------------------

def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


def _month(y: str, m: str | None, line: int, raw: str) -> dt.date:
    month = int(m) if m else 0
    if not 1 <= month <= 12 or not 1900 <= int(y) <= 2100:
        raise ResumeProblem(line, "简历时间无效", f"简历第 {line} 行的时间无效", raw[:20])
    return dt.date(int(y), month, 1)


def _depth(text: str) -> int:
    d = 0
    for ch in text:
        if ch in _OPEN:
            d += 1
        elif ch in _CLOSE and d:
            d -= 1
    return d


def split_notes(text: str) -> tuple[str, list[str]]:
    """(text outside parentheses, the parenthesised notes in order); an unclosed note runs to the end."""
    out, notes, cur, d = [], [], [], 0
    for ch in text:
        if ch in _OPEN:
            if d:
                cur.append(ch)
            d += 1
        elif ch in _CLOSE and d:
            d -= 1
            if d:
                cur.append(ch)
            else:
                notes.append("".join(cur).strip())
                cur = []
        elif d:
            cur.append(ch)
        else:
            out.append(ch)
    if cur:
        notes.append("".join(cur).strip())
    return "".join(out).strip(), notes


def entries(text: str) -> list[Entry]:
    """The 简历 text as entries (see the module docstring); a first non-empty line without a
    period, or an impossible date, is a :class:`ResumeProblem` naming the line."""
    raw_entries: list[tuple[int, re.Match, str]] = []   # (line, match, joined text)
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = line.strip(" \t\u3000\u00a0")
        if not line:
            continue
        m = _LINE.match(line.translate(_DIGITS)) if line[:1].translate(_DIGITS).isdigit() else None
        if m and raw_entries and _depth(raw_entries[-1][2]):
            m = None  # inside an open parenthesis: part of the note
        if m:
            raw_entries.append((number, m, line[m.start("rest"):]))  # as written (translate keeps places)
        elif raw_entries:
            n, m0, t = raw_entries[-1]
            raw_entries[-1] = (n, m0, t + line)
        else:
            raise ResumeProblem(number, "简历格式错误", f"简历第 {number} 行没有起止时间", line[:20])
    out = []
    for number, m, rest in raw_entries:
        start = _month(m.group("sy"), m.group("sm1") or m.group("sm2") or m.group("sm3"), number, m.group(0))
        end = None
        if m.group("ey"):
            end = _month(m.group("ey"), m.group("em1") or m.group("em2") or m.group("em3"), number, m.group(0))
        body, notes = split_notes(rest)
        out.append(Entry(number, start, end, body.strip(" \t\u3000，,：:"), notes,
                         single=m.group("sep") is None))
    return out


def classify(e: Entry) -> str:
    """post · study · rank (``2019.06 晋升为三级主任科员``) for an entry."""
    text = _norm(e.text)
    if e.single and _RANK_EVENT.match(text):
        return "rank"
    if _STUDY.search(text):
        return "study"
    return "post"


class Units:
    """The unit list: name → unit_id (and unit_id → 单位类别), longest name first."""

    def __init__(self, names: dict[str, str] | None = None, kinds: dict[str, str] | None = None):
        self.ids = {_norm(k): v for k, v in (names or {}).items() if _norm(k)}
        self.kinds = dict(kinds or {})
        self.order = sorted(self.ids, key=len, reverse=True)

    def match(self, text: str) -> tuple[str, str] | None:
        """(unit_id, the matched name) of the longest name ``text`` starts with, or None."""
        t = _norm(text)
        for name in self.order:
            if t.startswith(name):
                return self.ids[name], name
        return None


def _title_of(seg: str, table: dict[str, str], order: list[str], line: int,
              inside_unit: bool) -> tuple[str, str, str]:
    """(prefix, title, level) of one 、-separated title text, or :class:`UnknownTitle`."""
    for t in order:
        if seg.endswith(t):
            prefix = seg[: len(seg) - len(t)]
            if prefix.endswith(("副", "常务")):
                break
            if inside_unit and table[t] != "无" and prefix not in ORGAN_WORDS:
                break
            return prefix, t, table[t]
    raise UnknownTitle(line, seg)


def resolve(e: Entry, units: Units, lexicon: Lexicon) -> Post:
    """The post of a post entry: unit (or organisation text), titles and level."""
    text = _norm(e.text)
    if text.startswith("在") and units.match(text[1:]):
        text = text[1:]
    hit = units.match(text)
    unit_id, organisation, rest = None, "", text
    if hit:
        unit_id, organisation = hit
        rest = text[len(organisation):]
    kind = units.kinds.get(unit_id) if unit_id else None
    table = lexicon.table(kind)
    order = sorted(table, key=len, reverse=True)
    notes = [_norm(n) for n in e.notes]
    probation = any(n.startswith("试用期") or n == "试用" for n in notes)
    inline_rank = next((n for n in notes if n in RANKS), None)
    segments = [s.strip() for s in rest.split("、") if s.strip()]
    if not segments:
        if probation:
            segments = []
        else:
            raise UnknownTitle(e.line, rest or text)
    titles, levels = [], []
    for i, seg in enumerate(segments):
        prefix, title, level = _title_of(seg, table, order, e.line, inside_unit=unit_id is not None)
        if i == 0 and unit_id is None:
            organisation = prefix
            segments[0] = seg[len(prefix):]
        titles.append(title)
        levels.append(level)
    level = max(levels, key=LEVELS.index) if levels else "无"
    if probation:
        level = "无"
    return Post(e.line, e.start, e.end, unit_id, organisation, "、".join(segments) or "试用期", level,
                titles, probation, inline_rank)


@dataclass
class Resume:
    posts: list[Post] = field(default_factory=list)
    studies: list[Entry] = field(default_factory=list)
    ranks: list[tuple[int, dt.date, str]] = field(default_factory=list)   # (line, date, rank)
    rank_reasons: dict[int, str | None] = field(default_factory=dict)   # line → 变动原因 (None: not stated)
    entries: list[Entry] = field(default_factory=list)                   # every entry read, in order
    notes: list[tuple[int, str]] = field(default_factory=list)            # (line, 其间 note)
    problems: list[ResumeProblem] = field(default_factory=list)


def parse(text: str, units: Units, lexicon: Lexicon) -> Resume:
    """Every entry of a 简历 read; problems (unknown titles, unreadable lines) are collected, one
    per line, rather than stopping at the first."""
    r = Resume()
    try:
        items = entries(text or "")
    except ResumeProblem as p:
        r.problems.append(p)
        return r
    for e in items:
        for n in e.notes:
            if "其间" in n or "期间" in n:
                r.notes.append((e.line, n))
        e.kind = classify(e)
        r.entries.append(e)
        if e.kind == "rank":
            m = _RANK_EVENT.match(_norm(e.text))
            r.ranks.append((e.line, e.start, m.group(2)))
            r.rank_reasons[e.line] = RANK_REASONS.get(m.group("verb") or "")
            continue
        if e.kind == "study":
            r.studies.append(e)
            continue
        if e.single:
            r.problems.append(ResumeProblem(e.line, "简历格式错误",
                                            f"简历第 {e.line} 行只有开始时间，没有结束时间或“--”", e.text[:20]))
            continue
        try:
            r.posts.append(resolve(e, units, lexicon))
        except ResumeProblem as p:
            r.problems.append(p)
    return r
