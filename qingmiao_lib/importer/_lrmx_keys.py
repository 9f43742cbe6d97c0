"""The person keys of 干部任免审批表 records (:mod:`._lrmx`).

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

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from ._lrmx_text import LrmxError

if TYPE_CHECKING:
    from ._lrmx import Record

KEY_PREFIX = "LR"


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
