"""Many reports in one knowledge base: questions are answered from the place and year they name."""
import re

import pytest

from reportqa.qa.scope import Scope

from conftest import service_of


def test_question_naming_a_place_is_answered_from_that_place_only(multi_service):
    # Every report of the set counts disputes; only 松林乡's 2024 figure answers this.
    a = multi_service.ask("松林乡2024年一共排查化解了多少起矛盾纠纷？")
    assert a.found and "157" in a.answer
    assert a.citations and {c.place for c in a.citations} == {"松林乡"}


def test_short_form_and_pinyin_name_the_same_place(multi_service):
    zh = multi_service.ask("松林2023年接待群众来访多少人次？")
    en = multi_service.ask("How many visits did Songlin receive in 2023?")
    for a in (zh, en):
        assert a.citations[0].doc == "songlin-2023", a


def test_place_no_report_is_about_is_declined_and_cites_nothing(multi_service):
    zh = multi_service.ask("青石镇2024年化解了多少矛盾纠纷？")
    en = multi_service.ask("What was the mediation success rate of Hongshan county in 2024?")
    assert not zh.found and "青石镇" in zh.answer and zh.citations == []
    assert not en.found and "Hongshan" in en.answer and en.citations == []


@pytest.mark.parametrize("question", ["What was Kunming's GDP in 2024?", "How many disputes did Lhasa mediate in 2024?",
                                      "What was Xi'an's budget revenue in 2024?"])
def test_a_city_named_in_english_that_no_report_is_about_is_declined(multi_service, question):
    a = multi_service.ask(question)
    assert not a.found and a.citations == [], a.answer
    assert a.answer.startswith("No report from ") and re.search(r"Kunming|Lhasa|Xi'?an", a.answer), a.answer


def test_figure_only_another_place_reports_is_declined(multi_service):
    # 白沙街道 reports demolished illegal buildings; 松林乡 does not.
    a = multi_service.ask("松林乡2024年拆除了多少平方米违法建设？")
    assert not a.found
    assert all(c.place == "松林乡" for c in a.citations)


def test_year_no_report_covers_is_declined(multi_service):
    a = multi_service.ask("白沙街道2021年调解了多少件纠纷？")
    assert not a.found and "2021" in a.answer and a.citations == []


def test_goals_for_the_year_after_come_from_that_years_report(multi_service):
    a = multi_service.ask("白沙街道2025年计划组织执法人员培训多少期？")
    assert a.found and a.citations[0].doc == "baisha-street-2024"


def test_last_year_means_the_reports_own_year(multi_service):
    a = multi_service.ask("松林乡去年化解了多少件矛盾纠纷？")
    assert a.found and "157" in a.answer  # the latest report (2024) is what "last year" means


def test_every_answer_names_the_report_it_comes_from(multi_service):
    zh = multi_service.ask("小河镇2023年调处化解了多少件矛盾纠纷？")
    en = multi_service.ask("How many disputes did Songlin township resolve in 2023?")
    assert zh.found and "小河镇2023年" in zh.answer
    assert en.found and "Songlin township, 2023" in en.answer


def test_citations_carry_place_and_year(multi_service):
    c = multi_service.ask("白沙街道2024年的调解成功率是多少？").citations[0]
    assert (c.doc, c.place, c.year) == ("baisha-street-2024", "白沙街道", 2024)
    assert c.to_dict if hasattr(c, "to_dict") else True


def test_explicit_scope_restricts_and_never_falls_back(multi_service):
    pinned = multi_service.ask("白沙街道2024年调解了多少件纠纷？", scope=Scope(place="小河镇"))
    assert not pinned.found and pinned.citations == []
    by_doc = multi_service.ask("2024年化解了多少矛盾纠纷？", scope=Scope(doc="songlin-2024"))
    assert by_doc.found and "157" in by_doc.answer and {c.doc for c in by_doc.citations} == {"songlin-2024"}
    nothing = multi_service.ask("化解了多少矛盾纠纷？", scope=Scope(place="小河镇", year=2019))
    assert not nothing.found and nothing.citations == []
    by_pinyin = multi_service.ask("2023年化解了多少矛盾纠纷？", scope=Scope(place="Xiaohe"))
    assert by_pinyin.found and "186" in by_pinyin.answer


def test_follow_up_keeps_the_place_of_the_previous_question(multi_service):
    a = multi_service.ask("那调解成功率呢？", history=["松林乡2023年化解了多少件矛盾纠纷？"])
    assert a.found and "94" in a.answer and a.citations[0].doc == "songlin-2023"


@pytest.mark.parametrize("question", ["2024年化解了多少矛盾纠纷？", "How many disputes were mediated in 2024?"])
def test_question_naming_no_place_says_which_report_answers(multi_service, question):
    a = multi_service.ask(question)
    assert a.found
    label = multi_service.index.documents[a.citations[0].doc].meta.label(a.lang)
    assert label in a.answer


def test_a_county_named_is_its_own_report_not_its_towns():
    from reportqa.corpus import parse_document
    from reportqa.qa.scope import Scoper

    county = parse_document("云溪县2022年国民经济和社会发展统计公报\n\n一、综合\n\n全年接待游客320万人次。\n", doc_id="county")
    town = parse_document("青石镇2022年工作总结\n\n一、工作\n\n全年接待游客12万人次。\n\n云溪县青石镇人民政府\n\n2023年1月5日\n",
                          doc_id="town")
    assert town.meta.parents == ("云溪县",)
    scoper = Scoper({"county": county.meta, "town": town.meta})
    assert scoper.scope("云溪县2022年接待游客多少万人次？", "zh").docs == ["county"]
    assert scoper.scope("How many tourists did Yunxi county receive in 2022?", "en").docs == ["county"]
    assert scoper.scope("青石镇2022年接待游客多少万人次？", "zh").docs == ["town"]
    # Without a report about the county, a question naming it is declined: the town's figures are another place's.
    scoped = Scoper({"town": town.meta}).scope("云溪县2022年接待游客多少？", "zh")
    assert scoped.docs == [] and "云溪县" in scoped.message


def test_a_question_naming_no_place_that_several_places_answer_offers_them(multi_service):
    a = multi_service.ask("2024年化解了多少矛盾纠纷？")
    assert a.found and len(a.choices) >= 2
    places = [c["place"] for c in a.choices]
    assert len(set(places)) == len(places) and a.citations[0].place == places[0]  # the answer's place first
    assert "另见" in a.answer and all(c["label"] in a.answer for c in a.choices[1:])
    named = multi_service.ask("松林乡2024年化解了多少矛盾纠纷？")
    assert named.found and named.choices == []  # a place named: nothing to choose
    assert a.to_dict()["choices"] == a.choices


def test_all_of_a_province_by_its_one_character_name_is_that_province_but_brand_new_is_not_xinjiang():
    from reportqa.qa.scope import _alone

    assert _alone("川", "全川去年经济总量是多少亿元？")
    assert _alone("粤", "粤去年GDP是多少？")
    assert not _alone("新", "全新的产业园去年产值多少？")
    assert not _alone("新", "去年新增就业多少人？")


@pytest.fixture(scope="module")
def province_service(tmp_path_factory, encoder):
    """A province's work report (in our own words) that speaks of some of its counties."""
    return service_of(tmp_path_factory.mktemp("province"), {"2031年江西省政府工作报告.txt":
        "2031年江西省政府工作报告\n——2031年1月15日在江西省第二十届人民代表大会第一次会议上\n各位代表：\n\n"
        "一、2030年工作回顾\n\n过去一年，全省地区生产总值增长5.1%。万载县花炮产业集群产值突破300亿元，"
        "获评国家级先进制造业集群。全省新建农村公路1200公里。\n\n"
        "二、2031年工作安排\n\n今年要推进乡村振兴，新建高标准农田200万亩。\n"}, encoder)


def test_a_county_a_loaded_provinces_report_speaks_of_is_answered_from_the_passages_naming_it(province_service):
    a = province_service.ask("万载县花炮产业集群产值突破了多少亿元？")
    assert a.found and "300亿元" in a.answer
    assert a.citations and all("万载" in c.text for c in a.citations)


def test_a_county_its_provinces_report_never_names_is_declined_with_no_citation(province_service):
    a = province_service.ask("铜鼓县去年新建农村公路多少公里？")  # 铜鼓县 is in 江西, and the report never names it
    assert not a.found and "铜鼓县" in a.answer and a.citations == []
    other = province_service.ask("汕头市去年地区生产总值增长多少？")  # not in 江西 at all
    assert not other.found and other.citations == []


@pytest.fixture(scope="module")
def national_service(tmp_path_factory, encoder):
    """Two national speeches in our own words: the 2032 one reviews 2031; the 2031 one plans 2031 and
    names the year's words more often than the review does."""
    return service_of(tmp_path_factory.mktemp("national"), {
        "china-2031-government-work-report.txt":
            "2031年国务院政府工作报告\n各位代表：\n\n一、2030年工作回顾\n\n过去一年，城镇新增就业1200万人。\n\n"
            "二、2031年工作总体部署\n\n2031年城镇新增就业目标是1100万人以上，城镇新增就业要稳定，城镇新增就业重点群体要保障。\n",
        "china-2032-government-work-report.txt":
            "2032年国务院政府工作报告\n各位代表：\n\n一、2031年工作回顾\n\n过去一年，经济运行总体平稳。城镇新增就业1255万人，"
            "调查失业率5.1%。\n\n二、2032年工作总体部署\n\n今年城镇新增就业目标是1150万人左右。\n"}, encoder)


def test_a_years_result_comes_from_the_report_reviewing_it_not_the_one_planning_it(national_service):
    a = national_service.ask("2031年全国城镇新增就业多少人？")
    assert a.found and "1255万人" in a.answer, a.answer
    assert a.citations[0].doc == "china-2032-government-work-report"
    en = national_service.ask("How many new urban jobs were created in 2031?")
    assert en.found and "1255" in en.answer and en.citations[0].doc == "china-2032-government-work-report", en.answer


@pytest.fixture(scope="module")
def cities_service(tmp_path_factory, encoder):
    """Two cities' bulletins (in our own words) of one province, and no report of the province itself."""
    return service_of(tmp_path_factory.mktemp("cities"), {
        f"2031年{city}国民经济和社会发展统计公报.txt": f"{city}2031年国民经济和社会发展统计公报\n{city}统计局\n\n一、综合\n\n"
        f"全年全市地区生产总值{gdp}亿元，比上年增长5.8%，居安徽省{rank}。全年粮食总产量500万吨。\n"
        for city, gdp, rank in (("滁州市", "4034.4", "第4位"), ("阜阳市", "3609.8", "第6位"))}, encoder)


@pytest.mark.parametrize("question", ["安徽2031年地区生产总值是多少？", "What was Anhui's GDP in 2031?",
                                      "安徽省2031年粮食总产量是多少？"])
def test_a_province_is_not_answered_with_its_cities_figures(cities_service, question):
    a = cities_service.ask(question)
    assert not a.found and a.citations == [], a.answer
    assert ("安徽" if a.lang == "zh" else "Anhui") in a.answer


def test_a_city_below_a_province_named_with_it_is_still_the_citys_report(cities_service):
    a = cities_service.ask("安徽省滁州市2031年地区生产总值是多少？")
    assert a.found and "4034.4亿元" in a.answer


def test_a_prefecture_named_by_its_short_form_is_found_in_its_provinces_report(tmp_path, encoder):
    svc = service_of(tmp_path, {"2031年贵州省政府工作报告.txt":
                                "2031年贵州省政府工作报告\n各位代表：\n\n一、2030年工作回顾\n\n过去一年，全省地区生产总值增长5.1%。"
                                "黔东南州举办村超足球赛事，吸引游客1200万人次。\n"}, encoder)
    a = svc.ask("黔东南州去年村超吸引游客多少万人次？")
    assert a.found and "1200万人次" in a.answer, a.answer


def test_a_question_naming_no_place_but_the_whole_province_is_answered_from_the_provinces_report(tmp_path, encoder):
    reports = {"2031年安徽省国民经济和社会发展统计公报.txt":
               "安徽省2031年国民经济和社会发展统计公报\n安徽省统计局\n\n一、综合\n\n全年全省粮食总产量4150万吨，比上年增长0.9%。\n"}
    for city, grain in (("滁州市", "502.3"), ("阜阳市", "598.7")):
        reports[f"2031年{city}国民经济和社会发展统计公报.txt"] = \
            f"{city}2031年国民经济和社会发展统计公报\n{city}统计局\n\n一、综合\n\n全年全市粮食总产量{grain}万吨，比上年增长1.1%。\n"
    svc = service_of(tmp_path, reports, encoder)
    a = svc.ask("2031年全省粮食总产量是多少？")
    assert a.found and "4150万吨" in a.answer, a.answer
    assert svc.scoper.scope("What was the province-wide grain output in 2031?", "en").docs == \
        ["2031年安徽省国民经济和社会发展统计公报"]
