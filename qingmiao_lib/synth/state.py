"""What the career simulation (:mod:`.model`) works on: the codes of its grades, educations,
channels and rank reasons, the numbers it takes from the rules file (:class:`Rules`), the state of
every person who ever served (:class:`State`, one array per attribute) and the rows it logs
(:class:`Log`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .calendar import NEVER, add_months, ymd

GRADES = ("", "优秀", "称职", "基本称职", "不称职", "不定等次")  # code 0 = no record
EXC, COMP, BASIC, INCOMP, UNGRADED = 1, 2, 3, 4, 5
EDUCATIONS = ("高中", "中专", "大专", "本科", "硕士研究生", "博士研究生")
CHANNELS = ("考试录用", "选调生", "遴选", "调任", "军转安置", "其他")
RANK_REASONS = ("定级", "晋升", "平级调整", "降级")
DEF, PROMO, LATERAL = 0, 1, 2


@dataclass
class Rules:
    """The numbers the simulation needs from the rules file."""

    required_months: np.ndarray    # by target step (index 1..12)
    alt_level: np.ndarray          # by target step: leadership level step whose tenure counts, 0 = none
    ceiling: int
    initial_step: np.ndarray       # by education code
    excellent_cut: int
    uncounted_penalty: int
    cutoff_month_day: tuple[int, int]
    young: int
    probation_months: int
    cap: float
    block: int
    first_leadership_years: int
    # statutory retirement (rules [retirement]): by schedule, 0 = women's, 1 = men's
    retire_base: np.ndarray        # original age in months
    retire_start: np.ndarray       # first birth month with a delay, as year * 12 + month - 1
    retire_step: int
    retire_cap: int
    county_level: np.ndarray       # by level code: does the post level count as 县处级?
    female_county_as_male: bool

    @classmethod
    def from_dict(cls, r: dict) -> Rules:
        from ..rules import EDUCATIONS as EDU
        from ..rules import LEVELS, RANKS
        ladder = r["promotion"]["ladder"]
        req = np.zeros(13, dtype=np.int64)
        alt = np.zeros(13, dtype=np.int64)
        for i, row in enumerate(ladder, start=1):
            req[i] = int(round(float(row["min_years"]) * 12))
            alt[i] = LEVELS.index(row["alt_level"]) if row.get("alt_level") else 0
        init = np.array([RANKS.index(r["initial_grade"][e]) + 1 for e in EDU])
        m, d = (int(x) for x in r["promotion"]["tenure_year_cutoff"].split("-"))
        ret = r["retirement"]

        def month_index(text: str) -> int:
            year, month = (int(x) for x in str(text).split("-")[:2])
            return year * 12 + month - 1

        county = np.array([name in set(ret["county_levels"]) for name in LEVELS])
        return cls(req, alt, RANKS.index(r["promotion"]["ceiling"]) + 1, init,
                   int(r["promotion"]["excellent_reduction_months"]),
                   int(r["promotion"]["uncounted_penalty_months"]), (m, d),
                   int(r["general"]["young_age_limit"]), int(r["general"]["probation_months"]),
                   float(r["assessment"]["excellent_cap"]), int(r["assessment"]["streak_block_years"]),
                   int(r["posts"]["first_leadership_years"]),
                   np.array([int(ret["female_base_age_years"]) * 12, int(ret["male_base_age_years"]) * 12]),
                   np.array([month_index(ret["female_start_month"]), month_index(ret["male_start_month"])]),
                   int(ret["step_months"]), int(ret["max_delay_months"]), county,
                   bool(ret["female_county_level_as_male"]))

    def retirement_date(self, birth: np.ndarray, female: np.ndarray, level: np.ndarray) -> np.ndarray:
        """The statutory retirement dates (day numbers) of persons born on ``birth`` holding a
        post of ``level`` (code) — the rule of ``sql/outlook/retirement.sql``: men, and women at
        a county level while ``female_county_level_as_male`` is on, follow the men's schedule;
        delay = ⌊months of birth since the start month / step⌋ + 1, at most the cap, none before
        the start month; the date is birth + base + delay months, month-end clamped."""
        male = ~np.asarray(female, dtype=bool) | (self.female_county_as_male & self.county_level[level])
        schedule = male.astype(np.int64)
        y, m, _ = ymd(birth)
        since = y * 12 + m - 1 - self.retire_start[schedule]
        delay = np.where(since < 0, 0, np.minimum(self.retire_cap, since // self.retire_step + 1))
        return add_months(birth, self.retire_base[schedule] + delay)


def _compact(a) -> np.ndarray:
    """int → int32 (person numbers, day numbers and codes all fit), float → float32: the logs of a
    1,000,000-person county hold ~100 million rows, so their width matters."""
    a = np.asarray(a)
    if a.dtype.kind in "iu":
        return a.astype(np.int32, copy=False)
    if a.dtype.kind == "f":
        return a.astype(np.float32, copy=False)
    return a


@dataclass
class Log:
    """Rows of one output table, collected as column arrays and concatenated at the end."""

    columns: tuple[str, ...]
    parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)

    def add(self, *cols) -> None:
        n = len(cols[0])
        if n:
            self.parts.append(tuple(
                np.broadcast_to(_compact(c), n) if np.ndim(c) == 0 else _compact(c) for c in cols
            ))

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns, concatenated; the parts are released (call once)."""
        if not self.parts:
            return {c: np.array([], dtype=np.int32) for c in self.columns}
        out = {c: np.concatenate([p[i] for p in self.parts]) for i, c in enumerate(self.columns)}
        self.parts = []
        return out


class State:
    """Every person who ever served, one array per attribute (index = person number)."""

    def __init__(self, capacity: int, years: range):
        self.n = 0
        z32 = lambda: np.zeros(capacity, dtype=np.int32)  # noqa: E731
        self.birth, self.entry, self.unit = z32(), z32(), z32()
        self.exit = np.full(capacity, NEVER, dtype=np.int32)
        self.exit_reason = np.zeros(capacity, dtype=np.int8)
        self.female = np.zeros(capacity, dtype=bool)
        self.edu = np.zeros(capacity, dtype=np.int8)
        self.channel = np.zeros(capacity, dtype=np.int8)
        self.latent = np.zeros(capacity, dtype=np.float32)
        self.rank = np.zeros(capacity, dtype=np.int8)          # 0 = not yet graded (probation)
        self.rank_start = np.full(capacity, NEVER, dtype=np.int32)
        self.rank_reason = np.zeros(capacity, dtype=np.int8)
        self.level = np.zeros(capacity, dtype=np.int8)
        self.post_start = z32()
        self.title = np.zeros(capacity, dtype=np.int16)
        self.discipline_until = z32()
        self.step_down_on = np.full(capacity, NEVER, dtype=np.int32)
        self.trial_end = z32()
        self.y0 = years.start
        self.grades = np.zeros((capacity, len(years)), dtype=np.int8)
        self.pool_since = np.full((2, capacity), NEVER, dtype=np.int32)

    def active(self, t: int) -> np.ndarray:
        s = slice(0, self.n)
        return (self.entry[s] <= t) & (self.exit[s] > t)

    def grade(self, year: int) -> np.ndarray:
        k = year - self.y0
        if k < 0 or k >= self.grades.shape[1]:
            return np.zeros(self.n, dtype=np.int8)
        return self.grades[: self.n, k]
