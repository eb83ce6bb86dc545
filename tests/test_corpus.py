"""Reading reports and finding their structure."""
import pytest

from reportqa.corpus import load_corpus, load_document, parse_document
from reportqa.errors import CorpusError

from conftest import CORPUS, SEED

SMALL_REPORT = """某县人民政府关于2023年工作情况的报告

发布时间：2024年02月01日 来源：某县政府办

市政府：

现将有关情况报告如下。

一、主要工作

（一）加强队伍建设

1.开展培训。全年培训干部50人次。

2.完善制度。制定制度3项。

（二）优化服务

一是推进网上办理。网办率达到90%。二是压缩时限。办理时限压缩一半。

二、下一步打算

继续加强队伍建设。

某县人民政府

2024年1月5日
"""


def test_seed_metadata_header_and_signature():
    doc = load_document(SEED)
    assert doc.title == "小河镇人民政府关于2024年法治政府建设情况的报告"
    assert doc.metadata["published"].startswith("2025年03月28日")
    assert doc.metadata["source"] == "浚县司法局"
    assert doc.metadata["addressee"] == "县委、县政府"
    assert doc.metadata["issuer"] == "浚县小河镇人民政府"
    assert doc.metadata["signed"] == "2025年1月10日"


def test_seed_section_tree_places_the_230_disputes_sentence():
    doc = load_document(SEED)
    at = doc.text.index("全年累计排查化解各类矛盾纠纷230件")
    path = [sec.title for sec, _ in doc.root.walk() if sec.start <= at < sec.end]
    assert path[0].startswith("二、")
    assert path[1].startswith("(七)")
    assert path[2] == "一是加强人民调解工作"
    tops = [s.title[:2] for s in doc.sections]
    assert tops == ["前言", "一、", "二、", "三、", "四、", "结语"]


def test_points_split_inside_one_paragraph_and_across_paragraphs():
    doc = load_document(SEED)
    first = doc.sections[1]  # 一、…: 一是…六是 in one paragraph, 七是 in the next
    assert [c.title[:2] for c in first.children] == ["一是", "二是", "三是", "四是", "五是", "六是", "七是"]


def test_offsets_point_into_the_original_text():
    doc = load_document(SEED)
    for sec, _ in doc.root.walk():
        assert doc.text[sec.start:sec.end].strip() == doc.text[sec.start:sec.end]
        assert doc.text[sec.start:sec.start + 2] == sec.title[:2] or sec.title in ("前言", "结语")


def test_generic_report_with_fullwidth_brackets_and_numbered_points():
    doc = parse_document(SMALL_REPORT, doc_id="small")
    assert doc.metadata["source"] == "某县政府办"
    assert doc.metadata["addressee"] == "市政府"
    assert doc.metadata["signed"] == "2024年1月5日"
    tree = [(sec.level, sec.title) for sec, _ in doc.root.walk()]
    assert (2, "一、主要工作") in tree
    assert (3, "(一)加强队伍建设") in tree
    assert (4, "1.开展培训") in tree
    assert (6, "二是压缩时限") in tree
    assert (2, "二、下一步打算") in tree


def test_gbk_and_gb18030_files_are_decoded(tmp_path):
    for encoding in ("gbk", "gb18030"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(SMALL_REPORT.encode(encoding))
        assert load_document(path).metadata["addressee"] == "市政府"


def test_undecodable_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(bytes(range(128, 256)) * 20)
    with pytest.raises(CorpusError, match="broken.txt"):
        load_document(path)


def test_binary_and_empty_files_are_refused(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    with pytest.raises(CorpusError, match="empty"):
        load_document(tmp_path / "empty.txt")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x90" * 20)
    with pytest.raises(CorpusError, match="bin.txt"):
        load_document(tmp_path / "bin.txt")


def test_empty_or_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="holds no"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_seed_corpus_loads():
    assert [d.doc_id for d in load_corpus(CORPUS)] == [SEED.stem]


def test_a_point_after_leading_blanks_is_still_a_point():
    doc = load_document(SEED)
    first_sub = doc.sections[2].children[0]  # (一)强化组织领导…: its 一是 paragraph opens with a no-break space
    assert [c.title for c in first_sub.children] == ["一是完善领导体制", "二是制定工作计划"]


def test_parts_numbered_di_yi_bu_fen_hold_the_sections_below_them():
    text = "某局2024年工作总结\n\n第一部分 2024年工作开展情况\n\n一、统筹推进\n\n全年开会2次。\n\n第二部分 2025年工作思路\n\n一、提升质效\n\n力争成功率98%以上。\n"
    doc = parse_document(text, doc_id="parts")
    paths = [path for _, path in doc.root.walk()]
    assert ("第一部分2024年工作开展情况", "一、统筹推进") in paths
    assert ("第二部分2025年工作思路", "一、提升质效") in paths
