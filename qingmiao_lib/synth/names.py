"""Chinese-looking names and unit names, drawn vectorised (no per-row Faker)."""

from __future__ import annotations

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


_DEPARTMENTS = (
    "市委办公室 市政府办公室 市纪委监委 市委组织部 市委宣传部 市委统战部 市委政法委 市委巡察办 市委编办 "
    "市发展和改革局 市教育局 市科学技术局 市工业和信息化局 市民政局 市司法局 市财政局 市人力资源和社会保障局 "
    "市自然资源局 市生态环境局 市住房和城乡建设局 市交通运输局 市水务局 市农业农村局 市商务局 市文化和旅游局 "
    "市卫生健康局 市退役军人事务局 市应急管理局 市审计局 市市场监督管理局 市统计局 市医疗保障局 市信访局 "
    "市行政审批服务管理局 市能源局 市林业局 市乡村振兴局 市国有资产事务中心 市人大常委会办公室 市政协办公室 "
    "市总工会 团市委 市妇联 市科协 市残联 市工商联 市委党校 市档案馆 市机关事务服务中心 市融媒体中心 "
    "市城市管理局 市规划和自然资源服务中心 市税务协税办 市金融服务中心 市投资促进中心 市营商环境服务中心"
).split()
_PLACE = "东西南北中新安宁平和兴永丰泰河山川石柳桃杏枣槐松柏马龙凤云溪源泉清水城村庄"


def unit_names(rng: np.random.Generator, kinds: np.ndarray) -> np.ndarray:
    """Names for county departments (市直机关), townships (乡镇街道) and others; unique."""
    n = len(kinds)
    out = np.empty(n, dtype=object)
    dept = np.flatnonzero(kinds == 0)
    base = np.array(_DEPARTMENTS, dtype=object)
    rounds = dept // len(base) if len(dept) else dept
    out[dept] = base[np.arange(len(dept)) % len(base)]
    extra = np.arange(len(dept)) >= len(base)
    if extra.any():
        out[dept[extra]] = [f"{b}（{r + 1}）" for b, r in zip(out[dept[extra]], rounds[extra], strict=True)]
    town = np.flatnonzero(kinds == 1)
    chars = np.array(list(_PLACE))
    a = chars[rng.integers(0, len(chars), len(town))]
    b = chars[rng.integers(0, len(chars), len(town))]
    suffix = np.where(rng.random(len(town)) < 0.8, "镇", np.where(rng.random(len(town)) < 0.5, "乡", "街道"))
    names = np.char.add(np.char.add(a, b), suffix).astype(object)
    seen: dict[str, int] = {}
    for j, name in enumerate(names):  # unit counts are small (≤ ~1% of persons)
        k = seen.get(name, 0)
        seen[name] = k + 1
        if k:
            names[j] = f"{name}{k + 1}"
    out[town] = names
    other = np.flatnonzero(kinds == 2)
    out[other] = ["市委市政府领导班子" if i == 0 else f"市直派出机构{i}" for i in range(len(other))]
    return out
