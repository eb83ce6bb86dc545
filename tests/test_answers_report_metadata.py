"""Who issued the report and when comes from its header and signature; the name of a document the
report mentions is quoted from its 《》."""
import pytest

from reportqa.config import Settings
from reportqa.service import QAService

from conftest import REPO

QINGHE = REPO / "tests" / "data" / "qinghe-county-2023-report.txt"


@pytest.fixture(scope="module")
def county(tmp_path_factory, encoder):
    corpus = tmp_path_factory.mktemp("qinghe")
    (corpus / "qinghe.txt").write_bytes(QINGHE.read_bytes())
    return QAService(Settings.from_env(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("qinghe-index"),
                                       feedback_path=tmp_path_factory.mktemp("fb") / "feedback.jsonl"))


def test_who_published_and_when_gives_both_from_the_metadata(service):
    a = service.ask("Who published this report and on what date?")
    assert a.found and "浚县司法局" in a.answer and "28 March 2025" in a.answer, a.answer
    assert a.citations[0].section == "文档信息" and a.citations[0].quote in a.citations[0].text


def test_when_and_by_whom_asked_the_other_way_round(county):
    a = county.ask("When was the report released, and by which office?")
    assert a.found and "清河县司法局" in a.answer and "20 February 2024" in a.answer, a.answer


def test_who_signed_it_and_when_comes_from_the_signature(service):
    a = service.ask("Who signed the report and on what date?")
    assert a.found and "浚县小河镇人民政府" in a.answer and "10 January 2025" in a.answer, a.answer
    zh = service.ask("这份报告由哪个单位发布，发布时间是什么时候？")
    assert zh.found and "浚县司法局" in zh.answer and "2025年03月28日" in zh.answer, zh.answer


def test_a_header_field_the_report_lacks_is_declined(service):
    assert not service.ask("What is the document number of this report?").found


@pytest.mark.parametrize("question,title", [
    ("小河镇制定了什么工作计划？", "《小河镇2024 年法治政府建设工作计划》"),
    ("What is the name of the work plan the town drew up?", "《小河镇2024 年法治政府建设工作计划》"),
])
def test_the_name_of_a_document_is_quoted_from_its_title_marks(service, question, title):
    a = service.ask(question)
    assert a.found and title in a.answer.split("“")[0], a.answer


def test_the_kind_of_document_asked_decides_which_title(county):
    a = county.ask("清河县制定了什么规定？")
    assert a.found and a.answer.startswith("《清河县重大行政决策程序规定》"), a.answer


@pytest.mark.parametrize("question", ["小河镇印发了什么应急预案？", "What is the name of the town's flood emergency plan?"])
def test_a_document_the_report_does_not_name_is_declined(service, question):
    assert not service.ask(question).found
