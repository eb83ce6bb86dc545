"""Places as they are: China's administrative divisions, their levels, short and English names.

The divisions come from the `cpca` package's table of administrative codes (3,500 provinces,
cities and counties with their 12-digit codes); a code says a division's level and the
divisions above it (360922 万载县 lies in 3609 宜春市, in 36 江西省). Only the table is read:
importing `cpca` itself would load pandas. Names are romanised with `pypinyin`, which reads
phrases (万载 -> wanzai, 六安 -> lu'an), not characters one by one; the few provinces whose
English name is not their pinyin (Shaanxi, Inner Mongolia, Tibet, Hong Kong, Macao), and the cities'
(Lhasa, Urumqi, Hohhot, Harbin …), are given,
as are the one-character names provinces go by (粤, 沪, 川), which no package carries.

Towns, townships and subdistricts (镇, 乡, 街道) are below the table; a report names them with
their county (浚县小河镇), which `corpus.place_chain` reads.
"""
from __future__ import annotations

import csv
import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

NATIONAL = "全国"  # the place of a national report (国务院政府工作报告)
# How a question names the whole country, and a national report names itself.
NATIONAL_ZH = ("全国", "中国", "我国", "国务院", "中央政府", "国家")
NATIONAL_EN = re.compile(r"\b(?:china|chinese|national(?:ly|wide)?|nation|the country|country's|state council"
                         r"|central government)\b", re.I)
# Suffixes of the names of divisions, longest first: 宁夏回族自治区 -> 宁夏, 万载县 -> 万载.
SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗", "林区", "地区",
            "街道", "新区", "省", "市", "州", "盟", "县", "区", "旗", "镇", "乡")
# One-character names of the provinces (简称), by the first two digits of their code.
ABBREVIATIONS = {"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑", "31": "沪",
                 "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫", "42": "鄂", "43": "湘",
                 "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "黔", "53": "滇", "54": "藏", "61": "陕",
                 "62": "甘", "63": "青", "64": "宁", "65": "新", "71": "台", "81": "港", "82": "澳"}
# English names that are not the pinyin of the short name.
EXONYMS = {"陕西": "shaanxi", "内蒙古": "inner mongolia", "西藏": "tibet", "香港": "hong kong", "澳门": "macao",
           "拉萨": "lhasa", "乌鲁木齐": "urumqi", "呼和浩特": "hohhot", "哈尔滨": "harbin", "日喀则": "shigatse",
           "喀什": "kashgar", "齐齐哈尔": "qiqihar", "和田": "hotan"}
LEVEL_OF_CODE = {2: "省", 4: "市", 6: "县"}  # significant digits of a code -> level
LEVELS_EN = {"国家": "", "省": "province", "市": "city", "县": "county", "区": "district", "镇": "town",
             "乡": "township", "街道": "subdistrict", "部门": "department", "州": "prefecture", "盟": "league"}


@dataclass(frozen=True)
class Division:
    name: str  # 江西省, 宜春市, 万载县
    code: str  # the significant digits of its code: 36, 3609, 360922
    level: str  # 省 (provinces, autonomous regions, municipalities), 市, 县 (counties and districts)

    @property
    def province(self) -> str:
        return self.code[:2]


@functools.lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """Every division of the table by name (a name two divisions share keeps the higher one)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return {}
    table = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    out: dict[str, Division] = {}
    with open(table, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            significant = len(row["adcode"].rstrip("0"))
            digits = min((n for n in LEVEL_OF_CODE if n >= significant), default=6)
            code = row["adcode"][:digits]
            d = Division(row["name"], code, LEVEL_OF_CODE[digits])
            if d.name not in out or len(out[d.name].code) > len(code):
                out[d.name] = d
    return out


@functools.lru_cache(maxsize=1)
def _by_code() -> dict[str, Division]:
    return {d.code: d for d in divisions().values()}


@functools.lru_cache(maxsize=1)
def _by_short() -> dict[str, Division]:
    """Provinces and cities by their short names (宁夏, 广西, 宜春): how titles and questions name them."""
    out: dict[str, Division] = {}
    for d in sorted(divisions().values(), key=lambda d: len(d.code)):
        s = short_name(d.name)
        if s != d.name and len(s) >= 2:
            out.setdefault(s, d)
    return out


# China's 55 minority nationalities, as autonomous divisions name them (黔东南苗族侗族自治州 -> 黔东南).
NATIONALITIES = ("蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
                 "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 "
                 "京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺").split()
AUTONOMOUS = re.compile(rf"(?:(?:{'|'.join(sorted(NATIONALITIES, key=len, reverse=True))})族)+自治(?:区|州|县|旗)$")


def short_name(name: str) -> str:
    """宁夏回族自治区 -> 宁夏, 万载县 -> 万载, 小河镇 -> 小河, 济源示范区 -> 济源; a one-character name keeps
    its suffix (浚县)."""
    bare = AUTONOMOUS.sub("", name)
    if bare != name and len(bare) >= 2:
        return bare  # 恩施土家族苗族自治州 -> 恩施
    if name.endswith("区") and name not in divisions():  # 济源示范区, 滨海高新区: a zone goes by its city
        city = next((name[:n] for n in (3, 2) if len(name) > n + 1 and division(name[:n]) is not None), "")
        if city:
            return short_name(city)
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def division(name: str) -> Division | None:
    """The division a name is (江西省, 江西, 万载县), or None (a town, or not a place)."""
    found = divisions().get(name) or _by_short().get(name)
    if found is None and name.endswith(("州", "盟")):  # 黔东南州 for 黔东南苗族侗族自治州
        found = _by_short().get(short_name(name))
    return found


def parents(d: Division) -> list[str]:
    """The names of the divisions above one, highest first (万载县 -> 江西省, 宜春市)."""
    codes = [d.code[:n] for n in (2, 4) if n < len(d.code)]
    return [_by_code()[c].name for c in codes if c in _by_code()]


@functools.lru_cache(maxsize=1)
def _by_spelling() -> dict[str, list[Division]]:
    out: dict[str, list[Division]] = {}
    for d in divisions().values():
        spelled = romanise(short_name(d.name)).replace(" ", "")
        if spelled:
            out.setdefault(spelled, []).append(d)
    return out


def spelled(name: str) -> list[Division]:
    """The divisions an English name may be ("Dingri county" -> 定日县; several share some spellings)."""
    words = re.sub(r"\b(?:county|city|district|province|region|prefecture)\b", " ", name.lower())
    return list(_by_spelling().get(re.sub(r"[^a-z]", "", words), []))


def abbreviation(d: Division) -> str:
    """粤 for 广东省 (provinces only)."""
    return ABBREVIATIONS.get(d.province, "") if d.level == "省" else ""


def romanise(name: str) -> str:
    """How an English text spells a place: 万载 -> wanzai, 内蒙古 -> inner mongolia ('' for no Chinese)."""
    if not re.fullmatch(r"[\u4e00-\u9fff]+", name or ""):
        return ""
    if name in EXONYMS:
        return EXONYMS[name]
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name))


def english_name(place: str, spelling: str = "") -> str:
    """'Wanzai county', 'Guangdong province', 'Beijing', 'China': a place as an English answer names it
    (`spelling`: its romanised short name, when set by hand)."""
    if place == NATIONAL:
        return "China"
    short = short_name(place)
    if short == place and len(place) == 2 and place.endswith(SUFFIXES):
        short = place[0]  # 浚县: Xun county
    spelling = spelling or romanise(short)
    spelled = " ".join(w.capitalize() for w in spelling.split()) if spelling else place
    d = division(place)
    if d is not None and d.level == "省":
        return spelled if place.endswith(("市", "特别行政区")) else f"{spelled} {'region' if '自治区' in place else 'province'}"
    level = next((LEVELS_EN[s] for s in ("街道", "镇", "乡", "县", "区", "市", "州", "盟") if place.endswith(s)), "")
    return f"{spelled} {level}".strip()


def known_mentions(text: str) -> list[str]:
    """Names of divisions of the table a Chinese text mentions (full names, or short names of
    provinces and cities), longest first: places a question may name that no report is about."""
    table, shorts = divisions(), _by_short()
    found = []
    for n in range(7, 1, -1):
        for i in range(len(text) - n + 1):
            piece = text[i:i + n]
            if piece in table or (piece in shorts and shorts[piece].level != "县"):
                if not any(piece in f for f in found):
                    found.append(piece)
    return found
