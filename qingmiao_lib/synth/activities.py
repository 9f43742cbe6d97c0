"""Yearly activities around the careers: training, practice, tasks, supervision, rewards,
quarterly assessment and mentors — each one vectorised over the people it concerns."""

from __future__ import annotations

import numpy as np

from .calendar import NEVER, add_months, age, day
from .model import BASIC, EXC, Careers

TRAINING_KINDS = ("初任培训", "任职培训", "专门业务培训", "在职培训")
MODES = ("脱产", "网络", "其他")
TOPICS = (
    "新录用公务员初任培训班", "任职培训班", "网络学院年度学习", "专题网络培训", "习近平新时代中国特色社会主义思想专题轮训",
    "党性教育主体班", "乡村振兴专题培训", "基层治理能力提升班", "依法行政专题培训", "数字政府建设专题培训",
    "招商引资业务培训", "财务审计业务培训", "应急管理业务培训", "信访工作业务培训",
)
PROGRAMS = ("千万工程", "驻村帮扶", "营商环境专班", "主题教育", "轮岗交流", "其他")
RATINGS = ("优秀", "良好", "合格")
TASKS = ("疫情防控", "防汛抢险", "森林防火", "信访维稳", "项目攻坚", "招商引资", "人居环境整治", "安全生产检查")
SUPERVISION = ("谈心谈话", "提醒谈话", "批评教育", "诫勉", "组织处理", "处分")
REWARDS = ("嘉奖", "三等功", "二等功", "一等功", "其他")


class Activities:
    def __init__(self, c: Careers, end_day: int):
        self.c, self.s, self.p, self.rng, self.logs = c, c.s, c.p, c.rng, c.logs
        self.end_day = end_day

    def _training(self, who, kind, start, days, mode, topic, passed=None, hours=None):
        start = np.asarray(start, dtype=np.int32)
        end = (start + np.maximum(np.asarray(days), 1) - 1).astype(np.int32)
        keep = (end <= self.end_day) & (start < self.s.exit[who]) & (end < self.s.exit[who])
        hours = np.asarray(days) * 8.0 if hours is None else np.asarray(hours, dtype=float)
        passed = np.ones(len(who), bool) if passed is None else passed
        cols = [np.broadcast_to(x, len(who)) for x in (who, kind, start, end, hours, mode, passed, topic)]
        self.logs["trainings"].add(*(x[keep] for x in cols))

    def year(self, y: int, recruits: np.ndarray, graded: np.ndarray) -> None:
        s, p, rng = self.s, self.p, self.rng
        ys, mid, ye = day(y), day(y, 7, 1), day(y, 12, 31)
        act = np.flatnonzero(s.active(mid))
        n = len(act)
        young = age(s.birth[act], mid) < self.c.r.young
        # 在职培训: a yearly online record, sometimes a second, and classes (脱产)
        self._training(act, 3, ys + rng.integers(0, 150, n), rng.integers(120, 200, n), 1, 2,
                       hours=np.clip(np.round(rng.normal(80, 18, n)), 10, 160))
        extra = act[rng.random(n) < 0.45]
        self._training(extra, 3, ys + rng.integers(0, 300, len(extra)), rng.integers(5, 40, len(extra)), 1, 3,
                       hours=rng.integers(12, 36, len(extra)).astype(float))
        k = rng.poisson(p.class_courses_per_year, n)
        who = np.repeat(act, k)
        m = len(who)
        self._training(who, 3, ys + rng.integers(0, 330, m), rng.integers(2, 6, m),
                       np.where(rng.random(m) < 0.92, 0, 2), rng.integers(4, 10, m))
        # 专门业务培训
        sp = act[rng.random(n) < p.specialised_rate]
        self._training(sp, 2, ys + rng.integers(0, 330, len(sp)), rng.integers(3, 8, len(sp)), 0,
                       rng.integers(10, 14, len(sp)))
        # 初任培训 for this year's recruits on probation, within (mostly) the probation year
        trial = recruits[s.trial_end[recruits] > s.entry[recruits]]
        does = trial[rng.random(len(trial)) < p.initial_training_compliance]
        late = rng.random(len(does)) < 0.04
        start = s.entry[does] + np.where(late, rng.integers(370, 520, len(does)), rng.integers(20, 330, len(does)))
        self._training(does, 0, start, rng.integers(12, 16, len(does)), 0, 0,
                       passed=rng.random(len(does)) < 0.97)
        # 任职培训 for this year's leadership appointments
        ap = self.logs["appointments"].parts[-4:] if self.logs["appointments"].parts else []
        for who, t, level in ap:
            this = (t >= ys) & (t <= ye)
            who, t, level = who[this], t[this], level[this]
            go = rng.random(len(who)) < p.appointment_training_compliance
            who, t, level = who[go], t[go], level[go]
            need = np.where(level >= 3, 30, 15)
            days = np.where(rng.random(len(who)) < 0.08, need - rng.integers(3, 8, len(who)),
                            need + rng.integers(0, 6, len(who)))
            self._training(who, 1, t + rng.integers(-150, 330, len(who)), days, 0, 1)
        self._practice(y, act, young)
        self._tasks(y, act)
        self._rewards(y)
        if y >= p.quarterly_from:
            self._quarterly(y, graded)
        if y >= p.mentor_from:
            self._mentors(recruits)

    def supervise(self, y: int) -> None:
        """The year's supervision events, drawn before the year's promotion rounds so that a
        诫勉/组织处理/处分 in effect blocks them (SPEC §5)."""
        s = self.s
        act = np.flatnonzero(s.active(day(y, 7, 1)))
        self._supervision(y, act, age(s.birth[act], day(y, 7, 1)) < self.c.r.young)

    def _practice(self, y, act, young):
        s, p, rng = self.s, self.p, self.rng
        ready = s.trial_end[act] < day(y)
        # each year the county sends a set share of its young (and a few older) staff,
        # chosen with a preference for strong performers
        go = []
        for group, rate in ((ready & young, p.practice_rate_young), (ready & ~young, p.practice_rate_old)):
            cand = act[group]
            k = min(int(round(rate * len(cand))), len(cand))
            w = np.exp(0.5 * s.latent[cand])
            go.append(rng.choice(cand, k, replace=False, p=w / w.sum()) if k else cand[:0])
        go = np.sort(np.concatenate(go))
        avail = np.array([y >= 2023, True, y >= 2019, y in (2019, 2023, 2024), True, True], float)
        weight = np.array([2, 3, 2, 3, 2, 0.5]) * avail
        prog = rng.choice(6, len(go), p=weight / weight.sum())
        months = np.array([9, 18, 9, 6, 18, 6])[prog] + rng.integers(-3, 4, len(go))
        start = (day(y) + rng.integers(0, 300, len(go))).astype(np.int32)
        end = add_months(start, months)
        end = np.where((end > self.end_day) | (end >= s.exit[go]), NEVER, end)
        rating = np.where(s.latent[go] + rng.normal(0, 0.7, len(go)) > 0.8, 0,
                          np.where(rng.random(len(go)) < 0.7, 1, 2))
        rating = np.where(end == NEVER, -1, rating)
        keep = start < s.exit[go]
        self.logs["practices"].add(go[keep], prog[keep], start[keep], end[keep], rating[keep])

    def _tasks(self, y, act):
        s, p, rng = self.s, self.p, self.rng
        covid = 2020 <= y <= 2022
        go = act[rng.random(len(act)) < (p.special_task_rate * (2.5 if covid else 1.0))]
        task = np.where(covid & (rng.random(len(go)) < 0.7), 0, rng.integers(1, len(TASKS), len(go)))
        start = (day(y) + rng.integers(0, 360, len(go))).astype(np.int32)
        rating = np.where(s.latent[go] + rng.normal(0, 0.8, len(go)) > 0.9, 0,
                          np.where(rng.random(len(go)) < 0.85, 1, 2))
        keep = start < s.exit[go]
        self.logs["tasks"].add(go[keep], task[keep], start[keep], rating[keep])

    def _supervision(self, y, act, young):
        s, rng = self.s, self.rng
        rates = np.array([0.25, 0.03, 0.01, 0.004, 0.001, 0.002])
        kinds, who = [], []
        for k, rate in enumerate(rates):
            r = rate * (1.6 if k == 0 else 1.0)
            hit = act[rng.random(len(act)) < np.where(young, r, rate)]
            if k == 3:  # 诫勉 also follows a 基本称职 year (reg §2)
                hit = np.union1d(hit, act[s.grade(y - 1)[act] == BASIC])
            who.append(hit)
            kinds.append(np.full(len(hit), k))
        who, kind = np.concatenate(who), np.concatenate(kinds)
        held = (day(y) + rng.integers(0, 360, len(who))).astype(np.int32)
        months = np.select([kind == 3, kind == 4, kind == 5], [6, 12, rng.choice([6, 12, 18, 24], len(who))], 0)
        until = np.where(months > 0, add_months(held, months), NEVER)
        keep = held < s.exit[who]
        who, kind, held, until = who[keep], kind[keep], held[keep], until[keep]
        self.logs["supervision"].add(who, kind, held, until)
        blocking = kind >= 3
        np.maximum.at(s.discipline_until, who[blocking], until[blocking])

    def _rewards(self, y):
        s, p, rng = self.s, self.p, self.rng
        k = y - 1 - s.y0
        if k < 0:
            return
        g = s.grades[: s.n, : k + 1]
        exc = np.flatnonzero(g[:, k] == EXC)
        run = np.zeros(s.n, dtype=np.int64)
        for j in range(k + 1):  # run length of 优秀 ending in each year (years, not people)
            run = np.where(g[:, j] == EXC, run + 1, 0)
        block = int(self.c.r.block)
        merit = exc[(run[exc] % block == 0) & (rng.random(len(exc)) < p.merit_recording_rate)]
        on = (day(y, 2, 1) + rng.integers(0, 50, s.n)).astype(np.int32)
        self.logs["rewards"].add(exc, 0, on[exc], 0)
        self.logs["rewards"].add(merit, 1, on[merit], 1)
        other = exc[rng.random(len(exc)) < 0.01]
        self.logs["rewards"].add(other, 1, on[other] + 60, 2)

    def _quarterly(self, y, graded):
        s, rng = self.s, self.rng
        for q in range(4):
            qe = add_months(np.array([day(y, 3 * q + 1, 1)]), 3)[0] - 1
            who = graded[s.entry[graded] <= qe - 30]
            z = s.latent[who] + rng.normal(0, 0.8, len(who))
            # 好 for the strong, 较好 for most; 一般 and 较差 are rare (≈3% and ≈0.5% of quarters)
            grade = np.select([z > 0.55, z > -2.4, z > -3.3], [0, 1, 2], 3)
            self.logs["quarterly"].add(who, y, q + 1, grade)

    def _mentors(self, recruits):
        s, c, rng = self.s, self.c, self.rng
        trial = recruits[s.trial_end[recruits] > s.entry[recruits]]
        if not len(trial):
            return
        t = s.entry[trial]
        at = int(np.median(t))
        act = np.flatnonzero(s.active(at) & (s.trial_end[: s.n] < at))
        leaders = act[s.level[act] >= 1]
        seniors = act[(s.level[act] == 0) & (s.rank[act] >= 4) & (age(s.birth[act], at) >= 30)]
        for role, cand in enumerate((leaders, seniors)):
            cand = cand[np.argsort(s.unit[cand], kind="stable")]
            units = s.unit[cand]
            count = np.bincount(units, minlength=len(c.u.seats))
            offset = np.concatenate([[0], np.cumsum(count)[:-1]])
            u = s.unit[trial]
            has = (count[u] > 0) & (rng.random(len(trial)) < 0.95)
            pick = cand[offset[u[has]] + (rng.random(has.sum()) * count[u[has]]).astype(np.int64)]
            start = (t[has] + rng.integers(0, 60, has.sum())).astype(np.int32)
            self.logs["mentors"].add(trial[has], pick, role, start)
