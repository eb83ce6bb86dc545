"""The real server on loopback: REST, the Gradio API, the CLI agreeing, pages, and escaping."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_web import (INJECTION_FOLLOWUP_REPORT, INJECTION_REPORT, MULTI, ROOT,  # noqa: E402
                          multi_server, start_server)

DOC = "2024-xiaohe-town-rule-of-law-government-report"
DEV_SET = ROOT.parent / "shared" / "eval" / "dev.jsonl"
DEV_QUESTIONS = ([json.loads(line)["question"] for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
                 if DEV_SET.exists() else [
                     "2024年化解了多少矛盾纠纷？",
                     "How many disputes were mediated in 2024?",
                     "法治政府建设工作领导小组的组长是谁？",
                     "Which new media platforms will the town use for legal publicity in 2025?",
                     "What is the town's GDP growth rate?",
                 ])
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
BOLD = "<b onmouseover=alert(3)>"
SEED = "000_c02059fcca3304c1"


@pytest.fixture(scope="session")
def client(server):
    from gradio_client import Client

    return Client(server.url + "/", verbose=False, headers=server.staff_headers)


def staff_client(server):
    from gradio_client import Client

    return Client(server.url + "/", verbose=False, headers=server.staff_headers)


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory):
    """A second server over a corpus whose text carries HTML and script."""
    tmp = tmp_path_factory.mktemp("hostile")
    corpus = tmp / "corpus"
    corpus.mkdir()
    (corpus / "hostile-report.txt").write_text(INJECTION_REPORT, encoding="utf-8")
    (corpus / "hostile-report-2025.txt").write_text(INJECTION_FOLLOWUP_REPORT, encoding="utf-8")
    s = start_server(tmp, REPORTQA_CORPUS=str(corpus), REPORTQA_INDEX=str(tmp / "index"))
    yield s
    s.stop()


@pytest.fixture(scope="session")
def multi(tmp_path_factory):
    """The server over the seed and the multi set's six reports (one for the whole session)."""
    if not MULTI.is_dir():
        pytest.skip("../shared/eval/multi is not beside the repo")
    return multi_server(tmp_path_factory)


def ask(server, payload, **kw):
    return httpx.post(server.url + "/api/ask", timeout=30, **({"json": payload} if payload is not None else {}), **kw)


# ------------------------------------------------------------------ REST

def test_health(server):
    r = httpx.get(server.url + "/api/health")
    assert r.status_code == 200
    h = r.json()
    assert h["status"] == "ok" and h["documents"] >= 1 and h["chunks"] > 0
    assert h["model"] and h["built_at"]


def test_ask_returns_engine_json(server):
    r = ask(server, {"question": "2024年化解了多少矛盾纠纷？"})
    assert r.status_code == 200
    d = r.json()
    assert d["found"] is True and "230" in d["answer"]
    assert {"id", "question", "found", "answer", "lang", "qtype", "latency_ms", "citations", "answer_id"} <= set(d)
    c = d["citations"][0]
    assert c["link"] == f"/report/{c['doc']}#{c['start']}-{c['end']}"
    assert c["quote"] in c["text"]


def test_ask_with_history(server):
    r = ask(server, {"question": "那调解成功率呢？", "history": ["2024年化解了多少矛盾纠纷？"]})
    assert r.status_code == 200 and "97" in r.json()["answer"]


@pytest.mark.parametrize("payload", [{"question": ""}, {"question": "   "}, {}, {"question": 42}, ["q"]])
def test_empty_or_wrong_question_is_400(server, payload):
    r = ask(server, payload)
    assert r.status_code == 400 and r.json()["error"]


def test_malformed_json_is_400(server):
    r = ask(server, None, content=b'{"question": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["error"]
    r = ask(server, None, content=b"\xff\xfe", headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_history_must_be_a_list(server):
    r = ask(server, {"question": "2024年化解了多少矛盾纠纷？", "history": "x"})
    assert r.status_code == 400


def test_oversized_body_is_413(server):
    r = ask(server, {"question": "a" * 17000})
    assert r.status_code == 413 and r.json()["error"]


def test_oversized_body_without_content_length_is_413(server):
    def chunks():  # chunked transfer: no Content-Length, so the server must count bytes itself
        yield b'{"question": "'
        for _ in range(20):
            yield b"a" * 1024
        yield b'"}'

    r = ask(server, None, content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_question_over_limit_is_400(server):
    r = ask(server, {"question": "a" * 2001})
    assert r.status_code == 400 and "limit" in r.json()["error"]


def test_cors_is_closed_by_default(server):
    r = httpx.options(server.url + "/api/ask", headers={"Origin": "https://evil.example",
                                                         "Access-Control-Request-Method": "POST"})
    assert r.headers.get("access-control-allow-origin") is None


def test_cors_allow_list(tmp_path):
    s = start_server(tmp_path, REPORTQA_CORS_ORIGINS="https://portal.example")
    try:
        ok = httpx.post(s.url + "/api/ask", json={"question": "2024年化解了多少矛盾纠纷？"},
                        headers={"Origin": "https://portal.example"})
        assert ok.headers.get("access-control-allow-origin") == "https://portal.example"
        bad = httpx.post(s.url + "/api/ask", json={"question": "2024年化解了多少矛盾纠纷？"},
                         headers={"Origin": "https://evil.example"})
        assert bad.headers.get("access-control-allow-origin") is None
        # A browser-side OpenAI client on a listed origin sends its key: the preflight allows that header.
        pre = httpx.options(s.url + "/v1/chat/completions", headers={
            "Origin": "https://portal.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"})
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "https://portal.example"
        assert "authorization" in pre.headers["access-control-allow-headers"].lower()
    finally:
        s.stop()


# ------------------------------------------------------------------ Gradio and CLI agree

def test_gradio_ask_endpoint(client):
    d = client.predict("2024年化解了多少矛盾纠纷？", api_name="/ask")
    assert d["found"] is True and "230" in d["answer"] and d["citations"]


def test_gradio_ask_rejects_empty(client):
    with pytest.raises(Exception, match="empty"):
        client.predict("  ", api_name="/ask")


def test_rest_gradio_and_cli_agree(server, client):
    lines = "".join(json.dumps({"id": i, "question": q}, ensure_ascii=False) + "\n"
                    for i, q in enumerate(DEV_QUESTIONS))
    cli = subprocess.run([str(ROOT / ".venv/bin/reportqa"), "ask", "--jsonl", "-"], input=lines, cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=True)
    from_cli = [json.loads(line) for line in cli.stdout.splitlines() if line.strip()]
    assert len(from_cli) == len(DEV_QUESTIONS)
    for q, c in zip(DEV_QUESTIONS, from_cli):
        rest = ask(server, {"question": q}).json()
        grad = client.predict(q, api_name="/ask")
        assert (rest["found"], rest["answer"]) == (grad["found"], grad["answer"]) == (c["found"], c["answer"]), q
        sections = [[x["section"] for x in d["citations"]] for d in (rest, grad, c)]
        assert sections[0] == sections[1] == sections[2], q
    assert any(not c["found"] for c in from_cli) and any(c["found"] for c in from_cli)


# ------------------------------------------------------------------ chat rendering

def chat_html(client, question: str) -> tuple[str, str]:
    _, messages = client.predict(question, [], api_name="/chat")
    texts = []
    for m in messages:
        content = m["content"]
        texts.append("".join(p.get("text", "") for p in content) if isinstance(content, list) else str(content))
    return texts[-2], texts[-1]


def test_chat_renders_answer_with_numbered_sources_and_mark(client):
    user, bot = chat_html(client, "2024年化解了多少矛盾纠纷？")
    assert "rq-found" in bot and "<mark>全年累计排查化解各类矛盾纠纷230件</mark>" in bot
    assert bot.count("<li ") >= 1 and f'href="/report/{DOC}#' in bot
    assert "\n\n" not in bot  # one HTML block: Markdown must not re-interpret it


def test_an_answer_with_choices_becomes_a_chat_message_with_one_option_per_place():
    """The staff chat shows an answer's `choices` as Gradio's message options; choosing one (its value, the
    place) asks the question again of that place."""
    from reportqa.web.staff import answer_message

    d = {"found": False, "answer": "…", "choices": [{"place": "小河镇", "label": "小河镇 2024年报告"},
                                                    {"place": "松林乡", "label": "松林乡 2024年报告"}, {"label": "x"}]}
    message = answer_message(d, "<div>…</div>")
    assert message["role"] == "assistant" and message["content"] == "<div>…</div>"
    assert message["options"] == [{"label": "小河镇 2024年报告", "value": "小河镇"},
                                  {"label": "松林乡 2024年报告", "value": "松林乡"}]
    assert "options" not in answer_message({"found": True, "choices": []}, "x")
    assert "options" not in answer_message(None, "x")


def test_chat_not_found_state(client):
    _, bot = chat_html(client, "What is the town's GDP growth rate?")
    assert "rq-notfound" in bot and "The report does not say" in bot


def test_chat_escapes_the_question(client):
    user, bot = chat_html(client, SCRIPT + " 2024年化解了多少矛盾纠纷？")
    assert SCRIPT not in user and "&lt;script&gt;alert(1)&lt;/script&gt;" in user
    assert "<script" not in bot


# ------------------------------------------------------------------ pages

def test_widget_pages_are_served(server):
    w = httpx.get(server.url + "/widget")
    assert w.status_code == 200 and "text/html" in w.headers["content-type"] and "rq-form" in w.text
    js = httpx.get(server.url + "/widget.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"] and "/widget" in js.text
    for asset in ("widget-app.js", "widget.css", "report.js", "report.css", "chat.js", "chat.css"):
        assert httpx.get(f"{server.url}/reportqa-static/{asset}").status_code == 200
    assert not re.search(r"(src|href)=\"(https?:)?//", w.text), "the widget must not load external assets"


def test_report_page_renders_sections_and_text(server):
    r = httpx.get(f"{server.url}/report/{DOC}")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert 'id="doc"' in r.text and 'class="outline"' in r.text and "/reportqa-static/report.js" in r.text
    assert "全年累计排查化解各类矛盾纠纷230件" in r.text
    assert re.search(r'<span class="sec l\d" id="s\d+">', r.text)


def test_report_page_escapes_unknown_doc(server):
    r = httpx.get(f"{server.url}/report/{SCRIPT}")
    assert r.status_code == 404 and "<script>alert" not in r.text


def test_commitments(server):
    r = httpx.get(server.url + "/api/commitments").json()
    items = r["commitments"]
    assert r["count"] == len(items) and r["message"] == ""
    kinds = {i["kind"] for i in items}
    assert {"plan", "rectification"} <= kinds
    assert any("微信公众号" in i["text"] for i in items if i["kind"] == "plan")
    assert all(i["link"].startswith(f"/report/{i['doc']}#") for i in items)
    assert all(i["place"] == "小河镇" and i["year"] == 2024 for i in items)
    assert not any("followups" in i for i in items), "no 2025 report is loaded"
    page = httpx.get(server.url + "/commitments")
    assert page.status_code == 200 and "微信公众号" in page.text


def test_gradio_page_loads_without_cdn(server):
    r = httpx.get(server.url + "/", headers=server.staff_headers)
    assert r.status_code == 200
    assert "fonts.googleapis.com" not in r.text and "cdn.jsdelivr" not in r.text


def test_chat_script_is_a_file_not_inline(server):
    head = httpx.get(server.url + "/config", headers=server.staff_headers).json()["head"]
    assert head == '<script src="/reportqa-static/chat.js" defer></script>'


# ------------------------------------------------------------------ hostile corpus

def test_hostile_corpus_report_page_escapes(hostile_server):
    r = httpx.get(f"{hostile_server.url}/report/hostile-report")
    assert r.status_code == 200
    assert IMG not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text
    assert "<script>alert(2)" not in r.text and "&lt;script&gt;alert(2)&lt;/script&gt;" in r.text


def test_hostile_corpus_chat_and_commitments_escape(hostile_server):
    client = staff_client(hostile_server)
    _, bot = chat_html(client, "2024年受理了多少群众留言？")
    assert "onerror" in bot, "the hostile passage should be cited"
    assert IMG not in bot and "&lt;img src=x onerror=alert(1)&gt;" in bot
    page = httpx.get(hostile_server.url + "/commitments").text
    assert "<script>alert(2)" not in page and "&lt;script&gt;alert(2)" in page
    assert "reported in the 2025 report" in page, "the 2025 report's passage follows up the plan"
    assert BOLD not in page and "&lt;b onmouseover=alert(3)&gt;" in page
    evil = httpx.get(hostile_server.url + "/commitments", params={"place": SCRIPT}).text
    assert SCRIPT not in evil and "&lt;script&gt;alert(1)&lt;/script&gt;" in evil
    config = httpx.get(hostile_server.url + "/config", headers=hostile_server.staff_headers).json()  # the Gradio page's Browse and Commitments tabs
    values = [c["props"]["value"] for c in config["components"] if isinstance(c.get("props", {}).get("value"), str)]
    assert any("&lt;img src=x onerror=alert(1)&gt;" in v for v in values)
    assert not any(IMG in v or "<script>alert(2)" in v or BOLD in v for v in values)


# ------------------------------------------------------------------ many reports: scope, reports, commitments

def test_health_counts_every_report(multi):
    assert httpx.get(multi.url + "/api/health").json()["documents"] == 7


def test_reports_lists_every_report_with_place_and_year(multi):
    reports = httpx.get(multi.url + "/api/reports").json()
    assert sorted(r["doc"] for r in reports) == sorted([SEED] + [p.stem for p in MULTI.glob("*.txt")])
    assert all(r["place"] and r["year"] and r["title"] and r["kind"] for r in reports)
    assert {(r["place"], r["year"]) for r in reports} >= {("小河镇", 2023), ("小河镇", 2024), ("松林乡", 2023),
                                                          ("松林乡", 2024), ("白沙街道", 2024), ("东坡县", 2024)}


def test_place_scope_declines_a_question_about_another_place(multi):
    question = "白沙街道2024年化解了多少矛盾纠纷？"
    free = ask(multi, {"question": question}).json()
    assert free["found"] and free["citations"][0]["place"] == "白沙街道"
    pinned = ask(multi, {"question": question, "place": "小河镇"}).json()
    assert pinned["found"] is False and pinned["citations"] == [] and "place=小河镇" in pinned["answer"]


def test_a_pinned_scope_stays_useful_after_a_question_about_another_place(multi):
    """A widget pinned to 小河镇 sends its conversation's earlier questions as history: one about another
    town was declined, and must not scope the questions after it to that town (nothing would be found)."""
    off = "白沙街道2024年化解了多少矛盾纠纷？"
    history = ["2024年化解了多少矛盾纠纷？", off]
    d = ask(multi, {"question": "调解成功率是多少？", "history": history, "place": "小河镇"}).json()
    assert d["found"] and "97" in d["answer"], d["answer"]
    assert d["citations"] and all(c["place"] == "小河镇" for c in d["citations"])
    d = ask(multi, {"question": "那调解成功率呢？", "history": [off], "place": "小河镇"}).json()
    assert d["found"] and all(c["place"] == "小河镇" for c in d["citations"])
    # without a pin the earlier question does scope a follow-up, as before
    d = ask(multi, {"question": "那调解成功率呢？", "history": [off]}).json()
    assert d["citations"] and d["citations"][0]["place"] == "白沙街道"


@pytest.mark.parametrize("scope, place, year, figure", [
    ({"place": "小河镇"}, "小河镇", None, "230"),  # both of its years may be cited
    ({"place": "xiaohe", "year": 2023}, "小河镇", 2023, "186"),
    ({"place": "松林", "year": "2023"}, "松林乡", 2023, "138"),
    ({"doc": "songlin-2024"}, "松林乡", 2024, "157"),
])
def test_scope_fields_restrict_answers_and_citations(multi, scope, place, year, figure):
    d = ask(multi, {"question": "化解了多少矛盾纠纷？", **scope}).json()
    assert d["found"] and figure in d["answer"]
    assert d["citations"] and all(c["place"] == place for c in d["citations"])
    assert year is None or all(c["year"] == year for c in d["citations"])


def test_unknown_scope_is_declined_not_an_error(multi):
    r = ask(multi, {"question": "化解了多少矛盾纠纷？", "place": "青龙镇"})
    assert r.status_code == 200 and r.json()["found"] is False and r.json()["citations"] == []


@pytest.mark.parametrize("scope", [{"place": 5}, {"doc": ["x"]}, {"year": "abc"}, {"year": True}, {"year": 20.5},
                                   {"year": 99999}, {"place": "镇" * 300}])
def test_bad_scope_is_400(multi, scope):
    r = ask(multi, {"question": "化解了多少矛盾纠纷？", **scope})
    assert r.status_code == 400 and r.json()["error"]


def test_gradio_ask_takes_scope(multi):
    client = staff_client(multi)
    d = client.predict("白沙街道2024年化解了多少矛盾纠纷？", None, None, "小河镇", api_name="/ask")
    assert d["found"] is False and d["citations"] == []
    d = client.predict("化解了多少矛盾纠纷？", place="松林乡", year=2023, api_name="/ask")
    assert "138" in d["answer"] and {c["doc"] for c in d["citations"]} == {"songlin-2023"}
    with pytest.raises(Exception, match="year"):
        client.predict("化解了多少矛盾纠纷？", year="abc", api_name="/ask")


def test_chat_report_picker_scopes_the_answer(multi):
    client = staff_client(multi)
    picker = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/chat"]["parameters"][2]
    assert "doc:songlin-2023" in picker["python_type"]["type"] and picker["parameter_default"] == "all"
    _, messages = client.predict("化解了多少矛盾纠纷？", [], "doc:songlin-2023", api_name="/chat")
    bot = "".join(p.get("text", "") for p in messages[-1]["content"])
    assert "138" in bot and '<span class="rq-where">松林乡 2023年</span>' in bot and "小河镇" not in bot


def commitments_of(server, **params):
    return httpx.get(server.url + "/api/commitments", params=params)


def test_commitments_filter_by_place_year_and_kind(multi):
    xiaohe = commitments_of(multi, place="xiaohe", year="2023").json()
    assert xiaohe["filters"] == {"place": "xiaohe", "year": 2023, "kind": None, "status": None}
    assert xiaohe["count"] == 6 and {i["doc"] for i in xiaohe["commitments"]} == {"xiaohe-2023"}
    songlin = commitments_of(multi, place="松林").json()["commitments"]
    assert {i["doc"] for i in songlin} == {"songlin-2023", "songlin-2024"}
    fixes = commitments_of(multi, kind="rectification").json()["commitments"]
    assert fixes and all(i["kind"] == "rectification" for i in fixes)
    speech = commitments_of(multi, place="东坡县", kind="政府工作报告").json()["commitments"]
    assert speech and {i["doc"] for i in speech} == {"dongpo-county-2024"}


@pytest.mark.parametrize("params", [{"place": "青龙镇"}, {"year": "2030"}, {"kind": "奖励"}])
def test_commitments_unknown_filter_is_an_empty_list_with_a_message(multi, params):
    r = commitments_of(multi, **params)
    assert r.status_code == 200 and r.json()["commitments"] == [] and r.json()["message"]
    page = httpx.get(multi.url + "/commitments", params=params)
    assert page.status_code == 200 and "rq-empty" in page.text


def test_commitments_bad_year_is_400(multi):
    r = commitments_of(multi, year="twenty")
    assert r.status_code == 400 and "year" in r.json()["error"]


def test_commitments_follow_up_in_the_next_years_report(multi):
    items = commitments_of(multi, place="小河镇", year="2023").json()["commitments"]
    mediators = next(i for i in items if "专职人民调解员" in i["text"])
    assert mediators["status"] == "reported"
    best = mediators["followups"][0]
    assert {"doc", "year", "section", "text", "link", "score"} <= set(best)
    assert best["doc"] == SEED and best["year"] == 2024 and "配备了专职人民调解员" in best["text"]
    assert best["link"].startswith(f"/report/{SEED}#")
    rules = next(i for i in items if "村规民约" in i["text"])
    assert rules["status"] == "not_mentioned" and rules["followups"] == []
    later = commitments_of(multi, place="小河镇", year="2024").json()["commitments"]
    assert later and not any("followups" in i or "status" in i for i in later), "no 2025 report is loaded"


def test_commitments_page_links_into_both_reports(multi):
    page = httpx.get(multi.url + "/commitments", params={"place": "小河镇", "year": "2023"}).text
    assert "2024年报告未提及" in page and "not mentioned in the 2024 report" in page and "村规民约" in page
    assert 'href="/report/xiaohe-2023#' in page and f'href="/report/{SEED}#' in page
    assert "配备了专职人民调解员" in page


# ------------------------------------------------------------------ the commitments tracker: targets, CSV, page

def test_commitments_api_lists_the_targets_of_a_year_with_their_outcomes(multi):
    r = commitments_of(multi, place="小河镇", year="2024").json()
    targets = r["targets"]
    assert targets and {t["doc"] for t in targets} == {"xiaohe-2023"} and {t["year"] for t in targets} == {2024}
    training = next(t for t in targets if "专题培训不少于4次" in t["text"])
    assert training["status"] == "met" and training["bound"] == "at least"
    assert training["outcome"]["doc"] == SEED and "4次" in training["outcome"]["quote"]
    rules = next(t for t in targets if "村规民约" in t["text"])
    assert rules["kind"] == "qualitative" and rules["status"] == "not_reported" and rules["outcome"] is None
    met = sum(t["status"] == "met" for t in targets)
    assert r["summary"].startswith(f"{len(targets)} targets: {met} met, ")
    only = commitments_of(multi, place="小河镇", year="2024", status="met").json()["targets"]
    assert only and all(t["status"] == "met" for t in only)
    assert commitments_of(multi, status="done").status_code == 400


def test_commitments_csv_download(multi):
    r = commitments_of(multi, place="小河镇", year="2024", format="csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    import csv
    import io
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    targets = commitments_of(multi, place="小河镇", year="2024").json()["targets"]
    assert rows[0][:4] == ["place", "year", "doc", "text"] and len(rows) == len(targets) + 1
    assert {row[3] for row in rows[1:]} == {t["text"] for t in targets}


def test_commitments_page_shows_the_targets_table_without_script(multi):
    page = httpx.get(multi.url + "/commitments", params={"place": "小河镇", "year": "2024"}).text
    assert '<table class="rq-targets">' in page and "<script" not in page
    assert "rq-summary" in page and " targets: " in page and "专题培训不少于4次" in page
    assert f'href="/report/{SEED}#' in page and 'href="/report/xiaohe-2023#' in page
    assert 'name="status"' in page and "format=csv" in page
    met = httpx.get(multi.url + "/commitments", params={"place": "小河镇", "year": "2024", "status": "not_reported"}).text
    assert "村规民约" in met and "专题培训不少于4次" not in met
