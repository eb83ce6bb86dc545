"""Yes/no questions lead with 是/否 (Yes/No) and the quote. 否/No only when the report says not so
(尚未, 没有, 未, 无); 是/Yes when the sentence affirms; declined when the report says nothing."""
import pytest

from reportqa.config import Settings
from reportqa.service import QAService

# An invented township report: one thing not yet done, some done, some never mentioned.
REPORT = """杏林乡人民政府关于2024年法治政府建设情况的报告

发布时间：2025-02-10　来源：杏林乡人民政府

县人民政府：

2024年，杏林乡坚持依法行政，法治政府建设取得新进展。现将有关情况报告如下。

一、主要工作

（一）依法决策。对3项重大事项履行集体讨论决定程序。由于乡政府尚未聘请常年法律顾问，合同由乡司法所工作人员审查，全年审查合同21份。

（二）矛盾调解。乡调委会配备了专职调解员2名，全年调解纠纷64件，调解成功率96%。

（三）规范执法。全年未发生行政复议案件，执法人员全部持证上岗。

二、存在的问题

执法力量不足，群众法治意识有待提高。

杏林乡人民政府
2025年2月5日
"""


@pytest.fixture(scope="module")
def township(tmp_path_factory, encoder):
    corpus = tmp_path_factory.mktemp("xinglin")
    (corpus / "xinglin-2024.txt").write_text(REPORT, encoding="utf-8")
    return QAService(Settings.from_env(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("xinglin-index"),
                                       feedback_path=tmp_path_factory.mktemp("fb") / "feedback.jsonl"))


def test_yes_no_question_leads_with_no_when_report_says_not_yet(township):
    a = township.ask("杏林乡是否聘请了常年法律顾问？")
    assert a.found and a.answer.startswith("否：") and "尚未聘请常年法律顾问" in a.answer, a.answer
    assert a.qtype == "yesno" and a.citations[0].quote in a.citations[0].text


def test_english_yes_no_question_leads_with_no_when_report_says_not_yet(township):
    a = township.ask("Did Xinglin township hire a standing legal adviser?")
    assert a.found and a.answer.startswith("No.") and "尚未" in a.answer, a.answer


@pytest.mark.parametrize("question", ["杏林乡有没有配备专职调解员？", "执法人员都持证上岗了吗？"])
def test_yes_no_question_leads_with_yes_when_the_report_affirms(township, question):
    a = township.ask(question)
    assert a.found and a.answer.startswith("是："), a.answer


def test_yes_no_question_leads_with_no_when_report_says_it_did_not_happen(township):
    a = township.ask("杏林乡2024年发生行政复议案件了没有？")
    assert a.found and a.answer.startswith("否：") and "未发生" in a.answer, a.answer


@pytest.mark.parametrize("question", ["杏林乡是否建成了法治文化公园？", "Did the township open a legal aid hotline?",
                                      "杏林乡有没有开通12345热线？"])
def test_yes_no_question_is_declined_when_the_report_says_nothing(township, question):
    assert not township.ask(question).found


def test_yes_no_on_the_seed_report(service):
    no = service.ask("小河镇有没有独立的法制工作机构？")
    assert no.found and no.answer.startswith("否：") and "没有独立的法制工作机构" in no.answer, no.answer
    yes = service.ask("小河镇是否配备了专职人民调解员？")
    assert yes.found and yes.answer.startswith("是：") and "专职人民调解员" in yes.answer, yes.answer
    en = service.ask("Does the town hire lawyers as its legal advisers?")
    assert en.found and en.answer.startswith("Yes.") and "律师" in en.answer, en.answer


@pytest.mark.parametrize("question,lead", [
    ("Did the town hold at least four law-enforcement training sessions in 2024?", "Yes: 4 times"),
    ("小河镇2024年是否开展了不少于5次执法培训？", "否：4次"),
    ("Was the mediation success rate above 99%?", "No: over 97%"),
    ("调解成功率超过95%了吗？", "是：97%以上"),
])
def test_a_figure_stated_in_the_question_is_checked_against_the_reports(service, question, lead):
    a = service.ask(question)
    assert a.found and a.answer.startswith(lead), a.answer
    assert a.citations[0].quote and a.citations[0].quote in a.answer


def test_whether_a_pledge_was_kept_is_answered_from_the_later_report_not_the_pledge(tmp_path, encoder):
    from conftest import service_of

    svc = service_of(tmp_path, {
        "qingshi-2030.txt": "青石镇2030年法治政府建设工作总结\n\n一、2030年主要工作\n\n全年调解矛盾纠纷80件。\n\n"
                            "二、2031年工作打算\n\n2031年要在镇、村两级调委会配备专职人民调解员，建立调解员定期培训制度。\n",
        "qingshi-2031.txt": "青石镇2031年法治政府建设工作总结\n\n一、2031年主要工作\n\n"
                            "镇、村两级调委会配备了专职人民调解员，全年调解矛盾纠纷95件。\n\n二、2032年工作打算\n\n要推进智慧调解。\n"},
        encoder)
    a = svc.ask("青石镇2030年说要给调委会配专职调解员，到2031年落实了没有？")
    assert a.found and a.citations[0].doc == "qingshi-2031", (a.answer, a.citations[0].doc)


def test_a_yes_no_answer_quotes_the_clause_about_the_thing_asked(tmp_path, encoder):
    from conftest import service_of

    svc = service_of(tmp_path, {"2035年某省政府工作报告.txt":
        "2035年某省政府工作报告\n各位代表：\n\n一、2034年工作回顾\n\n过去一年，全省农业农村优先发展，连续15年开展全国农业"
        "科技示范。粮食生产喜获丰收，粮食总产量连续15年居全国首位。\n\n二、2035年工作安排\n\n今年要稳粮增收。\n"}, encoder)
    a = svc.ask("某省粮食总产量是不是已经连续15年全国第一？")
    assert a.found and a.answer.startswith("是") and "首位" in a.answer, a.answer
