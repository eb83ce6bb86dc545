"""What a question asks, read once: its type, and for figures the unit, the aspect, the thing counted
and the kind of statement (a result, a target, a figure over several years).

The reader scores every candidate fact against this reading: a percentage for "how many", a count of
disputes for "how many committees", a per-capita income for a total, a growth rate for a level, a target
for "how much did it grow", a five-year average for one year's growth all score low. A question asking two
things at once ("X和Y分别是多少", "how many X, and what share Y") is read as parts, each a Question of
its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..corpus import NOT_PLACES
from ..lexical import EN_STOPWORDS, language, translate, words_of
from .facts import CN_NUM, MEASURES, MONEY_UNITS, RATE_UNITS
# Units of size and amount, each a class of its own (a question in 公里 is never answered in 亩).
SIZE_UNITS = ("平方公里", "平方千米", "平方米", "公里", "千米", "公顷", "亩", "万吨", "吨", "立方米", "千瓦时", "千瓦", "标箱", "斤")
MEASURE_CLASSES = [("人", "名", "人次", "位"), ("次", "场", "场次", "期", "回", "轮"), ("件", "起", "例", "宗"),
                   ("份", "本", "册"), ("个", "家", "所", "处", "座"), ("公里", "千米")]
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")

YES_NO_ZH = re.compile(r"是否|有没有|有无|是不是|(?:了)?没有[?？]?$|(?:了)?吗[?？]?$|与否")
YES_NO_EN = re.compile(r"(?:^|[.?!;]\s+|^(?:in|by|since|during|at|for) [^,?]{1,30},\s+)(?:did|does|do|is|are|was|were|has|have|had|can|could|will|would|should)\b", re.I)
QTYPE_PATTERNS_ZH = [
    ("name", re.compile(r"叫什么|名字|姓名|什么名|名称|标题")),
    ("when", re.compile(r"何时|什么时候|哪天|哪一天|哪年|几月|日期|时间是")),
    ("who", re.compile(r"谁|哪位|什么人|哪个部门|哪个单位")),
    ("quantity", re.compile(r"多少|(?<!哪)几\s*(?:个|次|年|人次|场次|[件场人名项份户家所条篇期批级天吨亩起例座处台辆套株])"
                            r"|比例|百分之|占比|比重|率是|率为|率有|人口|面积|产值|收入|预算|金额|总额|生产总值|gdp"
                            r"|增长了?多少|增速|增幅", re.I)),
    ("list", re.compile(r"哪些|哪几|有什么|包括什么|包括哪|指的是什么|指什么|哪些方面|(?:要|将|打算|计划|准备)[做干办]什么")),
    ("why", re.compile(r"为什么|为何|原因|怎么会")),
]
QTYPE_PATTERNS_EN = [
    ("name", re.compile(r"\bname of\b|\bnamed\b|\bcalled\b|\btitle of\b", re.I)),
    ("when", re.compile(r"\bwhen\b|\bwhat date\b|\bwhich date\b|\bwhat day\b|\bwhat year\b", re.I)),
    ("quantity", re.compile(r"\bhow (many|much|fast|big|large|high|long|far)\b|\bin (?:yuan|us dollars|dollars|tonnes|tons"
                            r"|kilometres|kilometers|hectares)\b|\bby how\b"
                            r"|\b(percentage|proportion|rate|number of|population|gdp|budget"
                            r"|revenue|income|output|spending|expenditure|investment|amount|area|share|sales|turnover"
                            r"|throughput|concentration|volume|capacity|mileage|length|production|consumption|emissions?"
                            r"|coverage|density|yield|wages?|salary|prices?"
                            r"|deposits?|loans?|exports?|imports?|value added|profits?)\b"
                            r"|\bwhat (?:[\w-]+ ){0,5}?targets?\b", re.I)),  # "what … target did X set": a figure
    ("who", re.compile(r"\bwho\b|\bwhom\b|\bwhich (body|department|office|person|people|mayor|governor|premier"
                       r"|chair(?:man|woman)?|official|leader)\b", re.I)),
    ("list", re.compile(r"\bwhich\b|\bwhat are\b|\blist\b|\bwhat kinds?\b|\bwhat types?\b"
                        r"|\bwhat\b.*\b(?:plan(?:s|ned)?|promise[sd]?|pledge[sd]?|intend(?:s|ed)?|aim(?:s|ed)?) to do\b", re.I)),
    ("why", re.compile(r"\bwhy\b|\breason", re.I)),
]

# A question about the report itself: who issued it, when, under what number.
DOC_SELF = re.compile(r"报告|总结|公报|这份|本文|该文|\b(?:report|summary|bulletin|document|speech|communiqu)", re.I)
META_FIELDS = [  # (what the question says, the metadata fields that answer it: who, when)
    (re.compile(r"文号|发文字号|document number|reference number", re.I), ("doc_number",)),
    (re.compile(r"落款|签发|署名|文末|末尾|结尾|\bsign(?:ed|s)?\b|\bdated\b|signature|\bat the (?:end|bottom)\b", re.I),
     ("issuer", "signed")),
    # a speech (政府工作报告): who delivered it, and when and where (its subtitle: "——2025年1月8日在…会议上")
    (re.compile(r"作(?:的)?报告|(?:谁|哪位|什么人)[^,，。?？]{0,6}[作做]的|讲话|发言|\bdeliver|\bpresent(?:ed|s)?\b|\bgave\b|\bgiven\b|\bspoke\b", re.I),
     ("byline", "subtitle")),
    (re.compile(r"发布|印发|发文|公布|刊发|出版|\bpublish|\bpublication|\breleas|\bissu|\bput out\b|\bcome out\b"
                r"|\bcame out\b|\bposted\b", re.I), ("source", "published")),
]
META_WHO = re.compile(r"谁|哪位|什么人|哪个单位|哪个部门|什么单位|哪家|哪个机关|什么机关|\bwho\b|\bwhom\b|\bwhich (?:office|body|department"
                      r"|agency|unit|organi[sz]ation|government|mayor|governor|premier|chair(?:man|woman)?|official"
                      r"|leader|person)\b|\bpublisher\b|\bissuer\b|\bauthor", re.I)
# when, or at which sitting of which congress (a speech's subtitle says both: "2025年1月14日在…第四次会议上")
META_WHEN = re.compile(r"哪天|何时|什么时候|时间|日期|哪一天|几月|第几次|哪一?次[^,，。?？]{0,12}会|第几届|哪一?届"
                       r"|\bwhen\b|\bdate\b|\bday\b|\bdated\b|\bsession\b|\bsitting\b|\bwhich (?:meeting|congress)\b", re.I)

# A document's name in 《》: the question asks for a title, and which kind of document it is.
TITLE_ASK_ZH = re.compile(r"(?:什么|哪个|哪份|哪部|哪项|何种)\s*(?:[\u4e00-\u9fff]{0,6}?)"
                          r"(文件|计划|方案|规划|规定|办法|意见|要点|纲要|条例|通知|清单|细则|预案|决定|法规|政策)"
                          r"|(文件|计划|方案|规划|规定|办法|意见|要点|纲要|条例|通知|清单|细则|预案|决定)(?:的)?"
                          r"(?:名称|名字|标题|叫什么|是什么|是哪)")
TITLE_ASK_EN = re.compile(r"\btitle of\b()|\b(?:name|title)s? of (?:the |its |their )?(?:[a-z-]+ ){0,5}?"
                          r"(document|plan|programme|program|scheme|regulations?|rules|provisions|measures|guidelines?"
                          r"|opinions?|notice|outline|policy|law|points|list|work plan)\b"
                          r"|\b(?:what|which) (?:[a-z-]+ ){0,4}?(document|plan|programme|program|scheme|regulations?|rules"
                          r"|provisions|guidelines?|outline|policy|law|key points|work points)\b", re.I)
# Kinds of document a title can end in, grouped: a question for a "plan" accepts any of its group.
TITLE_KINDS = [("计划", "方案", "规划", "要点", "安排", "纲要", "计划书"), ("规定", "条例", "办法", "细则", "规则", "准则", "制度"),
               ("意见",), ("通知",), ("清单",), ("预案",), ("决定",), ("法",)]
TITLE_KINDS_EN = {"plan": "计划", "programme": "计划", "program": "计划", "scheme": "计划", "outline": "纲要",
                  "points": "要点", "regulation": "规定", "regulations": "规定", "rules": "规定", "provisions": "规定",
                  "measures": "办法", "guideline": "意见", "guidelines": "意见", "opinion": "意见", "opinions": "意见",
                  "notice": "通知", "list": "清单", "law": "法"}


# A question asking for a report's plans as a whole ("承诺2024年要做哪些事", "what are the plans for next
# year"), not for one thing among them ("2025年法治宣传要利用哪些新媒体") nor for the title of a plan
# document ("制定了什么工作计划").
PLANS_ASKED = re.compile(r"(?:承诺|计划|打算|安排|准备|部署|要|将)了?要?(?:做|干|办|抓|推进)好?(?:哪些|什么|哪几)"
                         r"|(?:哪些|什么)(?:工作)?(?:安排|打算|承诺|重点工作)|(?:安排|打算|承诺|重点工作)(?:有|是)(?:哪些|什么)"
                         r"|\bwhat (?:are|were) (?:the |its |their )?(?:main |key )?(?:plans|priorities|tasks|commitments"
                         r"|promises)\b|\bwhat\b.*\b(?:plan(?:s|ned)?|promise[sd]?|pledge[sd]?|intend(?:s|ed)?|aim(?:s|ed)?)"
                         r" to do\b", re.I)


def question_type(question: str, lang: str) -> str:
    """quantity, when, who, name, list, why, yesno or fact."""
    if lang != "zh" and YES_NO_EN.search(question.strip()):
        return "yesno"  # "Did the town …?" asks for yes or no, whatever else it names
    if lang == "zh" and YES_NO_ZH.search(question.strip()) and not re.search(r"多少|几|哪|什么|谁|怎么|如何", question):
        return "yesno"  # "一般公共预算收入完成年度目标了吗": a figure's words, but no figure asked
    for qtype, pattern in (QTYPE_PATTERNS_ZH if lang == "zh" else QTYPE_PATTERNS_EN):
        if pattern.search(question):
            return qtype
    if lang == "zh" and YES_NO_ZH.search(question.strip()):
        return "yesno"
    return "fact"


# --- figures: unit, aspect, per capita --------------------------------------------------------

RATIO_CUE = re.compile(r"率|比例|百分|占比|比重|满意|percent|\brate\b|\bshare\b|proportion|satisf", re.I)
MONEY_CUE = re.compile(r"钱|金额|资金|经费|投入多少|多少元|收入|支出|产值|总值|生产总值|增加值|总额|余额|存款|贷款|投资|预算|营业额|损失"
                       r"|gdp|money|spen[dt]|\bcost|fund|budget|yuan|invest|revenue|income|expenditure|output value"
                       r"|value[- ]added|sales|deposit|loan|\bloss|\bexports?\b|\bimports?\b|turnover|profit", re.I)
POPULATION_CUE = re.compile(r"人口|population", re.I)
GROWTH_CUE_ZH = re.compile(r"增长|增速|增幅|增加了?多少|提高了?多少|[高低多少]了多少|下降|减少|上升|回落|比上年|比一年前|比去年|同比|涨"
                           r"|脱贫|减贫")  # (people lifted out of poverty: the reports count them as a fall, 贫困人口减少)
GROWTH_CUE_EN = re.compile(r"\b(?:go|goes|went|gone) (?:up|down)\b|\bgr[eo]w|\bgrowth\b|\bincreas|\brise\b|\brose\b|\brisen\b|\bfell\b|\bfall\b|\bdecline"
                           r"|\bdrop|\bhow fast\b|\bby how much\b|\bchange[ds]?\b|\blift(?:ed|s)? out\b|\bout of poverty\b"
                           r"|\breduc|\bcut\b", re.I)
SHARE_CUE = re.compile(r"(?<![侵抢])占(?!用|地|有|领)|比重|占比|份额|\bshare\b|\bproportion\b|\bpercentage of\b"
                       r"|\bper ?cent of\b", re.I)
COMPLETION_CUE = re.compile(r"(?:完成|达到|实现)[^,;。?？]*(?:目标|预算|计划|任务)的?(?:百分之|多少|几)|完成[^,;。?？]*(?:目标|预算|计划|任务)|完成率|completion|\b(?:of|met|reached|achieved|completed)"
                            r" (?:the |its |their )?(?:annual |yearly )?(?:target|goal|budget|plan)", re.I)
PER_CAPITA_CUE = re.compile(r"人均|每人|每千|每亩|亩产|单产|每公顷|per[- ]capita|per[- ]person|per[- ]head|per resident"
                            r"|\beach (?:resident|person)\b|\baverage\b.*\bper\b|\bper (?:mu|hectare|acre)\b|\byields?\b", re.I)
# A unit the question names itself: "多少亿元", "多少公里", "how many kilometres".
ZH_UNIT_ASK = re.compile(rf"(?:多少|几)\s*(?:万|亿|千|百)?\s*(万元|亿元|元|人次|场次|{'|'.join(SIZE_UNITS)}|[{MEASURES}位回轮宗本册])?")
EN_UNITS = {"kilometre": "公里", "kilometer": "公里", "km": "公里", "hectare": "公顷", "ton": "吨", "tonne": "吨",
            "mu": "亩", "yuan": "元", "metre": "平方米", "meter": "平方米"}
EN_ASK = re.compile(r"how many ([a-z0-9\u4e00-\u9fff -]+?)(?= (?:were|was|are|is|did|do|does|have|has|had|will|would|can|could"
                    r"|took|got|made|gave|held|received|took|went|came|from|in|at|on|for|by|during|across|through"
                    r"|with|to|per|[a-z]+ed)\b|[?,.;]|$)")
EN_WHAT = re.compile(r"\b(?:what|how much) (?:is|was|are|were) (?:the )?(?:total |overall )?([a-z -]+?)"
                     r"(?= (?:in|on|for|at|by|during|from|to|did|does|do|with|went|came)\b|[?,.;]|$)")
EN_SPEND_ON = re.compile(r"\bhow much\b[^?]*?\b(?:spen[dt]|invest(?:ed)?|allocat\w*|pa(?:y|id)|put|budget\w*)\b"
                         r"(?: on| in| into| for) (?:the )?([a-z -]+?)(?= in \d{4}| during| from| for|[?,.;]|$)")
# "how much (in) losses did it recover", "how much revenue did the county collect"
EN_HOW_MUCH = re.compile(r"\bhow much (?:in |of )?(?:the )?([a-z -]+?) (?=(?:did|does|do|was|were|has|have|had|is|are)\b)")
EN_DID_MOVE = re.compile(r"\b(?:did|has|have) (?:the )?([a-z -]+?) (?:go up|go down|gone up|gone down|grow|grown|rise|risen"
                         r"|increase[d]?|fall|fallen|decline[d]?|drop(?:ped)?|decrease[d]?)\b")
EN_WHAT_SHARE = re.compile(r"\bwhat (?:share|proportion|percentage|part) of (?:the )?([a-z -]+?)"
                           r"(?= (?:in|on|for|at|by|during|did|does|do|was|were|is|are|had|has|have|after|went|came|from)\b"
                           r"|[?,.;]|$)")
# The measure words an English count noun is reported in.
EN_MEASURES = {"time": "次", "session": "场次期", "meeting": "次场", "event": "场次", "activity": "场次",
               "people": "人名", "person": "人名", "participant": "人名", "attendee": "人名", "copy": "份",
               "case": "件起例", "household": "户", "item": "项", "batch": "批", "day": "天", "ton": "吨",
               "mu": "亩", "accident": "起", "incident": "起", "visit": ("人次",), "person-time": ("人次",),
               "kilometre": ("公里",), "kilometer": ("公里",), "hectare": ("公顷",), "tonne": "吨",
               "head": "头", "pig": "头", "hog": "头", "year": ("年",), "month": ("个月",), "hour": ("小时",)}
PERSON_NOUN_EN = re.compile(r"chiefs|staff|officials|cadres|members|workers|students|teachers|doctors|nurses|farmers"
                            r"|villagers|individuals|mediators|lawyers|officers|volunteers|inspectors|advis[eo]rs")
# Statistical indicators as bulletins name them in English, for the words the dictionary lacks.
INDICATORS_EN = [
    (r"\bgdp\b|gross (?:domestic|regional) product", "生产总值"), (r"per[- ]capita|per[- ]person|per[- ]head", "人均"),
    (r"\bcpi\b|consumer prices?", "居民消费价格"), (r"disposable income", "可支配收入"), (r"\beconomy\b|\beconomic (?:growth|output)\b", "生产总值"), (r"general public budget|general budget", "一般公共预算"),
    (r"value[- ]added|added value", "增加值"), (r"fixed[- ]assets? investment", "固定资产投资"),
    (r"retail sales", "零售"), (r"urbani[sz]ation", "城镇化"), (r"resident population|permanent population", "常住人口"),
    (r"registered population|household population", "户籍人口"), (r"unemployment", "失业"),
    (r"primary industry", "第一产业"), (r"secondary industry", "第二产业"), (r"tertiary industry", "第三产业"),
    (r"imports? and exports?|foreign trade", "进出口"), (r"\btourists?\b|\bvisitors?\b", "游客"),
    (r"\btourism\b", "旅游"), (r"livelihoods?", "民生"), (r"\btax(?:es)?\b", "税收"), (r"\bdeposits?\b", "存款"),
    (r"\bloans?\b", "贷款"), (r"\bgrain\b", "粮食"), (r"\burban\b", "城镇"), (r"\brural\b", "农村"),
    (r"\bpigs?\b|\bhogs?\b", "生猪"), (r"forest cover(?:age)?|covered (?:by|with) forests?", "森林覆盖率"),
    (r"above (?:a |the )?designated size", "规模以上"), (r"\bpm ?2\.5\b|fine particulate", "细颗粒物"),
    (r"\bteus?\b", "标准箱"), (r"\bcontainers?\b", "集装箱"), (r"foreign (?:direct )?investment|foreign capital", "外资"), (r"\bjobs?\b|employment", "就业"),
    # the five-year plans as reports name them: the 11th is 十一五, the 10th 十五
    *[(rf"\b{n}(?:st|nd|rd|th)? five[- ]year plan", f"{zh}五") for n, zh in
      ((9, "九"), (10, "十"), (11, "十一"), (12, "十二"), (13, "十三"), (14, "十四"), (15, "十五"))],
]
# Nouns that name the measure asked, not the thing ("成功比例" asks about 成功; "number of cases" about cases).
MEASURE_NOUNS = {"钱", "比例", "比重", "占比", "数量", "人数", "数", "金额", "总额", "总数", "规模", "水平", "程度", "多少", "情况",
                 "增速", "增幅", "增长率", "完成率", "目标", "任务", "增长", "面积", "长度", "里程", "重量", "体积",
                 "number", "amount", "total", "level", "rate", "share", "proportion", "percentage", "figure", "count",
                 "completion", "target", "goal", "growth", "increase", "value", "overall", "area", "length"}


def asked_aspect(question: str, lang: str) -> str:
    """Which side of a figure is asked: its level, its growth, its share of a whole or the share
    of a target completed."""
    text = question.replace("增加值", "")
    if COMPLETION_CUE.search(text):
        return "completion"
    if (GROWTH_CUE_ZH if lang == "zh" else GROWTH_CUE_EN).search(text):
        return "growth"
    if SHARE_CUE.search(text):
        return "share"
    return "level"


COUNT_ASKED = re.compile(rf"(?:多少|几)\s*(?:万|亿)?\s*(?:[{MEASURES}位回轮宗本册]|人次|场次)|\bhow many\b", re.I)


def unit_strength(question: str, lang: str, aspect: str = "level") -> str:
    """How sure the asked units are: 'named' (多少亿元, 几场, in yuan, a rate, a share, a completion),
    'cue' (a word implying money or people: 收入, 投资, population), 'count' (how many, 多少件 with no
    unit of its own), or '' (nothing says: "粮食总产量是多少", "What was the grain output")."""
    if aspect in ("share", "completion") or RATIO_CUE.search(question) or _named_units(question, lang):
        return "named"
    if aspect == "growth":
        return "cue"
    if MONEY_CUE.search(question) or POPULATION_CUE.search(question):
        return "cue"
    if COUNT_ASKED.search(question):
        return "count"
    return ""


def asked_units(question: str, lang: str, aspect: str = "level") -> tuple[str, ...] | None:
    """The units a figure answer must be in; None means any count (no rates, no money)."""
    if aspect in ("share", "completion"):
        return ("%",)
    named = _named_units(question, lang)
    if aspect == "growth":  # a change is a rate, or in the units of what changes (人口减少0.31万人)
        level = asked_units(question, lang) if not RATIO_CUE.search(question) else None
        if not named and level is None and COUNT_ASKED.search(question) and not RATIO_CUE.search(question) \
                and "百分点" not in question:
            return None  # "how many got out of poverty": a count of what changed, not a rate
        return named or ("%", "个百分点") + tuple(u for u in level or () if u not in RATE_UNITS)
    if RATIO_CUE.search(question):
        return RATE_UNITS
    if named:
        return named
    if MONEY_CUE.search(question):
        return MONEY_UNITS
    if lang != "zh" and re.search(r"\bhow much\b", question, re.I):
        return MONEY_UNITS + SIZE_UNITS  # "how much grain", "how much in losses": an amount, not a count
    if POPULATION_CUE.search(question):
        return MEASURE_CLASSES[0]
    return None


def _named_units(question: str, lang: str) -> tuple[str, ...] | None:
    """Units the question names itself: 多少亿元 (any money), 几场 (场, 次, 场次 …), how many kilometres."""
    if lang == "zh":
        asks = ZH_UNIT_ASK.findall(question)
        units = [u for u in asks if u and u != "个"]
        if not asks or len(units) != len(asks):
            return None
        if all(u in MONEY_UNITS for u in units):
            return MONEY_UNITS
        # A count of people may be written 人, 名 or 人次; of events 次, 场 or 场次 …
        return tuple(dict.fromkeys(m for u in units for m in next((c for c in MEASURE_CLASSES if u in c), (u,))))
    q = question.lower()
    if re.search(r"square (?:metre|meter)", q):
        return ("平方米",)
    for word, unit in EN_UNITS.items():
        if re.search(rf"\b{word}s?\b", q) and (word != "yuan" or "how" in q):
            return MONEY_UNITS if unit == "元" else next((c for c in MEASURE_CLASSES if unit in c), (unit,))
    units = []
    for noun in EN_ASK.findall(q):
        pre = noun.split(" of ")[0]  # "person-times of training": counted in 人次
        word = _head_word(pre) if _en_measure(_head_word(pre)) is not None else _head_word(noun)
        measure = _en_measure(word)
        if measure is None:
            return None
        units.extend(measure)
    return tuple(units) or None


def _en_measure(word: str):
    """The measure words an English noun is counted in ("sessions" -> 场, 次, 期; people, and nouns
    for people such as "chiefs", "mediators", "volunteers" -> 人, 名), or None."""
    forms = (word, re.sub(r"ies$", "y", word), word[:-1], word[:-2])
    found = next((EN_MEASURES[w] for w in forms if w in EN_MEASURES), None)
    if found is None and PERSON_NOUN_EN.fullmatch(word):
        return EN_MEASURES["person"]
    return found


def _no_possessive(text: str) -> str:
    """"the town's GDP" -> "the town GDP"; "residents' questions" -> "residents questions"; quotes and
    brackets go ("'law-savvy residents' (法律明白人)" -> "law-savvy residents 法律明白人")."""
    text = re.sub(r"'s\b|(?<=s)'|(?<=\d)(?:st|nd|rd|th)\b", "", text)  # "11th": 11, never a word "th"
    return re.sub(r"\s*[‘’“”\"()（）]\s*|(?<![a-z])'|'(?![a-z])", " ", text).replace("  ", " ")


def _head_word(noun: str) -> str:
    every = re.findall(r"[a-z]+(?:-[a-z]+)*", noun)
    words = [w for w in every if w not in EN_STOPWORDS]
    return words[-1] if words else every[-1] if every else ""  # "how many years": a stopword, and the unit


# --- the thing asked about --------------------------------------------------------------------

@dataclass
class Thing:
    """What a figure, a title or a yes/no fact must be about.

    heads: the noun asked for, as asked ("汇报", "committees"), and for an English measure noun
    ("training sessions") the word before it; each head with the corpus words it may stand for.
    modifiers: the other words, each with the corpus words that may stand for it.
    """

    phrase: str
    lang: str
    heads: list[tuple[str, list[str]]] = field(default_factory=list)
    modifiers: list[tuple[str, list[str]]] = field(default_factory=list)
    predicate: list[tuple[str, list[str]]] = field(default_factory=list)  # yes/no: the act asked ("lose")


# Words saying a figure is planned, not what it counts: "计划组织培训多少期" asks of "全年组织培训不少于6期"
# in a plans section, whose heading says it is a plan.
INTENT_WORDS = frozenset("计划 打算 拟 预计 准备 力争 争取 将 要 还要".split())
PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{2,5}(?:街道|镇|乡|县|区|市)(?!街道|镇|乡|县|区|市)")  # 江州市, not 江州
# Everyday names of bulletin indicators and the names bulletins use (as INDICATORS_EN does for English).
ZH_ALIASES = {"经济总量": "生产总值", "经济增速": "生产总值", "经济增长": "生产总值", "外贸": "进出口", "社零": "社会消费品零售", "固投": "固定资产投资",
              "规上工业": "规模以上工业", "财政收入": "一般公共预算收入", "城镇化水平": "城镇化率",
              "农民": "农村居民", "城里人": "城镇居民", "城市居民": "城镇居民"}
GENERIC_PLACE = re.compile(r"我国|全国|全省|全市|全县|全区|本省|本市|全镇|全乡")
PER_CAPITA_WORDS = frozenset("人均 每人 平均 平均每人 每人平均".split())
# How a question presses or hedges ("具体上涨了多少", "到底有多少"): never the thing asked.
QUESTION_ADVERBS = frozenset("其中 现在 目前 实际 具体 到底 究竟 最终 最后 大约 大概".split())
# How a question says a term of years ("平均每年增长多少"): the figure's kind (span), never the thing asked.
SPAN_WORDS = frozenset("每年 平均每年 每年平均 历年 逐年".split())  # not 年均: "PM2.5年均浓度" is a measure


def _zh_thing(phrase: str) -> Thing | None:
    """A Chinese phrase: the words after its last 的 ("接待来信和上访的群众" asks about 群众); the whole
    phrase stays for comparing as a whole."""
    phrase = re.sub(r"(?:增长|增加|提高|下降|减少|上升|上涨|降低|回落|下滑|达到|达|完成|实现|比上年|同比|共计|一共|总共|加起来|合起来"
                    r"|共|约|有|了|的|具体|到底|究竟|最终|最后|实际|大约|大概)+$", "",
                    phrase.replace("百分之", ""))
    # "经济总量（GDP）": the bracket says the word before it again, in other words
    gloss = re.search(r"([\u4e00-\u9fff]+)\s*[（(]([^（）()]+)[）)]", phrase)
    phrase = re.sub(r"\s*[（(][^（）()]*[）)]", "", phrase)
    place = PLACE_NAME.match(phrase)  # the place is the question's scope, not what is counted
    if place and not NOT_PLACES.search(place.group(0)) and len(phrase) > place.end():
        phrase = phrase[place.end():]
    whole = phrase.replace("的", "")
    # "接待来信和上访的群众" asks about 群众; "稻谷的产量" about 稻谷 still: a measure is of what comes before
    last = phrase.split("的")[-1]
    if last.strip() and not re.search(r"[量额值数积]$", last):
        phrase = last
    elif last.strip() and re.search(r"[\u4e00-\u9fff]", phrase[:phrase.rfind("的")] if "的" in phrase else ""):
        phrase = phrase[:phrase.rfind("的")]  # "稻谷的产量": 稻谷 is counted ("其中，稻谷35.17万吨"); the unit says how
    elif last.strip():
        phrase = last
    # per-capita words are checked as the figure's aspect, not looked for as words (每人平均 / 人均)
    words = [w for w in words_of(phrase) if not YEAR.fullmatch(w.rstrip("年")) and w not in INTENT_WORDS
             and w not in PER_CAPITA_WORDS and w not in QUESTION_ADVERBS and w not in SPAN_WORDS] or \
        [w for w in re.findall(r"^[\u4e00-\u9fff]{1,2}$", phrase)  # 多少税: 税, a noun of one character
         if not re.fullmatch(r"[比了的是有在和与及高低多少增减]+", w)]
    while words and words[-1] in MEASURE_NOUNS:
        words = words[:-1]
    words = [w for w in words if not GENERIC_PLACE.fullmatch(w)] or words  # 我国经济: the economy, of the scope
    if not words:
        return None
    if words == ["经济"]:  # "我国经济增长了多少": the economy's size is its GDP, 生产总值
        return Thing(whole, "zh", heads=[("经济", ["经济", "生产总值"])])
    alts = lambda w: [w] + ([ZH_ALIASES[w]] if w in ZH_ALIASES else []) + \
        [zh for pattern, zh in INDICATORS_EN if re.fullmatch(pattern, w)]  # GDP -> 生产总值, 农民 -> 农村居民
    head = (words[-1], alts(words[-1]))
    alias = next((a for a in ZH_ALIASES if phrase.endswith(a) or phrase.endswith(a + "是")), None)
    if alias:  # 经济总量 is what bulletins call 地区生产总值: the everyday name, then the bulletin's
        words = [w for w in words if w not in alias and alias not in w] + [alias]
        head = (alias, [alias, ZH_ALIASES[alias]])
    if gloss and words[-1] in gloss.group(1):
        said = gloss.group(2).strip()
        head = (words[-1], list(dict.fromkeys(alts(words[-1]) + [said] + alts(said.lower())[1:])))
    return Thing(whole, "zh", heads=[head], modifiers=[(w, alts(w)) for w in words[:-1]])


def _en_thing(phrase: str, translations: dict[str, list[str]], proper: frozenset = frozenset()) -> Thing | None:
    """An English noun phrase ("legal consultations", "copies of legal publicity materials",
    "per capita disposable income of rural residents"); statistical indicator names become the
    Chinese words bulletins use."""
    text = _no_possessive(phrase.lower()).strip()
    pre, _, post = text.partition(" of ")
    pre_units, post_units = _en_units(pre, translations, proper), _en_units(post, translations, proper)
    pre_core = [u for u in pre_units if u[0] not in MEASURE_NOUNS]
    if not pre_core or (len(pre_core) == 1 and _en_measure(pre_core[-1][0]) is not None and post_units):
        # "copies of legal publicity materials", "number of cases": the thing is after "of"
        core, rest = [u for u in post_units if u[0] not in MEASURE_NOUNS], []
    else:
        core, rest = pre_core, post_units
    if not core:
        return None
    heads = [core[-1]]
    if _en_measure(core[-1][0]) is not None:
        if len(core) == 1:
            return None  # "how many times" names no thing; the unit check covers it
        heads.append(core[-2])  # "training sessions": sessions, or training
    modifiers = [u for u in core + rest if u not in heads]
    return Thing(phrase, "en", heads=heads, modifiers=modifiers)


PLACE_WORDS_EN = {"county", "town", "township", "subdistrict", "district", "village", "city", "province", "street"}


def _en_units(text: str, translations, proper: frozenset = frozenset()) -> list[tuple[str, list[str]]]:
    """The words of an English phrase with the corpus words each may stand for; an indicator
    name ("disposable income") is one unit. Places ("Yunxi county") are context, not the thing."""
    spans = []
    for pattern, zh in INDICATORS_EN:
        for m in re.finditer(pattern, text):
            if not any(a < m.end() and m.start() < b for a, b, _ in spans):
                spans.append((m.start(), m.end(), zh))
    units, pos = [], 0
    for a, b, zh in sorted(spans) + [(len(text), len(text), None)]:
        for w in re.findall(r"[\u4e00-\u9fff]+|[a-z]+(?:-[a-z]+)*", text[pos:a]):
            if re.match(r"[\u4e00-\u9fff]", w):  # the report's own word, given in the question
                units.append((w, [w]))
                continue
            for part in ([w] if _en_measure(w) is not None else w.split("-")):  # "law-study": law, study
                if part not in EN_STOPWORDS and part not in PLACE_WORDS_EN and part not in proper:
                    units.append((part, translate([part], translations)[part]))
        if zh:
            units.append((text[a:b], [zh]))
        pos = b
    return units


PLAN_OR_BOUND_ONLY = re.compile(r"\s*(?:来)?(?:安排|左右|以上|上下|以内|为宜)?\s*")
SETTING_VERB = re.compile(r"(?:统一|再|又|分别)?(?:(?:提高|增加|降低|减少|调整|上调|下调|扩大|提升|压缩|缩减)(?:到|至|为)"
                          r"|增至|降至|提至|定的|定为|定在|定|按)$")


def _without_trailing_verb(phrase: str) -> str:
    """"乱砍滥伐林木的案子一共查处了" -> "乱砍滥伐林木的案子": what follows 一共/累计/都 is the act, not the thing."""
    phrase = SETTING_VERB.sub("", phrase)  # "补助标准提高到", "赤字率定的", "赤字率按": how it was set
    pieces = re.split(r"一共|总共|共计|累计|合计|加起来|都|已经|全部|一年|全年", phrase)
    for head in pieces:  # the first piece naming more than a place: "江州市一年的消费品零售额加起来" -> 的消费品零售额
        rest = PLACE_NAME.sub("", head, count=1) if PLACE_NAME.match(head) else head
        if re.sub(r"[\d年的\s]", "", rest):
            return head
    return phrase


def asked_things(query, translations: dict[str, list[str]]) -> list[Thing]:
    """What a figure question asks about, so that a figure of something else is never the answer.

    Chinese: the words after 多少/几 and a measure ("几个人民调解委员会"), else the phrase before
    the question word ("调解成功率是多少", "税收收入占…的比重"). English: the noun phrase after "how
    many", "what was the", "what share of".
    """
    things = []
    text = query.text
    if query.lang == "zh":
        for m in re.finditer(rf"(?:多少|几)\s*(?:万|亿)?\s*(?:个百分点|百分点|万元|亿元|元|人次|场次|{'|'.join(SIZE_UNITS)}|[{MEASURES}])?"
                             r"([^,;:。!?，？]*)", text):
            if PLAN_OR_BOUND_ONLY.fullmatch(m.group(1)):
                continue  # "赤字率按多少安排": the words after 多少 say how it is set, not what
            thing = _zh_thing(m.group(1))
            if thing:
                things.append(thing)
        if not things:  # "调解成功率是多少", "人均可支配收入增长了多少", "税收收入占…的比重是多少"
            m = re.search(r"([^,;:。!?，？、]+?)(?:是|为|有|达到|达|共|一共|总共|约)?\s*(?:多少|几|百分之)", text)
            if m:
                phrase = m.group(1)
                if phrase.endswith("了"):  # "信访来访接待了多少人": the verb before 了 is the act, not the thing
                    words = words_of(phrase[:-1], keep_all=True)
                    phrase = "".join(words[:-1])
                phrase = re.split(r"占|完成|比上年|比上一年|比\d{4}年?|同比", _without_trailing_verb(phrase))[0]
                if re.fullmatch(r"(?:达到|实现)[^,;:。!?，？、]*", phrase) and m.start() > 0:
                    # "城里新增就业的人数，达到了年初定的目标的百分之几": the thing is the clause before
                    phrase = re.split(r"[,;:，；]", text[:m.start()].rstrip(",;:，； "))[-1]
                thing = _zh_thing(phrase)
                if thing:
                    things.append(thing)
        return things
    low = _no_possessive(text.lower())
    proper = frozenset(w.lower() for w in re.findall(r"(?<=[a-z,] )[A-Z][a-z]+", _no_possessive(text)))  # Yunxi
    spent = [n for n in EN_SPEND_ON.findall(low) if n.split()[0] not in ("it", "they", "its", "their", "them")]
    moved = EN_DID_MOVE.findall(low)  # "by how many points did the urbanization rate go up": its subject
    for noun in EN_ASK.findall(low) + EN_WHAT.findall(low) + EN_WHAT_SHARE.findall(low) + spent + EN_HOW_MUCH.findall(low) + moved:
        if re.fullmatch(r"(?:percentage )?points?|per ?cents?|percent(?:age)?s?|money|cash|yuan", noun.strip()):
            continue  # "how many percentage points": the unit asked, not the thing
        thing = _en_thing(noun, translations, proper)
        if thing:
            things.append(thing)
    return things


def who_focus(question: str) -> list[str]:
    """The words on either side of 谁 ("组长是谁" -> 组长; "由谁担任" -> 担任)."""
    words = words_of(question, keep_all=True)
    if "谁" not in words:
        return []
    i = words.index("谁")
    skip = {"是", "由", "的", "了", "为", "被", "让", "请"}
    before = next((w for w in reversed(words[:i]) if w not in skip), None)
    rest = [w for w in words[i + 1:] if w not in skip and len(w.strip("?？")) > 1]
    # "谁是领导小组组长", "由谁当组长" name the role last; "由谁担任", "谁的审核" name only the act.
    after = rest[-1] if rest else None
    return [w for w in (before, after) if w and len(w) > 1]


def asked_metadata(question: str) -> tuple[str, ...]:
    """The header fields a question about the report itself asks for; () when it asks about
    something in the report. "Who published this report and on what date?" -> source, published;
    "这份报告是哪天落款的？" -> signed."""
    if not DOC_SELF.search(question):
        return ()
    for pattern, fields in META_FIELDS:
        if not pattern.search(question):
            continue
        if fields == ("doc_number",):
            return fields
        who, when = META_WHO.search(question), META_WHEN.search(question)
        return tuple(f for f, asked in zip(fields, (who, when)) if asked)
    return ()


def asked_title_kind(question: str, lang: str) -> tuple[str, ...] | None:
    """For a question asking a document's name: the kinds of title that fit ("计划" → 计划, 方案 …;
    () for any document); None when it asks no document's name."""
    text = _no_possessive(question)
    m = (TITLE_ASK_ZH if lang == "zh" else TITLE_ASK_EN).search(text)
    if not m:
        return None
    word = next((g for g in m.groups() if g), "")
    if lang != "zh":
        word = TITLE_KINDS_EN.get(word.split()[-1].lower(), "") if word else ""
        if re.search(r"emergency|contingency", text, re.I):
            word = "预案"
    if not word or word in ("文件", "政策", "法规"):
        return ()
    return next((kinds for kinds in TITLE_KINDS if word in kinds), (word,))


EN_WHICH = re.compile(r"\b(?:which|what) ([a-z0-9 -]+?) (?=(?:is|was|are|were|did|does|do|has|have|had|will|would|can"
                      r"|could|should)\b)")
ZH_WHICH = re.compile(r"(?:哪个|哪项|哪座|哪家|哪种|哪一[个项座家种]?|什么)([\u4e00-\u9fff]{2,8}?)(?:[?？呢]|$)"
                      r"|([\u4e00-\u9fff]{2,12}?)(?:是|叫)(?:什么|哪个|哪项|哪一个)")


def asked_which_thing(question: str, lang: str, translations) -> Thing | None:
    """What a "which / what X" question asks an instance of: "Which Winter Olympics was China preparing
    to bid for" -> Olympics (winter); "广东今年要办好的体育盛会是什么" -> 盛会 (体育). The clause answering
    it names the thing, or a word standing for it."""
    if lang == "zh":
        m = ZH_WHICH.search(question)
        phrase = next((g for g in m.groups() if g), "") if m else ""
        phrase = re.split(r"[了的在要将把对]", phrase)[-1]
        return _zh_thing(phrase) if len(phrase) >= 2 else None
    m = EN_WHICH.search(_no_possessive(question.lower()))
    if not m:
        return None
    return _en_thing(m.group(1), translations, frozenset())  # "Winter Olympics": a name that translates


def asked_title_thing(question: str, lang: str, translations) -> Thing | None:
    """The words qualifying the kind of document asked for: "哪个学法计划" -> 学法; "the work plan" ->
    work. The answer's title must hold them (or a word that stands for them)."""
    if lang == "zh":
        m = re.search(r"(?:什么|哪个|哪份|哪部|哪项|何种)\s*([\u4e00-\u9fff]{1,8}?)(?:文件|计划|方案|规划|规定|办法|意见|要点"
                      r"|纲要|条例|通知|清单|细则|预案|决定)|([\u4e00-\u9fff]{1,8}?)(?:文件|计划|方案|规划|规定|办法|意见|要点|纲要"
                      r"|条例|通知|清单|细则|预案|决定)(?:的)?(?:名称|名字|标题|叫什么|是什么|是哪)", question)
        phrase = next((g for g in m.groups() if g), "") if m else ""
        phrase = re.split(r"[了的在制定印发出台发布]", phrase)[-1]
        words = [w for w in words_of(phrase) if not YEAR.fullmatch(w.rstrip("年"))]
        return Thing(phrase, "zh", modifiers=[(w, [w]) for w in words]) if words else None
    m = re.search(r"(?:name|title)s? of (?:the |its |their )?([a-z -]*?)(?:emergency |contingency )?"
                  r"(?:document|plan|programme|program|scheme|regulations?|rules|provisions|measures|guidelines?"
                  r"|opinions?|notice|outline|policy|law|points|list)\b", _no_possessive(question.lower()))
    words = [w for w in re.findall(r"[a-z]+", m.group(1)) if w not in EN_STOPWORDS] if m else []
    if not words:
        return None
    alts = translate(words, translations)
    return Thing(m.group(1), "en", modifiers=[(w, alts[w]) for w in words])


FULFIL_ZH = re.compile(r"(?:到|在)?(?:\d{4}年)?(?:都|已|已经|均|全部)?(?:落实|完成|实现|兑现|做到|办到|达标)(?:了)?$")
EN_AUX = re.compile(r"(?:^|[.?!;]\s+)(?:did|does|do|is|are|was|were|has|have|had|can|could|will|would|should)\s+([^.?!;]*)", re.I)
EN_DETERMINERS = {"the", "a", "an", "any", "all", "of", "its", "their", "his", "her", "this", "that", "these", "those",
                  "some", "every", "each", "up", "out", "off", "already", "now", "still", "yet", "ever", "also"}
EN_PREPOSITIONS = {"in", "at", "on", "for", "by", "during", "from", "with", "as", "since", "before", "after", "under"}


def asked_yes_no_thing(question: str, lang: str, translations) -> Thing | None:
    """What a yes/no question asks about: "小河镇有没有独立的法制工作机构" -> 机构 (法制, 工作);
    "Did Songlin township hire a standing legal adviser?" -> adviser (standing, legal). The
    sentence answering must speak of it; None when the question's form hides it."""
    if lang == "zh":
        for clause in reversed([c for c in re.split(r"[,，;；]", question) if c.strip()]):
            text = re.sub(r"\d{4}年|[\d.]+%?|[?？]", "", clause)
            text = FULFIL_ZH.sub("", YES_NO_ZH.sub("", text).strip())
            text = FULFIL_ZH.sub("", re.sub(r"了$", "", text))
            thing = _zh_thing(text.replace("的", ""))  # "败诉的行政诉讼案件": 败诉 is what is asked
            if thing:
                return thing
        return None
    asks = EN_AUX.findall(re.sub(r"\bat (?:least|most)\b", "", _no_possessive(question.lower())))
    if len(asks) != 1:
        return None  # "X promised …. Does the report say this is now required?": the form hides it
    proper = frozenset(w.lower() for w in re.findall(r"(?<=[a-z,] )[A-Z][a-z]+", _no_possessive(question)))
    words = re.findall(r"[a-z0-9]+(?:-[a-z]+)*", asks[0])
    places = [i for i, w in enumerate(words) if w.rstrip("s") in PLACE_WORDS_EN or w in PLACE_WORDS_EN]
    # "Did [Songlin township] hire [a standing legal adviser] in 2024": after the place, a verb, then the thing
    phrase, verb = [], []
    if places and places[0] + 2 < len(words):
        verb = [words[places[0] + 1]]
        for w in words[places[0] + 2:]:
            if w in EN_PREPOSITIONS:
                break
            phrase.append(w)
    if not [w for w in phrase if w not in EN_DETERMINERS and w not in EN_STOPWORDS]:
        # "Did [any community corrections subjects] in Dongpo county reoffend": the subject is the thing
        phrase = []
        for w in words:
            if w in EN_PREPOSITIONS or w in PLACE_WORDS_EN or w.rstrip("s") in PLACE_WORDS_EN:
                break
            phrase.append(w)
    phrase = [w for w in phrase if w not in EN_DETERMINERS and w not in proper and not w.isdigit()]
    thing = _en_thing(" ".join(phrase), translations, proper) if phrase else None
    if thing and verb and verb[0] not in EN_STOPWORDS:  # "lose" (败诉) picks the clause that says it
        thing.predicate = [(verb[0], translate(verb, translations)[verb[0]])]
    return thing


# --- a yes/no question that states a figure -------------------------------------------------------

EN_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                          "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
ZH_BOUNDS = {"不少于": ">=", "至少": ">=", "不低于": ">=", "达到": ">=", "超过": ">", "多于": ">", "高于": ">",
             "不到": "<", "少于": "<", "低于": "<", "不超过": "<=", "至多": "<="}
EN_BOUNDS = {"at least": ">=", "no fewer than": ">=", "no less than": ">=", "as many as": ">=", "more than": ">",
             "over": ">", "above": ">", "fewer than": "<", "less than": "<", "under": "<", "at most": "<=",
             "no more than": "<=", "exactly": "=="}
ZH_CLAIM = re.compile(rf"(?P<bound>{'|'.join(sorted(ZH_BOUNDS, key=len, reverse=True))})\s*"
                      rf"(?P<num>\d+(?:\.\d+)?|[一二两三四五六七八九十]{{1,3}})\s*(?P<unit>%|人次|场次|[{MEASURES}位回轮])")
EN_CLAIM = re.compile(rf"\b(?P<bound>{'|'.join(sorted(EN_BOUNDS, key=len, reverse=True))})\s+"
                      rf"(?P<num>\d+(?:\.\d+)?|(?:{'|'.join(EN_NUMBERS)})\b)", re.I)


@dataclass
class Claim:
    """"at least four … sessions", "不少于4次": the figure a yes/no question states, to check against the report's."""

    op: str  # >=, >, <, <=, ==
    value: float
    text: str  # the question asked as a count ("how many … sessions"), to find the report's figure

    def holds(self, figure: float) -> bool:
        return {">=": figure >= self.value, ">": figure > self.value, "<": figure < self.value,
                "<=": figure <= self.value, "==": figure == self.value}[self.op]


RISE_ZH, FALL_ZH = "增长|增加|上升|提高|上涨", "下降|减少|降低|回落|下滑"
DIRECTION_ZH = re.compile(rf"(?:是否|有没有|有无|是不是|是)?(?P<dir>{RISE_ZH}|{FALL_ZH})了?(?:吗|没有|与否)?[?？]?$"
                          rf"|(?:是否|有没有|有无)(?P<dir2>{RISE_ZH}|{FALL_ZH})")
TARGET_ZH = re.compile(r"(?:是否|有没有|有无)?(?:完成|实现|达到)了?(?:年度|全年|全年度)?(?:的)?(?:目标|任务|计划)(?:任务)?了?(?:吗|没有|与否)?")
DIRECTION_EN = re.compile(r"^(?:did|has|have|was|were)\s+(?P<subject>.+?)\s+(?P<dir>grow|increase|rise|go up|fall|decline|"
                          r"drop|decrease|go down|shrink)\b(?P<rest>.*)$", re.I)
TARGET_EN = re.compile(r"^(?:did|has|have)\s+(?P<who>.+?)\s+(?:reach|meet|achieve|hit|fulfil|fulfill|complete)\s+"
                       r"(?:the |its |their )?(?:\d{4} )?(?:annual |yearly )?(?:target|goal|plan)s?(?: for| of)?(?P<what>.*)$", re.I)


def implied_claim(question: str, lang: str) -> Claim | None:
    """A yes/no question whose answer is a figure's sign or size: "房地产开发投资是增长了吗" (the
    growth, > 0), "是否完成了年度目标" / "Did X reach its target for Y" (the completion rate, >= 100)."""
    q = question.strip().rstrip("?？")
    if lang == "zh":
        m = DIRECTION_ZH.search(q)
        if m:
            rise = bool(re.fullmatch(RISE_ZH, m.group("dir") or m.group("dir2")))
            return Claim(">" if rise else "<", 0.0, q[:m.start()] + "比上年增长了多少？")
        m = TARGET_ZH.search(q)
        if m and m.group(0).strip("是否有没无") and ("目标" in m.group(0) or "任务" in m.group(0) or "计划" in m.group(0)):
            return Claim(">=", 100.0, q[:m.start()] + "完成了年度目标的百分之多少" + q[m.end():] + "？")
        return None
    m = DIRECTION_EN.match(q)
    if m:
        rise = m.group("dir").lower() in ("grow", "increase", "rise", "go up")
        return Claim(">" if rise else "<", 0.0, f"By how much did {m.group('subject')} grow{m.group('rest')}?")
    m = TARGET_EN.match(q)
    if m:
        what = m.group("what").strip()
        return Claim(">=", 100.0, f"What was the completion rate of {what or m.group('who')}?")
    return None


def asked_claim(question: str, lang: str) -> Claim | None:
    """The figure a yes/no question states with a bound ("Did X hold at least four sessions?",
    "是否开展了不少于4次培训？"), and the question rewritten to ask for that figure; None when it states
    none (a number without a bound, "all 12 villages", says which, not how many)."""
    if lang == "zh":
        m = ZH_CLAIM.search(question)
        if not m:
            return None
        num = m.group("num")
        value = float(num) if num[0].isdigit() else float(chinese_number(num))
        asked = "是多少" if m.group("unit") == "%" else "多少" + m.group("unit")
        text = question[:m.start()] + asked + question[m.end():]
        text = FULFIL_ZH.sub("", YES_NO_ZH.sub("", text.rstrip("?？"))) + "？"
    else:
        m = EN_CLAIM.search(question)
        if not m:
            return None
        num = m.group("num").lower()
        value = float(num) if num[0].isdigit() else float(EN_NUMBERS[num])
        rest = question[m.end():]
        percent = re.match(r"\s*(?:%|per ?cent\b)", rest)
        if percent:  # "Was the success rate above 95% in 2024?" -> "What was the success rate in 2024?"
            before = re.sub(r"^\s*(?:is|was|are|were|did|does|has|had|have)\s+", "", question[:m.start()], flags=re.I)
            text = "What was " + before.strip() + rest[percent.end():]
        else:  # "Did X hold at least four training sessions in 2024?" -> "How many training sessions in 2024?"
            text = "How many " + rest.strip()
    return Claim(ZH_BOUNDS.get(m.group("bound")) if lang == "zh" else EN_BOUNDS[m.group("bound").lower()], value, text)


def chinese_number(text: str) -> int:
    """一 -> 1, 十二 -> 12, 二十 -> 20, 两 -> 2 (up to 99: how counts are written in questions)."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(text, 0)


# --- two questions in one ---------------------------------------------------------------------

ZH_PAIR = re.compile(r"^(?P<pre>.*?)(?P<a>[^,;:。!?，？、和与及]+)(?:和|与|及|、)(?P<b>[^,;:。!?，？、和与及]+?)"
                     r"(?P<post>(?:打算|计划|预计|预期|力争|争取|将|要|拟)?(?:分别|各自?|各)[^,;:。!?，？]{0,6}?(?:多少|几)[^,;:。!?，？]*)[?？]?$")
EN_SPLIT = re.compile(r",?\s+and\s+(?=(?:how|what|which|who|when|where|whether|did|does|is|are|was|were|its|their)\b)", re.I)
EN_PAIR = re.compile(r"^(?P<pre>(?:what|how much) (?:is|was|are|were) (?:the )?)(?P<a>[a-z' -]+?) and (?:the |its |their )?"
                     r"(?P<b>[a-z' -]+?)(?P<post>\s+(?:in|of|for|at|on|during)\b.*|[?.]?)$", re.I)
ASKS_ZH = re.compile(r"多少|几|哪|什么|谁|是否|有没有|何时")


def split_question(question: str, lang: str) -> list[str]:
    """The parts of a question asking two things at once; [question] when it asks one.

    "城镇和农村居民人均可支配收入分别是多少" -> 城镇…是多少 / 农村…是多少;
    "调解了多少件纠纷，成功率是多少" -> two clauses, each with its question word;
    "How many disputes…, and what was the success rate?" -> the two questions."""
    q = question.strip()
    if lang == "zh":
        clauses = [c for c in re.split(r"[,，;；?？]\s*(?:以及|还有|并且|另外|同时)?", q.rstrip("?？")) if c.strip()]
        asking = [c for c in clauses if ASKS_ZH.search(c)]
        if len(asking) >= 2 and len(asking) == len(clauses):
            return clauses
        questions = [c for c in re.split(r"[?？]", q.rstrip("?？")) if c.strip()]
        if len(questions) >= 2 and all(ASKS_ZH.search(c) for c in questions):
            return questions  # "…占比是多少？比一年前高了多少个百分点？": two questions in one message
        m = ZH_PAIR.match(q)
        if m:
            a, b, post = m.group("a"), m.group("b"), m.group("post")
            post = re.sub(r"分别|各自|^各", "", post)  # "打算分别增长多少" -> "打算增长多少"
            a = a + _shared_tail(a, b)
            return [f"{m.group('pre')}{a}{post}", f"{m.group('pre')}{b}{post}"]
        return [q]
    parts = [p.strip(" ,?") for p in EN_SPLIT.split(q) if p.strip(" ,?")]
    if len(parts) >= 2:
        return parts
    m = EN_PAIR.match(q)
    if m and not re.search(r"\b(?:between|from)\b", m.group("a")):
        return [f"{m.group('pre')}{m.group('a')}{m.group('post')}", f"{m.group('pre')}{m.group('b')}{m.group('post')}"]
    return [q]


def _shared_tail(a: str, b: str) -> str:
    """What the second of two paired phrases has that the first shares: "城镇居民" / "农村居民人均可支配收入"
    -> "人均可支配收入" (both end in 居民); "城镇" / "农村居民人均…" -> "居民人均…" (one word for one word)."""
    if re.search(r"[量额值率数入出]$", a):  # "粮食总产量" / "地区生产总值" names its measure already
        return ""
    for k in range(min(len(b) - 1, len(a) + 1), 1, -1):
        if len(a) >= 2 and b[:k].endswith(a[-2:]):  # the same head word: 城镇居民 / 农村居民
            return b[k:]
    aw, bw = words_of(a, keep_all=True), words_of(b, keep_all=True)
    if len(aw) == 1 and len(bw) > 2:
        return "".join(bw[1:])
    return ""


# The kind of statement asked for: a target set ("目标", "计划", "要", "拟", "aim", "target", "quota"), a
# result reached ("实际", "增长了多少", "actual"), or unsaid; and whether a figure over several years is
# asked ("年均", "五年来", "the 13th Five-Year Plan"). Relative years are read against each report.
PLAN_ASKED_ZH = re.compile(r"目标|预期|计划|打算|力争|争取|(?<![主需重只必])要(?!求)|(?<!即)将(?!近)|拟|准备|安排|部署|定的|设定"
                           r"|提出|部署|预算|定下|控制(?:线|在|目标)|压(?:到|至|在)|要求(?:把|将)|以内")
RESULT_ASKED_ZH = re.compile(r"实际|实现了|完成了|(?:增长|下降|减少|增加|提高|降低|上涨|上升|回落|涨)了")
# "目标完成了吗", "did X meet its target": whether a target was met is told by the report reviewing the year
MET_ASKED = re.compile(r"(?:完成|实现|达到|达成|兑现|落实|做到)[了没吗有]|(?:目标|任务)[^,，。?？]{0,6}(?:完成|实现)"
                       r"|\b(?:meet|met|hit|reach(?:ed)?|achieve[d]?|beat|miss(?:ed)?|fulfil(?:l?ed)?|keep|kept|honou?r(?:ed)?"
                       r"|finish(?:ed)?|complete[d]?)\b"
                       r"[^?]*\b(?:target|goal|plan(?:ned)?|pledged?|promised?|commitment)", re.I)
PLAN_ASKED_EN = re.compile(r"\b(?:targets?|targeted|aim(?:s|ed|ing)?|goals?|plan(?:s|ned|ning)?|expect(?:s|ed)?|projected"
                           r"|set (?:for|to|a|an|the)|will|would|intend(?:s|ed)?|pledge[sd]?|promise[sd]?|quota|budget(?:ed)?"
                           r"|earmark(?:ed)?|allocate[sd]?|proposed?|going to)\b", re.I)
RESULT_ASKED_EN = re.compile(r"\b(?:actual(?:ly)?|in the end|achieved|reached|real)\b", re.I)
SPAN_ASKED = re.compile(r"年均|平均每年|每年平均|五年|(?<!全年)(?<!当年)(?<!年内)累计|以来|期间|时期|十[一二三四五六七八九]?五|\d{4}\s*年?\s*(?:到|至|—|-|－)\s*\d{4}"
                        r"|\baverage annual\b|\bannual average\b|\ba year on average\b|\bon average\b.*\byear|\bfive[- ]year"
                        r"|\bcumulative|\bin total over\b|\bbetween \d{4} and \d{4}|\bfrom \d{4} to \d{4}|\d{4}\s*[-–]\s*\d{4}", re.I)
SPAN_DENIED = re.compile(r"(?:\bnot|\brather than|\binstead of)\W*(?:\w+\W+){0,2}$|(?:不是|而非|并非)[^，。,？?]{0,4}$", re.I)


def span_asked(text: str) -> bool:
    """Whether a figure over several years is asked: a term said, and not denied ("in 2000 on its own,
    not the five-year average" asks one year)."""
    return any(not SPAN_DENIED.search(text[max(0, m.start() - 24):m.start()]) for m in SPAN_ASKED.finditer(text))


RELATIVE_ZH = [("next", re.compile(r"明年|来年|下一年")), ("this", re.compile(r"今年|本年度?|当年")),
               ("last", re.compile(r"去年|上一?年(?!末|底|度)"))]
RELATIVE_EN = [("next", re.compile(r"\bnext year\b", re.I)), ("this", re.compile(r"\bthis year\b|\bthis year's\b", re.I)),
               ("last", re.compile(r"\blast year\b|\bthe past year\b|\bthe previous year\b", re.I))]


def asked_mode(question: str, lang: str) -> str:
    """'plan' when a target or plan is asked, 'result' when what was achieved is (or whether a target was
    met), '' when neither is said."""
    if MET_ASKED.search(question):
        return "result"
    plan = (PLAN_ASKED_ZH if lang == "zh" else PLAN_ASKED_EN).search(question)
    if plan:
        return "plan"
    return "result" if (RESULT_ASKED_ZH if lang == "zh" else RESULT_ASKED_EN).search(question) else ""


def relative_year(question: str, lang: str) -> str | None:
    """'last', 'this' or 'next' for 去年 / 今年 / 明年 (last / this / next year), else None."""
    for name, pattern in (RELATIVE_ZH if lang == "zh" else RELATIVE_EN):
        if pattern.search(question):
            return name
    return None


@dataclass
class Question:
    """A question read for what a fitting answer must hold."""

    qtype: str  # quantity, when, who, name, list, why, yesno or fact
    lang: str = "zh"
    units: tuple[str, ...] | None = None  # for quantities: the units allowed (None: any count)
    unit_strength: str = ""  # how sure those units are: named, cue, count or "" (unit_strength)
    aspect: str = "level"  # for quantities: level, growth, share or completion
    per_capita: bool = False  # for quantities: a value per head or per unit of land (人均…元, 每亩), and only then
    things: list[Thing] = field(default_factory=list)  # what a figure (or title) must be about
    focus: list[str] = field(default_factory=list)  # who-questions: the role asked about
    years: set[str] = field(default_factory=set)  # years named ("2018"), or read from 去年 against the report
    relative: str | None = None  # last, this or next year, as the question says it
    mode: str = ""  # plan (a target asked), result (what was achieved), or unsaid
    span: bool = False  # a figure over several years is asked (年均, 五年来)
    metadata: tuple[str, ...] = ()  # header fields asked for (who issued the report, when)
    title_kinds: tuple[str, ...] | None = None  # asks a document's name in 《》: the kinds that fit
    plans: bool = False  # asks for a report's plans as a whole (its plans section's parts)
    claim: Claim | None = None  # yes/no: the figure the question states ("at least four sessions")
    count: "Question | None" = None  # yes/no with a claim: the question asked as a count, to find the figure
    text: str = ""  # the question (or this part of it)
    parts: list["Question"] = field(default_factory=list)  # two facts asked at once: one Question each

    @property
    def multi(self) -> bool:
        return len(self.parts) > 1


def read(text: str, translations: dict[str, list[str]], lang: str | None = None, qtype: str | None = None) -> Question:
    """Read a question once: its type, what it asks and its parts."""
    lang = lang or language(text)
    qtype = qtype or question_type(text, lang)
    question = _read(text, lang, qtype, translations)
    parts = split_question(text, lang)
    if len(parts) > 1 and not question.metadata:
        for part in parts:
            ptype = question_type(part, lang)
            if ptype in ("fact", "list", "yesno") and qtype == "quantity":
                ptype = "quantity"  # "…，成功率呢": the part keeps the question's type
            sub = _read(part, lang, ptype, translations)
            if ptype == "quantity" and sub.units is None and sub.aspect == "level" and not sub.things:
                sub.units = question.units  # "分别是多少" shares its unit with the whole
            sub.years = sub.years or question.years
            sub.mode = sub.mode or question.mode
            question.parts.append(sub)
    return question


def _read(text: str, lang: str, qtype: str, translations) -> Question:
    class _Q:  # asked_things reads only these two fields
        pass
    q = _Q()
    q.text, q.lang = text, lang
    # "At which session was the report delivered?": an English "which" reads as a list, and may ask the header
    metadata = asked_metadata(text) if qtype != "why" and (qtype != "list" or lang != "zh") else ()
    plans = bool(PLANS_ASKED.search(text))  # "what did X plan to do" asks for plans, not a plan's title
    title_kinds = (asked_title_kind(text, lang) if not metadata and not plans and qtype in ("name", "fact", "list", "who")
                   else None)
    quantity = qtype == "quantity"
    aspect = asked_aspect(text, lang) if quantity else "level"
    things = asked_things(q, translations) if quantity else []
    if title_kinds is not None:
        qtype = "name"
        things = [t for t in [asked_title_thing(text, lang, translations)] if t]
    if not things and not metadata and (qtype in ("list", "fact") or qtype == "name" and title_kinds is not None):
        things = [t for t in [asked_which_thing(text, lang, translations)] if t]
    claim = (asked_claim(text, lang) or implied_claim(text, lang)) if qtype == "yesno" else None
    if qtype == "yesno":
        things = [t for t in [asked_yes_no_thing(text, lang, translations)] if t]
    return Question(qtype=qtype, lang=lang,
                    units=asked_units(text, lang, aspect) if quantity else None,
                    unit_strength=unit_strength(text, lang, aspect) if quantity else "",
                    aspect=aspect,
                    per_capita=quantity and bool(PER_CAPITA_CUE.search(text)),
                    things=things,
                    focus=who_focus(text) if qtype == "who" and lang == "zh" else [],
                    years=set(YEAR.findall(text)),
                    relative=relative_year(text, lang),
                    mode=asked_mode(text, lang),
                    span=span_asked(text),
                    metadata=metadata,
                    title_kinds=title_kinds,
                    plans=qtype == "list" and plans,
                    claim=claim,
                    count=_read(claim.text, lang, "quantity", translations) if claim else None,
                    text=text)
