"""The promotion steps of the career simulation (:class:`.model.Careers`): rank promotion
(职级晋升: the personal conditions of SPEC §5, then a round within the quotas), leadership
promotion into vacant posts, and lateral moves between units. A mixin: it works on the
attributes :class:`.model.Careers` sets up.
"""

from __future__ import annotations

import numpy as np

from .calendar import age, day, full_months, year_of, ymd
from .params import Params
from .state import BASIC, COMP, EXC, INCOMP, PROMO, UNGRADED, Log, Rules, State


class Promotions:
    """Rank and leadership promotion, lateral moves (methods of :class:`.model.Careers`)."""

    p: Params
    r: Rules
    rng: np.random.Generator
    u: object
    s: State
    quota: np.ndarray
    logs: dict[str, Log]

    # ---------------------------------------------------------------- rank promotion (职级晋升)
    def eligible(self, t: int, idx: np.ndarray) -> np.ndarray:
        """SPEC §5 personal conditions for one step up, for persons idx on day t."""
        s, r = self.s, self.r
        nxt = s.rank[idx].astype(np.int64) + 1
        ok = (s.rank[idx] > 0) & (s.rank_start[idx] <= t) & (nxt <= r.ceiling)
        nxt = np.minimum(nxt, 12)
        start = s.rank_start[idx].astype(np.int64)
        tenure = np.where(ok, full_months(np.where(ok, start, t), t), 0)
        alt = r.alt_level[nxt]
        use_post = (alt > 0) & (s.level[idx] >= alt)
        post_tenure = full_months(s.post_start[idx], t)
        better = use_post & (post_tenure > tenure)
        tenure = np.where(better, post_tenure, tenure)
        start = np.where(better, s.post_start[idx], start)
        sy, sm, sd = ymd(start)
        cm, cd = r.cutoff_month_day
        first = sy + ((sm > cm) | ((sm == cm) & (sd > cd)))
        last = year_of(np.array([t]))[0] - 1
        years = np.arange(s.y0, s.y0 + s.grades.shape[1])
        g = s.grades[idx]
        in_tenure = (years[None, :] >= first[:, None]) & (years[None, :] <= last)
        exc = ((g == EXC) & in_tenure).sum(1)
        unc = (((g == BASIC) | (g == INCOMP) | (g == UNGRADED)) & in_tenure).sum(1)
        need = r.required_months[nxt] - r.excellent_cut * exc
        have = tenure - r.uncounted_penalty * unc
        last_grade = s.grade(last)[idx]
        clean = s.discipline_until[idx] <= t
        return ok & (have >= need) & ((last_grade == EXC) | (last_grade == COMP)) & clean

    def rank_round(self, t: int, share: float, headcount: int) -> None:
        s, p, rng = self.s, self.p, self.rng
        act = np.flatnonzero(s.active(t))
        elig = act[self.eligible(t, act)]
        prio = s.latent[elig] + rng.normal(0, 0.6, len(elig)) + 4.0 * (np.abs(s.step_down_on[elig] - t) <= 85)
        for k in range(self.r.ceiling, 1, -1):
            cand = elig[s.rank[elig] == k - 1]
            if not len(cand):
                continue
            if self.quota[k] > 0:
                holders = ((s.rank[act] == k) & (s.rank_start[act] <= t)).sum()
                room = int(np.floor(self.quota[k] * headcount) - holders)
                room = int(np.floor(max(room, 0) * share * p.quota_fill + rng.random()))
                sd = np.abs(s.step_down_on[cand] - t) <= 85
                room = max(room, min(int(sd.sum()), int(np.floor(self.quota[k] * headcount) - holders)))
                if room <= 0:
                    continue
                pick = cand[np.argsort(-prio[np.searchsorted(elig, cand)])][:room]
            else:
                pick = cand[rng.random(len(cand)) < share + 0.2]
            self.change_rank(pick, t, np.full(len(pick), k), PROMO)

    # ---------------------------------------------------------------- leadership promotion
    def leadership(self, y: int) -> None:
        s, p, u, rng = self.s, self.p, self.u, self.rng
        for level in (4, 3, 2, 1):
            t0 = day(y, 3, 1)
            act = np.flatnonzero(s.active(t0) & (s.exit[: s.n] > day(y, 12, 31)))
            held = np.bincount(s.unit[act][s.level[act] == level], minlength=len(u.seats))
            vac_units = np.repeat(np.arange(len(u.seats)), np.maximum(u.seats[:, level] - held, 0))
            if not len(vac_units):
                continue
            a = age(s.birth[act], t0)
            served = full_months(s.post_start[act], t0)
            work = full_months(s.entry[act], t0)
            lower = s.level[act] == level - 1
            if level == 1:
                cond = lower & (work >= 12 * self.r.first_leadership_years) & (s.rank[act] >= 3) & (a <= 50)
            elif level in (2, 4):
                cond = lower & (served >= 24)
            else:
                cond = lower & (served >= 36) & (work >= 60)
            cond &= (s.grade(y - 1)[act] <= COMP) & (s.grade(y - 1)[act] > 0) & (s.discipline_until[act] <= t0)
            cand = act[cond]
            if not len(cand):
                continue
            score = (s.latent[cand] + rng.normal(0, 0.8, len(cand))
                     + p.young_leader_bonus * (a[cond] < self.r.young) + 0.2 * (s.rank[cand] - 3))
            chosen = cand[np.argsort(-score)][: len(vac_units)]
            units = rng.permutation(vac_units)[: len(chosen)]
            same = (u.seats[s.unit[chosen], level] > 0) & (rng.random(len(chosen)) < 0.5)
            units = np.where(same & (level <= 2), s.unit[chosen], units)
            t = (day(y, 3, 1) + rng.integers(0, 280, len(chosen))).astype(np.int32)
            self.change_post(chosen, t, units, np.full(len(chosen), level, np.int8),
                             u.title_code(units, np.full(len(chosen), level), rng))
            self.logs["appointments"].add(chosen, t, np.full(len(chosen), level))

    def lateral_moves(self, y: int) -> None:
        s, p, u, rng = self.s, self.p, self.u, self.rng
        t0 = day(y, 6, 1)
        act = np.flatnonzero(s.active(t0) & (s.level[: s.n] == 0) & (s.post_start[: s.n] < t0 - 365))
        go = act[rng.random(len(act)) < p.lateral_move_rate]
        units = rng.choice(len(u.size_weight), len(go), p=u.size_weight / u.size_weight.sum())
        t = (t0 + rng.integers(0, 180, len(go))).astype(np.int32)
        self.change_post(go, t, units, np.zeros(len(go), np.int8), np.zeros(len(go), np.int16))
