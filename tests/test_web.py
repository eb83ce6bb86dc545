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
from conftest_web import INJECTION_REPORT, ROOT, start_server  # noqa: E402

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


@pytest.fixture(scope="session")
def client(server):
    from gradio_client import Client

    return Client(server.url + "/", verbose=False)


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory):
    """A second server over a corpus whose text carries HTML and script."""
    tmp = tmp_path_factory.mktemp("hostile")
    corpus = tmp / "corpus"
    corpus.mkdir()
    (corpus / "hostile-report.txt").write_text(INJECTION_REPORT, encoding="utf-8")
    s = start_server(tmp, REPORTQA_CORPUS=str(corpus), REPORTQA_INDEX=str(tmp / "index"))
    yield s
    s.stop()


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
    assert {"id", "question", "found", "answer", "lang", "qtype", "latency_ms", "citations"} <= set(d)
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
    assert bot.count("<li>") >= 1 and f'href="/report/{DOC}#' in bot
    assert "\n\n" not in bot  # one HTML block: Markdown must not re-interpret it


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
    for asset in ("widget-app.js", "widget.css", "report.js", "report.css"):
        assert httpx.get(f"{server.url}/reportqa-static/{asset}").status_code == 200
    assert not re.search(r"(src|href)=\"(https?:)?//", w.text), "the widget must not load external assets"


def test_report_page_renders_sections_and_text(server):
    r = httpx.get(f"{server.url}/report/{DOC}")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert 'id="doc"' in r.text and 'class="outline"' in r.text and "/reportqa-static/report.js" in r.text
    assert "全年累计排查化解各类矛盾纠纷230件" in r.text
    assert re.search(r'<span class="sec l1" id="s\d+">', r.text)


def test_report_page_escapes_unknown_doc(server):
    r = httpx.get(f"{server.url}/report/{SCRIPT}")
    assert r.status_code == 404 and "<script>alert" not in r.text


def test_commitments(server):
    items = httpx.get(server.url + "/api/commitments").json()
    kinds = {i["kind"] for i in items}
    assert {"plan", "rectification"} <= kinds
    assert any("微信公众号" in i["text"] for i in items if i["kind"] == "plan")
    assert all(i["link"].startswith(f"/report/{i['doc']}#") for i in items)
    page = httpx.get(server.url + "/commitments")
    assert page.status_code == 200 and "微信公众号" in page.text


def test_gradio_page_loads_without_cdn(server):
    r = httpx.get(server.url + "/")
    assert r.status_code == 200
    assert "fonts.googleapis.com" not in r.text and "cdn.jsdelivr" not in r.text


# ------------------------------------------------------------------ hostile corpus

def test_hostile_corpus_report_page_escapes(hostile_server):
    r = httpx.get(f"{hostile_server.url}/report/hostile-report")
    assert r.status_code == 200
    assert IMG not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text
    assert "<script>alert(2)" not in r.text and "&lt;script&gt;alert(2)&lt;/script&gt;" in r.text


def test_hostile_corpus_chat_and_commitments_escape(hostile_server):
    from gradio_client import Client

    client = Client(hostile_server.url + "/", verbose=False)
    _, bot = chat_html(client, "2024年受理了多少群众留言？")
    assert "onerror" in bot, "the hostile passage should be cited"
    assert IMG not in bot and "&lt;img src=x onerror=alert(1)&gt;" in bot
    page = httpx.get(hostile_server.url + "/commitments").text
    assert "<script>alert(2)" not in page and "&lt;script&gt;alert(2)" in page
    config = httpx.get(hostile_server.url + "/config").json()  # the Gradio page's Browse and Commitments tabs
    values = [c["props"]["value"] for c in config["components"] if isinstance(c.get("props", {}).get("value"), str)]
    assert any("&lt;img src=x onerror=alert(1)&gt;" in v for v in values)
    assert not any(IMG in v or "<script>alert(2)" in v for v in values)
