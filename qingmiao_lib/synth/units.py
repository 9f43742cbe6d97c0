"""The county's units: departments, townships and the city leadership team, with their seats."""

from __future__ import annotations

import numpy as np

from .names import unit_names
from .params import Params

KINDS = ("市直机关", "乡镇街道", "其他")
TITLES = (
    "工作人员", "市委书记", "市长", "市委副书记", "副市长", "市委常委",
    "党委书记", "镇长", "副镇长", "党委副书记", "党委委员", "人大主席",
    "局长", "副局长", "部长", "副部长", "主任", "副主任", "主席", "副主席", "主要负责人", "副职负责人",
    "乡长", "副乡长", "党工委书记", "办事处主任", "办事处副主任", "党工委副书记", "党工委委员",
    "所长", "副所长", "队长", "副队长", "站长", "副站长",
)
_T = {t: i for i, t in enumerate(TITLES)}
_HEAD = (("局", "局长", "副局长"), ("部", "部长", "副部长"), ("会", "主席", "副主席"), ("联", "主席", "副主席"),
         ("所", "所长", "副所长"), ("队", "队长", "副队长"), ("站", "站长", "副站长"), ("管委会", "主任", "副主任"))
# a township's posts: secretary, chief, deputy chief, deputy secretary, committee member
_TOWN = {"镇": ("党委书记", "镇长", "副镇长", "党委副书记", "党委委员"),
         "乡": ("党委书记", "乡长", "副乡长", "党委副书记", "党委委员"),
         "街道": ("党工委书记", "办事处主任", "办事处副主任", "党工委副书记", "党工委委员")}


class Units:
    """Unit 0 is the city leadership team (县处级 seats); then townships, then departments."""

    def __init__(self, p: Params, rng: np.random.Generator):
        n = max(4, int(round(p.persons / p.persons_per_unit)))
        n_town = max(1, int(round((n - 1) * p.township_unit_share)))
        self.kind = np.array([2] + [1] * n_town + [0] * (n - 1 - n_town), dtype=np.int8)
        self.name = unit_names(rng, self.kind)
        width = max(4, len(str(n)))
        self.ids = np.array([f"U{i:0{width}d}" for i in range(n)], dtype=object)
        size = np.where(self.kind == 1, rng.lognormal(np.log(38), 0.3, n), rng.lognormal(np.log(15), 0.5, n))
        size[0] = 0.0
        self.size_weight = size
        expected = size / size.sum() * p.persons
        seats = np.zeros((n, 5), dtype=np.int64)
        town = self.kind == 1
        seats[:, 2] = np.where(town, 2, 1)
        seats[:, 1] = np.where(town, np.clip(np.round(expected / 6), 3, 8), np.clip(np.round(expected / 7), 1, 4))
        seats[0, 1:3] = 0
        seats[0, 4] = max(2, int(round(p.persons / 1000)))
        seats[0, 3] = max(6, int(round(p.persons / 180)))
        self.seats = seats
        self.excellent_rate = rng.uniform(p.excellent_rate_lo, p.excellent_rate_hi, n)
        over = rng.random(n) < p.over_cap_unit_share
        self.excellent_rate[over] = rng.uniform(0.21, 0.26, over.sum())
        self.round_noise = rng.random((7, n))
        head = np.full(n, _T["主要负责人"])
        deputy = np.full(n, _T["副职负责人"])
        names = self.name.astype(str)
        for suffix, h, d in _HEAD:
            m = np.char.endswith(names, suffix)
            head[m], deputy[m] = _T[h], _T[d]
        m = (np.char.find(names, "办") >= 0) | (np.char.find(names, "中心") >= 0) | (np.char.find(names, "委") >= 0)
        head[m & (head == _T["主要负责人"])] = _T["主任"]
        deputy[m & (deputy == _T["副职负责人"])] = _T["副主任"]
        self.head_title, self.deputy_title = head, deputy
        town_titles = np.zeros((n, 5), dtype=np.int16)
        for suffix, titles in _TOWN.items():
            m = np.char.endswith(names, suffix) & (self.kind == 1)
            town_titles[m] = [_T[t] for t in titles]
        self.town_titles = town_titles

    def title_code(self, units: np.ndarray, levels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A post title for each (unit, level): 局长/副局长, 党委书记/镇长/副镇长 (乡长, 街道's
        党工委书记/办事处主任), 所长 of a station, 市委书记 …"""
        units, levels = np.asarray(units), np.asarray(levels)
        town = self.kind[units] == 1
        r = rng.random(len(units))
        out = np.zeros(len(units), dtype=np.int16)
        tt = self.town_titles[units]
        out = np.where(levels == 2, np.where(town, np.where(r < 0.5, tt[:, 0], tt[:, 1]),
                                             self.head_title[units]), out)
        out = np.where(levels == 1, np.where(town, np.select([r < 0.5, r < 0.75], [tt[:, 2], tt[:, 4]], tt[:, 3]),
                                             self.deputy_title[units]), out)
        out = np.where(levels == 4, np.where(r < 0.5, _T["市委书记"], _T["市长"]), out)
        out = np.where(levels == 3, np.select([r < 0.5, r < 0.8], [_T["副市长"], _T["市委常委"]], _T["市委副书记"]), out)
        return out.astype(np.int16)
