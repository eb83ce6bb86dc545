"""Document metadata: place, level, year, issue date, kind and issuer, computed once per report."""
import json

import pytest

from reportqa.corpus import load_document, parse_document
from reportqa.errors import CorpusError

from conftest import MULTI, SHARED


def _doc(name):
    path = MULTI / name if name != "seed" else SHARED / "seeds" / "000_c02059fcca3304c1.txt"
    if not path.exists():
        pytest.skip("../shared is not beside the repo")
    return load_document(path).meta


def test_place_level_and_year_come_from_the_title():
    m = _doc("baisha-street-2024.txt")
    assert (m.place, m.short, m.level, m.year, m.issued) == ("白沙街道", "白沙", "街道", 2024, "2025-01-06")


def test_a_departments_report_is_about_its_county():
    m = _doc("judicial-bureau-2024.txt")
    assert (m.place, m.level, m.issuer, m.kind) == ("东坡县", "部门", "东坡县司法局", "工作总结")


def test_a_work_report_without_a_year_covers_the_year_before_its_delivery():
    m = _doc("dongpo-county-2024.txt")  # "——2025年1月8日在…会议上", reviewing 2024
    assert (m.year, m.issued, m.kind, m.issuer) == (2024, "2025-01-08", "政府工作报告", "东坡县人民政府")


def test_the_signature_names_the_higher_place():
    m = _doc("seed")
    assert m.place == "小河镇" and m.parents == ("浚县",) and m.year == 2024


def test_legacy_encodings_give_the_same_metadata():
    assert _doc("songlin-2023.txt").place == "松林乡"  # GB18030
    assert _doc("dongpo-county-2024.txt").place == "东坡县"  # GBK with CRLF


def test_generic_words_are_not_places():
    doc = parse_document("全县2024年工作总结\n\n一、工作\n\n全年完成任务12项。\n", doc_id="x")
    assert doc.meta.place == "" and doc.meta.year == 2024


def test_sidecar_overrides_what_was_read(tmp_path):
    (tmp_path / "r.txt").write_text("某某报告\n\n一、工作\n\n2022年完成任务12项。\n", encoding="utf-8")
    (tmp_path / "r.meta.json").write_text(json.dumps({"place": "青石镇", "year": 2023}), encoding="utf-8")
    m = load_document(tmp_path / "r.txt").meta
    assert (m.place, m.short, m.year) == ("青石镇", "青石", 2023)


def test_a_bad_sidecar_is_a_clear_error(tmp_path):
    (tmp_path / "r.txt").write_text("某某报告\n\n正文。\n", encoding="utf-8")
    (tmp_path / "r.meta.json").write_text('{"town": "x"}', encoding="utf-8")
    with pytest.raises(CorpusError, match="unknown field.*town"):
        load_document(tmp_path / "r.txt")
    (tmp_path / "r.meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="r.meta.json"):
        load_document(tmp_path / "r.txt")
