"""Which reports may answer a question: the places and years it names, and explicit filters.

Places: a question naming a place (小河镇, 小河, Xiaohe; 广东省, 广东, 粤, Guangdong; 全国, 我国,
China) is answered only from that place's reports; a place no loaded report is about ("青龙镇",
"Taoyuan township", "河南" when no Henan report is loaded) is said to be missing instead of answered
from elsewhere. The whole country counts as named only when no other place is (广西森林覆盖率在全国
排第几 asks Guangxi).

Years: reports cover periods (periods.py): a 2018 government work report reviews 2017 and plans 2018.
A question naming a year is answered from the reports that speak of it, in the mode asked: a result
("增长了多少", "actual") from a report reviewing that year, a target ("目标", "aim") from one planning
it; when the question says neither, from either, and the reader prefers results. A result asked of a
year no loaded report reviews is declined, even when a report plans it. 去年 / 今年 / 明年 are read
against the latest report of the place, as that report uses them. "2018年的报告" / "the 2018 report"
names the report known by that year. Explicit filters (--doc/--place/--year, the API's fields, a widget
pinned to its town) restrict further and never fall back to the whole corpus.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .. import places as divisions
from ..corpus import KIND_ASKED, YEAR, DocMeta
from ..lexical import EN_STOPWORDS, pinyin
from .question import PLANS_ASKED, asked_aspect, asked_mode, question_type, relative_year, span_asked

# "2023年的报告", "2023年度法治政府建设报告", "its 2023 report", "the 2024 rule-of-law report"
REPORT_YEAR_ZH = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?度?的?[\u4e00-\u9fff]{0,12}?(?:报告|总结|公报)")
REPORT_YEAR_EN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s+(?:[a-z-]+\s+){0,3}?(?:report|summary|bulletin)\b", re.I)
PLACE_SUFFIX_ZH = ("街道", "镇", "乡", "县", "区", "市", "省", "自治区")
PLACE_NOUN_EN = re.compile(r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)[ -](?:town|township|subdistrict|sub-district"
                           r"|street|county|district|city|village|province|region)\b")
GENERIC_ZH = re.compile(r"^(?:全|本|各|该|我|每|两|这|那|哪|什么|何|某|城|乡|县|市|区|镇|省)")  # 哪个自治区 asks which
GENERIC_PLACE_ZH = re.compile(r"(?:开发|示范|保护|风景|工业|商业|中心|重点|建制|小城|贫困|自治|地级|县级|直辖|特色|农业|产业)"
                              r"(?:区|镇|县|市|乡)$")  # kinds of place, not places
PROPER_FLAGS = ("ns", "nr", "nt", "nz", "nrt")
NOT_FOUND_PLACE = {"zh": "没有加载{place}的报告。", "en": "No report from {place} is loaded."}
NOT_FOUND_YEAR = {"zh": "没有加载{place}{year}年的报告。", "en": "No {year} report{of_place} is loaded."}
NOT_REVIEWED = {"zh": "已加载的报告没有回顾{place}{year}年的情况（{plans}只有当年的目标和安排）。",
                "en": "No loaded report reviews {year}{of_place}; the {plans} report only sets that year's targets."}
NOT_FOUND_FILTER = {"zh": "没有符合所选范围（{scope}）的报告。", "en": "No loaded report matches the chosen scope ({scope})."}


@dataclass(frozen=True)
class Scope:
    """Explicit filters chosen by the caller; None means no restriction."""

    doc: str | None = None
    place: str | None = None
    year: int | None = None

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in (("doc", self.doc), ("place", self.place), ("year", self.year)) if v)


@dataclass
class Scoped:
    """The outcome: the reports a question may be answered from, or why none may."""

    docs: list[str]
    message: str = ""  # set when docs is empty: what to tell the user
    places: list[str] = field(default_factory=list)  # places the question names (known ones)
    years: set[int] = field(default_factory=set)  # the years asked about (named, or read from 去年 …)
    mode: str = ""  # the passages' mode the years are asked in: review, plan or "" (either)
    named_report: bool = False  # the question names the report ("the 2018 report"), not a year of events
    within: list[str] = field(default_factory=list)  # a place below the reports' own: only passages naming it
    naming: object = None  # those passages, a boolean array over all passages (QAService._naming fills it)


class Scoper:
    """Knows every loaded report's place and periods; scopes each question against them."""

    def __init__(self, metas: dict[str, DocMeta], spellings: dict[str, str] | None = None,
                 coverage: dict[str, dict[int, set[str]]] | None = None) -> None:
        """`spellings`: each place name's romanisation, computed when the index was built; `coverage`:
        each report's years and the modes its passages speak of them in (Index.coverage)."""
        self.metas = dict(metas)
        self.coverage = coverage if coverage is not None else {
            d: {y: {"review"} if y == m.reviews else {"plan"} for y in (m.reviews, m.plans) if y}
            for d, m in self.metas.items()}
        spell = (lambda n: spellings.get(n) or pinyin(n)) if spellings is not None else pinyin
        # A name -> the reports about that place; and a higher place (the county a town's signature
        # names, the province of a city) -> the reports of the places below it, so that a question
        # naming it with no report about it is declined by name, never answered with a part's figures.
        self.zh_names: dict[str, set[str]] = {}
        self.en_names: dict[str, set[str]] = {}
        self.zh_parents: dict[str, set[str]] = {}
        self.en_parents: dict[str, set[str]] = {}
        self.national: set[str] = set()
        for doc_id, meta in self.metas.items():
            if meta.place == divisions.NATIONAL:
                self.national.add(doc_id)
                continue
            own, above = place_names_of(meta)
            for names, spelled, words in ((self.zh_names, self.en_names, own), (self.zh_parents, self.en_parents, above)):
                for name in words:
                    names.setdefault(name, set()).add(doc_id)
                spellings_of = {spell(n) for n in words if len(n) >= 2} | ({meta.pinyin} if words is own else set())
                for spelling in spellings_of - {""}:
                    spelled.setdefault(spelling.replace(" ", ""), set()).add(doc_id)
        self._spell = spell
        self.known = set(self.zh_names) | set(self.zh_parents)
        self.spelled = set(self.en_names) | set(self.en_parents)
        self.longest = max((len(n) for n in self.known), default=0)
        # every part of a known name, so that "is this mention part of a known name" is one look-up
        self.name_parts = {n[i:j] for n in self.known for i in range(len(n)) for j in range(i + 2, len(n) + 1)}

    def place_words(self) -> set[str]:
        """Every English word naming a loaded place ("songlin", "guangdong", "china"): context, never evidence."""
        words = set(self.spelled)
        for d in self.metas.values():
            words |= set(divisions.english_name(d.place, d.pinyin).lower().split()) - {"province", "city", "county",
                                                                                      "region", "town", "district"}
        if self.national:
            words |= {"china", "chinese", "nationwide", "country"}
        return words

    def place_names(self) -> set[str]:
        """Every Chinese name of a loaded place: context in a question, never evidence."""
        return set(self.known) | (set(divisions.NATIONAL_ZH) if self.national else set())

    def _substrings(self, text: str) -> set[str]:
        """The text's substrings as long as a known name can be (look-ups, not a loop over names)."""
        return {text[i:j] for i in range(len(text)) for j in range(i + 1, min(len(text), i + self.longest) + 1)}

    def named_places(self, text: str) -> tuple[set[str], list[str], list[str]]:
        """(reports of the known places the text names, names of places no report is about, the names of
        the places above the reports' own it names: 安徽 for the bulletins of its cities)."""
        words = re.findall(r"[a-z]+", re.sub(r"'s\b", "", text.lower()))
        words += [a + b for a, b in zip(words, words[1:])]  # "Xiao he" spells xiaohe, "Inner Mongolia" innermongolia
        docs: set[str] = set()
        above: list[str] = []
        parts = self._substrings(text)
        for zh, en in ((self.zh_names, self.en_names), (self.zh_parents, self.en_parents)):
            for name in parts & zh.keys():
                if len(name) >= 2 or _alone(name, text):  # 粤 names Guangdong only as a word of its own
                    docs |= zh[name]
                    above += [name] if zh is self.zh_parents else []
            for word in set(words) & en.keys():
                docs |= en[word]
                if en is self.en_parents:  # "Anhui" is 安徽 in the reports' words
                    above += [n for d in en[word] for p in self.metas[d].parents for n in (p, _short(p))
                                   if self._spell(n).replace(" ", "") == word]
            if docs:
                break  # the place itself named: its towns' reports are not about it
        unknown = [p for p in _zh_place_mentions(text) + divisions.known_mentions(text)
                   if p not in self.name_parts and not self._substrings(p) & self.known]
        unknown = [p for p in dict.fromkeys(unknown) if not any(p != q and p in q for q in unknown)]
        for m in PLACE_NOUN_EN.finditer(text):
            name = m.group(1)
            first, _, rest = name.partition(" ")
            if rest and first.lower() in EN_STOPWORDS | {"did", "does", "has", "have", "how", "what", "which"}:
                name = rest  # "Did Qiaotou town …": the question's first word is capitalised, not the name's
            if name.lower() in EN_STOPWORDS or name.lower().replace(" ", "").replace("-", "") in self.spelled:
                continue
            unknown.append(f"{name} {m.group(0)[len(m.group(1)):].strip(' -')}")
        if not docs:
            unknown += [name for spelling, name in _spellings("省").items()
                        if spelling in words and spelling not in self.spelled and name not in unknown]
            proper = {re.sub(r"[^a-z]", "", w.lower()) for w in PROPER_EN.findall(re.sub(r"'s\b", "", text))}  # Xi'an
            # a city said with a capital letter ("What was Kunming's GDP?" with only 朔州's bulletin loaded)
            unknown += [name for spelling, name in _spellings("市").items()
                        if spelling in proper and spelling not in _spellings("省") and spelling not in self.spelled
                        and name not in unknown]
        if not docs and not unknown and self.national and _names_nation(text):
            docs = set(self.national)
        return docs, unknown, sorted(dict.fromkeys(above), key=len, reverse=True)  # 云溪县 before 云溪

    def scope(self, question: str, lang: str, explicit: Scope | None = None, context: str = "") -> Scoped:
        """The reports that may answer `question`, and the years and mode its passages must speak of;
        `context` (an earlier question) lends its places and years when the question names none."""
        return self._scope(question, lang, explicit or Scope(), context)

    def _reports_above(self, unknown: list[str]) -> tuple[set[str], list[str]]:
        """A place no report is about, but one of the divisions above it is (定日县 in 西藏's report, a
        county in its city's bulletin, any place in a national report): the reports of the nearest such
        division, and the names a passage must say to speak of the place."""
        docs: set[str] = set()
        names: list[str] = []
        for mention in unknown:
            found = divisions.division(mention)
            options = [found] if found is not None else divisions.spelled(mention)
            for d in options:
                above = set()
                for parent in reversed(divisions.parents(d)):  # the nearest first
                    above = self.zh_names.get(parent, set()) | self.zh_names.get(divisions.short_name(parent), set())
                    if above:
                        break
                above = above or set(self.national)
                if above:
                    docs |= above
                    names += [n for n in (d.name, divisions.short_name(d.name)) if len(n) >= 2]
        return docs, list(dict.fromkeys(names))

    def _scope(self, question: str, lang: str, explicit: Scope, context: str) -> Scoped:
        allowed = [d for d in self.metas if self._matches(d, explicit)]
        if not allowed:
            return Scoped([], NOT_FOUND_FILTER[lang].format(scope=explicit.describe()))
        docs, unknown, above = self.named_places(question)
        # A follow-up that names neither place nor year ("那调解成功率呢？") keeps the earlier ones.
        dated = context if context and not (docs or unknown or YEAR.search(question)
                                              or relative_year(question, lang)) else question
        if not docs and not unknown and context:
            docs, unknown, above = self.named_places(context)
            if unknown and explicit.place:  # an earlier off-scope question does not hold the pin hostage
                docs, unknown, above = set(), [], []
        if above:  # 安徽 when only its cities' bulletins are loaded, a county with only its towns' reports:
            # no report is about it, and its parts' figures are other places' (a city's GDP is not its province's)
            return Scoped([], NOT_FOUND_PLACE[lang].format(place=above[0] if lang == "zh" else
                                                           divisions.english_name(above[0])))
        within: list[str] = []
        if unknown and not docs:
            docs, within = self._reports_above(unknown)
            if not docs:
                return Scoped([], NOT_FOUND_PLACE[lang].format(place="、".join(unknown) if lang == "zh" else
                                                               ", ".join(map(_in_english, unknown))))
        candidates = [d for d in allowed if d in docs] if docs else allowed
        if not docs:  # "全省粮食总产量" naming no place: the province's report, not a city's "全市…"
            level = _level_asked(question, lang)
            candidates = [d for d in candidates if _place_level(self.metas[d]) == level] or candidates if level else candidates
        places = list(dict.fromkeys(self.metas[d].place for d in candidates if self.metas[d].place)) if docs else []
        if docs and not candidates:
            return Scoped([], NOT_FOUND_FILTER[lang].format(scope=explicit.describe()), places)
        place = "、".join(places) if docs else ""
        of_place = f" from {', '.join(places)}" if docs else ""
        years = {int(y) for y in YEAR.findall(dated)}
        report_years = {int(y) for y in REPORT_YEAR_ZH.findall(dated) + REPORT_YEAR_EN.findall(dated)}
        mode = {"plan": "plan", "result": "review"}.get(asked_mode(dated, lang), "")
        if report_years:  # "2018年的报告…", "According to the 2018 report": the report of that year
            named = [d for d in candidates if self.metas[d].year in report_years]
            if not named:
                return Scoped([], NOT_FOUND_YEAR[lang].format(place=place, year="/".join(map(str, sorted(report_years))),
                                                              of_place=of_place), places, years)
            rest = years - report_years
            if mode == "review" and rest and not any(self._speaks(d, rest, "review") for d in named):
                # "did X finish … by June 2024 as its 2023 report planned?": the report reviewing 2024 tells
                named = [d for d in candidates if self._speaks(d, rest, "review")] or named
            if not rest and mode == "plan" and question_type(question, lang) == "quantity":
                # "what growth target did the 2002 report set": a figure for the year that report plans
                rest = {self.metas[d].plans for d in named if self.metas[d].plans}
            return Scoped(self._of_named_kind(question, named), places=places, years=rest, mode=mode if rest else "",
                          named_report=True, within=within)
        relative = relative_year(dated, lang) if not years else None
        if relative:  # 去年 / 今年 / 明年 of the latest report of the place, as that report uses them
            latest = max(candidates, key=lambda d: (self.metas[d].year or 0, self.metas[d].reviews or 0))
            year = self.metas[latest].relative_years.get(relative)
            years = {year} if year else set()
            if relative == "this" and not mode and self.metas[latest].kind == "政府工作报告":
                mode = "plan"  # a speech's 今年 is the year it plans
        if not years:
            return Scoped(self._of_named_kind(question, candidates), places=places, within=within)
        if PLANS_ASKED.search(question):
            mode = "plan"  # "what did X promise to do in 2024": the plans for 2024
        if not mode and asked_aspect(dated, lang) == "growth":
            mode = "review"  # "2009年居民消费价格涨幅是多少": how much it grew is told by the report reviewing the year
        of_year = [d for d in candidates if self._speaks(d, years, mode)]
        if not of_year and mode == "review":
            planned = [d for d in candidates if self._speaks(d, years, "plan")]
            if planned:  # "2019年实际增长了多少" when only the 2019 report (its targets) is loaded
                label = self.metas[planned[0]].label(lang)
                return Scoped([], NOT_REVIEWED[lang].format(place=place, year="/".join(map(str, sorted(years))),
                                                            of_place=of_place, plans=label), places, years)
        if not of_year and mode == "plan":
            of_year = [d for d in candidates if self._speaks(d, years, "")]
        if not of_year:
            return Scoped([], NOT_FOUND_YEAR[lang].format(place=place, year="/".join(map(str, sorted(years))),
                                                          of_place=of_place), places, years)
        if len(years) > 1 and not span_asked(dated):
            # "2023年说要…，到2024年落实了没有？": a question naming two years of one place asks how things
            # stood by the later one, and the report reviewing it is the one that tells.
            later = {max(years)}
            reviewing = [d for d in of_year if self._speaks(d, later, "review")]
            if reviewing:
                of_year, years, mode = reviewing, later, "review"
        return Scoped(self._of_named_kind(question, of_year), places=places, years=years, mode=mode, within=within)

    def _speaks(self, doc_id: str, years: set[int], mode: str) -> bool:
        """Whether a report speaks of one of the years (reviewing or planning it, when mode says)."""
        covered = self.coverage.get(doc_id, {})
        return any(y in covered and (not mode or mode in covered[y]) for y in years)

    def _of_named_kind(self, question: str, candidates: list[str]) -> list[str]:
        """"东坡县政府工作报告里…", "the justice bureau's summary": when the question names a kind of
        report (or, in Chinese, the department that issued it) and some candidates are of it, those;
        otherwise all of them (a kind named loosely never empties the scope)."""
        if len(candidates) < 2:
            return candidates
        named = [d for d in candidates if self.metas[d].level == "部门"
                 and _department(self.metas[d]) and _department(self.metas[d]) in question]
        if named:
            return named
        kinds = {k for k, pattern in KIND_ASKED.items() if pattern.search(question)}
        of_kind = [d for d in candidates if self.metas[d].kind in kinds]
        return of_kind or candidates

    def _matches(self, doc_id: str, s: Scope) -> bool:
        meta = self.metas[doc_id]
        if s.doc and s.doc != doc_id:
            return False
        if s.year and int(s.year) not in (meta.year, meta.reviews):  # the 2025 speech is also the report on 2024
            return False
        if s.place:
            wanted = s.place.strip().lower()
            names = {n.lower() for n in meta.names() + list(meta.parents)} | {meta.pinyin, meta.place.lower()}
            if meta.place == divisions.NATIONAL:
                names |= {"china", "national"}
            if wanted not in names and _short(s.place.strip()) not in names:
                return False
        return True

    def latest_year(self, doc_ids: list[str]) -> int | None:
        years = [self.metas[d].year for d in doc_ids if self.metas[d].year]
        return max(years) if years else None


ABBREVIATION_AFTER = re.compile(r"(?:去年|今年|明年|前年|全省|省|地区|的|\d|[^\u4e00-\u9fff]|$)")


def _alone(name: str, text: str) -> bool:
    """A one-character name (粤, 沪) stands for its province as a word of its own ("粤去年…", "沪的…",
    "全川": all of Sichuan), not inside another word (粤港澳 names a region, 新 in 新增 is new)."""
    i = text.find(name)
    return i >= 0 and (i == 0 or not re.match(r"[\u4e00-\u9fff]", text[i - 1]) or _all_of(text[i - 1:i + 1])) and \
        bool(ABBREVIATION_AFTER.match(text, i + 1))


def _all_of(pair: str) -> bool:
    """全川, 全粤: all of a province, unless the pair is a common word of its own (全新 is brand new)."""
    if pair[0] != "全":
        return False
    import jieba

    jieba.initialize()
    return jieba.dt.FREQ.get(pair, 0) < COMMON_WORD


COMMON_WORD = 100  # jieba's count above which a pair of characters is a word (全新 900; 全川 4, 全港 34)


def _names_nation(text: str) -> bool:
    return any(n in text for n in ("全国", "中国", "我国", "国务院", "中央政府")) or bool(divisions.NATIONAL_EN.search(text))


@functools.lru_cache(maxsize=None)
def _spellings(level: str) -> dict[str, str]:
    """English names of the divisions of a level ("guangdong", "innermongolia"; prefecture-level cities:
    "kunming", "lhasa"), for places no report is about."""
    out = {}
    for d in divisions.divisions().values():
        if d.level == level and (level != "市" or d.name.endswith(("市", "州", "盟", "地区"))):
            short = divisions.short_name(d.name)
            spelled = divisions.romanise(short).replace(" ", "")
            if spelled:
                out.setdefault(spelled, short)
    return out


def _in_english(name: str) -> str:
    """昆明 -> Kunming, 西藏 -> Tibet region; a name already in English stays."""
    d = divisions.division(name) if re.search(r"[\u4e00-\u9fff]", name) else None
    return divisions.english_name(d.name) if d is not None else name


PROPER_EN = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+(?:'[a-z]+)?")


def _department(meta) -> str:
    """司法局 of 东坡县司法局: how a question names a department without its place."""
    from ..corpus import place_chain

    return place_chain(meta.issuer)[1] if meta.issuer else ""


LEVEL_WORDS_ZH = {"全省": "省", "全市": "市", "全县": "县", "全镇": "镇", "全乡": "乡", "全国": "国家"}
LEVEL_WORDS_EN = [("省", re.compile(r"\b(?:the whole province|province-?wide|the province's)\b", re.I)),
                  ("市", re.compile(r"\b(?:the whole city|city-?wide|the city's)\b", re.I)),
                  ("县", re.compile(r"\b(?:the whole county|county-?wide|the county's)\b", re.I))]


def _level_asked(question: str, lang: str) -> str:
    """The level a question naming no place speaks of: 全省 / province-wide asks about a province."""
    if lang == "zh":
        said = {LEVEL_WORDS_ZH[w] for w in LEVEL_WORDS_ZH if w in question}
    else:
        said = {level for level, pattern in LEVEL_WORDS_EN if pattern.search(question)}
    return said.pop() if len(said) == 1 else ""


def _place_level(meta: DocMeta) -> str:
    """The level of the place a report is about (a county's department reports on its county)."""
    if meta.level != "部门":
        return meta.level
    from ..corpus import LEVELS, PLACE_SUFFIXES

    return next((LEVELS[s] for s in PLACE_SUFFIXES if meta.place.endswith(s)), "")


def place_names_of(meta: DocMeta) -> tuple[list[str], list[str]]:
    """The Chinese names of a report's own place (小河镇, 小河; 广东省, 广东, 粤) and of the places above it."""
    return meta.names(), [n for p in meta.parents for n in (p, _short(p)) if len(n) >= 2]


def _short(place: str) -> str:
    from ..corpus import short_place

    return short_place(place)


def _zh_place_mentions(text: str) -> list[str]:
    """Place names in a Chinese text: a name followed by 镇/乡/街道/县/区/市/省 ("青龙镇", "南湖街道")."""
    if not any(suffix in text for suffix in PLACE_SUFFIX_ZH):
        return []  # no place can be named (and jieba's tagger, half a second to load, is not needed)
    import jieba.posseg as pseg

    out = []
    words = [(w.word, w.flag) for w in pseg.cut(text)]
    for (word, flag), (after, _) in zip(words, words[1:] + [("", "")]):
        cjk = all("\u4e00" <= c <= "\u9fff" for c in word)
        if cjk and len(word) >= 2 and (after in PLACE_SUFFIX_ZH or after == "街道办") and not GENERIC_ZH.match(word):
            out.append(word + after[:2] if after == "街道办" else word + after)
        elif (cjk and flag in PROPER_FLAGS and len(word) >= 3 and word.endswith(PLACE_SUFFIX_ZH)
              and not GENERIC_ZH.match(word) and not GENERIC_PLACE_ZH.search(word)):
            out.append(word)  # jieba tags a town it does not know as a person's name: 柳溪镇/nr
    return list(dict.fromkeys(out))
