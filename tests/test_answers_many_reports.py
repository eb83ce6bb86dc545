"""Answers over many reports: the kind of report or the department a question names chooses among a
place's reports; speeches and signatures answer who and when; English words no dictionary knows."""
from conftest import service_of


def test_a_named_kind_of_report_chooses_it_among_the_places_reports(multi_service):
    # 东坡县 has a government work report and its justice bureau's summary
    a = multi_service.ask("On what date was Dongpo county's government work report delivered?")
    assert a.found and a.citations[0].doc == "dongpo-county-2024", a.citations[0].doc
    assert "8 January 2025" in a.answer, a.answer


def test_a_named_department_chooses_its_report(multi_service):
    a = multi_service.ask("东坡县司法局办理了多少件公证？")
    assert a.found and a.answer.startswith("3412件：") and a.citations[0].doc == "judicial-bureau-2024", a.answer
    assert "东坡县司法局2024年" in a.answer  # a department's answer names the department


def test_who_delivered_a_speech_comes_from_its_byline(multi_service):
    a = multi_service.ask("Who delivered the Dongpo county government work report?")
    assert a.found and "贺立川" in a.answer, a.answer


def test_a_speech_asked_in_other_words_names_its_speaker_and_its_meeting(multi_service):
    a = multi_service.ask("东坡县这份政府工作报告是哪位领导作的？")
    assert a.found and "贺立川" in a.answer, a.answer
    a = multi_service.ask("At which meeting, and on what date, was the Dongpo county government work report delivered?")
    assert a.found and "8 January 2025" in a.answer and "人民代表大会" in a.answer, a.answer


def test_the_date_at_the_end_of_a_report_is_its_signature_date(multi_service):
    a = multi_service.ask("What date appears at the end of the Baisha work summary?")
    assert a.found and "26 December 2024" in a.answer, a.answer
    assert "2024年12月26日" in a.citations[0].text  # the report's own signature, quoted as printed


def test_an_english_word_no_dictionary_links_is_matched_by_meaning(multi_service):
    a = multi_service.ask("How many administrative penalty cases did Baisha subdistrict handle?")  # 处罚
    assert a.found and "217" in a.answer, a.answer


def test_who_holds_a_role_quotes_the_clause_naming_the_role(multi_service):
    a = multi_service.ask("松林乡法治政府建设领导小组由谁当组长？")
    assert a.found and "乡党委书记任组长" in a.answer, a.answer


def test_a_four_character_phrase_is_not_a_persons_name(multi_service):
    a = multi_service.ask("白沙街道办事处主任叫什么名字？")  # jieba tags 严格执法 as a name
    assert not a.found, a.answer


def test_a_verb_said_in_other_words_still_counts_the_thing(multi_service):
    a = multi_service.ask("东坡县2024年全县人民调解组织共调处纠纷多少件？")  # the report says 调解
    assert a.found and a.answer.startswith("3268件："), a.answer


def test_what_a_report_promised_is_its_plans_section_whatever_its_heading(multi_service):
    a = multi_service.ask("小河镇在2023年的报告里承诺2024年要做哪些事？")  # the heading says 2024年工作安排
    assert a.found and "完成村规民约修订" in a.answer and a.citations[0].doc == "xiaohe-2023", a.answer


def test_plans_for_a_year_come_from_the_report_of_the_year_before(multi_service):
    a = multi_service.ask("What did Xiaohe promise to do in 2024?")
    assert a.found and a.citations[0].doc == "xiaohe-2023" and "村规民约" in a.answer, a.answer
    b = multi_service.ask("What did Songlin plan to do in 2025?")  # not the title of a plan
    assert b.found and b.citations[0].doc == "songlin-2024" and "充实执法力量" in b.answer, b.answer


def test_one_thing_among_the_plans_is_not_answered_with_all_of_them(service):
    a = service.ask("2025年法治宣传要利用哪些新媒体？")
    assert "共3点" not in a.answer, a.answer


def test_why_is_answered_where_the_report_gives_its_problems(multi_service):
    a = multi_service.ask("松林乡为何称一些边远林区巡不到？")  # the report: 人均巡查面积大，偏远山林巡查存在盲区
    assert a.found and "人均巡查面积大" in a.answer and "不足" in a.citations[0].section, a.answer


def test_an_answer_stays_short_when_its_sentence_is_long(multi_service):
    """However long the sentence a figure sits in, the answer quotes the clauses around it that fit in
    a short answer (150 characters with the report it names)."""
    for q in ("How many disputes did Songlin township resolve in 2023?", "小河镇2024年接待群众来信来访多少人次？"):
        a = multi_service.ask(q)
        assert a.found and len("".join(a.answer.split())) <= 150, a.answer


def test_a_long_quote_is_cut_to_the_clauses_around_its_fact():
    from reportqa.qa.reader import _within

    quote = ("完善公共财政体系特别是预算管理制度，把预算外资金全部纳入预算管理，扩大国有资本经营预算实施范围，深化部门预算改革，"
             "推进政府预算、决算公开，98个中央部门和北京、上海、广东、陕西等省市公开了“三公”经费")
    short = _within(quote, ["98个"], 60)
    assert "98个中央部门" in short and len(short) <= 60 and short in quote
    assert _within("调解成功率达到97%以上", ["97%以上"], 60) == "调解成功率达到97%以上"


def test_a_numbered_glossary_entry_is_read_as_what_it_says_not_skipped_as_a_heading(tmp_path, encoder):
    svc = service_of(tmp_path, {"2031年某省政府工作报告.txt":
        "2031年某省政府工作报告\n各位代表：\n\n一、2030年工作回顾\n\n过去一年，深入开展“四旁”、“五边”绿化，完成造林50万亩。\n\n"
        "二、2031年工作安排\n\n今年要推进乡村振兴。\n\n名词解释\n\n1.“岳山造林”：上世纪70年代发动万人造林大会战，荒山变林海。\n"
        "2.“四旁”、“五边”：“四旁”为村旁、宅旁、路旁、水旁；“五边”为山边、水边、路边、镇村边、景区边。\n"}, encoder)
    a = svc.ask("What does the term '四旁' refer to?")
    assert a.found and "村旁" in a.answer and "水旁" in a.answer, a.answer


def test_a_yearly_average_over_a_term_is_not_one_years_figure(tmp_path, encoder):
    # The later report gives only the five-year average; the asked year's own figure is said nowhere.
    svc = service_of(tmp_path, {
        "2036年某省政府工作报告.txt":
            "2036年某省政府工作报告\n各位代表：\n\n一、过去五年工作回顾\n\n过去五年，全省经济持续向好，"
            "居民消费价格年均上涨1.9%，城镇新增就业年均60万人。\n\n二、2036年工作安排\n\n今年要稳就业。\n",
        "2034年某省政府工作报告.txt":
            "2034年某省政府工作报告\n各位代表：\n\n一、2033年工作回顾\n\n过去一年，全省城镇新增就业62万人。\n\n"
            "二、2034年工作安排\n\n今年要稳物价。\n"}, encoder)
    a = svc.ask("2033年居民消费价格具体上涨了多少？")
    assert not a.found, a.answer
    b = svc.ask("2031到2035年居民消费价格年均上涨多少？")
    assert b.found and "1.9%" in b.answer, b.answer


def test_a_growth_measured_from_the_asked_year_is_no_figure_of_that_year(tmp_path, encoder):
    from reportqa.qa.question import question_type

    svc = service_of(tmp_path, {
        "2036年某省政府工作报告.txt":
            "2036年某省政府工作报告\n各位代表：\n\n一、过去五年工作回顾\n\n五年来，全省经济实力显著增强。2035年与2030年相比，"
            "全省生产总值增长57.3%。\n\n二、2036年工作安排\n\n今年要稳就业。\n",
        "2031年某省政府工作报告.txt":
            "2031年某省政府工作报告\n各位代表：\n\n一、2030年工作回顾\n\n过去一年，全省城镇新增就业62万人。\n\n"
            "二、2031年工作安排\n\n今年要稳物价。\n"}, encoder)

    def features(question):
        scoped = svc.scoper.scope(question, "zh")
        query, read, hits = svc.search(question, "zh", question_type(question, "zh"), None, scoped)
        [cand] = [c for c in svc.reader.candidates(query, hits, read, scoped.years, scoped.mode, docs=scoped.docs)
                  if c.facts == ["57.3%"]]
        return cand.features

    of_2030 = features("2030年全省生产总值增长了多少？")
    assert of_2030.get("year_aside") and not of_2030.get("year_own"), of_2030
    of_2034 = features("2034年全省生产总值增长了多少？")  # a growth since 2030 covers 2031-2035
    assert of_2034.get("span_unasked"), of_2034
    b = svc.ask("2030年到2035年全省生产总值增长了多少？")
    assert b.found and "57.3%" in b.answer, b.answer


def test_a_yield_per_mu_is_not_the_harvest_and_the_harvest_is_not_a_yield(tmp_path, encoder):
    svc = service_of(tmp_path, {"2035年某县国民经济和社会发展统计公报.txt":
        "2035年某县国民经济和社会发展统计公报\n某县统计局\n\n一、农业\n\n全年粮食单产每亩412公斤。"
        "全年粮食总产量33.2万吨，比上年增长1.2%。\n"}, encoder)
    total = svc.ask("How much grain did the county harvest in 2035?")
    assert total.found and "33.2" in total.answer, total.answer
    per_mu = svc.ask("2035年某县粮食亩产多少公斤？")
    assert per_mu.found and "412" in per_mu.answer, per_mu.answer


def test_an_amount_naming_a_class_of_places_is_not_the_places_amount(tmp_path, encoder):
    svc = service_of(tmp_path, {"2035年某省政府工作报告.txt":
        "2035年某省政府工作报告\n各位代表：\n\n一、2034年工作回顾\n\n过去一年，县域经济加快发展，生产总值超200亿元县（区）达26个。"
        "全省生产总值迈上3.5万亿元新台阶，增长5.3%。\n\n二、2035年工作安排\n\n今年要稳增长。\n"}, encoder)
    a = svc.ask("某省2034年GDP是多少亿元？")
    assert a.found and "3.5万亿元" in a.answer, a.answer


def test_a_target_asked_of_a_named_report_is_for_the_year_it_plans_not_the_year_it_reviews(tmp_path, encoder):
    svc = service_of(tmp_path, {"2032年某省政府工作报告.txt":
        "2032年某省政府工作报告\n各位代表：\n\n一、2031年工作回顾\n\n过去一年，2031年全省生产总值达到9593亿元，比上年增长7.3%。\n\n"
        "二、2032年工作安排\n\n今年要扩大内需，推进改革。\n"}, encoder)
    a = svc.ask("What GDP growth target did the 2032 report set for that year?")
    assert not a.found, a.answer  # the 2031 result is no target for 2032
    b = svc.ask("What was the GDP growth in 2031, according to the 2032 report?")
    assert b.found and "7.3%" in b.answer, b.answer


def test_how_much_a_year_grew_is_its_result_never_its_target(tmp_path, encoder):
    svc = service_of(tmp_path, {
        "2033年某省政府工作报告.txt":
            "2033年某省政府工作报告\n各位代表：\n\n一、2032年工作回顾\n\n过去一年，全省生产总值增长6.1%。\n\n"
            "二、2033年工作安排\n\n今年发展的主要预期目标是：居民消费价格涨幅4%左右，生产总值增长6%左右。\n",
        "2034年某省政府工作报告.txt":
            "2034年某省政府工作报告\n各位代表：\n\n一、2033年工作回顾\n\n过去一年，全省生产总值增长5.8%，城镇新增就业62万人。\n\n"
            "二、2034年工作安排\n\n今年发展的主要预期目标是：居民消费价格涨幅3%左右，生产总值增长5.5%左右。\n"}, encoder)
    cpi = svc.ask("2033年居民消费价格涨幅是多少？")
    assert not cpi.found, cpi.answer  # the 2033 target (4%左右) is no result, and the 2034 report gives none
    gdp = svc.ask("2033年生产总值增长多少？")
    assert gdp.found and "5.8%" in gdp.answer, gdp.answer
    planned_only = svc.ask("2034年生产总值增长多少？")
    assert not planned_only.found and "2034" in planned_only.answer, planned_only.answer


def test_whether_a_plan_named_by_its_report_was_carried_out_is_told_by_the_later_report(tmp_path, encoder):
    svc = service_of(tmp_path, {
        "2033年某镇法治政府建设情况报告.txt":
            "2033年某镇法治政府建设情况报告\n\n一、2033年工作情况\n\n全年开展普法活动12场。\n\n二、2034年工作打算\n\n"
            "指导全镇各村于2034年6月底前完成村规民约修订，并报镇政府备案审查。\n",
        "2034年某镇法治政府建设情况报告.txt":
            "2034年某镇法治政府建设情况报告\n\n一、2034年工作情况\n\n全镇18个村于2034年5月全部完成村规民约修订并报镇政府备案。\n\n"
            "二、2035年工作打算\n\n继续推进依法行政。\n"}, encoder)
    a = svc.ask("Did the town finish revising its village rules by June 2034 as its 2033 report planned?")
    assert a.found and a.citations[0].doc.startswith("2034"), a.answer
