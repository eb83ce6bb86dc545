"""Reading what a question asks for, in both languages."""
import pytest

from reportqa.questions import asked_things, asked_units, question_type, read_question, who_focus


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
])
def test_question_type(question, lang, qtype):
    assert question_type(question, lang) == qtype


@pytest.mark.parametrize("question,lang,units", [
    ("矛盾纠纷调解成功率是多少？", "zh", ("%", "个百分点")),
    ("全年开展了几场法治宣传活动？", "zh", ("次", "场", "场次", "期", "回", "轮")),
    ("培训了多少干部？", "zh", None),
    ("How much money was spent?", "en", ("元", "万元", "亿元")),
    ("How many people attended?", "en", tuple("人名")),
    ("How many disputes were mediated?", "en", None),
])
def test_asked_units(question, lang, units):
    assert asked_units(question, lang) == units


class Q:  # the two fields of a retrieval Query these functions read
    def __init__(self, text, lang):
        self.text, self.lang = text, lang


def test_asked_things_in_chinese():
    assert asked_things(Q("镇里有几个人民调解委员会？", "zh"), {}) == [("all", ["人民调解", "委员会"])]
    assert asked_things(Q("清河县GDP是多少？", "zh"), {}) == [("all", ["gdp"])]


def test_asked_things_in_english_use_the_dictionary(service):
    things = asked_things(Q("How many petition cases did the town handle?", "en"), service.index.translations)
    assert things and "案件" in things[0][1]
    assert asked_things(Q("How many times did they meet?", "en"), service.index.translations) == []


def test_who_focus():
    assert who_focus("法治政府建设工作领导小组的组长是谁？") == ["组长"]
    assert who_focus("镇副组长由谁担任？") == ["副组长", "担任"]
    assert who_focus("谁是领导小组组长？") == ["组长"]


def test_read_question_collects_years():
    ask = read_question(Q("What was the mediation success rate in 2023?", "en"), "quantity", {})
    assert ask.years == {"2023"} and ask.units == ("%", "个百分点")
