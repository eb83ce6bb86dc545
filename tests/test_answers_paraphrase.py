"""Counts asked in other words than the report's are answered; counts of another thing are not.

The seed report says 法治汇报, 学法活动, 信访案件, 宣传资料; people ask 法治工作汇报, law-study
sessions, 信访案子, 普法资料. A count whose own words name something else (disputes for
committees, 信访案件 for 行政复议案件, 汇报 for 会议) is never the answer.
"""
import pytest


@pytest.mark.parametrize("question,expected", [
    ("镇政府一年里听取了几次法治工作汇报？", "4次"),
    ("全年办理了多少件信访案子？", "320件"),
    ("发放了多少份普法资料？", "2万余份"),
    ("领导干部学习法律的活动全年搞了几次？", "6次"),
    ("全年组织了几次执法人员的业务培训？", "4次"),
    ("一共培训了多少名执法人员？", "120人次"),  # 人员 asked, 人数…人次 written: the unit says people
    ("信访来访接待了多少人？", "350人次"),
])
def test_count_of_a_paraphrased_noun_is_answered(service, question, expected):
    a = service.ask(question)
    assert a.found and a.answer.startswith(expected), a.answer


@pytest.mark.parametrize("question,expected", [
    ("How many law-study sessions did the town's leading cadres hold?", "6"),
    ("How many petition cases did the town handle?", "320"),
    ("How many legal consultations from residents were answered?", "300"),
])
def test_count_of_a_paraphrased_noun_is_answered_in_english(service, question, expected):
    a = service.ask(question)
    assert a.found and expected in a.answer.split("“")[0], a.answer


@pytest.mark.parametrize("question", [
    "镇里一年召开了几次法治工作会议？",  # 汇报 is counted, not 会议
    "镇里有几个人民调解委员会？",  # the sentence counts disputes, the committees are its subject
    "全年办理了多少件行政复议案件？",  # 信访案件 are counted, not 行政复议
    "全年培训了多少名人民调解员？",
    "How many mediation committees does the town have?",
    "How many legal aid cases did the town handle?",
])
def test_count_of_a_different_thing_is_declined(service, question):
    a = service.ask(question)
    assert not a.found, a.answer


def test_place_and_year_of_the_question_need_not_be_in_the_quoted_clause(service):
    a = service.ask("小河镇2024年群众对政务服务的满意度是多少？")
    assert a.found and a.answer.startswith("98%以上"), a.answer


def test_a_figure_of_another_unit_is_never_the_answer(service):
    assert not service.ask("小河镇2024年法治建设投入了多少万元？").found
    assert "%" not in service.ask("全年开展了几场法治宣传活动？").answer.split("：")[0]
