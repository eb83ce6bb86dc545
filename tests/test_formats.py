"""Reports in every format answer like text ones: .docx, .pdf and a portal .html page in one knowledge base."""
import json

import pytest

from reportqa.config import Settings
from reportqa.corpus import load_document

from test_ingest import make_docx, make_pdf, portal_page

PLACES = {"word": "甲镇", "scan": "乙镇", "page": "丙镇"}


@pytest.fixture(scope="module")
def formats_service(tmp_path_factory, encoder):
    """The same small report as .docx, .pdf and .html, each declared (by sidecar) about another town."""
    from reportqa.service import QAService

    corpus = tmp_path_factory.mktemp("formats") / "corpus"
    corpus.mkdir()
    make_docx(corpus / "word.docx")
    make_pdf(corpus / "scan.pdf")
    (corpus / "page.html").write_bytes(portal_page("gb2312").encode("gb18030"))
    for doc, place in PLACES.items():
        (corpus / f"{doc}.meta.json").write_text(json.dumps({"place": place}, ensure_ascii=False), encoding="utf-8")
    return QAService(Settings.from_env(corpus_dir=corpus, index_dir=corpus.parent / "index"))


@pytest.mark.parametrize("doc", sorted(PLACES))
def test_each_format_answers_with_a_cited_passage_and_its_section(formats_service, doc):
    a = formats_service.ask(f"{PLACES[doc]}2024年化解了多少矛盾纠纷？")
    assert a.found and a.answer.startswith("230件"), a.answer
    c = a.citations[0]
    assert c.doc == doc and c.place == PLACES[doc]
    assert "依法化解社会矛盾纠纷" in c.section  # the section tree survived the format
    text = formats_service.index.documents[doc].text
    assert text[c.quote_start:c.quote_end] == c.quote  # offsets point into the extracted text


def test_format_metadata_fills_what_the_text_lacks(tmp_path):
    make_docx(tmp_path / "r.docx")
    meta = load_document(tmp_path / "r.docx").meta
    assert meta.place == "小河镇" and meta.year == 2024 and meta.issued == "2025-01-06"


def test_word_heading_styles_build_the_section_tree(tmp_path):
    make_docx(tmp_path / "r.docx")
    titles = [path for _, path in load_document(tmp_path / "r.docx").root.walk()]
    assert ("一、主要举措和成效", "(一)依法化解社会矛盾纠纷") in titles


def test_word_headings_without_numbers_still_make_sections(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("青石镇2024年工作总结")
    d.add_heading("主要成效", level=1)
    d.add_heading("矛盾纠纷化解", level=2)
    d.add_paragraph("全年调解矛盾纠纷88件，调解成功率95%。")
    d.add_heading("存在的问题", level=1)
    d.add_paragraph("执法力量不足。")
    d.save(tmp_path / "r.docx")
    doc = load_document(tmp_path / "r.docx")
    tree = [(sec.level, path) for sec, path in doc.root.walk()]
    assert (1, ("主要成效",)) in tree and (2, ("主要成效", "矛盾纠纷化解")) in tree and (1, ("存在的问题",)) in tree
