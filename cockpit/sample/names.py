"""Names of the sample township: villages (Chinese with pinyin) and residents (all synthetic).

Village names are built from a topographic prefix and suffix, as Fujian place names are
(溪口, 上坪, 岭头, 下洋, 后坑 ...). Both the Chinese and the English name are unique.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "TOWNSHIP_ZH", "TOWNSHIP_EN", "SEAT_NAME", "COMMUNITY_NAME",
    "village_names", "person_names", "surname_pool", "given_pool",
]

TOWNSHIP_ZH = "青溪镇"
TOWNSHIP_EN = "Qingxi Town"
SEAT_NAME = ("城关社区", "Chengguan Community")
COMMUNITY_NAME = ("溪滨社区", "Xibin Community")

_PREFIXES = (
    ("上", "shang"), ("下", "xia"), ("前", "qian"), ("后", "hou"), ("东", "dong"), ("西", "xi"),
    ("南", "nan"), ("北", "bei"), ("中", "zhong"), ("大", "da"), ("小", "xiao"), ("高", "gao"),
    ("新", "xin"), ("龙", "long"), ("凤", "feng"), ("石", "shi"), ("竹", "zhu"), ("松", "song"),
    ("桥", "qiao"), ("溪", "xi"), ("岭", "ling"), ("坑", "keng"), ("洋", "yang"), ("坪", "ping"),
    ("黄", "huang"), ("吴", "wu"), ("林", "lin"), ("梅", "mei"), ("桃", "tao"), ("茶", "cha"),
    ("杉", "shan"), ("官", "guan"),
)
_SUFFIXES = (
    ("口", "kou"), ("头", "tou"), ("坪", "ping"), ("洋", "yang"), ("坑", "keng"), ("岭", "ling"),
    ("溪", "xi"), ("源", "yuan"), ("垅", "long"), ("坊", "fang"), ("厝", "cuo"), ("墩", "dun"),
    ("山", "shan"), ("田", "tian"), ("塘", "tang"), ("坂", "ban"), ("洲", "zhou"), ("尾", "wei"),
)
# names that read well in this order, used first (then the rest of the combinations)
_FAVOURITES = ("溪口", "上坪", "岭头", "下洋", "后坑", "坑头", "竹源", "石墩", "黄田", "梅坂",
               "松岭", "茶洋", "吴厝", "桥头", "高坪", "东坑", "龙溪", "林坊", "杉洋", "南山")
_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九")

# surnames weighted towards those common in Fujian
_SURNAMES = ("林陈黄郑吴张王李刘蔡杨许谢何罗周徐叶苏庄江游邱范詹余赖曾卢朱魏邓傅"
             "彭肖施潘方胡高廖连洪沈温翁雷严龚钟柯阮康宋")
_GIVEN = ("建国志明秀英丽华国华春梅金花文斌海燕晓东伟强淑珍玉兰德福永红丽娟美玲"
          "俊杰雅婷子涵浩然宇轩欣怡思远家豪嘉怡梓萱明辉荣华桂香水生木生土根春生秋菊"
          "素珍宝珠长青振华立新")
_GIVEN_SINGLE = "强伟军敏静丽勇杰娟涛明超华平刚辉玲芳燕斌鹏琴霞峰红"


def village_names(n: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """Return ``n`` unique (name_zh, name_en) village names, e.g. ('溪口村', 'Xikou Village').

    Parameters
    ----------
    n : int
        How many names (any number; numbered names such as 溪口二村 follow the combinations).
    rng : numpy.random.Generator
        Source of the order of the combinations.
    """
    combos: dict[str, str] = {}
    for pz, pe in _PREFIXES:
        for sz, se in _SUFFIXES:
            if pz != sz:
                combos[pz + sz] = pe + se
    favourites = [z for z in _FAVOURITES if z in combos]
    rest = sorted(z for z in combos if z not in favourites)
    rest = [rest[i] for i in rng.permutation(len(rest))]
    names: list[tuple[str, str]] = []
    seen_en: set[str] = set()
    for zh in favourites + rest:
        en = combos[zh].capitalize()
        if en in seen_en:
            continue
        seen_en.add(en)
        names.append((zh + "村", en + " Village"))
        if len(names) == n:
            return names
    base = list(names)
    k = 2
    while len(names) < n:  # more villages than combinations: 溪口二村 / Xikou No. 2 Village
        for zh, en in base:
            numeral = _NUMERALS[k - 1] if k <= len(_NUMERALS) else str(k)
            names.append((zh[:-1] + numeral + "村", en.replace(" Village", f" No. {k} Village")))
            if len(names) == n:
                break
        k += 1
    return names


def surname_pool() -> np.ndarray:
    """Surnames as a numpy string array."""
    return np.array(list(_SURNAMES))


def given_pool() -> np.ndarray:
    """Given names (one or two characters) as a numpy string array."""
    pairs = [_GIVEN[i:i + 2] for i in range(0, len(_GIVEN) - 1, 2)]
    return np.array(pairs + list(_GIVEN_SINGLE))


def person_names(n: int, rng: np.random.Generator) -> np.ndarray:
    """Return ``n`` synthetic Chinese personal names (surname + given name)."""
    sur = surname_pool()
    giv = given_pool()
    # Zipf-like weights: the first surnames are the most common
    w = 1.0 / np.arange(1, len(sur) + 1) ** 0.8
    s = rng.choice(len(sur), size=n, p=w / w.sum())
    g = rng.integers(0, len(giv), size=n)
    return np.strings.add(sur[s], giv[g])
