"""The facts a sentence holds: figures, dates, names, titles and quoted terms, with where they sit.

A figure is a number with its unit ("42.05亿元", "1386万", "三分之一", "97%以上"), and what the words
before it say it is: the thing it measures (its `subject`: "全年调解各类矛盾纠纷412件" counts 矛盾纠纷),
its aspect (a level, a growth "比上年增长5.6%", a share "占…的68.0%", the share of a target completed),
whether it is per capita, its bound (左右 about, 以上 at least, 以内 at most) and its kind of statement:
a result, a target ("预期目标", "力争", a bound), or a figure over several years ("年均", "累计", "五年来").
A table row is read by its label and its column's heading. Nothing here decides whether a fact answers a
question; the candidates module scores that.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from ..corpus import strip_marker
from ..lexical import words_of

CN_NUM = "零〇一二两三四五六七八九十百千万亿"
MEASURES = "件次场人名个项份户家所条篇期批级天吨亩起例座处台辆套株头卷块斤架艘辆户栋间颗张只棵"
SIZE_UNITS = ("微克/立方米", "毫克/立方米", "平方公里", "平方千米", "平方米", "公里", "千米", "公顷", "亩", "万吨", "吨标准煤", "吨",
              "立方米", "千瓦时", "千瓦", "兆瓦", "标准箱", "标箱", "万标箱", "万斤", "斤", "千克", "公斤", "米")
MONEY_UNITS = ("元", "万元", "亿元", "万亿元", "美元", "万美元", "亿美元")
RATE_UNITS = ("%", "个百分点")
DURATIONS = ("个月", "小时", "年", "天", "周")
# A unit's class: what a question asking in that unit accepts.
UNIT_CLASSES = [("rate", RATE_UNITS + ("‰",)), ("money", MONEY_UNITS), ("people", ("人", "名", "人次", "位")),
                ("times", ("次", "场", "场次", "期", "回", "轮")), ("cases", ("件", "起", "例", "宗", "件次")),
                ("households", ("户",)), ("copies", ("份", "本", "册")),
                ("length", ("公里", "千米", "米")), ("area", ("平方公里", "平方千米", "平方米", "公顷", "亩")),
                ("weight", ("万吨", "吨", "万斤", "斤", "千克", "公斤")), ("energy", ("千瓦时", "千瓦", "兆瓦", "吨标准煤")),
                ("concentration", ("微克/立方米", "毫克/立方米")), ("containers", ("标准箱", "标箱", "万标箱")),
                ("duration", DURATIONS)]
UNIT = (rf"%|‰|万亿元|亿美元|万美元|美元|万元|亿元|元|人次|场次|件次|个百分点|{'|'.join(SIZE_UNITS)}|个月|小时|年(?![度级])"
        rf"|[{MEASURES}位]")
# (a copy that spaced a number's digits out, "4 9 2 5 0 万吨", still writes one number)
NUMBER = rf"(?<![\d.])\d(?: \d){{2,}}(?![\d.])|\d[\d,]*(?:\.\d+)?|[{CN_NUM}]{{1,6}}"
QUANTITY = re.compile(
    rf"(?:(?P<fraction>[{CN_NUM}]{{1,3}}分之[{CN_NUM}]{{1,3}}|百分之[{CN_NUM}点]{{1,8}})"
    rf"|(?P<num>{NUMBER})\s*(?P<scale>万亿|亿|万|千|百)?(?P<more>余|多)?\s*(?P<unit>{UNIT})?)"
    rf"(?P<bound>以上|左右|以内|以下|上下)?")
DATE = re.compile(
    rf"(?:\d{{4}}|[{CN_NUM}]{{4}})\s*年(?:\s*[\d{CN_NUM}]{{1,2}}\s*月(?:\s*[\d{CN_NUM}]{{1,3}}\s*日)?)?"
    r"(?:底|初|内|中)?(?:前|以前|之前)?"
    r"|(?<!\d)\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)"
    r"|(?<!\d)\d{1,2}月\d{1,2}日"
    r"|(?:年底|年初|年中|上半年|下半年|第[一二三四1-4]季度|\d{1,2}月(?:底|初|中旬|上旬|下旬)?)(?:前|以前|之前)?")
TITLE = re.compile(r"《([^《》]{2,60})》")
QUOTED = re.compile(r"[“\"]([^“”\"]{2,24})[”\"]")
CLAUSE_END = re.compile(r"[,;:。!?，；：！？]")

# What the words before a figure say it measures. "增加值" (value added) names a level.
GROWTH_TEXT = re.compile(r"(?:比上年末?|比年初|同比|较上年)?(?:增长|增加|减少|下降|提高|降低|回落|上升|上涨|下滑|增幅|增速|扩大|缩小"
                         r"|涨幅|涨|降|减)(?![到至])")
FALL_TEXT = re.compile(r"减少|下降|降低|回落|下滑|缩小|降|减")
SHARE_TEXT = re.compile(r"(?<![侵抢])占(?!用|地|有|领)|比重|占比")
COMPLETION_TEXT = re.compile(r"完成[^,;。]*?的|完成率")
PER_CAPITA_TEXT = re.compile(r"人均|每千|每万|每百|平均每(?!年)|每人|每亩|亩产|单产|每公顷")  # per head, or per unit of land
# "由50%提高到60%": the figure after 到 is the level reached; "从2000元提高到3500元".
REACHED_TEXT = re.compile(r"(?:提高|提升|增加|降低|减少|调整|扩大|上调|下调|升|降)到|增至|降至|提至|升至|调至")
# Kinds of statement a figure's clause makes: a target, or a figure over several years.
TARGET_TEXT = re.compile(r"目标|预期|力争|争取|计划|拟|确保|不低于|不少于|不超过|控制在")
# (累计 alone is no term: "累计培训146人次" in a year's report is that year's total; "五年累计" says the term;
# "年均增长" averages years, "年均浓度" is one year's mean)
AVERAGE_TEXT = re.compile(r"年均|平均每年|每年平均")  # a yearly average over a term
SPAN_TEXT = re.compile(r"年均(?=增|提|下|减|递|上|实际)|平均每年|每年平均|五年来|五年|多年来|年来|以来|时期|期间|十[一二三四五]?五|\d{4}\s*[-—至到]\s*\d{4}")
BREAKDOWN = re.compile(r"其中|按[\u4e00-\u9fff]{1,6}分")  # "…856.3万人次。其中，乡村旅游接待游客412.6万人次"
LINKING = re.compile(r"(?:分别|各|共计|合计|总计|累计|共|计|达到了?|达|为|是|约|近|超过|突破|逾|有|完成|实现|保持在?|稳定在"
                     r"|控制在|增至|不少于|不低于|了|的|在|:|：|\s)+$")
PAIRING = re.compile(r"^[、和与及以及分别\s]*$")  # "43260元、21580元", "4.9%和6.7%": the same measure again
BOUNDS = {"以上": "at least", "左右": "about", "上下": "about", "以内": "at most", "以下": "at most"}
SCALES = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(1000), "百": Decimal(100)}
YEARISH = re.compile(r"^(?:19|20)\d{2}$")


@dataclass
class Figure:
    """A number with its unit in a sentence, and what the words before it say about it."""

    text: str  # "42.05亿元", "97%以上", "1386万"
    start: int  # offsets into the sentence
    end: int
    clause: int  # the clause it sits in
    unit: str  # "%", "亿元", "人", "" for a bare count
    aspect: str  # level, growth, share or completion
    per_capita: bool  # per head or per unit of land (人均, 每亩): not a total
    subject: str  # the words naming what it measures: "矛盾纠纷", "人均地区生产总值"
    bound: str = ""  # about, at least, at most
    target: bool = False  # its clause states a target ("预期目标", "力争", a bound)
    span: bool = False  # it is a figure over several years ("年均", "累计", "五年来")
    reached: bool = False  # the level a change reached ("由50%提高到60%": 60%)

    @property
    def unit_class(self) -> str:
        return unit_class(self.unit)

    @property
    def value(self) -> Decimal | None:
        return value_of(self.text)


def unit_class(unit: str) -> str:
    """'rate', 'money', 'people' … for a unit; 'count' for a bare number or another measure word."""
    for name, units in UNIT_CLASSES:
        if unit in units:
            return name
    return "count"


def clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a sentence, each ending with its punctuation."""
    out, s = [], 0
    for m in CLAUSE_END.finditer(text):
        if m.end() - s > 1:
            out.append((s, m.end()))
        s = m.end()
    if len(text) - s > 1:
        out.append((s, len(text)))
    return out or [(0, len(text))]


def _is_figure(text: str, m: re.Match) -> bool:
    """A number is a figure with a unit, a scale (1386万), a bound or a fraction; not a year ("2024年"),
    an ordinal or a name's number ("三项制度", "一批阵地" name, they do not count)."""
    if m.group("fraction"):
        return True
    num, unit = m.group("num"), m.group("unit") or ""
    if not num:
        return False
    digits = num[0].isdigit()
    if digits and YEARISH.match(num.replace(",", "")) and unit in ("", "年") and not m.group("scale"):
        return False  # a year
    if unit == "年" and (len(num) > 4 or not digits and len(num) > 2):
        return False  # "长达2600年", "再延长三年" are durations; "二〇二四年" is not
    if not unit and not m.group("scale") and not m.group("bound"):
        return False
    if not digits:  # Chinese numerals count only when they end their clause or take a bound
        if len(num) == 1 and num in "一两" and unit in ("个", "批", "项", "次", "种", "条", "件"):
            return False
        nxt = text[m.end():m.end() + 1]
        return not nxt or nxt in ",;:。!?、)”\"，；：" or bool(m.group("bound"))
    before = text[max(0, m.start() - 1):m.start()]
    if before.isascii() and before.isalpha():
        return False  # "PM2.5年均浓度", "PM10", "M2": a name's number
    return before not in ("第", "号", "-", "—", "/")


def figures_in(text: str, parts: list[tuple[int, int]] | None = None) -> list[Figure]:
    """The figures of a sentence (see _figures_in); cached by sentence, copies returned."""
    if parts is not None and parts != clauses(text):
        return _figures_in(text, parts)
    return [replace(f) for f in _cached_figures(text)]


@functools.lru_cache(maxsize=20_000)
def _cached_figures(text: str) -> tuple[Figure, ...]:
    return tuple(_figures_in(text, clauses(text)))


def _figures_in(text: str, parts: list[tuple[int, int]]) -> list[Figure]:
    """The figures of a sentence, each with its aspect, kind and the words naming what it measures.

    The words between the previous figure (or the clause start) and a figure name it: "全年调解
    各类矛盾纠纷412件" counts 矛盾纠纷; "比上年增长5.6%" is the growth of what the sentence measured
    before it; "43260元、21580元" share their words; "71%的煤电机组" names its thing after it."""
    out: list[Figure] = []
    for ci, (cs, ce) in enumerate(parts):
        pos = cs
        clause_text = text[cs:ce]
        for m in QUANTITY.finditer(text, cs, ce):
            if not _is_figure(text, m):
                continue
            before = text[pos:m.start()]
            pos = m.end()
            unit = m.group("unit") or ("%" if (m.group("fraction") or "").startswith("百分之") else "")
            bound = BOUNDS.get(m.group("bound") or "", "")
            fact = re.sub(r"(?<=\d) (?=\d)", "", m.group(0).strip())  # "4 9 2 5 0 万吨" reads 49250万吨
            prev = out[-1] if out else None
            if prev is not None and prev.clause == ci and PAIRING.match(before):
                out.append(replace(prev, text=fact, start=m.start(), end=m.end(), unit=unit, bound=bound or prev.bound))
                continue
            plain = before.replace("增加值", "值")
            cue = None
            if unit == "%" and COMPLETION_TEXT.search(plain):
                aspect, cue = "completion", COMPLETION_TEXT.search(plain)
            elif unit in ("%", "") and SHARE_TEXT.search(plain):
                aspect, cue = "share", SHARE_TEXT.search(plain)
            elif GROWTH_TEXT.search(plain):
                aspect, cue = "growth", list(GROWTH_TEXT.finditer(plain))[-1]
            else:
                aspect = "level"
            own = last_words(LINKING.sub("", before[:cue.start()] if cue else before))
            after = text[m.end():ce]
            if not own and aspect == "level" and re.match(r"的?[\u4e00-\u9fff]", after):
                own = last_words(re.split(r"[担任为在对于实现达到]", after.lstrip("的"))[0], first=True)  # "71%的煤电机组"
            per_capita = bool(PER_CAPITA_TEXT.search(before))
            earlier = out[-1] if out else None
            if own and earlier is not None and earlier.unit == unit and all(_is_verb(w) for w in words_of(own)):
                own = earlier.subject  # "新建5G基站316个，累计建成742个": 742 counts 5G基站 too
            if not own:  # "比上年增长6.0%", "完成年度目标的102.3%": of what the figure before it measures
                if earlier is not None:
                    own, per_capita = earlier.subject, earlier.per_capita or per_capita
                else:
                    own = last_words(LINKING.sub("", text[parts[0][0]:parts[0][1]]))
            window = clause_text[:m.end() - cs] + text[m.end():m.end() + 2]
            out.append(Figure(fact, m.start(), m.end(), ci, unit, aspect, per_capita, own, bound,
                              target=bool(TARGET_TEXT.search(window)),
                              span=bool(SPAN_TEXT.search(clause_text[:m.end() - cs])),
                              reached=bool(REACHED_TEXT.search(before[-6:] + text[m.start():m.start()]))))
    return out


CELL_SEPARATOR = re.compile(r"\t+| *[|｜] *")
NUMBER_CELL = re.compile(rf"^(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>{UNIT})?$")
UNIT_IN_HEADER = re.compile(r"单位[:：]\s*(万元|亿元|元|%|[^\s)）]{1,3})")
TOTAL_COLUMN = re.compile(r"总计|合计|总数|小计")


def cells(text: str) -> list[tuple[int, int]] | None:
    """(start, end) of a table row's cells ("固定资产投资\t亿元\t10.50\t9.82\t93.5%", "行政许可 | 392"):
    readers write a row as one line, cells set apart by tabs or bars; None for a sentence."""
    if not CELL_SEPARATOR.search(text):
        return None
    out, pos = [], 0
    for m in list(CELL_SEPARATOR.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        if end > pos:
            out.append((pos, end))
        pos = m.end() if m else len(text)
    return out if len(out) >= 2 else None


def row_figures(text: str, header: str | None) -> list[Figure]:
    """The figures of a table row, each named by the row's label and its column's heading
    ("固定资产投资" + "完成率" = 93.5%), in the unit the cell, a 单位 column or the heading gives;
    a bare number is a count."""
    row = cells(text)
    if row is None:
        return []
    values = [NUMBER_CELL.match(text[a:b].strip()) for a, b in row]
    # a heading's cell without its brackets and lead-in: "（本部分按申请人情况分列：自然人" -> 自然人
    heads = [re.split(r"[:：]", header[a:b].strip(" （）()"))[-1] for a, b in cells(header) or []] if header else []
    heads = [""] * (len(row) - len(heads)) + heads[-len(row):]  # a heading row may lack the label's column
    unit_col = next((i for i, h in enumerate(heads) if re.fullmatch(r"(?:计量)?单位", h)), None)
    row_unit = text[row[unit_col][0]:row[unit_col][1]].strip() if unit_col is not None else ""
    label = "".join(strip_marker(text[a:b].strip()) for i, ((a, b), v) in enumerate(zip(row, values))
                    if v is None and i != unit_col)
    out = []
    for i, ((a, b), v) in enumerate(zip(row, values)):
        if v is None:
            continue
        m = UNIT_IN_HEADER.search(heads[i]) or (UNIT_IN_HEADER.search(header) if header else None)
        unit = v.group("unit") or row_unit or (m.group(1) if m else "")
        head = heads[i]
        aspect = ("completion" if unit == "%" and COMPLETION_TEXT.search(head + "的") else
                  "share" if unit == "%" and SHARE_TEXT.search(head) else
                  "growth" if GROWTH_TEXT.search(head) else "level")
        fact = text[a:b].strip() + ("" if v.group("unit") or unit in ("", "%") else unit)
        out.append(Figure(fact, a, b, 0, unit, aspect, bool(PER_CAPITA_TEXT.search(label)),
                          f"{label}{'' if TOTAL_COLUMN.search(head) and label else head}",
                          target=bool(re.search(r"目标|计划|预算", head))))
    return out


def last_words(text: str, first: bool = False) -> str:
    """The last (or first) three content words of a phrase: what a figure next to it counts."""
    words = [w for w in words_of(text) if not re.fullmatch(r"[\d.]+年?|全年|年内|年末|年底|当年|其中|去年|今年", w)]
    return "".join(words[:2] if first else words[-3:])


def dates_in(text: str) -> list[re.Match]:
    return list(DATE.finditer(text))


# Common Chinese surnames: a person's name in a passage starts with one of them.
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
               "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤屠殷"
               "温习胡赖聂焦")
PLACE_AFTER = re.compile(r"街道|镇|乡|县|区|市|村|社区|路|街")


def names_in(text: str) -> list[str]:
    """Person names: two or three characters jieba tags as a name, starting with a surname, not the start
    of a place ("白沙街道" is a place, not Mr Bai Sha). Ideographic spaces inside a name ("李　强") go.
    Cached: the clauses are the index's own, and tagging is the slowest step of reading one."""
    return list(_names_in(text))


@functools.lru_cache(maxsize=16384)
def _names_in(text: str) -> tuple[str, ...]:
    import jieba.posseg as pseg

    text = re.sub(r"(?<=[\u4e00-\u9fff])[\u3000 ]+(?=[\u4e00-\u9fff](?:[\u3000 ]|$|[^\u4e00-\u9fff]))", "", text)
    out, pos = [], 0
    for w in pseg.cut(text):
        after = text[pos + len(w.word):pos + len(w.word) + 2]
        pos += len(w.word)
        if w.flag == "nr" and 2 <= len(w.word) <= 3 and w.word[0] in SURNAMES and not PLACE_AFTER.match(after):
            out.append(w.word)
    return tuple(out)


def value_of(fact: str) -> Decimal | None:
    """'1.3万平方米' -> 13000, '97%以上' -> 97, '三分之一' -> 33.33…: a figure's number."""
    m = re.match(r"\s*(\d(?: \d){2,}(?![\d.])|[\d,.]+)\s*(万亿|万|亿|千|百)?", fact)
    if m:
        try:
            return Decimal(re.sub(r"[, ]", "", m.group(1))) * SCALES.get(m.group(2), Decimal(1))
        except InvalidOperation:
            return None
    try:
        import cn2an

        m = re.match(rf"([{CN_NUM}]+)分之([{CN_NUM}]+)", fact)
        if m:
            return Decimal(cn2an.cn2an(m.group(2), "smart")) / Decimal(cn2an.cn2an(m.group(1), "smart")) * 100
        m = re.match(rf"百分之([{CN_NUM}点]+)", fact)
        if m:
            return Decimal(str(cn2an.cn2an(m.group(1), "smart")))
        m = re.match(rf"([{CN_NUM}]+)", fact)
        return Decimal(str(cn2an.cn2an(m.group(1), "smart"))) if m else None
    except (ValueError, InvalidOperation, ZeroDivisionError):
        return None


def _is_verb(word: str) -> bool:
    """Whether jieba reads a word alone as one verb (调处, 化解, 建成), not a noun."""
    return _verb(word)


def _verb(word: str, _cache: dict = {}) -> bool:
    if word not in _cache:
        import jieba.posseg as pseg

        tagged = list(pseg.cut(word))
        if len(_cache) > 4096:
            _cache.clear()
        _cache[word] = len(tagged) == 1 and tagged[0].flag in ("v", "vd", "vi")
    return _cache[word]
