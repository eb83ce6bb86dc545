"""Chunks follow sections, keep their heading path and offsets."""
from reportqa.chunking import chunk_document, split_sentences
from reportqa.corpus import load_document, parse_document

from conftest import SEED


def test_chunks_follow_sections_and_slice_the_original_text():
    doc = load_document(SEED)
    chunks = chunk_document(doc, chunk_size=360)
    assert chunks[0].kind == "metadata" and "浚县司法局" in chunks[0].text and "2025年1月10日" in chunks[0].text
    for c in chunks[1:]:
        assert c.text == doc.text[c.start:c.end]
        assert c.doc_id == doc.doc_id and c.title == doc.title and not c.metadata  # the header is the first chunk's
    target = next(c for c in chunks if "矛盾纠纷230件" in c.text)
    assert target.section_path[-1] == "一是加强人民调解工作"
    assert target.section_path[-2].startswith("(七)")
    assert target.text.startswith("一是加强人民调解工作")


def test_a_heading_with_body_keeps_the_heading_in_its_text():
    doc = load_document(SEED)
    chunk = next(c for c in chunk_document(doc, 360) if "加强行政执法队伍建设,提高行政执法水平" in c.text)
    assert chunk.section_path[0].startswith("四、")


def test_long_section_is_split_at_sentence_ends_and_keeps_its_path():
    body = "。".join(f"第{i}项工作取得了进展并完成了年度目标任务" for i in range(40)) + "。"
    doc = parse_document(f"某镇报告\n\n县政府:\n\n一、工作情况\n\n{body}\n", doc_id="long")
    chunks = chunk_document(doc, chunk_size=120)[1:]
    assert len(chunks) > 3
    for c in chunks:
        assert len(c.text) <= 120
        assert c.text.endswith("。")
        assert c.section_path == ["一、工作情况"]
        assert c.text == doc.text[c.start:c.end]


def test_sentences_carry_offsets():
    doc = load_document(SEED)
    chunk = next(c for c in chunk_document(doc, 360) if "矛盾纠纷230件" in c.text)
    sentences = split_sentences(chunk)
    hit = next(s for s in sentences if "230件" in s.text)
    assert doc.text[hit.start:hit.end] == hit.text
    assert hit.text.startswith("全年累计排查化解")
