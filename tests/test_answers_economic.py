"""Economic figures from a statistical bulletin: the total, per-capita value, growth, share or
completion rate asked, in the asked unit, printed exactly as the report gives them."""
import pytest

from reportqa.qa.facts import clauses, figures_in
from reportqa.qa.text import english_quantity as _english_quantity
from reportqa.config import Settings
from reportqa.service import QAService

from conftest import REPO

BULLETIN = REPO / "tests" / "data" / "yunxi-county-2024-statistical-bulletin.txt"


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory, encoder):
    corpus = tmp_path_factory.mktemp("yunxi")
    (corpus / BULLETIN.name).write_bytes(BULLETIN.read_bytes())
    return QAService(Settings.from_env(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("yunxi-index"),
                                       feedback_path=tmp_path_factory.mktemp("fb") / "feedback.jsonl"))


@pytest.mark.parametrize("question,lead", [
    ("云溪县2024年地区生产总值是多少亿元？", "218.36亿元"),
    ("2024年全县GDP比上年增长了多少？", "5.6%"),
    ("人均地区生产总值是多少？", "58630元"),
    ("全体居民人均可支配收入是多少元？", "31285元"),
    ("农村居民人均可支配收入增长了多少？", "7.3%"),
    ("一般公共预算收入是多少？", "42.05亿元"),
    ("税收收入占一般公共预算收入的比重是多少？", "68.0%"),
    ("固定资产投资完成了年度目标的百分之多少？", "102.3%"),
    ("全年接待游客多少万人次？", "1268.5万人次"),
    ("全年新建改建农村公路多少公里？", "186公里"),
    ("新建保障性住房多少平方米？", "12.4万平方米"),
    ("粮食总产量是多少吨？", "16.8万吨"),
    ("常住人口城镇化率是多少？", "52.8%"),
])
def test_the_figure_asked_leads_the_answer(bulletin, question, lead):
    a = bulletin.ask(question)
    assert a.found and a.answer.startswith(f"{lead}："), a.answer


def test_gdp_in_yuan_is_never_answered_with_tourist_visits(bulletin):
    a = bulletin.ask("云溪县2024年地区生产总值是多少亿元？")
    assert "万人次" not in a.answer and "人均" not in a.answer


def test_per_capita_income_is_never_answered_with_a_count_of_people(bulletin):
    a = bulletin.ask("城镇居民人均可支配收入是多少？")
    assert a.answer.startswith("42760元"), a.answer


def test_a_growth_rate_is_quoted_with_what_grew(bulletin):
    a = bulletin.ask("2024年全县GDP比上年增长了多少？")
    assert "地区生产总值" in a.citations[0].quote, a.answer


@pytest.mark.parametrize("question,shown", [
    ("How much general public budget revenue did the county collect?", "4.205 billion yuan (42.05亿元)"),
    ("What was Yunxi county's GDP in 2024?", "21.836 billion yuan (218.36亿元)"),
    ("How many tourist visits did the county receive in 2024?", "12.685 million tourist visits (1268.5万人次)"),
    ("What was the per capita disposable income of rural residents?", "21,930 yuan (21930元)"),
    ("What was the county's resident population at the end of 2024?", "372,500 people (37.25万人)"),
    ("How many kilometres of rural roads were built or upgraded?", "186 km (186公里)"),
    ("How many hectares of forest were planted?", "2,300 hectares (2300公顷)"),
    ("What share of general public budget spending went to people's livelihoods?", "79.6%"),
    ("What was the completion rate of the target for new urban jobs?", "117.2%"),
])
def test_english_answers_print_the_amount_exactly_as_the_report_gives_it(bulletin, question, shown):
    a = bulletin.ask(question)
    assert a.found and shown in a.answer, a.answer
    assert "99999" not in a.answer


@pytest.mark.parametrize("question", [
    "云溪县2024年进出口总额是多少亿元？",
    "城镇居民人均消费支出是多少元？",  # the bulletin gives rural consumption only
    "规模以上工业增加值是多少亿元？",  # only its growth rate is given
    "城镇居民人均消费支出增长了多少？",
    "What was the average spending per tourist?",
    "How much foreign direct investment did the county attract?",
])
def test_a_figure_the_bulletin_does_not_give_is_declined(bulletin, question):
    a = bulletin.ask(question)
    assert not a.found, a.answer


@pytest.mark.parametrize("fact,english", [
    ("42.05亿元", "4.205 billion yuan (42.05亿元)"),
    ("218.36亿元", "21.836 billion yuan (218.36亿元)"),
    ("86.4万元", "864,000 yuan (86.4万元)"),
    ("3150万元", "31.5 million yuan (3150万元)"),
    ("1.08亿元", "108 million yuan (1.08亿元)"),
    ("58630元", "58,630 yuan (58630元)"),
    ("1.3万平方米", "13,000 square metres (1.3万平方米)"),
    ("2万余份", "more than 20,000 copies (2万余份)"),
    ("97%以上", "over 97% (97%以上)"),
    ("5.6%", "5.6%"),
    ("6%左右", "about 6% (6%左右)"),
])
def test_english_quantity_uses_the_reports_digits(fact, english):
    assert _english_quantity(fact, "") == english


def test_figures_know_their_aspect_and_what_they_measure():
    text = "全年一般公共预算收入42.05亿元，比上年增长4.7%，完成年度预算的101.2%。其中，税收收入28.61亿元，占一般公共预算收入的68.0%。"
    figs = {f.text: f for f in figures_in(text, clauses(text))}
    assert figs["42.05亿元"].aspect == "level" and "收入" in figs["42.05亿元"].subject
    assert figs["4.7%"].aspect == "growth" and figs["4.7%"].subject == figs["42.05亿元"].subject
    assert figs["101.2%"].aspect == "completion"
    assert figs["68.0%"].aspect == "share" and figs["68.0%"].subject == "税收收入"
    per = "城镇、农村居民人均可支配收入分别达到43260元、21580元，分别增长4.9%和6.7%；规模以上工业增加值增长8.3%。"
    figs = {f.text: f for f in figures_in(per, clauses(per))}
    assert figs["21580元"].per_capita and figs["21580元"].aspect == "level"
    assert figs["6.7%"].aspect == "growth" and figs["6.7%"].per_capita
    assert figs["8.3%"].aspect == "growth"  # 增加值 (value added) is a level; 增长 makes it a growth


def test_a_fall_in_population_is_answered_in_people_not_with_a_rate_of_it(bulletin):
    a = bulletin.ask("云溪县常住人口比上年末减少了多少？")
    assert a.found and a.answer.startswith("0.31万人："), a.answer  # not 城镇化率's 1.1个百分点


def test_two_balances_asked_at_once_get_their_own_figures(bulletin):
    a = bulletin.ask("云溪县存款余额和贷款余额分别是多少？")
    assert a.found and "412.8亿元" in a.answer and "305.6亿元" in a.answer, a.answer


def test_a_grade_the_report_does_not_give_is_declined(bulletin):
    a = bulletin.ask("云溪县有多少个3A级景区？")  # it gives 14 A-grade, 3 of them 4A
    assert not a.found, a.answer


def test_gdp_written_in_latin_letters_inside_a_chinese_question_searches_the_reports_words(bulletin):
    from reportqa.lexical import language

    q = "云溪县2024年GDP是多少亿元？"
    query = bulletin.retriever.analyse(q, language(q))
    assert "生产总值" in query.terms["gdp"]
    a = bulletin.ask(q)
    assert a.found and a.answer.startswith("218.36亿元"), a.answer


def test_a_number_whose_digits_a_copy_spaced_out_is_one_figure():
    from reportqa.qa.facts import value_of

    text = "粮食总产量稳定在4 9 2 5 0 万吨，比上年增长1.5%。"
    figs = [f.text for f in figures_in(text, clauses(text))]
    assert figs[0] == "49250 万吨" and value_of(figs[0]) == 492500000
    assert [f.text for f in figures_in("第1 2 项指标增长8.5%。", clauses("第1 2 项指标增长8.5%。"))][-1] == "8.5%"
