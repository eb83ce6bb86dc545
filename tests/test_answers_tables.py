"""Figures in tables and figures given with their parts: a table row is read by its label and its
column's heading, a whole is answered before its parts, and two figures asked at once are both given.
The reports are written here: a .docx with a Word table, and a text report in the national template
of a 政府信息公开工作年度报告, whose row labels (一、本年新收…) look like headings."""
import pytest

from reportqa.qa.facts import cells, row_figures
from reportqa.config import Settings
from reportqa.corpus import load_document
from reportqa.service import QAService

DISCLOSURE = """青石县林业局2023年政府信息公开工作年度报告

一、总体情况

2023年，青石县林业局主动公开政府信息463条，发布政策解读14篇。

二、主动公开政府信息情况

信息内容 | 本年处理决定数量
行政许可 | 392
行政处罚 | 48

三、收到和处理政府信息公开申请情况

（本部分按申请人情况分列：自然人 | 法人或其他组织 | 总计）
一、本年新收政府信息公开申请数量 | 21 | 6 | 27
二、上年结转政府信息公开申请数量 | 3 | 0 | 3

四、存在的主要问题及改进情况

政策解读形式较为单一。

青石县林业局
2024年1月26日
"""

BULLETIN = """临水县2022年国民经济和社会发展统计公报

一、综合

初步核算，全年全县地区生产总值386.52亿元，比上年增长5.1%。全年邮政业务总量3.06亿元。全年新建5G基站208个，累计建成651个。全年完成投资118.64亿元，其中市外内资到位资金36.2亿元。年末全县常住人口62.48万人，比上年末减少0.37万人。其中，城镇常住人口32.71万人。常住人口城镇化率为52.36%，比上年末提高1.08个百分点。

二、农业

全年粮食总产量48.26万吨，比上年增长1.2%。其中，稻谷35.17万吨，小麦10.64万吨。

二、工业和收入

全年全县规模以上工业增加值比上年增长7.8%。全年城镇新增就业7826人，完成年度目标的130.4%。全年发放创业担保贷款4.12亿元。全县城乡低保对象1268户、2031人，累计发放低保金1547.3万元。全年一般公共预算收入21.36亿元，增长4.4%。全年全县居民人均可支配收入33827元，比上年增长6.3%。按常住地分，城镇居民人均可支配收入43652元，增长5.2%；农村居民人均可支配收入23186元，增长6.9%。

三、贸易

全年全县社会消费品零售总额186.42亿元，比上年增长3.1%。按经营地分，城镇消费品零售额139.55亿元，乡村消费品零售额46.87亿元。

四、旅游

全年全县接待游客856.3万人次，比上年增长11.4%。其中，乡村旅游接待游客412.6万人次，增长14.8%。
"""


WATER = """石桥县水利局2024年法治政府建设年度报告

一、严格规范公正文明执法

全年开展水政执法巡查186次，查处水事违法案件19起，结案18起；作出行政处罚决定15件，罚没款23.6万元。

二、深入开展普法宣传

开展“世界水日”“中国水周”普法宣传活动12场，发放宣传资料4300份。

石桥县水利局
2025年1月22日
"""


def _work_report(path):
    from docx import Document

    doc = Document()
    doc.add_heading("桥头镇政府工作报告", level=0)
    doc.add_heading("一、2023年工作回顾", level=1)
    doc.add_paragraph("全年地区生产总值同比增长6.3%，主要经济指标完成情况见下表。")
    table = doc.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, ["指标", "单位", "目标", "完成", "完成率"]):
        cell.text = text
    for row in (["一般公共预算收入", "万元", "3950", "4127", "104.5%"],
                ["固定资产投资", "亿元", "10.50", "9.82", "93.5%"]):
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    doc.add_paragraph("桥头镇人民政府")
    doc.save(path)


def _leads_with(service, question, lead):
    a = service.ask(question)
    assert a.found and a.answer.startswith(lead), a.answer


@pytest.fixture(scope="module")
def kb(tmp_path_factory, encoder):
    corpus = tmp_path_factory.mktemp("tables")
    (corpus / "forestry-2023.txt").write_text(DISCLOSURE, encoding="utf-8")
    (corpus / "linshui-2022.txt").write_text(BULLETIN, encoding="utf-8")
    _work_report(corpus / "qiaotou-2023.docx")
    (corpus / "water-2024.txt").write_text(WATER, encoding="utf-8")
    return QAService(Settings.from_env(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("tables-index"),
                                       feedback_path=tmp_path_factory.mktemp("fb") / "feedback.jsonl"))


def test_a_table_row_is_never_a_heading(tmp_path):
    path = tmp_path / "forestry-2023.txt"
    path.write_text(DISCLOSURE, encoding="utf-8")
    titles = [sec.title for sec, _ in load_document(path).root.walk()]
    assert not any("本年新收" in t for t in titles), titles
    assert any("收到和处理" in t for t in titles)


def test_row_figures_take_the_unit_column_and_the_column_heading():
    figs = row_figures("固定资产投资\t亿元\t10.50\t9.82\t93.5%", "指标\t单位\t目标\t完成\t完成率")
    assert [(f.text, f.unit, f.aspect) for f in figs] == [
        ("10.50亿元", "亿元", "level"), ("9.82亿元", "亿元", "level"), ("93.5%", "%", "completion")]
    assert figs[1].subject == "固定资产投资完成"
    assert cells("全年调解纠纷230件，成功率98%。") is None  # a sentence is not a row


@pytest.mark.parametrize("question,lead", [
    ("桥头镇2023年固定资产投资完成了年度目标的百分之多少？", "93.5%"),
    ("桥头镇2023年一般公共预算收入实际完成了多少万元？", "4127万元"),
    ("青石县林业局2023年作出了多少件行政许可决定？", "392"),
    ("青石县林业局2023年一共收到多少件政府信息公开申请？", "27"),
])
def test_a_figure_in_a_table_is_answered_from_its_row(kb, question, lead):
    _leads_with(kb, question, lead)


@pytest.mark.parametrize("question,lead", [
    ("临水县年末有多少常住人口？", "62.48万人"),
    ("2022年到临水县的游客有多少人次？", "856.3万人次"),
    ("临水县城镇常住人口有多少？", "32.71万人"),  # the part, when it is the part that is asked
])
def test_a_whole_is_answered_before_its_parts(kb, question, lead):
    _leads_with(kb, question, lead)


@pytest.mark.parametrize("question,lead", [
    ("临水县规上工业增加值比上一年涨了多少？", "7.8%"),  # 规上: 规模以上, abbreviated
    ("临水县2022年全县经济总量一共是多少亿元？", "386.52亿元"),  # 经济总量: 地区生产总值, not 邮政业务总量
    ("临水县累计建成了多少个5G基站？", "651个：“全年新建5G基站208个，累计建成651个”"),  # 5G基站 said once for both
    ("临水县2022年新建了多少个5G基站？", "208个"),
    ("临水县有多少户低保家庭？", "1268户"),  # households are counted in 户
    ("临水县农民每人平均可支配收入是多少钱？", "23186元"),  # 农民: 农村居民, not all residents
    ("临水县居民人均可支配收入是多少？", "33827元"),
    ("临水县一年的消费品零售额加起来有多少？", "186.42亿元"),  # the 零售总额, not a part of it
    ("临水县城镇新增就业的人数，达到了年初定的目标的百分之几？", "130.4%"),  # 达到…目标: a completion
    ("On average, how much disposable income did each resident of Linshui county have in 2022?",
     "According to the Linshui county, 2022 report, 33,827 yuan"),
    ("How much money did Linshui county bring in through its general budget in 2022?",
     "According to the Linshui county, 2022 report, 2.136 billion yuan"),  # not the loans: "money" is no thing
    ("What was the per-person disposable income of rural residents in Linshui county?",
     "According to the Linshui county, 2022 report, 23,186 yuan"),
])
def test_a_figure_asked_in_everyday_words_is_the_one_those_words_name(kb, question, lead):
    _leads_with(kb, question, lead)


def test_a_figure_in_dollars_is_read_and_a_bulletin_term_asked_in_english_is_never_a_look_alike(kb, tmp_path, encoder):
    a = kb.ask("How much foreign investment did Linshui county actually use in 2022?")
    assert not a.found, a.answer  # 外资 is not 投资 nor 市外内资
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "jiangzhou-2022.txt").write_text(
        "江州市2022年国民经济和社会发展统计公报\n\n六、对外经济\n\n全年全市新设立外商投资企业142家，实际使用外资5.86亿美元，"
        "比上年增长6.9%。\n", encoding="utf-8")
    city = QAService(Settings.from_env(corpus_dir=corpus, index_dir=tmp_path / "index",
                                       feedback_path=tmp_path / "feedback.jsonl"), encoder=encoder)
    a = city.ask("How much foreign investment did Jiangzhou city actually use in 2022?")
    assert a.found and "586 million US dollars (5.86亿美元)" in a.answer, a.answer


def test_a_total_and_one_of_its_parts_asked_at_once_are_both_given(kb):
    a = kb.ask("临水县粮食总产量和其中稻谷的产量分别是多少？")
    assert a.found and "48.26万吨" in a.answer and "35.17万吨" in a.answer, a.answer


def test_two_questions_in_one_message_are_both_answered_the_second_elliptical(kb):
    a = kb.ask("临水县城镇常住人口占常住人口的比重是多少？比一年前高了多少个百分点？")
    assert a.found and "52.36%" in a.answer and "1.08个百分点" in a.answer, a.answer


def test_an_english_question_in_percentage_points_asks_how_far_the_rate_went_up(kb):
    _leads_with(kb, "By how many percentage points did Linshui county's urbanization rate go up?",
                "According to the Linshui county, 2022 report, 1.08 percentage points")


def test_a_count_asked_in_everyday_words_the_encoder_vouches_for_is_answered(kb):
    _leads_with(kb, "石桥县水利局2024年对违法的单位和个人一共开了多少件罚单？", "15件")  # 罚单: 行政处罚决定


def test_a_kind_of_place_is_not_taken_for_a_place(kb):
    a = kb.ask("小城镇建设投入了多少钱？")  # jieba tags 小城镇 as a name, as it does unknown towns
    assert "没有加载" not in a.answer, a.answer


def test_an_unknown_town_is_declined_even_when_its_name_looks_like_a_persons(kb):
    a = kb.ask("柳溪镇2023年一般公共预算收入是多少？")
    assert not a.found and "柳溪镇" in a.answer and not a.citations


@pytest.mark.parametrize("question,lead", [
    ("临水县2022年粮食总产量是增长了吗？", "是：增长1.2%"),
    ("临水县2022年常住人口增加了吗？", "否：减少0.37万人"),
    ("桥头镇2023年固定资产投资完成年度目标了吗？", "否：93.5%"),
    ("桥头镇2023年一般公共预算收入是否完成了年度目标？", "是：104.5%"),
    ("Did Qiaotou town reach its 2023 target for fixed-asset investment?", "No: 93.5%"),
    ("Did grain output in Linshui county grow in 2022?", "Yes: up 1.2%"),
])
def test_a_yes_no_question_about_a_direction_or_a_target_is_judged_by_the_figure(kb, question, lead):
    _leads_with(kb, question, lead)


def test_an_english_question_naming_an_unknown_town_names_it_without_the_question_word(kb):
    a = kb.ask("Did Shuangqiao town build any roads in 2023?")
    assert not a.found and a.answer == "No report from Shuangqiao town is loaded."


def test_an_english_question_about_a_measure_the_report_lacks_is_declined(kb):
    a = kb.ask("What were Linshui county's online retail sales in 2022?")  # only 社会消费品零售总额 is given
    assert not a.found, a.answer
    a = kb.ask("What were Linshui county's retail sales in 2022?")
    assert a.found and "186.42亿元" in a.answer, a.answer
