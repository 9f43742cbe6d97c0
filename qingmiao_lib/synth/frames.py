"""The frames ``sql/synth/load/<table>.sql`` read (``_<name>``), made from the simulation's logs
and state one at a time, when the first table reading it is loaded (:func:`.write.write_all`).

At a million persons the logs hold about 70 million rows (1.3 GB as compact arrays); frames
built all at once beside them, each log concatenated and filtered into new copies, more than
doubled that and made the build's peak (4.4 GB, issue 22). Here a log is given up as its frame is
made, and the big logs become Arrow tables over their own arrays, one record batch per logged
part, filtered part by part: no copy of a whole log is ever made.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from .activities import (
    MODES,
    PROGRAMS,
    RATINGS,
    REWARDS,
    SUPERVISION,
    TASKS,
    TOPICS,
    TRAINING_KINDS,
)
from .calendar import NEVER, add_months, day
from .model import CHANNELS, EDUCATIONS, GRADES, RANK_REASONS, Careers
from .names import person_names
from .units import KINDS, TITLES

_EXIT_REASONS = ("", "退休", "调出", "辞职", "其他", "辞退")
_POOL_EXIT = ("退出公务员队伍", "超龄", "考核结果", "提拔使用")
_POOLS = ("年轻公务员库", "两型干部库")
_VOCAB = {
    "v_kind": KINDS, "v_title": TITLES, "v_edu": EDUCATIONS, "v_channel": CHANNELS,
    "v_reason": RANK_REASONS, "v_exit": _EXIT_REASONS, "v_pool_exit": _POOL_EXIT, "v_pool": _POOLS,
    "v_tkind": TRAINING_KINDS, "v_mode": MODES, "v_topic": TOPICS, "v_program": PROGRAMS,
    "v_rating": RATINGS, "v_task": TASKS, "v_sup": SUPERVISION, "v_reward": REWARDS, "v_grade": GRADES,
}

#: Event logs and their date column: an event is kept only while its person serves (a yearly
#: draw is made for everyone active mid-year; entry and exit dates fall anywhere in the year).
_IN_SERVICE = {"trainings": "start", "tasks": "start", "rewards": "on", "practices": "start",
               "supervision": "held"}
#: Logs whose rows are edited in pandas before loading (small); the others go to DuckDB as Arrow
#: tables over the logged arrays (the big ones).
_EDITED = ("posts", "ranks", "pools", "practices", "supervision", "mentors")
#: Rows of annual grades made at a time: np.nonzero over all grades at once made two int64
#: arrays of ~20 million entries at a million persons.
_GRADE_BLOCK = 1 << 18


def _days(a: np.ndarray) -> np.ndarray:
    """Day numbers with NEVER as missing, for SQL (NULL when missing)."""
    a = np.asarray(a, dtype=np.int64)
    out = pd.array(a, dtype="Int64")
    out[a == NEVER] = pd.NA
    return out


class Frames:
    """The frames of one simulated county, each made by :meth:`make` (once: its log is given up)."""

    def __init__(self, c: Careers, units):
        self.c, self.units = c, units
        self.last_day = day(c.p.end_year, 12, 31)
        _close_open(c)

    def names(self) -> tuple[str, ...]:
        return (*self.c.logs, "persons", "units", "annual", *_VOCAB)

    def drop(self, name: str) -> None:
        """Give up a frame never made (its log, if any)."""
        self.c.logs.pop(name, None)

    def make(self, name: str):
        c = self.c
        if name in _VOCAB:
            vocab = _VOCAB[name]
            return pd.DataFrame({"code": np.arange(len(vocab)), "value": list(vocab)})
        if name == "units":
            u = self.units
            return pd.DataFrame({"uid": np.arange(len(u.ids)), "unit_id": u.ids, "name": u.name, "kind": u.kind})
        if name == "persons":
            return _persons(c, c.rng, self.last_day)
        if name == "annual":
            return _annual(c)
        if name in _EDITED:
            return getattr(self, f"_{name}")(pd.DataFrame(c.logs.pop(name).arrays()))
        date = _IN_SERVICE.get(name)
        keep = (lambda part: _in_service(c, part["pid"], part[date])) if date else None
        return _arrow(c.logs.pop(name), keep)

    # the edited logs, each as the table's SQL reads it
    def _posts(self, f: pd.DataFrame) -> pd.DataFrame:
        f = f[f["end"] > f["start"]]
        f["end"] = _days(f["end"].to_numpy())
        return f

    def _ranks(self, f: pd.DataFrame) -> pd.DataFrame:
        f = self._posts(f)
        # a recruit of the last year still on probation has no rank yet on its 31 December
        return f[f["start"] <= self.last_day]

    def _pools(self, f: pd.DataFrame) -> pd.DataFrame:
        f["exited"] = _days(f["exited"].to_numpy())
        return f

    def _practices(self, f: pd.DataFrame, end: str = "end", on: str = "start") -> pd.DataFrame:
        f[end] = _days(f[end].to_numpy())
        return f[_in_service(self.c, f["pid"].to_numpy(), f[on].to_numpy())]

    def _supervision(self, f: pd.DataFrame) -> pd.DataFrame:
        return self._practices(f, "until", "held")

    def _mentors(self, m: pd.DataFrame) -> pd.DataFrame:
        if not len(m):
            m["end"] = pd.array([], dtype="Int64")
            return m
        s = self.c.s
        pid, mentor = m["pid"].to_numpy(), m["mentor"].to_numpy()
        end = np.minimum.reduce([add_months(s.entry[pid], 60), s.exit[pid], s.exit[mentor]]).astype(np.int64)
        end = np.where(end > self.last_day, NEVER, end)
        m["end"] = _days(end)
        return m[(m["end"].isna()) | (m["end"] > m["start"])]


def _close_open(c: Careers) -> None:
    """Log what is still open at each leaver's exit (and at NEVER for those still serving)."""
    s = c.s
    n = s.n
    idx = np.arange(n)
    exit_ = s.exit[:n]
    c.logs["posts"].add(idx, s.unit[:n], s.title[:n], s.level[:n], s.post_start[:n], exit_)
    graded = (s.rank[:n] > 0) & (s.rank_start[:n] < exit_)
    c.logs["ranks"].add(idx[graded], s.rank[:n][graded], s.rank_start[:n][graded], exit_[graded],
                        s.rank_reason[:n][graded])
    for k in range(2):
        m = s.pool_since[k, :n] < NEVER
        c.logs["pools"].add(idx[m], k, s.pool_since[k, :n][m], exit_[m], 0)


def _in_service(c: Careers, pid: np.ndarray, on: np.ndarray) -> np.ndarray:
    s = c.s
    return (on >= s.entry[pid]) & (on < s.exit[pid])


def _arrow(log, keep=None) -> pa.Table:
    """The log's rows as an Arrow table, one record batch per logged part: the arrays are the
    log's own (no copy), but for constant columns (made whole) and rows ``keep(part)`` drops
    (filtered part by part). Each column has the type a concatenation would give it."""
    parts, log.parts = log.parts, []
    if not parts:
        return pa.table({c: np.array([], dtype=np.int32) for c in log.columns})
    types = [np.result_type(*(p[i].dtype for p in parts)) for i in range(len(log.columns))]
    batches = []
    for j, part in enumerate(parts):
        cols = {c: np.ascontiguousarray(a, dtype=t) for c, a, t in zip(log.columns, part, types, strict=True)}
        if keep is not None:
            mask = keep(cols)
            cols = {c: a[mask] for c, a in cols.items()}
        batches.append(pa.record_batch(cols))
        parts[j] = None  # the part's own arrays live on in the batch only
    return pa.Table.from_batches(batches)


def _annual(c: Careers) -> pa.Table:
    """One row per person and year with a grade, person by person, a block of persons at a time."""
    s = c.s
    g = s.grades[: s.n]
    batches = []
    for a in range(0, len(g), _GRADE_BLOCK):
        block = g[a: a + _GRADE_BLOCK]
        who, col = np.nonzero(block)
        batches.append(pa.record_batch({"pid": (who + a).astype(np.int32), "year": (col + s.y0).astype(np.int16),
                                        "grade": block[who, col]}))
    return pa.Table.from_batches(batches)


# The persons' few distinct texts, shared by every row that holds them (one Python string per
# row came to about 80 bytes a row and column).
_STATUS = np.array(["中共党员", "共青团员", "民主党派", "群众"], dtype=object)
_DEGREE = np.array([None, "学士", "硕士", "博士"], dtype=object)
_ETHNICITY = np.array(["汉族", "回族", "满族"], dtype=object)


def _persons(c: Careers, rng, last_day: int) -> pd.DataFrame:
    s = c.s
    n = s.n
    female = s.female[:n]
    birth = s.birth[:n].astype(np.int64)
    age_now = (birth.max() - birth) / 365.25
    party = rng.random(n) < np.clip(0.55 + 0.01 * age_now, 0.55, 0.92)
    league = ~party & (rng.random(n) < 0.5)
    democratic = ~party & ~league & (rng.random(n) < 0.15)
    status = np.select([party, league, democratic], [0, 1, 2], 3)
    party_join = np.where(party, np.minimum(birth + (rng.uniform(19, 32, n) * 365.25).astype(np.int64),
                                            s.entry[:n].astype(np.int64) + 5 * 365), NEVER)
    # not yet joined by the end of the simulated years: not (yet) a party member
    late = party & (party_join > last_day)
    status[late], party_join[late] = 3, NEVER
    edu = s.edu[:n]
    degree = np.select([edu == 3, edu == 4, edu == 5], [1, 2, 3], 0)
    degree[(edu == 3) & (rng.random(n) < 0.08)] = 0
    ethnicity = np.where(rng.random(n) < 0.985, 0, np.where(rng.random(n) < 0.6, 1, 2))
    transfer = s.trial_end[:n] == s.entry[:n]
    work = np.where(transfer, s.entry[:n] - (rng.uniform(2, 12, n) * 365.25).astype(np.int64), s.entry[:n])
    work = np.maximum(work, birth + 18 * 366)
    return pd.DataFrame({
        "pid": np.arange(n),
        "name": person_names(rng, female),
        "female": female,
        "ethnicity": _ETHNICITY[ethnicity],
        "birth": birth,
        "political_status": _STATUS[status],
        "party_join": _days(party_join),
        "edu": edu,
        "degree": _DEGREE[degree],
        "full_time": rng.random(n) < np.where(age_now < 40, 0.9, 0.6),
        "work_start": work,
        "entry": s.entry[:n],
        "channel": s.channel[:n],
        "exit": _days(s.exit[:n]),
        "exit_reason": s.exit_reason[:n],
    })
