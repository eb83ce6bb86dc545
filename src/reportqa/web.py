"""One web server: the staff chat (Gradio), the report browser, the REST API and the widget.

Everything a browser sees is built here from escaped text: report passages and
questions are untrusted, so they reach HTML only through `esc` (or, in the
widget, through `textContent`). No page asks any host but this server: the
Gradio theme uses system fonts and analytics are off.
"""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import html
import json
import logging
import re
import tempfile
import threading
from pathlib import Path

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from .config import Settings
from .errors import ReportQAError
from . import feedback

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
MAX_BODY = 16 * 1024  # bytes accepted by POST /api/ask
CONCURRENCY = 20  # simultaneous Gradio events; svc.ask itself is short and serialised
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "PingFang SC", "Hiragino Sans GB",
                "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]
# Section titles that announce promises: plans for later, or fixes for problems found.
PLAN_WORDS = re.compile(r"安排|计划|打算|下一步|思路|目标|展望|整改|措施|改进")
FIX_WORDS = re.compile(r"整改|措施|改进")
PLEDGE_SENTENCE = re.compile(r"[^。!?;！？；\n]*(?:今后|明年|下一步|下一阶段|将进一步|我们将)[^。!?;！？；\n]*[。!?;！？；]?")
YEAR = re.compile(r"(20\d\d)\s*年")


def esc(text) -> str:
    """HTML-escape, keeping carriage returns as references so DOM offsets equal text offsets."""
    return html.escape(str(text), quote=True).replace("\r", "&#13;")


# ---------------------------------------------------------------- answers as HTML

def _passage_html(c: dict) -> str:
    text, quote = c.get("text") or "", c.get("quote") or ""
    at = (c.get("quote_start", -1) or -1) - (c.get("start") or 0)
    if quote and not (0 <= at and text[at:at + len(quote)] == quote):
        at = text.find(quote)
    if not quote or at < 0:
        return esc(text)
    return f"{esc(text[:at])}<mark>{esc(quote)}</mark>{esc(text[at + len(quote):])}"


def citation_link(c: dict) -> str:
    """The report page at the passage, plus the quoted sentence when there is one."""
    link = f"/report/{c.get('doc')}#{int(c.get('start', 0))}-{int(c.get('end', 0))}"
    if c.get("quote") and int(c.get("quote_start", -1)) >= 0:
        link += f",{int(c['quote_start'])}-{int(c['quote_end'])}"
    return link


def render_question(question: str) -> str:
    return f'<div class="rq-question">{esc(question)}</div>'


def render_answer(d: dict) -> str:
    """The short answer, then numbered sources; one line of HTML so Markdown leaves it alone."""
    found = bool(d.get("found"))
    parts = [f'<div class="rq-answer {"rq-found" if found else "rq-notfound"}">']
    if not found:
        parts.append('<div class="rq-badge">报告中没有提到 · The report does not say</div>')
    parts.append(f'<div class="rq-short">{esc(d.get("answer", ""))}</div>')
    cites = d.get("citations") or []
    if cites:
        label = "来源 Sources" if found else "最接近的段落 Nearest passages"
        parts.append(f'<div class="rq-label">{label}</div><ol class="rq-sources">')
        for c in cites:
            path = " › ".join(c.get("section_path") or [c.get("section", "")])
            parts.append(f'<li><div class="rq-path"><a href="{esc(citation_link(c))}" target="_blank" '
                         f'rel="noopener">{esc(path)}</a></div><div class="rq-passage">{_passage_html(c)}</div></li>')
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts).replace("\n", "<br>")


def render_error(message: str) -> str:
    return f'<div class="rq-answer rq-error">{esc(message)}</div>'


# ---------------------------------------------------------------- the report as HTML

def _heading_end(text: str, s) -> int:
    if text.startswith(s.title, s.start):
        return s.start + len(s.title)
    return max(s.start, s.body_start)


def _render_span(text: str, start: int, end: int, children, out: list[str]) -> None:
    """Emit text[start:end] with each section wrapped in an anchor span; textContent stays == text."""
    pos = start
    for ch in sorted(children, key=lambda s: s.start):
        cs, ce = max(ch.start, pos), min(ch.end if ch.end >= 0 else end, end)
        if cs >= ce:
            continue
        out.append(esc(text[pos:cs]))
        he = min(max(_heading_end(text, ch), cs), ce)
        out.append(f'<span class="sec l{ch.level}" id="s{ch.start}"><strong class="h">{esc(text[cs:he])}</strong>')
        _render_span(text, he, ce, ch.children, out)
        out.append("</span>")
        pos = ce
    out.append(esc(text[pos:end]))


def outline_html(doc, base: str = "") -> str:
    """Nested list of the section titles, each linking to its range in the report page."""
    def walk(sections) -> str:
        items = []
        for s in sections:
            href = f"{base}#{s.start}-{s.end}"
            items.append(f'<li><a href="{esc(href)}">{esc(s.title)}</a>{walk(s.children)}</li>')
        return f"<ul>{''.join(items)}</ul>" if items else ""
    return f'<nav class="outline">{walk(doc.root.children)}</nav>'


def document_html(doc) -> str:
    out: list[str] = []
    _render_span(doc.text, 0, len(doc.text), doc.root.children, out)
    return f'<div id="doc" class="doc">{"".join(out)}</div>'


def report_page(doc) -> str:
    meta = " · ".join(f"{esc(k)}: {esc(v)}" for k, v in doc.metadata.items() if k != "title")
    return ('<!doctype html><html lang="zh"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(doc.title)}</title><link rel="stylesheet" href="/reportqa-static/report.css"></head>'
            f'<body><header><h1>{esc(doc.title)}</h1><p class="meta">{meta}</p>'
            f'<p><a href="/commitments">承诺事项 Commitments</a></p></header>'
            f'<div class="layout">{outline_html(doc)}<main>{document_html(doc)}</main></div>'
            '<script src="/reportqa-static/report.js"></script></body></html>')


# ---------------------------------------------------------------- commitments

def _subject_year(doc) -> int | None:
    m = YEAR.search(doc.title)
    return int(m.group(1)) if m else None


def _later_year(title: str, year: int | None) -> bool:
    return year is not None and any(int(y) > year for y in YEAR.findall(title))


def _promising(section, year: int | None) -> bool:
    return bool(PLAN_WORDS.search(section.title)) or _later_year(section.title, year)


def commitments(documents: dict) -> list[dict]:
    """What each report promises: items of plan/rectification sections, plus forward-looking sentences."""
    items = []
    for doc in documents.values():
        year = _subject_year(doc)
        covered: list[tuple[int, int]] = []
        for s, path in doc.root.walk():
            if any(a <= s.start < b for a, b in covered):
                continue
            if not _promising(s, year) or any(_promising(d, year) for d, _ in s.walk()):
                continue  # not a promise, or a narrower section below it is the promise
            covered.append((s.start, s.end))
            kind = "rectification" if FIX_WORDS.search(s.title) else "plan"
            for part, ppath in ([(c, path + (c.title,)) for c in s.children] or [(s, path)]):
                body_from = part.body_start if part.body_start > part.start else part.start
                items.append(_item(doc, kind, ppath, part.start, part.end,
                                   doc.text[body_from:part.end].strip()))
        body_end = doc.signature_start if doc.signature_start > 0 else len(doc.text)
        for m in PLEDGE_SENTENCE.finditer(doc.text, doc.header_end, body_end):
            start, end = m.start(), m.end()
            sentence = m.group().strip()
            if sentence and not any(a <= start < b for a, b in covered):
                path = next((p for s, p in _deepest(doc, start)), ())
                items.append(_item(doc, "pledge", path, start, end, sentence))
    return items


def _deepest(doc, offset: int):
    best = None
    for s, path in doc.root.walk():
        if s.start <= offset < s.end:
            best = (s, path)
    return [best] if best else []


def _item(doc, kind, path, start, end, text) -> dict:
    return {"doc": doc.doc_id, "title": doc.title, "kind": kind, "section_path": list(path),
            "start": start, "end": end, "text": text, "link": f"/report/{doc.doc_id}#{start}-{end}"}


KIND_LABELS = {"plan": "计划 Plan", "rectification": "整改 Rectification", "pledge": "表态 Pledge"}


def commitments_html(items: list[dict]) -> str:
    if not items:
        return '<p class="rq-empty">No commitments were found in the reports.</p>'
    rows = []
    for it in items:
        rows.append(f'<li class="rq-commit rq-{esc(it["kind"])}"><span class="rq-kind">{KIND_LABELS[it["kind"]]}</span> '
                    f'<a href="{esc(it["link"])}" target="_blank" rel="noopener">{esc(" › ".join(it["section_path"]))}</a>'
                    f'<div class="rq-passage">{esc(it["text"])}</div></li>')
    return f'<ol class="rq-commitments">{"".join(rows)}</ol>'


def commitments_page(items: list[dict]) -> str:
    return ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>承诺事项 Commitments</title>'
            '<link rel="stylesheet" href="/reportqa-static/report.css"></head><body><header>'
            '<h1>承诺事项 Commitments</h1><p class="meta">Plans and rectification measures the reports promise.</p>'
            f'</header><main>{commitments_html(items)}</main></body></html>')


# ---------------------------------------------------------------- the app

class Engine:
    """The loaded QAService, asked one question at a time (the encoder is not known to be thread-safe)."""

    def __init__(self, settings: Settings, service=None) -> None:
        from .service import QAService

        self.settings = settings
        self.svc = service or QAService(settings)
        self._lock = threading.Lock()

    def ask(self, question, history=None) -> dict:
        with self._lock:
            return self.svc.ask(question, history=history).to_dict()


CSS = """
.rq-question { white-space: pre-wrap; }
.rq-short { font-weight: 600; margin-bottom: .4em; }
.rq-label { font-size: .85em; opacity: .75; margin-top: .3em; }
.rq-sources, .rq-commitments { padding-left: 1.4em; margin: .2em 0; }
.rq-sources li, .rq-commitments li { margin: .35em 0; }
.rq-path { font-size: .85em; }
.rq-passage { font-size: .9em; white-space: pre-wrap; }
.rq-passage mark, .rq-answer mark { background: #fde68a; color: inherit; padding: 0 .1em; }
.rq-notfound { border-left: 4px solid #9ca3af; padding-left: .6em; }
.rq-notfound .rq-short { font-weight: 500; font-style: italic; }
.rq-notfound .rq-passage { opacity: .75; }
.rq-badge { display: inline-block; font-size: .8em; padding: .05em .5em; border-radius: 1em;
            background: #e5e7eb; color: #374151; margin-bottom: .3em; }
.rq-error { color: #b91c1c; }
.rq-kind { font-size: .8em; padding: 0 .4em; border-radius: .6em; background: #e0e7ff; color: #1e3a8a; }
.rq-rectification .rq-kind { background: #fee2e2; color: #7f1d1d; }
.rq-full { white-space: pre-wrap; max-height: 60vh; overflow: auto; border: 1px solid #e5e7eb; padding: .8em; }
"""


def theme():
    """Gradio's default look with system fonts only: no request leaves this server."""
    return gr.themes.Default(font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def _vote(liked) -> str | None:
    if liked is True or liked == "Like":
        return "like"
    if liked is False or liked == "Dislike":
        return "dislike"
    return None


def browse_html(doc) -> str:
    link = f"/report/{doc.doc_id}"
    outline = outline_html(doc, base=link).replace("<a ", '<a target="_blank" ')
    return (f'<h3>{esc(doc.title)}</h3><p><a href="{esc(link)}" target="_blank" rel="noopener">'
            f'打开全文 Open the full report</a></p>{outline}'
            f'<div class="rq-full">{esc(doc.text)}</div>')


def build_blocks(engine: Engine, documents: dict, promised: list[dict], feedback_path: Path):
    """The staff page: chat with sources and votes, the report outline, commitments, feedback export."""
    def respond(message, chat, answers):
        chat, answers = list(chat or []), list(answers or [])
        if not isinstance(message, str) or not message.strip():
            return "", chat, answers
        history = [a["question"] for a in answers if a]
        try:
            d = engine.ask(message, history)
            reply = render_answer(d)
        except ReportQAError as e:
            d, reply = None, render_error(str(e))
        chat += [{"role": "user", "content": render_question(message)}, {"role": "assistant", "content": reply}]
        answers += [None, d]
        return "", chat, answers

    def vote(answers, like: gr.LikeData):
        index = like.index if isinstance(like.index, int) else like.index[0]
        d = answers[index] if answers and 0 <= index < len(answers) else None
        choice = _vote(like.liked)
        if d and choice:
            feedback.record(feedback_path, d["question"], d["answer"], d["citations"], choice)
            gr.Info("谢谢 · Thank you, feedback saved.")

    def export():
        out = Path(tempfile.mkdtemp(prefix="reportqa-feedback-")) / "feedback.jsonl"
        n = feedback.export(feedback_path, out)
        return str(out), f"{n} vote(s) exported."

    def ask_api(question: str, history: list | None = None) -> dict:
        """Answer one question; history is the list of previous questions. Returns the engine's JSON."""
        try:
            return engine.ask(question, history)
        except ReportQAError as e:
            raise gr.Error(str(e))

    docs = list(documents.values())
    with gr.Blocks(title="reportqa · 报告问答", analytics_enabled=False) as blocks:
        gr.Markdown("## reportqa · 政府报告问答 — exact answers with cited passages")
        with gr.Tabs():
            with gr.Tab("问答 Ask"):
                chat = gr.Chatbot(elem_id="rq-chat", height=640, label="Chat", feedback_options=("Like", "Dislike"),
                                  latex_delimiters=[], line_breaks=False, buttons=["copy"])
                answers = gr.State([])
                with gr.Row():
                    box = gr.Textbox(placeholder="输入问题 · Ask about the report", show_label=False, scale=8,
                                     elem_id="rq-input", max_length=engine.settings.max_question_chars)
                    send = gr.Button("提问 Ask", variant="primary", scale=1, elem_id="rq-send")
                    clear = gr.Button("新对话 New chat", scale=1)
                gr.Examples(engine.svc.suggestions(), inputs=box, label="示例 Examples")
                box.submit(respond, [box, chat, answers], [box, chat, answers], api_name="chat")
                send.click(respond, [box, chat, answers], [box, chat, answers], api_visibility="private")
                clear.click(lambda: ([], []), None, [chat, answers], api_visibility="private")
                chat.like(vote, [answers], None, api_visibility="private")
            with gr.Tab("浏览报告 Browse"):
                for doc in docs:
                    gr.HTML(browse_html(doc))
            with gr.Tab("承诺事项 Commitments"):
                gr.HTML('<p>报告承诺的计划与整改措施 · What the reports promise: plans and rectification measures. '
                        '<a href="/commitments" target="_blank">Open as a page</a></p>' + commitments_html(promised))
            with gr.Tab("反馈 Feedback"):
                gr.Markdown("Export every like / dislike as JSON lines (question, answer, sources, vote, time).")
                export_button = gr.Button("导出反馈 Export feedback")
                file = gr.File(label="feedback.jsonl")
                status = gr.Markdown()
                export_button.click(export, None, [file, status], api_visibility="private")
        gr.api(ask_api, api_name="ask")
    return blocks


def _error(status: int, message: str):
    return JSONResponse({"error": message}, status_code=status)


def create_app(settings: Settings | None = None, service=None):
    """The FastAPI app with every route; Gradio is mounted last so our routes win."""
    settings = settings or Settings.from_env()
    engine = Engine(settings, service)
    documents = engine.svc.index.documents
    promised = commitments(documents)

    app = FastAPI(title="reportqa", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                       allow_methods=["GET", "POST"], allow_headers=["Content-Type"])
    app.mount("/reportqa-static", StaticFiles(directory=STATIC), name="reportqa-static")

    @app.post("/api/ask")
    async def api_ask(request: Request):
        length = request.headers.get("content-length")
        if length is not None:
            try:
                if int(length) > MAX_BODY:
                    return _error(413, f"the request body is over {MAX_BODY} bytes")
            except ValueError:
                return _error(400, "the Content-Length header is not a number")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return _error(413, f"the request body is over {MAX_BODY} bytes")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _error(400, 'the body is not JSON; send {"question": "..."}')
        if not isinstance(payload, dict):
            return _error(400, 'the body must be a JSON object like {"question": "..."}')
        history = payload.get("history")
        if history is not None and not isinstance(history, list):
            return _error(400, '"history" must be a list of previous questions')
        try:
            return JSONResponse(await run_in_threadpool(engine.ask, payload.get("question"), history))
        except ReportQAError as e:
            return _error(400, str(e))

    @app.get("/api/health")
    def api_health():
        m = engine.svc.index.manifest
        return {"status": "ok", "documents": m["counts"]["documents"], "chunks": m["counts"]["chunks"],
                "sentences": m["counts"].get("sentences"), "model": m["model"]["id"],
                "built_at": m.get("built_at")}

    @app.get("/report/{doc_id}", response_class=HTMLResponse)
    def report(doc_id: str):
        doc = documents.get(doc_id)
        if doc is None:
            return HTMLResponse(f"<!doctype html><meta charset=utf-8><p>No report named {esc(doc_id)}.</p>",
                                status_code=404)
        return report_page(doc)

    @app.get("/commitments", response_class=HTMLResponse)
    def commitments_view():
        return commitments_page(promised)

    @app.get("/api/commitments")
    def commitments_json():
        return promised

    @app.get("/widget")
    def widget():
        return FileResponse(STATIC / "widget.html", media_type="text/html; charset=utf-8")

    @app.get("/widget.js")
    def widget_js():
        return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8")

    blocks = build_blocks(engine, documents, promised, feedback_path=settings.feedback_path)
    blocks.queue(default_concurrency_limit=CONCURRENCY)
    return gr.mount_gradio_app(app, blocks, path="/", server_name=settings.host, server_port=settings.port,
                               footer_links=["api", "settings"], theme=theme(), css=CSS, ssr_mode=False,
                               mcp_server=False)


def serve(settings: Settings | None = None) -> None:
    """Load the engine once and serve until interrupted."""
    import uvicorn

    settings = settings or Settings.from_env()
    app = create_app(settings)
    print(f"reportqa: serving on http://{settings.host}:{settings.port}/", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
