"""Nothing is keyed to the seed report: a different report, in GBK with full-width punctuation,
goes through the same parser, index and answers."""
import pytest

from reportqa.config import Settings
from reportqa.corpus import load_document
from reportqa.service import QAService

from conftest import REPO

REPORT = REPO / "tests" / "data" / "qinghe-county-2023-report.txt"


@pytest.fixture(scope="module")
def county(tmp_path_factory, encoder):
    corpus = tmp_path_factory.mktemp("county")
    (corpus / "qinghe.txt").write_bytes(REPORT.read_text(encoding="utf-8").encode("gbk"))
    return QAService(Settings.from_env(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("county-index")))


def test_structure_and_metadata_of_another_report(county):
    doc = next(iter(county.index.documents.values()))
    assert doc.metadata["published"] == "2024-02-20" and doc.metadata["source"] == "清河县司法局"
    assert doc.metadata["addressee"] == "市人民政府" and doc.metadata["signed"] == "2024年1月15日"
    tree = [(s.level, s.title) for s, _ in doc.root.walk()]
    assert (4, "1.加强行政规范性文件管理") in tree
    assert (6, "二是基层执法力量相对薄弱") in tree
    assert "字号" not in str(doc.metadata)  # page furniture is dropped


def test_a_heading_with_no_body_is_still_a_passage(county):
    a = county.ask("2024年计划培训多少执法人员？")
    assert a.found and a.answer.startswith("500人次")


@pytest.mark.parametrize("question,expected", [
    ("2023年审查了多少件规范性文件？", "15件："),
    ("行政执法案卷评查的优秀率是多少？", "85%"),
    ("人大代表建议办理了多少件？", "56件："),  # not the 48 proposals in the same clause
    ("How many proposals from CPPCC members were handled?", "48 proposals from CPPCC members"),
    ("存在哪些问题？", "共3点"),
    ("村法律顾问什么时候实现全覆盖？", "年底前"),
    ("When was the report published?", "20 February 2024"),
])
def test_answers_on_another_report(county, question, expected):
    a = county.ask(question)
    assert a.found and expected in a.answer, a.answer


@pytest.mark.parametrize("question", ["清河县2023年GDP是多少？", "县长是谁？"])
def test_declines_on_another_report(county, question):
    assert not county.ask(question).found


def test_gbk_file_round_trips_offsets(county):
    doc = next(iter(county.index.documents.values()))
    for c in county.index.chunks[1:]:
        assert doc.text[c.start:c.end] == c.text


def test_seed_parser_reads_the_utf8_copy_too():
    assert load_document(REPORT).title.startswith("清河县人民政府")


def test_two_reports_in_one_corpus_answer_from_the_right_one(tmp_path, encoder):
    from conftest import SEED

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SEED.name).write_bytes(SEED.read_bytes())
    (corpus / "qinghe.txt").write_bytes(REPORT.read_bytes())
    svc = QAService(Settings.from_env(corpus_dir=corpus, index_dir=tmp_path / "index"))
    assert len(svc.index.documents) == 2
    qinghe = svc.ask("清河县存在哪些问题？")
    assert qinghe.found and "基层执法力量相对薄弱" in qinghe.answer and qinghe.citations[0].doc == "qinghe"
    xiaohe = svc.ask("小河镇法治政府建设存在哪些不足？")
    assert "行政执法能力弱" in xiaohe.answer and xiaohe.citations[0].doc == SEED.stem
