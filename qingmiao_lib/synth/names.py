"""Chinese-looking names and unit names, drawn vectorised (no per-row Faker)."""

from __future__ import annotations

import functools

import numpy as np

# The most common Chinese surnames with their approximate shares (%) of the population
# (public 2020 household-registration summaries); the tail is spread over the rest.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
)
_SURNAME_SHARE = np.array(
    [7.1, 7.0, 6.7, 5.4, 4.5, 3.1, 2.0, 2.0, 1.9, 1.7, 1.7, 1.5, 1.3, 1.3, 1.2, 1.2, 1.2, 1.2, 1.1,
     0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5,
     0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4]
    + [0.3] * 30 + [0.2] * 20
)
_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国志文博晨昊然轩泽瑞"
_FEMALE = "芳娜敏静丽艳娟霞秀英慧莉燕玲婷雪琳颖倩洁萍红梅琴云晶月佳欣怡悦媛蕾瑶璐琪思雨嘉彤"
_NEUTRAL = "晓海宏春亚小文丹一子宏天嘉俊安新永佳思宇"


def person_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """One name per person: a frequency-weighted surname and a one- or two-character given name."""
    n = len(female)
    share = _SURNAME_SHARE[: len(_SURNAMES)]
    surname = np.array(list(_SURNAMES))[rng.choice(len(share), n, p=share / share.sum())]
    male_chars, female_chars = np.array(list(_MALE)), np.array(list(_FEMALE))
    last = np.where(female, female_chars[rng.integers(0, len(female_chars), n)],
                    male_chars[rng.integers(0, len(male_chars), n)])
    neutral = np.array(list(_NEUTRAL))
    middle_pool = np.where(rng.random(n) < 0.5, neutral[rng.integers(0, len(neutral), n)],
                           np.where(female, female_chars[rng.integers(0, len(female_chars), n)],
                                    male_chars[rng.integers(0, len(male_chars), n)]))
    two = rng.random(n) < 0.7
    given = np.where(two, np.char.add(middle_pool, last), last)
    return np.char.add(surname, given).astype(object)


# One of each organ of a county-level city's party committee and government (no two alike).
_DEPARTMENTS = (
    "市委办公室 市政府办公室 市纪委监委 市委组织部 市委宣传部 市委统战部 市委政法委 市委巡察办 市委编办 "
    "市发展和改革局 市教育局 市科学技术局 市工业和信息化局 市民政局 市司法局 市财政局 市人力资源和社会保障局 "
    "市自然资源局 市生态环境局 市住房和城乡建设局 市交通运输局 市水务局 市农业农村局 市商务局 市文化和旅游局 "
    "市卫生健康局 市退役军人事务局 市应急管理局 市审计局 市市场监督管理局 市统计局 市医疗保障局 市信访局 "
    "市行政审批服务管理局 市能源局 市林业局 市乡村振兴局 市国有资产事务中心 市人大常委会办公室 市政协办公室 "
    "市总工会 团市委 市妇联 市科协 市残联 市工商联 市委党校 市档案馆 市机关事务服务中心 市融媒体中心 "
    "市城市管理局 市规划和自然资源服务中心 市税务协税办 市金融服务中心 市投资促进中心 市营商环境服务中心"
).split()
# Beyond them, the county organs' stations in each township (派驻机构: 青石镇司法所 …), station
# kind by station kind over the townships, then over further places of the county (柳河派出所).
_STATIONS = ("司法所", "财政所", "市场监督管理所", "派出所", "自然资源所", "综合行政执法队", "交警中队",
             "应急管理站", "劳动保障所", "统计站", "农业农村服务站", "退役军人服务站", "城乡建设管理站")
# Other units (unit 0 is the city leadership team); beyond the list, an industrial park per place.
_OTHERS = ("市委市政府领导班子", "市经济开发区管委会", "市高新技术产业园区管委会", "市现代农业产业园管委会",
           "市综合保税区管委会", "市文化旅游度假区管委会")
# Subdistricts (街道) of the county seat take the usual names first.
_SUBDISTRICTS = ("城关", "东城", "西城", "南城", "北城", "城东", "城西", "城南", "城北", "新城", "滨河",
                 "滨江", "府前", "文昌", "凤凰", "江北")
# Place names: a first character and a landform (青石, 河口, 柳湾 …), or three characters (石门口,
# 柳树湾, 黄土坡 …); townships take one each, so no name repeats.
_FIRST = ("青石白黄红金银铁马龙凤云溪清柳桃杏枣槐松柏梅兰竹桑茶稻麦东西南北中上下新大小高长安宁平和兴"
          "永丰泰福寿顺太仁义德文武明光华宝玉双三五七九岳莲荷燕鹤雁鹿")
_MIDDLE = "家树石水土马王李张河山沙头岔台坪桥湾岭峰营店铺庙洼塔"
_LAND = "山川河溪江湖泉水池塘湾口桥坝坪岭峰岗坡沟峪谷滩洲港渡关门堡寨营屯庄店铺集场园林田源阳城亭台坊塔"


@functools.cache
def _places() -> tuple[np.ndarray, int]:
    """Every place name, the two-character ones first (their count second), none a 街道 name
    above; built once (the vocabulary, not per unit)."""
    first, middle, land = (list(dict.fromkeys(x)) for x in (_FIRST, _MIDDLE, _LAND))
    two = [a + b for a in first for b in land if a != b and a + b not in _SUBDISTRICTS]
    three = [a + m + b for a in first for m in middle for b in land if len({a, m, b}) == 3]
    return np.array(two + three, dtype=object), len(two)


def unit_names(rng: np.random.Generator, kinds: np.ndarray) -> np.ndarray:
    """Names for county departments (市直机关), townships (乡镇街道) and others, all different:
    each department once, then the departments' stations in the townships (青石镇司法所);
    townships from a place-name generator (青石镇, 河口乡, 城关街道 …). The draws on ``rng`` are
    those of earlier versions (so the rest of a county is the same draw for draw); the place names
    come from a generator spawned from it."""
    n = len(kinds)
    out = np.empty(n, dtype=object)
    town = np.flatnonzero(kinds == 1)
    t = len(town)
    rng.integers(0, 34, t), rng.integers(0, 34, t)  # the former two-character draws, unused
    subdistrict = rng.random(t) >= 0.8  # 80% 镇; of the rest half 乡, half 街道
    suffix = np.where(~subdistrict, "镇", np.where(rng.random(t) < 0.5, "乡", "街道")).astype(object)
    names_rng = rng.spawn(1)[0]
    places, n_two = _places()
    dept = np.flatnonzero(kinds == 0)
    other = np.flatnonzero(kinds == 2)
    n_stations = max(0, len(dept) - len(_DEPARTMENTS))
    extra = max(0, len(other) - len(_OTHERS))
    # places for townships, then for stations beyond the townships' and for other units
    beyond = max(0, -(-(n_stations - t * len(_STATIONS)) // len(_STATIONS))) + extra
    is_sub = suffix == "街道"
    named_sub = np.flatnonzero(is_sub)[: len(_SUBDISTRICTS)]
    need = t - len(named_sub) + beyond
    if need > len(places):
        raise ValueError(f"示范县单位过多：需要 {need} 个地名，只有 {len(places)} 个")
    # mostly two-character names, about one in five three-character (while they last)
    n3 = min(len(places) - n_two, max(need - n_two, int(round(need * 0.2))))
    picked = np.concatenate([names_rng.choice(n_two, need - n3, replace=False),
                             n_two + names_rng.choice(len(places) - n_two, n3, replace=False)])
    picked = places[names_rng.permutation(picked)]
    base = np.empty(t, dtype=object)
    base[named_sub] = np.array(_SUBDISTRICTS, dtype=object)[: len(named_sub)]
    rest = np.setdiff1d(np.arange(t), named_sub)
    base[rest] = picked[: len(rest)]
    out[town] = base + suffix
    # departments: each once, then station kind by station kind over the townships and beyond
    out[dept[: len(_DEPARTMENTS)]] = np.array(_DEPARTMENTS, dtype=object)[: len(dept)]
    if n_stations:
        hosts = np.concatenate([out[town], picked[len(rest): len(rest) + beyond - extra]]).astype(object)
        k = np.arange(n_stations)
        out[dept[len(_DEPARTMENTS):]] = hosts[k % len(hosts)] + np.array(_STATIONS, dtype=object)[k // len(hosts)]
    out[other[: len(_OTHERS)]] = np.array(_OTHERS, dtype=object)[: len(other)]
    if extra:
        out[other[len(_OTHERS):]] = picked[len(picked) - extra:] + "工业园区管委会"
    return out
