"""Document metadata: place, level, year, issue date, kind and issuer, computed once per report."""
import json
import re

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


def test_a_work_report_is_known_by_the_year_delivered_and_reviews_the_year_before():
    m = _doc("dongpo-county-2024.txt")  # "——2025年1月8日在…会议上", reviewing 2024, planning 2025
    assert (m.year, m.issued, m.kind, m.issuer) == (2025, "2025-01-08", "政府工作报告", "东坡县人民政府")
    assert (m.reviews, m.plans) == (2024, 2025)
    assert m.relative_years == {"last": 2024, "this": 2025, "next": 2026}


def test_a_years_own_report_reviews_it_and_plans_the_next():
    m = _doc("seed")  # 小河镇…关于2024年法治政府建设情况的报告, closing with 2025年…安排
    assert (m.year, m.reviews, m.plans) == (2024, 2024, 2025)
    assert m.relative_years == {"last": 2024, "this": 2024, "next": 2025}  # read the year after it


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


@pytest.mark.parametrize("title,head,place,level,short,english", [
    ("2018年国务院政府工作报告", "各位代表：", "全国", "国家", "", "China"),
    ("政府工作报告", "——2017年3月5日在第十二届全国人民代表大会第五次会议上", "全国", "国家", "", "China"),
    ("2025年宁夏政府工作报告", "各位代表：", "宁夏回族自治区", "省", "宁夏", "Ningxia region"),
    ("2025年北京市政府工作报告", "各位代表：", "北京市", "省", "北京", "Beijing"),  # a municipality is a province
    ("2025年内蒙古自治区政府工作报告", "各位代表：", "内蒙古自治区", "省", "内蒙古", "Inner Mongolia region"),
    ("2023年万载县国民经济和社会发展统计公报", "江西省宜春市万载县统计局", "万载县", "县", "万载", "Wanzai county"),
    # an autonomous prefecture goes by its name without its nationalities
    ("2024年黔东南苗族侗族自治州政府工作报告", "各位代表：", "黔东南苗族侗族自治州", "市", "黔东南", "Qiandongnan prefecture"),
    # a bulletin the province's statistics bureau issued is the province's, not a department's
    ("2031年全省国民经济和社会发展统计公报", "江西省统计局", "江西省", "省", "江西", "Jiangxi province"),
])
def test_real_places_have_their_level_short_name_and_english_name(title, head, place, level, short, english):
    from reportqa.corpus import parse_document

    m = parse_document(f"{title}\n{head}\n\n一、2024年工作回顾\n\n全年地区生产总值增长5%。\n", doc_id="x").meta
    assert (m.place, m.level, m.short) == (place, level, short)
    assert english in m.label("en")


def test_a_provinces_one_character_name_is_one_of_its_names():
    from reportqa.corpus import parse_document

    m = parse_document("2025年广东省政府工作报告\n各位代表：\n\n一、2024年工作回顾\n\n增长。\n", doc_id="gd").meta
    assert m.names() == ["广东省", "广东", "粤"]


def test_a_speech_periods_come_from_its_dateline():
    from reportqa.corpus import parse_document

    text = "政府工作报告\n——2017年3月5日在第十二届全国人民代表大会第五次会议上\n国务院总理　李克强\n各位代表：\n\n一、2016年工作回顾\n\n增长。\n"
    m = parse_document(text, doc_id="china").meta
    assert (m.year, m.reviews, m.plans, m.place) == (2017, 2016, 2017, "全国")


def test_a_speeches_preface_that_speaks_only_of_the_reviewed_year_is_a_review_of_it():
    from reportqa.periods import passage_period, section_periods

    text = ("2002年国务院政府工作报告\n各位代表：\n\n首先报告2001年的工作\n\n城镇居民人均可支配收入实际增长8.5%。\n\n"
            "2002年是非常重要的一年。今年工作的总体要求是：稳中求进。\n\n一、扩大和培育内需\n\n要扩大内需。\n")
    doc = parse_document(text, doc_id="china-2002")
    sections = section_periods(doc)
    period = lambda t: passage_period(sections.get(("前言",)), ["前言"], t, doc.meta.reviews, doc.meta.plans)
    assert (doc.meta.reviews, doc.meta.plans) == (2001, 2002)
    assert (period("首先报告2001年的工作，城镇居民人均可支配收入实际增长8.5%。").mode) == "review"
    assert period("2002年是非常重要的一年。今年工作的总体要求是：稳中求进。").mode == "plan"
    assert period("现在，我代表国务院向大会报告去年的工作，对今年的工作提出建议。").mode == ""  # says both


def test_the_years_a_section_reports_are_not_the_years_its_text_merely_names():
    from reportqa.periods import own_years

    assert own_years(2003, 2004, ["一、2003年工作回顾"], "review", False) == {2003}
    assert own_years(2003, 2004, ["二、今年工作安排"], "plan", False) == {2004}
    assert own_years(2012, 2013, ["一、过去五年工作回顾"], "review", True) == set(range(2008, 2013))
    assert own_years(None, None, ["前言"], "", False) is None


@pytest.mark.parametrize("header,subtitle,byline", [
    ("2025年1月14日在浙江省第十四届人民代表大会第三次会议上浙江省代省长刘捷作政府工作报告",
     "2025年1月14日在浙江省第十四届人民代表大会第三次会议上", "浙江省代省长刘捷"),
    ("----2025年1月15日龚正市长在上海市第十六届人民代表大会第三次会议的政府工作报告",
     "2025年1月15日在上海市第十六届人民代表大会第三次会议上", "龚正市长"),
    ("2025年1月14日在北京市第十六届人民代表大会第三次会议上北京市市长 殷勇同志作政府工作报告。",
     "2025年1月14日在北京市第十六届人民代表大会第三次会议上", "北京市市长殷勇"),
    ("——2025年1月19日在新疆维吾尔自治区第十四届人民代表大会第三次会议上\n自治区主席　艾尔肯·吐尼亚孜",
     "2025年1月19日在新疆维吾尔自治区第十四届人民代表大会第三次会议上", "自治区主席艾尔肯·吐尼亚孜"),
    ("\u200b\n政府工作报\n告\n——2017年3月5日在第十二届全国人民代表大会第五次会议上\n国务院总理\n李克强",
     "2017年3月5日在第十二届全国人民代表大会第五次会议上", "国务院总理李克强"),
])
def test_a_speeches_dateline_and_speaker_are_read_however_the_copy_writes_them(header, subtitle, byline):
    title = "2025年新疆政府工作报告" if "新疆" in header else "2017年国务院政府工作报告" if "2017" in header else \
        "2025年政府工作报告"
    doc = parse_document(f"{title}\n{header}\n各位代表：\n\n一、2024年工作回顾\n\n过去一年，增长5%。\n", doc_id="speech")
    assert (doc.metadata.get("subtitle"), doc.metadata.get("byline")) == (subtitle, byline)
    year, month, day = (int(x) for x in re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", subtitle).groups())
    assert doc.meta.issued == f"{year}-{month:02d}-{day:02d}" and doc.meta.reviews == year - 1
    assert "\u200b" not in "".join(doc.metadata.values())
    assert doc.meta.place != "自治区" and not doc.meta.issuer.endswith(("刘捷", "市长", "殷勇"))


def test_a_passage_on_the_last_year_inside_a_five_year_review_speaks_of_that_year_alone():
    from reportqa.periods import Period, passage_period

    term = Period(frozenset(range(2013, 2018)), "review", True)
    path = ["一、过去五年工作回顾"]
    last = passage_period(term, path, "刚刚过去的2017年，国内生产总值增长6.9%，城镇新增就业1351万人。", 2017, 2018)
    five = passage_period(term, path, "五年来，国内生产总值年均增长7.1%，城镇新增就业6600万人以上。", 2017, 2018)
    assert (last.span, last.years) == (False, {2017})
    assert five.span and five.years == set(range(2013, 2018))


def test_a_speeches_section_whose_heading_says_neither_is_read_by_its_own_words():
    from reportqa.periods import section_periods

    text = ("2031年某省政府工作报告\n各位代表：\n\n一、过去一年工作回顾\n\n"
            "过去一年，全省生产总值增长了5%，取得了新成绩，比上年提高了两个百分点，已经完成了年度任务。\n\n"
            "二、坚定不移扩大内需\n\n今年要扩大消费，要稳定投资，拟安排专项资金50亿元，力争社会消费品零售总额增长6%，"
            "要办好民生实事，将新建学校20所。\n\n三、持续深化改革开放\n\n要深化改革。今年将推进国企改革，要扩大开放，力争外贸稳定。\n")
    doc = parse_document(text, doc_id="somewhere-2031")
    sections = section_periods(doc)
    assert sections[("一、过去一年工作回顾",)].mode == "review"
    assert sections[("二、坚定不移扩大内需",)].mode == "plan"
    assert sections[("三、持续深化改革开放",)].mode == "plan"


def test_full_width_years_are_years_and_a_plan_passage_saying_last_year_speaks_of_it():
    from reportqa.periods import Period, passage_period, sentence_period

    plans = Period(frozenset({2031}), "plan")
    opening = passage_period(plans, ["三、2031年的工作"], "过去一年，我们的工作取得了成绩。全省生产总值增长7.2%。", 2030, 2031, 2031)
    assert opening.years == {2030, 2031}
    from reportqa.corpus import normalise

    wide = passage_period(Period(frozenset()), ["前言"], normalise("２０３０年全省生产总值增长７．２％。"), 2030, 2031, 2031)
    assert 2030 in wide.years and wide.mode == "review"
    assert sentence_period("过去一年，全省生产总值增长7.2%", 2030, 2031, "plan", 2031) == ({2030}, "review")
    assert sentence_period("今年拟安排专项债券500亿元，比去年增加100亿元", 2030, 2031, "plan", 2031) is None  # the plan's own
    assert sentence_period("今年共调解纠纷30件", 2030, 2031, "review", 2030) is None  # a town's 今年 is its own year


def test_an_unnumbered_heading_announcing_a_review_or_the_plans_opens_a_section():
    from reportqa.periods import section_periods

    text = ("2031年某省政府工作报告\n2031年1月20日在某省第十五届人民代表大会第一次会议上\n各位代表：\n"
            "2030年工作回顾\n过去一年，全省经济运行稳中向好。\n——经济总量达到6000亿元，增长5.5%。\n"
            "2031年工作安排\n今年要扎实推进高质量发展，力争生产总值增长5%左右。\n")
    doc = parse_document(text, doc_id="somewhere-2031")
    titles = [s.title for s in doc.root.children]
    assert "2030年工作回顾" in titles and "2031年工作安排" in titles
    sections = section_periods(doc)
    assert sections[("2030年工作回顾",)].mode == "review" and sections[("2031年工作安排",)].mode == "plan"


def test_a_speech_without_a_dateline_takes_its_occasion_from_its_opening():
    text = ("2031年国务院政府工作报告\n各位代表：\n现在，我代表国务院，向第二十届全国人民代表大会第一次会议报告过去五年的工作。\n"
            "一、过去五年工作回顾\n\n五年来，国内生产总值年均增长5%。\n")
    m = parse_document(text, doc_id="china-2031").metadata
    assert m["subtitle"] == "在第二十届全国人民代表大会第一次会议上"


@pytest.mark.parametrize("name,text,place,short", [
    # a dateline split over two lines, the title saying only 政府工作报告: the place of the congress
    ("a.txt", "政府工作报告\n——2023年1月12日在广东省第十四届\n人民代表大会第一次会议上\n广东省省长 王伟中\n各位代表：\n",
     "广东省", "广东"),
    # the speaker's office after the government's name is not a place ("人民政府省")
    ("b.txt", "政府工作报告\n——2023年1月11日在河北省第十四届人民代表大会第一次会议上\n河北省人民政府省长 王正谱\n各位代表：\n",
     "河北省", "河北"),
    # an acting governor's office is no place either ("代省")
    ("e.txt", "政府工作报告\n——2022年1月20日在广东省第十三届\n人民代表大会第五次会议上\n广东省代省长 王伟中\n各位代表：\n",
     "广东省", "广东"),
    # a division's whole name, not the first suffix it contains (滁州市, not 滁州 read as a 州)
    ("c.txt", "滁州市2024年国民经济和社会发展统计公报\n滁州市统计局\n", "滁州市", "滁州"),
    # a title naming no place the table knows: the file's name says it
    ("2021年济源市国民经济和社会发展统计公报.txt", "2021年济源国民经济和社会发展统计公报\n发布机构：发展改革和统计局\n",
     "济源市", "济源"),
    # a zone goes by its city's name too
    ("d.txt", "2019年济源示范区国民经济和社会发展统计公报\n济源产城融合示范区发展改革和统计局\n", "济源示范区", "济源"),
])
def test_a_reports_place_is_read_from_its_dateline_byline_or_file_name_however_the_copy_writes_them(
        tmp_path, name, text, place, short):
    path = tmp_path / name
    path.write_text(text + "\n一、2024年工作回顾\n\n全年地区生产总值增长5%。\n", encoding="utf-8")
    m = load_document(path).meta
    assert (m.place, m.short) == (place, short)
    assert short in m.names()


def test_a_dateline_led_by_horizontal_bars_is_the_occasion_and_the_next_line_the_speaker():
    doc = parse_document("2022年保定市政府工作报告\n――2022年1月23日在保定市第十六届人民代表大会第二次会议上\n"
                         "保定市人民政府市长 闫继红\n各位代表：\n\n一、2021年工作回顾\n\n增长5%。\n", doc_id="bd")
    assert doc.metadata["subtitle"] == "2022年1月23日在保定市第十六届人民代表大会第二次会议上"
    assert doc.metadata["byline"] == "保定市人民政府市长闫继红"


def test_a_heading_that_reviews_one_year_and_plans_the_next_is_read_by_its_words_not_as_plans():
    from reportqa.periods import section_periods

    text = ("2031年某省政府工作报告\n各位代表：\n\n一、2030年工作回顾和2031年工作的总体要求\n\n"
            "过去一年，全省生产总值增长了5%，取得了新成绩，比上年提高了两个百分点，已经完成了年度任务，"
            "粮食产量达到了600亿斤，城镇新增就业完成了50万人。\n\n二、坚定不移扩大内需\n\n"
            "今年要扩大消费，要稳定投资，拟安排专项资金50亿元，力争社会消费品零售总额增长6%，将新建学校20所。\n")
    doc = parse_document(text, doc_id="somewhere-2031")
    assert doc.meta.plans == 2031  # the heading still announces plans
    assert section_periods(doc)[("一、2030年工作回顾和2031年工作的总体要求",)].mode == "review"


def test_a_speeches_section_whose_words_lean_to_plans_is_plans_though_it_reviews_as_it_goes():
    from reportqa.periods import section_periods

    text = ("2031年某省政府工作报告\n各位代表：\n\n一、2030年工作回顾\n\n过去一年，全省生产总值增长了5%，取得了新成绩，"
            "比上年提高了两个百分点，已经完成了年度任务。\n\n二、牢记使命，奋勇争先\n\n"
            "我们已经取得成绩，积累了经验。今年要扩大消费，要稳定投资，拟安排专项资金50亿元，"
            "力争社会消费品零售总额增长6%，将新建学校20所。\n")
    doc = parse_document(text, doc_id="somewhere-2031")
    assert section_periods(doc)[("二、牢记使命,奋勇争先",)].mode == "plan"  # (titles are normalised)


@pytest.mark.parametrize("title,mode,span", [
    ("二、“十三五”时期发展成就", "review", set(range(2016, 2021))),  # achievements of a plan's term: its review
    ("一、2019年和今年以来工作回顾", "review", None),  # "since the start of this year" is no term of years
    ("一、五年来工作回顾", "review", set(range(2015, 2020))),
])
def test_what_a_heading_reviews_and_over_how_many_years(title, mode, span):
    from reportqa.periods import heading_mode, heading_span

    assert heading_mode(title, 2019) == mode
    got = heading_span(title, 2019, 2020, mode)
    assert (set(got) if got is not None else None) == span


@pytest.mark.parametrize("name,head,place,kind", [
    # a portal's tag before the title; the occasion said in a line that is no dateline of its own
    ("a.txt", "(湖南省)2031年桂阳县人民政府工作报告(全文)\n公文 政 府 工 作 报 告 2031年11月25日在桂阳县第十七届人民代表大会第一次会议上\n",
     "桂阳县", "政府工作报告"),
    ("b.txt", "•【来凤县招商】2031年来凤县人民政府工作报告\n", "来凤县", "政府工作报告"),
    # a division whose name is longer than eight characters
    ("c.txt", "巍山彝族回族自治县2031年国民经济和社会发展统计公报\n", "巍山彝族回族自治县", "统计公报"),
    # the page's navigation first: the title is the line naming a kind of report
    ("d.txt", "加入收藏|会员中心\n您的位置:首页>统计公报\n四川省2031年国民经济和社会发展统计公报\n四川省统计局\n", "四川省", "统计公报"),
    # no title at all, a dateline broken in two first: the place from the dateline, the kind from the file's name
    ("2031年果洛藏族自治州政府工作报告.txt",
     "——2031年3月26日在果洛藏族自治州第十四届\n人民代表大会第四次会议上\n果洛藏族自治州人民政府州长 白加\n各位代表：\n",
     "果洛藏族自治州", "政府工作报告"),
])
def test_a_web_copys_title_place_and_kind_are_read_past_its_page_chrome(tmp_path, name, head, place, kind):
    path = tmp_path / name
    path.write_text(head + "\n一、2030年工作回顾\n\n过去一年，地区生产总值增长5%。\n", encoding="utf-8")
    m = load_document(path).meta
    assert (m.place, m.kind) == (place, kind)
