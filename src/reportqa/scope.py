"""Which reports may answer a question: the places and years it names, and explicit filters.

A question that names a place (小河镇, 小河, Xiaohe) is answered only from that place's
reports; one that names a year only from reports of that year, or, for a year after
every report of the place, from the report whose plans cover it (a 2024 report's
goals for 2025). A place no loaded report is about ("青龙镇", "Taoyuan township") is
said to be missing instead of answered from elsewhere. Explicit filters (the
`--doc/--place/--year` options, the API's fields, a widget pinned to its town)
restrict further and never fall back to the whole corpus.

Relative years (去年, 明年, last year …) do not select reports: they are read against
the selected reports' own year by the retriever.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .corpus import KIND_ASKED, YEAR, DocMeta
from .lexical import EN_STOPWORDS, pinyin
from .questions import PLANS_ASKED

# "2023年的报告", "2023年度法治政府建设报告", "its 2023 report", "the 2024 rule-of-law report"
REPORT_YEAR_ZH = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?度?的?[\u4e00-\u9fff]{0,12}?(?:报告|总结|公报)")
REPORT_YEAR_EN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s+(?:[a-z-]+\s+){0,3}?(?:report|summary|bulletin)\b", re.I)
PLACE_SUFFIX_ZH = ("街道", "镇", "乡", "县", "区", "市")
PLACE_NOUN_EN = re.compile(r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)[ -](?:town|township|subdistrict|sub-district"
                           r"|street|county|district|city|village)\b")
GENERIC_ZH = re.compile(r"^(?:全|本|各|该|我|每|两|这|那|城|乡|县|市|区|镇)")
GENERIC_PLACE_ZH = re.compile(r"(?:开发|示范|保护|风景|工业|商业|中心|重点|建制|小城|贫困|自治|地级|县级|直辖|特色|农业|产业)"
                              r"(?:区|镇|县|市|乡)$")  # kinds of place, not places
PROPER_FLAGS = ("ns", "nr", "nt", "nz", "nrt")
NOT_FOUND_PLACE = {"zh": "没有加载{place}的报告。", "en": "No report from {place} is loaded."}
NOT_FOUND_YEAR = {"zh": "没有加载{place}{year}年的报告。", "en": "No {year} report{of_place} is loaded."}
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
    years: set[int] = field(default_factory=set)  # years the question names


class Scoper:
    """Knows every loaded report's place and year; scopes each question against them."""

    def __init__(self, metas: dict[str, DocMeta], spellings: dict[str, str] | None = None) -> None:
        """`spellings`: each place name's pinyin, computed when the index was built (else here, which
        reads CC-CEDICT: two seconds)."""
        self.metas = dict(metas)
        spell = (lambda n: spellings.get(n) or "") if spellings is not None else pinyin
        # A name -> the reports about that place; a higher place (the county a town's signature
        # names) selects its towns' reports only when no report is about the county itself.
        self.zh_names: dict[str, set[str]] = {}
        self.en_names: dict[str, set[str]] = {}
        self.zh_parents: dict[str, set[str]] = {}
        self.en_parents: dict[str, set[str]] = {}
        for doc_id, meta in self.metas.items():
            own, above = place_names_of(meta)
            for names, spelled, words in ((self.zh_names, self.en_names, own), (self.zh_parents, self.en_parents, above)):
                for name in words:
                    names.setdefault(name, set()).add(doc_id)
                for spelling in {spell(n) for n in words} | ({meta.pinyin} if words is own else set()) - {""}:
                    if spelling:
                        spelled.setdefault(spelling, set()).add(doc_id)
        self.known = set(self.zh_names) | set(self.zh_parents)
        self.spelled = set(self.en_names) | set(self.en_parents)
        self.longest = max((len(n) for n in self.known), default=0)
        # every part of a known name, so that "is this mention part of a known name" is one look-up
        self.name_parts = {n[i:j] for n in self.known for i in range(len(n)) for j in range(i + 2, len(n) + 1)}

    def place_names(self) -> set[str]:
        """Every Chinese name of a loaded place: context in a question, never evidence."""
        return set(self.known)

    def _substrings(self, text: str) -> set[str]:
        """The text's substrings as long as a known name can be (look-ups, not a loop over names)."""
        return {text[i:j] for i in range(len(text)) for j in range(i + 2, min(len(text), i + self.longest) + 1)}

    def named_places(self, text: str) -> tuple[set[str], list[str]]:
        """(reports of the known places the text names, names of places no report is about)."""
        words = re.findall(r"[a-z]+", text.lower())
        words += [a + b for a, b in zip(words, words[1:])]  # "Xiao he" spells xiaohe too
        docs: set[str] = set()
        parts = self._substrings(text)
        for zh, en in ((self.zh_names, self.en_names), (self.zh_parents, self.en_parents)):
            for name in parts & zh.keys():
                docs |= zh[name]
            for word in set(words) & en.keys():
                docs |= en[word]
            if docs:
                break  # the place itself named: its towns' reports are not about it
        unknown = [p for p in _zh_place_mentions(text)
                   if p not in self.name_parts and not self._substrings(p) & self.known]
        for m in PLACE_NOUN_EN.finditer(text):
            name = m.group(1)
            first, _, rest = name.partition(" ")
            if rest and first.lower() in EN_STOPWORDS | {"did", "does", "has", "have", "how", "what", "which"}:
                name = rest  # "Did Qiaotou town …": the question's first word is capitalised, not the name's
            if name.lower() in EN_STOPWORDS or name.lower().replace(" ", "").replace("-", "") in self.spelled:
                continue
            unknown.append(f"{name} {m.group(0)[len(m.group(1)):].strip(' -')}")
        return docs, unknown

    def scope(self, question: str, lang: str, explicit: Scope | None = None, context: str = "") -> Scoped:
        """The reports that may answer `question`; `context` (an earlier question) lends its
        places when the question names none."""
        explicit = explicit or Scope()
        allowed = [d for d in self.metas if self._matches(d, explicit)]
        if not allowed:
            return Scoped([], NOT_FOUND_FILTER[lang].format(scope=explicit.describe()))
        docs, unknown = self.named_places(question)
        # A follow-up that names neither place nor year ("那调解成功率呢？") keeps the earlier ones.
        dated = context if context and not (docs or unknown or YEAR.search(question)) else question
        if not docs and not unknown and context:
            docs, unknown = self.named_places(context)
        if unknown and not docs:
            return Scoped([], NOT_FOUND_PLACE[lang].format(place="、".join(unknown) if lang == "zh" else ", ".join(unknown)))
        candidates = [d for d in allowed if d in docs] if docs else allowed
        places = list(dict.fromkeys(self.metas[d].place for d in candidates if self.metas[d].place))
        if docs and not candidates:
            return Scoped([], NOT_FOUND_FILTER[lang].format(scope=explicit.describe()), places)
        years = {int(y) for y in YEAR.findall(dated)}
        report_years = {int(y) for y in REPORT_YEAR_ZH.findall(dated) + REPORT_YEAR_EN.findall(dated)}
        if years:
            of_year = [d for d in candidates if self.metas[d].year in (report_years or years)]
            if PLANS_ASKED.search(question) and not report_years:  # "what did X promise to do in 2024":
                planned = [d for d in candidates if self.metas[d].year is not None and self.metas[d].year + 1 in years]
                of_year = planned or of_year  # the plans for 2024 are in the 2023 report
            if not of_year and not report_years:  # a year after the report: its plans for that year
                of_year = [d for d in candidates if self.metas[d].year is not None and self.metas[d].year + 1 in years]
            if not of_year:
                year = "/".join(str(y) for y in sorted(report_years or years))
                place = "、".join(places) if docs else ""
                return Scoped([], NOT_FOUND_YEAR[lang].format(place=place, year=year,
                                                               of_place=f" from {', '.join(places)}" if docs else ""),
                              places, years)
            if len({self.metas[d].year for d in of_year}) > 1 and len(report_years) != 1:
                # "2023年说要…，到2024年落实了没有？": a question naming two years of one place asks
                # how things stood by the later one, and the later report is the one that tells.
                latest = max(self.metas[d].year for d in of_year)
                of_year = [d for d in of_year if self.metas[d].year == latest]
            candidates = of_year
        return Scoped(self._of_named_kind(question, candidates), places=places, years=years)

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
        if s.year and meta.year != int(s.year):
            return False
        if s.place:
            wanted = s.place.strip().lower()
            names = {n.lower() for n in meta.names() + list(meta.parents)} | {meta.pinyin}
            if wanted not in names and _short(s.place.strip()) not in names:
                return False
        return True

    def latest_year(self, doc_ids: list[str]) -> int | None:
        years = [self.metas[d].year for d in doc_ids if self.metas[d].year]
        return max(years) if years else None


def _department(meta) -> str:
    """司法局 of 东坡县司法局: how a question names a department without its place."""
    from .corpus import place_chain

    return place_chain(meta.issuer)[1] if meta.issuer else ""


def place_names_of(meta: DocMeta) -> tuple[list[str], list[str]]:
    """The Chinese names of a report's own place (小河镇, 小河) and of the places above it (浚县)."""
    return meta.names(), [n for p in meta.parents for n in (p, _short(p)) if len(n) >= 2]


def _short(place: str) -> str:
    from .corpus import short_place

    return short_place(place)


def _zh_place_mentions(text: str) -> list[str]:
    """Place names in a Chinese text: a name followed by 镇/乡/街道/县/区/市 ("青龙镇", "南湖街道")."""
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
