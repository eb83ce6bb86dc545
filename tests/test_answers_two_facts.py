"""Two facts asked at once are both answered, each with its quote, or the part the report does not
give is named; a question asking two things the report does not give is declined."""
import re


def _marks(answer: str) -> list[str]:
    return re.findall(r"\[(\d)\]", answer)


def test_two_counts_in_one_sentence_are_quoted_together(service):
    a = service.ask("全年接待群众来信来访多少人次，办理信访案件多少件？")
    assert a.found and a.answer.startswith("350人次、320件："), a.answer
    assert a.citations[0].quote and "350人次" in a.citations[0].quote and "320件" in a.citations[0].quote


def test_two_facts_from_two_passages_get_two_quotes(service):
    a = service.ask("全年开展了几场法治宣传活动，群众满意度是多少？")
    assert a.found and "7场次" in a.answer and "98%以上" in a.answer, a.answer
    assert _marks(a.answer) == ["1", "2"]
    assert "7场次" in a.citations[0].quote and "98%" in a.citations[1].quote


def test_two_facts_in_english_each_lead_with_their_figure(service):
    a = service.ask("How many publicity events were held, and how many copies of materials were handed out?")
    assert a.found and "7" in a.answer and "20,000" in a.answer and "2万余份" in a.answer, a.answer


def test_a_count_and_a_rate_asked_together(service):
    a = service.ask("How many disputes were mediated in 2024, and what was the success rate?")
    assert a.found and "230" in a.answer and "97%" in a.answer, a.answer


def test_the_part_the_report_does_not_give_is_named(service):
    a = service.ask("全年化解了多少矛盾纠纷，涉及金额多少？")
    assert a.found and a.answer.startswith("230件"), a.answer
    assert "报告未提及" in a.answer and "金额" in a.answer
    b = service.ask("How many disputes were mediated, and how much money was involved?")
    assert b.found and "230" in b.answer and "the report does not give" in b.answer, b.answer


def test_two_facts_the_report_does_not_give_are_declined(service):
    assert not service.ask("小河镇2024年GDP和常住人口分别是多少？").found
    assert not service.ask("How many traffic accidents and how many fires were there?").found


def test_the_answer_stays_short(service):
    a = service.ask("全年开展了几场法治宣传活动，群众满意度是多少？")
    assert len("".join(a.answer.split())) <= 150
