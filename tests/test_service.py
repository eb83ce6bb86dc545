"""Answers, citations and declining, through QAService as every interface uses it."""
import pytest

from reportqa.errors import QuestionError


def _check(answer, must_contain, quote_fragment):
    assert answer.found, answer.answer
    for s in must_contain:
        assert s in answer.answer
    assert len("".join(answer.answer.split())) <= 150
    assert answer.answer.rstrip().endswith("]")
    first = answer.citations[0]
    assert quote_fragment in first.text
    assert first.quote and first.quote in first.text


def test_quantity_in_chinese_leads_with_the_number(service):
    a = service.ask("2024年化解了多少矛盾纠纷？")
    _check(a, ["230件"], "230件")
    assert a.answer.startswith("230件")
    c = a.citations[0]
    assert c.section_path[-1] == "一是加强人民调解工作" and c.section.startswith("二、")
    assert c.link == f"/report/{c.doc}#{c.start}-{c.end}"
    doc = service.index.documents[c.doc]
    assert doc.text[c.quote_start:c.quote_end] == c.quote


def test_quantity_in_english_gets_an_english_lead(service):
    a = service.ask("How many disputes were mediated in 2024?")
    _check(a, ["According to the report", "230"], "230件")
    assert a.lang == "en"


def test_rate_questions_get_the_percentage_and_count_questions_do_not(service):
    assert "97%" in service.ask("矛盾纠纷调解成功率是多少？").answer
    assert "97%" not in service.ask("How many disputes were mediated in 2024?").answer.split("“")[0]


def test_two_quantities_asked_two_given(service):
    a = service.ask("整改中组织了几次集中培训，培训了多少干部？")
    _check(a, ["6次", "260人次"], "260人次")


def test_who_question_quotes_the_clause_naming_the_role(service):
    a = service.ask("法治政府建设工作领导小组的组长是谁？")
    _check(a, ["镇党委书记"], "镇党委书记为组长")
    assert "副组长" not in a.answer  # the clause about the head, not the whole sentence
    assert "镇长为副组长" in service.ask("镇副组长由谁担任？").answer
    assert "专业律师" in service.ask("镇里聘请了谁担任法律顾问？").answer


def test_list_question_naming_a_section_lists_its_points(service):
    a = service.ask("法治政府建设存在哪些不足？")
    _check(a, ["行政执法能力弱", "法制机构与人员配备不足", "监督机制不完善"], "一是行政执法能力弱")
    assert a.answer.startswith("共3点")


def test_when_question_is_answered_from_the_header_metadata(service):
    a = service.ask("这份报告是哪天落款的？")
    _check(a, ["2025年1月10日"], "2025年1月10日")
    assert service.ask("Who published this report and when?").citations[0].section == "文档信息"


def test_plan_question_in_english(service):
    a = service.ask("Which new media platforms will the town use for legal publicity in 2025?")
    _check(a, ["抖音"], "抖音")
    assert a.citations[0].section.startswith("四、")


@pytest.mark.parametrize("question,lang", [
    ("What was Xiaohe town's GDP in 2024?", "en"),
    ("小河镇2024年发生了多少起交通事故？", "zh"),
    ("What is the name of the town's mayor?", "en"),
    ("镇长叫什么名字？", "zh"),
])
def test_declines_what_the_report_does_not_say(service, question, lang):
    a = service.ask(question)
    assert not a.found
    assert a.answer.startswith("报告中未找到" if lang == "zh" else "The report does not say")
    assert a.citations, "the nearest passages stay as related citations"
    assert not any(c.quote for c in a.citations)


def test_follow_up_uses_the_conversation(service):
    first = "2024年化解了多少矛盾纠纷？"
    a = service.ask("那调解成功率呢？", history=[first])
    assert a.found and "97%" in a.answer
    b = service.ask("那调解成功率呢？", history=[{"role": "user", "content": first},
                                          {"role": "assistant", "content": "230件"}])
    assert "97%" in b.answer


def test_to_dict_has_the_scorers_schema(service):
    d = service.ask("全年开展了几场法治宣传活动？", id="q1").to_dict()
    assert {"id", "question", "found", "answer", "citations", "latency_ms"} <= set(d)
    assert d["id"] == "q1" and isinstance(d["latency_ms"], float)
    assert {"doc", "section", "text", "score"} <= set(d["citations"][0])


@pytest.mark.parametrize("bad", ["", "   \n", "问" * 2001, None, 42])
def test_bad_questions_raise_a_clear_error(service, bad):
    with pytest.raises(QuestionError):
        service.ask(bad)


def test_quantity_answers_come_in_the_asked_unit(service):
    a = service.ask("How many people attended law enforcement training?")
    assert a.found and "120" in a.answer and "4次" not in a.answer
    assert "7场次" in service.ask("全年开展了几场法治宣传活动？").answer


@pytest.mark.parametrize("question", ["How much money did the town spend on legal aid?",
                                      "镇政府2024年财政收入是多少元？",
                                      "小河镇有多少人口？"])
def test_a_quantity_in_another_unit_is_never_the_answer(service, question):
    assert not service.ask(question).found


def test_a_who_question_is_not_answered_with_a_date(service):
    a = service.ask("这份报告是谁发布的？")
    assert a.found and "浚县司法局" in a.answer


@pytest.mark.parametrize("question", ["镇里有几个人民调解委员会？",  # the report gives 230件 disputes, not committees
                                      "How many villages are in Xiaohe town?",
                                      "What is the population of Xiaohe town?",
                                      "What was the budget for the rule-of-law publicity?",
                                      "小河镇有几所学校？",
                                      "What was the mediation success rate in 2023?"])  # the report covers 2024
def test_a_count_of_something_else_or_another_year_is_never_the_answer(service, question):
    assert not service.ask(question).found


def test_a_question_naming_a_section_gets_its_parts(service):
    why = service.ask("存在不足的原因是什么？")
    assert why.found and why.answer.startswith("共4点") and "资源投入有限" in why.answer
    plans = service.ask("2025年有哪些初步安排？")
    assert plans.found and "加强行政执法队伍建设" in plans.answer
    assert all(c.section.startswith("四、") for c in plans.citations[:3])


def test_relative_years_count_from_the_reports_year(service):
    plans = service.ask("What are the plans for next year?")  # a 2024 report: next year is 2025
    assert plans.found and plans.citations[0].section.startswith("四、2025年")
    assert service.ask("今年化解了多少矛盾纠纷？").answer.startswith("230件")
    # People ask about a report in the year after it: "last year" of a 2024 report is 2024.
    assert service.ask("去年化解了多少矛盾纠纷？").answer.startswith("230件")
    assert "230" in service.ask("How many disputes were mediated last year?").answer


def test_suggested_questions_come_from_the_corpus_and_are_answered(service):
    suggestions = service.suggestions(5)
    assert len(suggestions) == 5
    assert any(q.endswith("多少次？") or q.endswith("多少件？") for q in suggestions)
    assert any(q.isascii() for q in suggestions) and any(not q.isascii() for q in suggestions)
    assert all(service.ask(q).found for q in suggestions)


@pytest.mark.parametrize("question", ["小河镇的环境污染治理取得了哪些成效？", "镇政府的办公地址在哪里？",
                                      "What sports events were organized?", "疫情防控工作是怎么开展的？"])
def test_declines_open_questions_about_what_the_report_never_mentions(service, question):
    assert not service.ask(question).found


@pytest.mark.parametrize("question,expected", [
    ("一共培训了多少名执法人员？", "120人次"),  # 名 asked, 人次 written: both count people
    ("信访来访接待了多少人？", "350人次"),
    ("法治宣传活动搞了几场？", "7场次"),
    ("调解成功率有多高？", "97%"),
])
def test_paraphrases_in_other_measure_words(service, question, expected):
    a = service.ask(question)
    assert a.found and expected in a.answer


def test_a_follow_up_naming_a_rate_asks_for_the_rate_after_a_list_question(service):
    a = service.ask("那调解成功率呢？", history=["法治政府建设存在哪些不足？"])
    assert a.found and a.answer.startswith("97%以上："), a.answer
