"""Hybrid retrieval over the real index, in both languages."""
import pytest

from reportqa.lexical import language, translate

from conftest import service_of


@pytest.mark.parametrize("question,expected", [
    ("2024年化解了多少矛盾纠纷？", "矛盾纠纷230件"),
    ("How many disputes were mediated in 2024?", "矛盾纠纷230件"),
    ("群众对政务服务的满意度是多少？", "满意度达到98%"),
    ("Who does the town hire as its government legal advisers?", "聘请了专业律师"),
])
def test_the_passage_with_the_answer_ranks_first(service, question, expected):
    query = service.retriever.analyse(question)
    hits, _ = service.retriever.search(query, 3)
    assert expected in service.index.chunks[hits[0].chunk_id].text


def test_question_language():
    assert language("2024年化解了多少矛盾纠纷？") == "zh"
    assert language("How many disputes in 2024?") == "en"
    assert language("GDP是多少") == "zh"


def test_english_words_map_to_corpus_words(service):
    terms = translate(["disputes", "mediated"], service.index.translations)
    assert "纠纷" in terms["disputes"] and "调解" in terms["mediated"]


def test_lexical_evidence_counts_for_english_questions(service):
    query = service.retriever.analyse("How many petition cases did the town handle?")
    hits, _ = service.retriever.search(query, 5)
    assert hits[0].lexical > 0


def test_chinese_words_inside_an_english_question_are_terms_of_their_own(service):
    query = service.retriever.analyse("What does the term '调委会' refer to?", "en")
    assert query.terms.get("调委会") == ["调委会"]


def test_an_english_terms_senses_include_the_passages_own_words_the_encoder_puts_near_it(tmp_path, encoder):
    from reportqa.qa.candidates import LOCAL_SENSE, Evidence
    from reportqa.qa.question import question_type

    svc = service_of(tmp_path, {"2031年内蒙古自治区政府工作报告.txt":
                                "2031年内蒙古自治区政府工作报告\n各位代表：\n\n一、2030年工作回顾\n\n过去一年，巴丹吉林沙漠—"
                                "沙山湖泊群成功申遗，治理荒漠化土地500万亩，库布其沙漠光伏基地建成。\n"}, encoder)
    q = "Which desert was inscribed on the World Heritage list?"
    scoped = svc.scoper.scope(q, "en")
    query, read, hits = svc.search(q, "en", question_type(q, "en"), None, scoped)
    evidence = Evidence(svc.index, query, read, set(), "")
    before = {name: set(s) for name, (s, _) in zip(evidence.term_names, evidence.terms)}
    evidence.local_senses([svc.index.chunks[h.chunk_id].text for h in hits])
    added = {name: {w: v for w, v in s.items() if w not in before[name]}
             for name, (s, _) in zip(evidence.term_names, evidence.terms)}
    assert any(added.values()), before
    assert all(v >= LOCAL_SENSE and any(w in svc.index.chunks[h.chunk_id].text for h in hits)
               for words in added.values() for w, v in words.items())
