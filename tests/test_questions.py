"""Reading what a question asks for, in both languages."""
import pytest

from reportqa.qa.question import (MONEY_UNITS, asked_aspect, asked_metadata, asked_things, asked_title_kind, asked_units,
                                question_type, read, split_question, who_focus)


@pytest.mark.parametrize("question,lang,qtype", [
    ("2024年化解了多少矛盾纠纷？", "zh", "quantity"),
    ("小河镇有几所学校？", "zh", "quantity"),
    ("人民调解委员会建在哪几级？", "zh", "list"),
    ("组长是谁？", "zh", "who"),
    ("报告是哪天落款的？", "zh", "when"),
    ("镇长叫什么名字？", "zh", "name"),
    ("存在不足的原因是什么？", "zh", "why"),
    ("How many disputes were mediated?", "en", "quantity"),
    ("What is the population of the town?", "en", "quantity"),
    ("Which platforms will be used?", "en", "list"),
    ("What is the name of the mayor?", "en", "name"),
    ("When was the report signed?", "en", "when"),
    ("What overall labour productivity target has the province set for 2031?", "en", "quantity"),  # a target's figure
])
def test_question_type(question, lang, qtype):
    assert question_type(question, lang) == qtype


@pytest.mark.parametrize("question,lang", [
    ("镇里是否设立了法律援助站？", "zh"),
    ("乡政府有没有常年法律顾问？", "zh"),
    ("村规民约修订完成了没有？", "zh"),
    ("执法人员都持证上岗了吗？", "zh"),
    ("Does the town have a legal adviser?", "en"),
    ("Did the county open a hotline in 2024?", "en"),
    ("The plan promised training. Was it delivered?", "en"),
])
def test_yes_no_questions_are_recognised(question, lang):
    assert question_type(question, lang) == "yesno"


@pytest.mark.parametrize("question,lang,units", [
    ("矛盾纠纷调解成功率是多少？", "zh", ("%", "个百分点")),
    ("全年开展了几场法治宣传活动？", "zh", ("次", "场", "场次", "期", "回", "轮")),
    ("培训了多少干部？", "zh", None),
    ("How much money was spent?", "en", MONEY_UNITS),
    ("How many people attended?", "en", tuple("人名")),
    ("How many disputes were mediated?", "en", None),
    ("全县地区生产总值是多少亿元？", "zh", MONEY_UNITS),
    ("农村居民人均可支配收入是多少？", "zh", MONEY_UNITS),
    ("全年接待游客多少万人次？", "zh", ("人", "名", "人次", "位")),
    ("新建农村公路多少公里？", "zh", ("公里", "千米")),
    ("How many hectares of forest were planted?", "en", ("公顷",)),
    ("How many person-times of training were given?", "en", ("人次",)),
    ("群众对服务的满意程度是多少？", "zh", ("%", "个百分点")),
])
def test_asked_units(question, lang, units):
    assert asked_units(question, lang, asked_aspect(question, lang)) == units


@pytest.mark.parametrize("question,lang,aspect", [
    ("地区生产总值是多少？", "zh", "level"),
    ("地区生产总值比上年增长了多少？", "zh", "growth"),
    ("规模以上工业增加值是多少？", "zh", "level"),  # 增加值 is value added, not an increase
    ("税收收入占一般公共预算收入的比重是多少？", "zh", "share"),
    ("固定资产投资完成了年度目标的百分之多少？", "zh", "completion"),
    ("How fast did GDP grow?", "en", "growth"),
    ("What share of spending went to education?", "en", "share"),
    ("What was the completion rate of the jobs target?", "en", "completion"),
])
def test_asked_aspect_tells_a_level_from_a_growth_a_share_and_a_completion_rate(question, lang, aspect):
    assert asked_aspect(question, lang) == aspect


class Q:  # the two fields of a retrieval Query these functions read
    def __init__(self, text, lang):
        self.text, self.lang = text, lang


def test_asked_things_in_chinese_name_the_counted_noun_and_its_qualifiers():
    [thing] = asked_things(Q("镇里有几个人民调解委员会？", "zh"), {})
    assert thing.heads == [("委员会", ["委员会"])] and thing.modifiers == [("人民调解", ["人民调解"])]
    [gdp] = asked_things(Q("清河县GDP是多少？", "zh"), {})
    assert gdp.heads[0][0] == "gdp" and "生产总值" in gdp.heads[0][1]  # the bulletin's word for it
    [people] = asked_things(Q("2023年接待来信和上访的群众共有多少人次？", "zh"), {})
    assert people.heads[0][0] == "群众"  # the noun after 的, not the verbs before it
    [case] = asked_things(Q("乱砍滥伐林木的案子一共查处了几起？", "zh"), {})
    assert case.heads[0][0] == "案子"  # not the act (查处) that follows 一共


def test_asked_things_in_english_use_the_dictionary(service):
    things = asked_things(Q("How many petition cases did the town handle?", "en"), service.index.translations)
    assert things and "案件" in things[0].heads[0][1] and things[0].heads[1][0] == "petition"
    assert asked_things(Q("How many times did they meet?", "en"), service.index.translations) == []
    [copies] = asked_things(Q("How many copies of legal publicity materials were handed out?", "en"), {})
    assert copies.heads[0][0] == "materials"  # "copies of X" counts X
    [income] = asked_things(Q("What was the per capita disposable income of rural residents?", "en"), {})
    assert income.heads == [("disposable income", ["可支配收入"])] and ("rural", ["农村"]) in income.modifiers


def test_who_focus():
    assert who_focus("法治政府建设工作领导小组的组长是谁？") == ["组长"]
    assert who_focus("镇副组长由谁担任？") == ["副组长", "担任"]
    assert who_focus("谁是领导小组组长？") == ["组长"]


def test_read_question_collects_years():
    ask = read("What was the mediation success rate in 2023?", {}, "en", "quantity")
    assert ask.years == {"2023"} and ask.units == ("%", "个百分点")


@pytest.mark.parametrize("question,lang,parts", [
    ("城镇居民和农村居民人均可支配收入分别是多少？", "zh", ["城镇居民人均可支配收入是多少", "农村居民人均可支配收入是多少"]),
    ("第一产业和第二产业增加值各是多少？", "zh", ["第一产业增加值是多少", "第二产业增加值是多少"]),
    ("地区生产总值和一般公共预算收入分别是多少？", "zh", ["地区生产总值是多少", "一般公共预算收入是多少"]),
    ("调解了多少件纠纷，成功率是多少？", "zh", ["调解了多少件纠纷", "成功率是多少"]),
    ("How many disputes were settled, and what was the success rate?", "en",
     ["How many disputes were settled", "what was the success rate"]),
    ("What was the GDP, and how fast did it grow?", "en", ["What was the GDP", "how fast did it grow"]),
    ("2024年化解了多少矛盾纠纷？", "zh", ["2024年化解了多少矛盾纠纷？"]),
    ("How many copies of legal publicity materials were handed out?", "en",
     ["How many copies of legal publicity materials were handed out?"]),
])
def test_split_question_finds_two_facts_asked_at_once(question, lang, parts):
    assert split_question(question, lang) == parts


def test_a_two_fact_question_reads_each_part_on_its_own():
    ask = read("白沙街道调解了多少件纠纷，成功率是多少？", {}, "zh", "quantity")
    assert ask.multi and ask.parts[0].units == ("件", "起", "例", "宗") and ask.parts[1].units == ("%", "个百分点")


@pytest.mark.parametrize("question,fields", [
    ("Who published this report and on what date?", ("source", "published")),
    ("When was the summary published, and by whom?", ("source", "published")),
    ("Which office issued the report?", ("source",)),
    ("Who signed the report and when?", ("issuer", "signed")),
    ("这份报告是哪天落款的？", ("signed",)),
    ("这份报告是谁发布的？", ("source",)),
    ("What is the document number of this report?", ("doc_number",)),
    ("Which mayor presented Shanghai's government work report this year?", ("byline",)),
    ("吉林这份政府工作报告是在省人大第几次会议上作的？", ("subtitle",)),
    ("At which session of the people's congress was the 2022 government work report delivered?", ("subtitle",)),
    ("What document did the office issue?", ()),  # a document in the report, not the report itself
    ("How many disputes were mediated?", ()),
])
def test_asked_metadata_reads_who_and_when_of_the_report_itself(question, fields):
    assert asked_metadata(question) == fields


@pytest.mark.parametrize("question,lang,kinds", [
    ("小河镇制定了什么工作计划？", "zh", ("计划", "方案", "规划", "要点", "安排", "纲要", "计划书")),
    ("白沙街道印发了什么文件？", "zh", ()),
    ("小河镇印发了什么应急预案？", "zh", ("预案",)),
    ("What is the name of the implementation plan the town issued?", "en",
     ("计划", "方案", "规划", "要点", "安排", "纲要", "计划书")),
    ("Which regulation did the district follow?", "en", ("规定", "条例", "办法", "细则", "规则", "准则", "制度")),
    ("What is the name of the township's forest fire emergency plan?", "en", ("预案",)),
    ("What is the name of the mayor?", "en", None),
    ("镇长叫什么名字？", "zh", None),
])
def test_asked_title_kind_reads_which_kind_of_document_is_asked(question, lang, kinds):
    assert asked_title_kind(question, lang) == kinds


def test_an_english_noun_for_people_is_counted_in_people():
    from reportqa.qa.question import asked_units

    assert asked_units("How many river and lake chiefs has the county appointed?", "en") == ("人", "名")
    assert asked_units("How many notarial matters did the office handle?", "en") is None  # "matters" are no people


def test_two_targets_asked_at_once_are_split_around_the_intent_word():
    from reportqa.qa.question import split_question

    first, second = split_question("桥头镇地区生产总值和农民人均可支配收入打算分别增长多少？", "zh")
    assert first.endswith("地区生产总值打算增长多少") and second == "农民人均可支配收入打算增长多少"


@pytest.mark.parametrize("question,term,zh", [
    ("山东去年GDP总量多少？", "gdp", "生产总值"),
    ("2015年CPI上涨了多少？", "cpi", "居民消费价格"),
])
def test_an_indicator_in_latin_letters_inside_a_chinese_question_stands_for_the_reports_words(question, term, zh):
    from types import SimpleNamespace

    from reportqa.qa.candidates import _evidence_terms

    query = SimpleNamespace(lang="zh", text=question, terms={"去年": ["去年"], term: [term], "多少": []})
    terms = _evidence_terms(query)
    assert zh in terms[term] and terms["去年"] == ["去年"]
    assert query.terms[term] == [term]  # the question's own terms are left as they were


def test_a_concentration_a_container_count_and_satellites_are_figures_and_pm25_is_a_name():
    from reportqa.qa.facts import figures_in

    found = {f.text: f.unit for f in figures_in("PM2.5年均浓度降至36微克/立方米，港口集装箱吞吐量达到5150.6万标准箱，117颗卫星组网")}
    assert found == {"36微克/立方米": "微克/立方米", "5150.6万标准箱": "标准箱", "117颗": "颗"}


def test_a_which_question_asks_for_an_instance_of_its_noun():
    from reportqa.qa.question import read

    en = read("Which international sports event is the city preparing to host?", {"event": ["赛事", "活动"]}, "en")
    zh = read("县里今年要办好的体育盛会是什么？", {}, "zh")
    assert en.things and en.things[0].heads[0][0] == "event" and "赛事" in en.things[0].heads[0][1]
    assert zh.things and zh.things[0].heads[0][0] == "盛会"


def test_people_lifted_out_of_poverty_are_asked_as_a_fall_in_their_number():
    from reportqa.qa.question import asked_aspect

    assert asked_aspect("How many rural residents were lifted out of poverty in 2030?", "en") == "growth"
    assert asked_aspect("2030年全国农村脱贫人口有多少？", "zh") == "growth"
    assert asked_aspect("How many people live in the county?", "en") == "level"


def test_how_many_people_left_poverty_asks_a_count_and_a_rise_in_points_asks_points():
    from reportqa.qa.question import asked_units

    assert asked_units("How many rural residents got out of poverty in 2030?", "en", "growth") is None  # any count
    assert "个百分点" in asked_units("By how many percentage points did the urbanization rate go up?", "en", "growth")
    assert "个百分点" in asked_units("城镇化率比一年前高了多少个百分点？", "zh", "growth")


def test_a_sentence_says_its_year_first():
    from reportqa.periods import sentence_period

    assert sentence_period("提出居民消费价格涨幅3%左右，综合考虑了去年价格变动的翘尾因素", 2030, 2031, "plan", 2031) is None
    assert sentence_period("去年末居民储蓄存款余额增长8.5%", 2030, 2031, "plan", 2031) == ({2030}, "review")


def test_an_annual_mean_is_one_years_figure_and_an_average_annual_growth_is_not():
    from reportqa.qa.facts import figures_in

    one, = [f for f in figures_in("细颗粒物年均浓度30.5微克/立方米") if f.unit == "微克/立方米"]
    many, = figures_in("五年来国内生产总值年均增长7.1%")
    assert not one.span and many.span


def test_how_many_years_asks_for_years():
    from reportqa.qa.question import asked_units

    assert asked_units("After how many years was the tax abolished?", "en") == ("年",)


def test_what_share_of_x_had_reached_y_asks_about_x():
    from reportqa.qa.question import read

    q = read("What share of coal-fired power units had reached ultra-low emissions after five years?",
             {"units": ["机组"], "coal": ["煤炭"]}, "en")
    assert q.aspect == "share" and q.things and q.things[0].heads[0][0] == "units"


def test_an_english_which_question_about_the_reports_delivery_asks_its_header():
    q = "At which session of the Baoding Municipal People's Congress was the 2022 government work report delivered?"
    assert read(q, {}, "en", question_type(q, "en")).metadata == ("subtitle",)
    assert read("Which projects did the report list?", {}, "en", "list").metadata == ()


@pytest.mark.parametrize("question,mode", [
    ("今年定下的物价涨幅控制线是多少？", "plan"),
    ("政府要求把全年物价涨幅压到多少以内？", "plan"),
    ("全年物价实际上涨了多少？", "result"),
    ("全年物价涨幅是多少？", ""),
    ("镇里去年说要配专职调解员，今年落实了没有？", "result"),  # whether a pledge was kept: the later result
])
def test_a_limit_set_for_the_year_is_asked_as_a_target(question, mode):
    from reportqa.qa.question import asked_mode

    assert asked_mode(question, "zh") == mode


def test_whether_a_pledge_was_kept_asks_for_the_result():
    from reportqa.qa.question import asked_mode

    assert asked_mode("Did the town keep its 2030 pledge to hold four training sessions in 2031?", "en") == "result"


def test_a_pressing_adverb_is_not_the_thing_asked():
    [price] = asked_things(Q("2015年居民消费价格具体上涨了多少？", "zh"), {})
    assert price.heads[0][0] == "价格", price.heads
    [total] = asked_things(Q("全县粮食产量到底有多少？", "zh"), {})
    assert total.heads[0][0] != "到底", total.heads


def test_how_a_figure_was_set_is_not_the_thing_asked():
    [deficit] = asked_things(Q("2019年的财政赤字率定的是多少？", "zh"), {})
    assert deficit.heads[0][0] == "财政赤字", deficit.heads  # not 率定
    [rate] = asked_things(Q("2018年的赤字率按多少安排？", "zh"), {})
    assert rate.heads[0][0] == "赤字", rate.heads  # not 安排
    [pension] = asked_things(Q("2015年城乡居民基础养老金标准统一提高到多少？", "zh"), {})
    assert pension.heads[0][0] == "标准" and ("养老金", ["养老金"]) in pension.modifiers, pension.heads


def test_a_term_of_years_said_only_to_be_denied_is_not_asked():
    from reportqa.qa.question import span_asked

    assert not span_asked("What was China's GDP growth in 2000 on its own, not the five-year average?")
    assert not span_asked("2020年当年增长多少，不是五年平均每年增长")
    assert span_asked("What was the average annual growth over the five years?")
    assert span_asked("2016到2020年年均增长多少？")


def test_a_thing_qualified_by_a_list_is_the_noun_after_the_list():
    [problems] = asked_things(Q("水利局2024年清理了多少处违规侵占、采挖和乱搭乱建河湖的问题？", "zh"), {})
    assert problems.heads[0][0] == "问题", problems.heads  # not 侵占, the list's first item


def test_everyday_names_of_residents_stand_for_the_bulletins_words():
    [income] = asked_things(Q("临水县农民每人平均可支配收入是多少钱？", "zh"), {})
    assert ("农民", ["农民", "农村居民"]) in income.modifiers, income.modifiers


def test_an_english_ordinal_is_a_number_and_a_numbered_five_year_plan_is_the_reports_name_for_it(service):
    from reportqa.lexical import english_words

    assert "th" not in english_words("Did China hit its 11th Five-Year Plan target?")
    query = service.retriever.analyse("Did China hit its 11th Five-Year Plan target for R&D spending?")
    assert any("十一五" in alts for alts in query.terms.values()), query.terms


def test_a_term_of_years_is_neither_the_thing_asked_nor_per_head():
    from reportqa.qa.facts import figures_in

    [economy] = asked_things(Q("1998年到2002年我国经济平均每年增长多少？", "zh"), {})
    assert economy.heads[0][0] == "经济", economy.heads  # not 每年
    [growth] = figures_in("国内生产总值平均每年增长7.7%")
    assert not growth.per_capita  # 平均每年 is a yearly average; 平均每人 would be per head
