"""The county's people and their careers, simulated year by year, vectorised over persons.

``State`` holds one array per attribute over every person who ever served; each yearly step
updates whole cohorts at once. Careers obey the same rules file the analyses read (ladder,
minimum years, grade effects, ceiling, initial grades) and the quotas written to ``quotas``. The
state, its codes and the rules' numbers are in :mod:`.state`; the promotion steps in :mod:`.promotion`.
"""

from __future__ import annotations

import numpy as np

from .calendar import NEVER, add_months, age, day, first_of_next_month
from .params import Params
from .promotion import Promotions
from .state import (
    BASIC,
    CHANNELS,
    COMP,
    DEF,
    EDUCATIONS,
    EXC,
    GRADES,
    INCOMP,
    LATERAL,
    PROMO,
    RANK_REASONS,
    UNGRADED,
    Log,
    Rules,
    State,
)

#: the codes and classes of :mod:`.state`, importable from here as before
__all__ = ["BASIC", "CHANNELS", "COMP", "DEF", "EDUCATIONS", "EXC", "GRADES", "INCOMP", "LATERAL",
           "PROMO", "RANK_REASONS", "UNGRADED", "Careers", "Log", "Rules", "State"]


class Careers(Promotions):
    """The yearly steps: exits, promotions, recruitment, assessment, pools."""

    def __init__(self, p: Params, rules: Rules, rng: np.random.Generator, units, logs: dict[str, Log]):
        self.p, self.r, self.rng, self.u, self.logs = p, rules, rng, units, logs
        cap = int(p.persons * (1.25 + 0.05 * (p.end_year - p.start_year))) + 64
        self.s = State(cap, range(p.start_year - p.warmup_years, p.end_year + 1))
        self.quota = np.zeros(13, dtype=np.float64)

    def release(self) -> None:
        """Drop the simulation's state and logs once they are written (``write.write_all``): the
        careers cannot be stepped or written again after this."""
        self.logs.clear()
        self.s = None

    # ---------------------------------------------------------------- posts and ranks
    def change_post(self, idx: np.ndarray, t: np.ndarray, unit: np.ndarray, level: np.ndarray,
                    title: np.ndarray) -> None:
        s = self.s
        self.logs["posts"].add(idx, s.unit[idx], s.title[idx], s.level[idx], s.post_start[idx], t)
        s.unit[idx], s.level[idx], s.title[idx], s.post_start[idx] = unit, level, title, t

    def change_rank(self, idx: np.ndarray, t: np.ndarray, step: np.ndarray, reason: int) -> None:
        s = self.s
        had = s.rank[idx] > 0
        i = idx[had]
        self.logs["ranks"].add(i, s.rank[i], s.rank_start[i], np.broadcast_to(t, idx.shape)[had], s.rank_reason[i])
        s.rank[idx], s.rank_start[idx], s.rank_reason[idx] = step, t, reason

    # ---------------------------------------------------------------- the stock in year one
    def seed_stock(self) -> None:
        p, s, rng, u = self.p, self.s, self.rng, self.u
        n = p.persons
        t0 = day(p.start_year)
        age0 = 23 + 36 * rng.beta(1.6, 1.25, n)
        young = age0 < 35
        female = rng.random(n) < np.where(young, p.female_share_young, p.female_share_old)
        age0 = np.where(female, np.minimum(age0, 54.5), age0)
        birth = (t0 - age0 * 365.25).astype(np.int32)
        edu = np.where(age0 < 35, rng.choice(6, n, p=[.01, .01, .12, .70, .15, .01]),
                       rng.choice(6, n, p=[.04, .05, .30, .55, .06, .0]))
        entry_age = 21.5 + 2 * edu.clip(2, 5) - 4 + rng.gamma(2.0, 0.8, n)
        entry = np.minimum(birth + (entry_age * 365.25).astype(np.int32), t0 - 200 - rng.integers(0, 300, n))
        i = self._append(n, birth, female, edu, entry, rng.choice([0, 1, 2, 3, 4], n, p=[.7, .1, .1, .06, .04]))
        s.latent[i] = rng.standard_normal(n)
        # past careers: the entry grade, then a step every few years, up to the ceiling
        served = (t0 - entry) / 365.25 - 1
        pace = np.clip(p.stock_pace_years - 0.8 * s.latent[i] + rng.normal(0, 0.8, n), 2.2, 12)
        steps = np.minimum(self.r.initial_step[edu] + np.floor(np.maximum(served, 0) / pace), self.r.ceiling)
        since = np.minimum(served, pace) * rng.random(n)
        rstart = (t0 - np.maximum(since, 0.05) * 365.25).astype(np.int32)
        s.rank[i], s.rank_start[i] = steps, rstart
        s.rank_reason[i] = np.where(steps > self.r.initial_step[edu], PROMO, DEF)
        # units by size; then each unit's leadership team from its most senior members
        s.unit[i] = rng.choice(len(u.size_weight), n, p=u.size_weight / u.size_weight.sum())
        s.post_start[i] = np.maximum(entry, (t0 - rng.gamma(2.0, 2.5, n) * 365.25).astype(np.int32))
        self._seat_stock_leaders(i, t0)
        # three years of grades before start_year so promotion rules have history
        for y in range(p.start_year - p.warmup_years, p.start_year):
            self.assess(y, warmup=True)
        for k in range(3, self.r.ceiling + 1):
            self.quota[k] = (s.rank[: s.n] == k).sum() / n * (1 + p.quota_slack)

    def _append(self, n, birth, female, edu, entry, channel) -> np.ndarray:
        s = self.s
        i = np.arange(s.n, s.n + n)
        s.n += n
        s.birth[i], s.female[i], s.edu[i], s.entry[i], s.channel[i] = birth, female, edu, entry, channel
        s.post_start[i] = entry
        trial = (channel == 0) | (channel == 1)
        s.trial_end[i] = np.where(trial, add_months(entry, self.r.probation_months), entry)
        return i

    def _seat_stock_leaders(self, i: np.ndarray, t0: int) -> None:
        s, u, rng = self.s, self.u, self.rng
        seniority = s.rank[i] + 0.3 * s.latent[i] + rng.normal(0, 0.7, len(i)) + 0.03 * (t0 - s.birth[i]) / 365.25
        for level in (4, 3, 2, 1):
            seats = u.seats[:, level]
            free = (s.level[i] == 0) & (s.rank[i] >= (5 if level >= 3 else 3))
            if level >= 3:
                pool = i[free]
                order = pool[np.argsort(-seniority[free])][: seats[0]]
                s.level[order], s.unit[order] = level, 0
            else:
                order = np.lexsort((-seniority[free], s.unit[i[free]]))
                pool = i[free][order]
                pos = np.arange(len(pool)) - np.searchsorted(s.unit[pool], s.unit[pool])
                take = pool[pos < seats[s.unit[pool]]]
                s.level[take] = level
        led = i[s.level[i] > 0]
        s.post_start[led] = np.maximum(s.entry[led], t0 - (rng.gamma(2.0, 2.2, len(led)) * 365.25).astype(np.int32))
        s.title[i] = u.title_code(s.unit[i], s.level[i], rng)

    # ---------------------------------------------------------------- exits
    def exits(self, y: int) -> None:
        p, s, rng = self.p, self.s, self.rng
        ys, ye = day(y), day(y, 12, 31)
        act = np.flatnonzero(s.active(ys))
        # statutory retirement (rules [retirement], the 2024 reform): from the year the reform is
        # in force the person leaves on the date the age is reached, as outlook.retirements counts
        # it; before, on the first of the month after (the county's history as first simulated).
        # A date in the last month before the reform is kept as it is, so nobody waits past it.
        statutory = self.r.retirement_date(s.birth[act], s.female[act], s.level[act])
        next_month = first_of_next_month(statutory)
        retire_on = np.where(next_month < day(p.statutory_retirement_from), next_month, statutory)
        retiring = retire_on <= ye
        young = age(s.birth[act], ys) < self.r.young
        quit_p = np.where(young, p.quit_rate_young, p.quit_rate_old)
        quitting = ~retiring & (rng.random(len(act)) < quit_p)
        quit_on = ys + rng.integers(0, 365, len(act))
        who = np.concatenate([act[retiring], act[quitting]])
        when = np.concatenate([np.maximum(retire_on[retiring], ys), quit_on[quitting]]).astype(np.int32)
        why = np.concatenate([np.full(retiring.sum(), 1), rng.choice([2, 3, 4], quitting.sum(), p=[.6, .35, .05])])
        # dismissal after two 不称职 years in a row
        bad = act[(s.grade(y - 1)[act] == INCOMP) & (s.grade(y - 2)[act] == INCOMP)]
        bad = np.setdiff1d(bad, who)
        who = np.concatenate([who, bad])
        when = np.concatenate([when, np.full(len(bad), day(y, 3, 1), dtype=np.int32)])
        why = np.concatenate([why, np.full(len(bad), 5)])
        s.exit[who], s.exit_reason[who] = when, why

    # ---------------------------------------------------------------- older leaders step down
    def step_downs(self, y: int, round_day: int) -> None:
        s, p, rng = self.s, self.p, self.rng
        act = np.flatnonzero(s.active(round_day) & (s.exit[: s.n] > round_day + 90))
        old = act[(s.level[act] >= 1) & (age(s.birth[act], round_day) >= p.step_down_age)
                  & (s.rank[act] < self.r.ceiling)]
        old = old[s.post_start[old] < round_day - 365]
        k = int(round(p.step_down_rate * len(old)))
        go = np.sort(rng.choice(old, k, replace=False)) if k else old[:0]
        if not len(go):
            return
        t = (round_day - rng.integers(0, 80, len(go))).astype(np.int32)
        # a woman in a 县处级 post keeps it while leaving it would put her statutory retirement
        # (women's schedule) in this year or before: her date stays the one she retires on
        now = self.r.retirement_date(s.birth[go], s.female[go], s.level[go])
        after = self.r.retirement_date(s.birth[go], s.female[go], np.zeros(len(go), np.int8))
        keep = (after == now) | (after > day(y, 12, 31))
        go, t = go[keep], t[keep]
        if not len(go):
            return
        self.change_post(go, t, s.unit[go], np.zeros(len(go), np.int8), np.zeros(len(go), np.int16))
        s.step_down_on[go] = t

    # ---------------------------------------------------------------- recruitment
    def recruit(self, y: int, headcount: int) -> np.ndarray:
        s, p, rng, r = self.s, self.p, self.rng, self.r
        mid = day(y, 7, 1)
        stay = (s.active(mid) | ((s.entry[: s.n] > mid) & (s.entry[: s.n] <= day(y, 12, 31)))).sum()
        leaving = ((s.exit[: s.n] > mid) & (s.exit[: s.n] <= day(y, 12, 31))).sum()
        n = max(int(headcount - stay + leaving * 0.5), 0)
        if not n:
            return np.array([], dtype=np.int64)
        transfer = rng.random(n) < p.transfer_in_share
        channel = np.where(transfer, rng.choice([2, 3, 4], n, p=[.5, .3, .2]),
                           rng.choice([0, 1], n, p=[.85, .15]))
        edu = rng.choice(6, n, p=[.005, .01, .09, .72, .17, .005])
        edu = np.where(channel == 1, np.maximum(edu, 3), edu)
        entry_age = np.where(transfer, rng.uniform(28, 42, n),
                             20.5 + np.array([0, 0, 1, 2, 5, 8])[edu] + rng.gamma(2.0, 0.9, n))
        month = np.where(transfer, rng.integers(1, 13, n), rng.choice([7, 8, 9, 10], n, p=[.2, .4, .3, .1]))
        entry = np.array([day(y, int(m), 1) for m in range(1, 13)])[month - 1] + rng.integers(0, 25, n)
        female = rng.random(n) < p.female_share_young
        birth = (entry - entry_age * 365.25).astype(np.int32)
        i = self._append(n, birth, female, edu, entry.astype(np.int32), channel)
        s.latent[i] = rng.standard_normal(n)
        deficit = np.maximum(self.u.size_weight / self.u.size_weight.sum() * headcount
                             - np.bincount(s.unit[np.flatnonzero(s.active(mid))], minlength=len(self.u.seats)), 0.5)
        deficit[0] = 0.0
        s.unit[i] = rng.choice(len(deficit), n, p=deficit / deficit.sum())
        s.post_start[i] = s.entry[i]
        # probation, then the initial grade (定级) from the rules; transfers keep a grade
        trial = ~transfer
        grade_on = s.trial_end[i]
        tr_step = np.clip(r.initial_step[edu] + ((entry_age - 25) // 4).astype(int), 1, 7)
        s.rank[i] = np.where(trial, r.initial_step[edu], tr_step)
        s.rank_start[i] = np.where(trial, grade_on, s.entry[i])
        s.rank_reason[i] = np.where(trial, DEF, LATERAL)
        return i

    # ---------------------------------------------------------------- annual assessment
    def assess(self, y: int, warmup: bool = False) -> np.ndarray:
        s, p, rng, u = self.s, self.p, self.rng, self.u
        ye = day(y, 12, 31)
        s.latent[: s.n] = (p.latent_persistence * s.latent[: s.n]
                           + np.sqrt(1 - p.latent_persistence**2) * rng.standard_normal(s.n))
        act = np.flatnonzero(s.active(ye) & (s.entry[: s.n] <= ye))
        young = age(s.birth[act], ye) < self.r.young
        sd = np.where(young, p.noise_sd_young, p.noise_sd_old)
        # units rotate 优秀 among ordinary young staff; seniors and leaders are rated on record
        repeat = (s.grade(y - 1)[act] == EXC) & young & (s.level[act] == 0)
        score = (s.latent[act] + sd * rng.standard_normal(len(act)) + p.senior_bonus * ~young
                 - p.rotation_penalty * repeat)
        grade = np.full(len(act), COMP, dtype=np.int8)
        # excellent: the top share of each unit, rounded at random (small units are lumpy)
        unit = s.unit[act]
        order = np.lexsort((-score, unit))
        ranked = act[order]
        u_sorted = unit[order]
        pos = np.arange(len(ranked)) - np.searchsorted(u_sorted, u_sorted)
        size = np.bincount(unit, minlength=len(u.seats))
        quota = np.floor(size * u.excellent_rate + u.round_noise[y % 7]).astype(int)
        top = pos < quota[u_sorted]
        g_sorted = np.where(top, EXC, COMP).astype(np.int8)
        grade[order] = g_sorted
        low = score < np.quantile(score, p.basic_rate + p.incompetent_rate) if len(score) else score < 0
        grade[low] = BASIC
        grade[low & (score < np.quantile(score, p.incompetent_rate))] = INCOMP
        # in probation at year end, or under a 处分 → 不定等次
        in_trial = s.trial_end[act] > ye
        grade[in_trial | (s.discipline_until[act] > ye - 180) & (rng.random(len(act)) < 0.5)] = UNGRADED
        s.grades[act, y - s.y0] = grade
        return act

    # ---------------------------------------------------------------- pools
    def pools(self, y: int) -> None:
        p, s, rng = self.p, self.s, self.rng
        t = day(y, 3, 15)
        act = s.active(t)
        idx = np.arange(s.n)
        last = s.grade(y - 1)
        a = age(s.birth[: s.n], t)
        for k, (since, name) in enumerate(((p.young_pool_from, "young"), (p.two_type_pool_from, "two"))):
            if y < since:
                continue
            member = s.pool_since[k, : s.n] < NEVER
            when = (t + rng.integers(0, 45, s.n)).astype(np.int32)
            # leavers are closed at their exit date when the tables are written
            if name == "young":
                out_age = member & act & (a >= self.r.young)
                out_bad = member & act & ((last == BASIC) | (last == INCOMP))
                self._pool_exit(k, idx[out_age], when[out_age], 1)
                self._pool_exit(k, idx[out_bad & ~out_age], when[out_bad & ~out_age], 2)
                ok = (act & ~member & (a < self.r.young - 1) & (s.entry[: s.n] < t - 365)
                      & ((last == EXC) | (last == COMP)) & (s.latent[: s.n] > p.young_pool_latent_cut))
                new = idx[ok & (rng.random(s.n) < 0.85)]
            else:
                out_age = member & act & (a >= 55)
                promoted = member & act & (s.level[: s.n] >= 3)
                out_bad = member & act & ((last == BASIC) | (last == INCOMP)) & ~out_age
                self._pool_exit(k, idx[out_age], when[out_age], 1)
                self._pool_exit(k, idx[promoted & ~out_age], when[promoted & ~out_age], 3)
                self._pool_exit(k, idx[out_bad & ~promoted], when[out_bad & ~promoted], 2)
                member = s.pool_since[k, : s.n] < NEVER
                room = int(p.two_type_pool_share * act.sum()) - int((member & act).sum())
                ok = (act & ~member & (a < 50) & (s.entry[: s.n] < t - 3 * 365)
                      & ((last == EXC) | (last == COMP)) & (s.level[: s.n] < 3))
                cand = idx[ok]
                score = (s.latent[cand] + p.two_type_seniority_weight * (s.rank[cand] + 1.5 * s.level[cand])
                         + rng.normal(0, 0.5, len(cand)))
                new = cand[np.argsort(-score)][: max(room, 0)]
            new = new[s.exit[new] > when[new]]
            s.pool_since[k, new] = when[new]

    def _pool_exit(self, k: int, idx: np.ndarray, t: np.ndarray, reason: int) -> None:
        s = self.s
        self.logs["pools"].add(idx, np.full(len(idx), k), s.pool_since[k, idx], t, np.full(len(idx), reason))
        s.pool_since[k, idx] = NEVER
