"""The staff page (Gradio): chat with sources, votes and a report picker; browse; commitments; feedback.

The Gradio theme uses system fonts and analytics are off, so the page asks no other host. The
page fills the window: the chat scrolls inside it and the question box stays at the bottom, on
a phone too. Gradio's own scrolling is off; static/chat.js shows each new answer from its start.

Only a signed-in account reaches it (security.py); `request.username` is that account. The
conversation lives on the server (gr.State): follow-ups and votes use it, never the client's copy
of the chat, and clearing the chat (the bin icon or "New chat") clears it. A vote names the answer
id issued with the answer.
"""
from __future__ import annotations

import json
import logging
import sys
import traceback
from copy import copy
from datetime import datetime
from pathlib import Path

import gradio as gr
from gradio.state_holder import SessionState, StateHolder
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from .. import feedback
from ..errors import ReportQAError
from ..qa.scope import Scope
from .admission import Unavailable
from .workers import AnswerFailed
from .html import browse_html, commitments_html, render_answer, render_error, render_question

log = logging.getLogger(__name__)

SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "PingFang SC", "Hiragino Sans GB",
                "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]
ALL_REPORTS = "all"

STATIC = Path(__file__).resolve().parent.parent / "static"
CSS = (STATIC / "chat.css").read_text(encoding="utf-8")  # the chat's look: answers, sources, phone layout
# chat.js (answer-first scrolling, copy as plain text, [n] links, page language) is a file, not inline
# script: the page's Content-Security-Policy allows scripts from this server only.
HEAD = '<script src="/reportqa-static/chat.js" defer></script>'


def theme():
    """Gradio's default look with system fonts only (no request leaves this server), in blue, with
    buttons and secondary text dark enough for 4.5:1 contrast."""
    return gr.themes.Default(primary_hue="blue", font=SYSTEM_FONTS, font_mono=MONO_FONTS).set(
        button_primary_background_fill="*primary_700", button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover="*primary_800", button_primary_background_fill_hover_dark="*primary_800",
        body_text_color_subdued="*neutral_600", body_text_color_subdued_dark="*neutral_300")


def report_choices(reports: list[dict]) -> dict[str, tuple[str, Scope]]:
    """The staff chat's report picker: value -> (label, scope). All reports; each place with several
    reports, and each of its years with several; each report."""
    out = {ALL_REPORTS: ("全部报告 All reports", Scope())}
    by_place: dict[str, list[dict]] = {}
    for r in reports:
        by_place.setdefault(r.get("place") or "", []).append(r)
    for place, rs in by_place.items():
        if place and len(rs) > 1:
            out[f"place:{place}"] = (f"{place} · 全部 all years", Scope(place=place))
        years = [r["year"] for r in rs if r.get("year")]
        for year in sorted({y for y in years if years.count(y) > 1}):
            out[f"place:{place}:{year}"] = (f"{place} {year}年 · 全部 all reports", Scope(place=place, year=year))
        for r in sorted(rs, key=lambda r: (r.get("year") or 0, r["doc"])):
            name = f"{place} {r['year']}年" if place and r.get("year") else r["title"]
            out[f"doc:{r['doc']}"] = (f"{name} · {r.get('kind') or r['title']}", Scope(doc=r["doc"]))
    return out


def _vote(liked) -> str | None:
    if liked is True or liked == "Like":
        return "like"
    if liked is False or liked == "Dislike":
        return "dislike"
    return None


def voter(request: gr.Request | None) -> str:
    return (request.username if request is not None else None) or "staff"


def browse_all(documents: dict) -> str:
    return "".join(browse_html(doc) for doc in documents.values())


def commitments_tab(items: list[dict]) -> str:
    return ('<p>报告承诺的计划与整改措施，以及下一年报告的落实情况 · What the reports promise, and what '
            'the next year\'s report says about it. <a href="/commitments" target="_blank">Open as a page'
            '</a></p>' + commitments_html(items))


def _entries(conversation, request) -> list:
    """The entries of the server-side conversation if it is the signed-in account's own; else none (a
    Gradio session is keyed by a hash the browser picks: it must never lend one account's turns to another)."""
    if isinstance(conversation, dict) and conversation.get("account") == voter(request):
        return list(conversation.get("entries") or [])
    return []


def _kept(entries: list, request) -> dict:
    return {"account": voter(request), "entries": entries}


def answer_message(d: dict | None, reply: str) -> dict:
    """The assistant's chat message for an answer: its HTML, and when the answer says several places
    answer it differently, one option per place (`choices`), which asks the same question of that place."""
    message = {"role": "assistant", "content": reply}
    choices = [c for c in (d or {}).get("choices") or [] if isinstance(c, dict) and c.get("place")]
    if choices:
        message["options"] = [{"label": str(c.get("label") or c["place"]), "value": str(c["place"])} for c in choices]
    return message


def build_blocks(engine, read_scope):
    """The staff page over `engine`'s current index (a newly taken-up index shows on the next page load).
    `read_scope(doc, place, year)` turns the API's scope inputs into a Scope (ValueError for bad ones)."""
    choices = report_choices(engine.svc.reports())

    async def answer(entries: list, question: str, shown: str, scope: Scope, request) -> tuple:
        """Ask `question` (shown as `shown`) after the conversation's `entries`; the outputs of an event."""
        history = [e["answer"]["question"] for e in entries if e["answer"]]
        try:
            d = await engine.ask_async(question, history, scope)
            reply = render_answer(d)
        except (ReportQAError, Unavailable, AnswerFailed) as e:
            d, reply = None, render_error(str(e))
        entries = entries + [{"message": {"role": "user", "content": render_question(shown, d and d.get("lang"))},
                              "answer": None},
                             {"message": answer_message(d, reply), "answer": d}]
        return "", [e["message"] for e in entries], _kept(entries, request)

    def picked_scope(picked) -> Scope:
        current = report_choices(engine.svc.reports())  # the index may have been reloaded
        return current.get(picked, current[ALL_REPORTS])[1]

    async def respond(message, chat, conversation, picked, request: gr.Request):
        """`conversation` (server-side, the signed-in account's) holds each message shown and the answer
        behind it; the chat the client sends only says whether it was cleared (empty: a new conversation).
        What is shown is the server's record, so follow-ups and votes never rest on text the client made up."""
        entries = _entries(conversation, request) if chat else []
        if not isinstance(message, str) or not message.strip():
            return "", [e["message"] for e in entries], _kept(entries, request)
        return await answer(entries, message, message, picked_scope(picked), request)

    async def ask_example(chat, conversation, picked, example: gr.SelectData, request: gr.Request):
        """An example in the empty chat, clicked: asked at once (in a new conversation, as the chat is empty)."""
        text = example.value.get("text") if isinstance(example.value, dict) else example.value
        return await respond(text if isinstance(text, str) else "", chat, conversation, picked, request)

    async def choose(chat, conversation, option: gr.SelectData, request: gr.Request):
        """A place offered under an answer, chosen: the same question asked again of that place's reports."""
        entries = _entries(conversation, request) if chat else []
        place = option.value.get("value") if isinstance(option.value, dict) else option.value
        offered = next((e["answer"] for e in reversed(entries) if e["answer"] and place in
                        [c.get("place") for c in e["answer"].get("choices") or [] if isinstance(c, dict)]), None)
        if not isinstance(place, str) or offered is None:
            return gr.update(), [e["message"] for e in entries], _kept(entries, request)
        question = offered["question"]
        return await answer(entries, question, f"{question}（{place}）", Scope(place=place), request)

    def vote(conversation, like: gr.LikeData, request: gr.Request):
        """The answer rated is the one this conversation shows at that place, by the id issued with it."""
        entries = _entries(conversation, request)
        index = like.index if isinstance(like.index, int) else (like.index[0] if isinstance(like.index, list)
                                                                 and like.index else None)
        entry = entries[index] if isinstance(index, int) and 0 <= index < len(entries) else None
        d = entry["answer"] if entry else None
        if not d or not d.get("answer_id"):
            return
        issued = {"question": d["question"], "answer": d["answer"],
                  "citations": feedback.citation_summary(d.get("citations"))}
        try:
            done = engine.vote(d["answer_id"], voter(request), _vote(like.liked), issued)
        except ReportQAError as e:
            gr.Warning(str(e))
            return
        if done.status in ("new", "replaced"):
            gr.Info("谢谢 · Thank you, feedback saved.")

    def forget(request: gr.Request):
        """The chat was cleared: so is the server's record of it (history for follow-ups, votes)."""
        return _kept([], request)

    def new_chat(request: gr.Request):
        return [], forget(request)

    def refresh():
        """The parts of the page that follow the current index: the picker, Browse, Commitments."""
        now = report_choices(engine.svc.reports())
        return (gr.update(choices=[(label, value) for value, (label, _) in now.items()], visible=len(now) > 2),
                browse_all(engine.documents), commitments_tab(engine.book.items),
                f"{engine.feedback.count()} vote(s) recorded.")

    async def ask_api(question: str, history: list | None = None, doc: str | None = None,
                      place: str | None = None, year: int | None = None) -> dict:
        """Answer one question; history is the list of previous questions; doc, place and year
        restrict the reports it is answered from. Returns the engine's JSON."""
        try:
            scope = read_scope(doc, place, year)
            return await engine.ask_async(question, history, scope)
        except (ReportQAError, ValueError, Unavailable, AnswerFailed) as e:
            raise gr.Error(str(e), print_exception=False)  # a user's error: no traceback in the log

    examples = [{"text": q} for q in engine.svc.suggestions()]
    with gr.Blocks(title="reportqa · 报告问答", analytics_enabled=False, fill_height=True) as blocks:
        with gr.Row(elem_id="rq-header", equal_height=True):
            gr.HTML('<h1 class="rq-title"><span class="rq-brand">reportqa · </span>政府报告问答 '
                    '<small>exact answers with cited passages</small></h1>', padding=False, min_width=0)
            gr.HTML('<nav class="rq-nav"><a href="/home" class="rq-wide">公众页面 Public pages</a> '
                    '<a href="/logout" class="rq-signout" title="退出 Sign out">退出 Sign out</a></nav>',
                    padding=False, min_width=0, elem_id="rq-nav")
            clear = gr.Button("新对话 New chat", size="md", scale=0, min_width=0, elem_id="rq-new")
        with gr.Tabs(elem_id="rq-tabs", overflow_behavior="wrap"):  # every tab a tab, on a phone too
            with gr.Tab("问答 Ask", elem_id="rq-ask", scale=1):
                picker = gr.Dropdown([(label, value) for value, (label, _) in choices.items()], value=ALL_REPORTS,
                                     label="报告范围 Reports", elem_id="rq-scope", interactive=True,
                                     visible=len(choices) > 2)
                chat = gr.Chatbot(elem_id="rq-chat", label="对话 Conversation", show_label=False, scale=1, height="100%",
                                  min_height=200, autoscroll=False, layout="panel", feedback_options=("Like", "Dislike"),
                                  latex_delimiters=[], line_breaks=False, buttons=[], examples=examples,
                                  placeholder="请就报告内容提问 · Ask about the reports")
                answers = gr.State({})
                with gr.Row(elem_id="rq-compose", equal_height=True):
                    box = gr.Textbox(placeholder="输入问题 · Ask a question", label="问题 Question",
                                     show_label=False, scale=8, min_width=0, lines=1, max_lines=4, elem_id="rq-input",
                                     max_length=engine.settings.max_question_chars, autofocus=True)
                    send = gr.Button("提问 Ask", variant="primary", size="md", scale=0, min_width=0, elem_id="rq-send")
                box.submit(respond, [box, chat, answers, picker], [box, chat, answers], api_name="chat")
                send.click(respond, [box, chat, answers, picker], [box, chat, answers], api_visibility="private")
                chat.example_select(ask_example, [chat, answers, picker], [box, chat, answers], api_visibility="private")
                chat.option_select(choose, [chat, answers], [box, chat, answers], api_visibility="private")
                clear.click(new_chat, None, [chat, answers], api_visibility="private")  # New chat
                chat.clear(forget, None, [answers], api_name="forget", api_visibility="private")  # the bin icon
                chat.like(vote, [answers], None, api_visibility="private")
            with gr.Tab("浏览报告 Browse"):
                browse = gr.HTML(browse_all(engine.documents))
            with gr.Tab("承诺事项 Commitments"):
                promised = gr.HTML(commitments_tab(engine.book.items))
            with gr.Tab("反馈 Feedback"):
                gr.HTML('<p>每一条赞/踩（问题、答案、来源、评价、评价人、时间），直接从存储导出 · Every like / dislike '
                        '(question, answer, sources, vote, voter, time), exported straight from the store:</p>'
                        '<p><a href="/staff/feedback.csv" download>导出反馈 Export feedback (CSV)</a> · '
                        '<a href="/staff/feedback.jsonl" download>JSON lines</a></p>')
                count = gr.Markdown(f"{engine.feedback.count()} vote(s) recorded.")
        blocks.load(refresh, None, [picker, browse, promised, count], api_visibility="private")
        gr.api(ask_api, api_name="ask")
    return blocks


class _Session(SessionState):
    """Gradio's per-session state without the copy of every component's configuration it keeps for
    deep links (closed here, security.py): computing that copy at each session's start and again at
    each event was most of what an API call cost the web process (about 10 ms of its 20 with the
    staff page's 28 components, every /ask call being a session of its own)."""

    def __init__(self, blocks) -> None:  # SessionState.__init__ without config_values
        self.blocks_config = copy(blocks.default_config)
        self.state_data = {}
        self._state_ttl = {}
        self.is_closed = False
        self.STATE_TTL_WHEN_CLOSED = 3600

    def __setitem__(self, key: int, value) -> None:  # SessionState.__setitem__ without the config copy
        block = self.blocks_config.blocks.get(key)
        if isinstance(block, gr.State):
            self._state_ttl[key] = (block.time_to_live, datetime.now())
            self.state_data[key] = value
        else:
            self.blocks_config.blocks[key] = value

    def _update_config(self, key: int) -> None:
        pass

    def _update_value_in_config(self, key: int, value) -> None:
        pass

    @property
    def components(self):
        return iter(())  # deep links are closed: there is no copy to give


class _StateHolder(StateHolder):
    def __getitem__(self, session_id: str) -> SessionState:
        if session_id not in self.session_data:
            self.session_data[session_id] = _Session(self.blocks)
        return super().__getitem__(session_id)


def lighten(blocks) -> None:
    """Once mounted: sessions of this page start with `_Session`, and refused events log one line."""
    import gradio.queueing

    blocks.state_holder.__class__ = _StateHolder
    gradio.queueing.traceback = _EventFailures()


class _EventFailures:
    """What Gradio's queue calls to print an event's failure. It prints a full traceback for every event it
    refuses, a malformed payload sent to the staff page's queue included: that is one line here ("refused
    …"), and a failure in our own handlers (a frame of reportqa in the trace) keeps its full traceback."""

    def print_exc(self, *args, **kwargs) -> None:
        error = sys.exc_info()[1]
        if error is None or any("/reportqa/" in f.filename for f in traceback.extract_tb(error.__traceback__)):
            traceback.print_exc(*args, **kwargs)
            return
        first = (str(error).strip().splitlines() or [""])[0][:200]
        log.warning("reportqa: the staff page refused an event: %s: %s", type(error).__name__, first)

    def __getattr__(self, name):
        return getattr(traceback, name)


def feedback_routes(engine):
    """Staff-only routes (the Guard lets only signed-in accounts reach /staff/): the export, streamed
    from the store (no file is written), and a vote by answer id for scripts."""
    router = APIRouter()

    def export(fmt: str):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson; charset=utf-8"
        pieces = (piece.encode("utf-8") for piece in feedback.export_lines(engine.feedback.entries(), fmt))
        return StreamingResponse(pieces, media_type=media, headers={
            "content-disposition": f'attachment; filename="feedback-{stamp}.{fmt}"'})

    @router.get("/staff/feedback.csv")
    def export_csv():
        return export("csv")

    @router.get("/staff/feedback.jsonl")
    def export_jsonl():
        return export("jsonl")

    @router.post("/staff/feedback")
    async def vote(request: Request):
        """{"answer_id": "...", "vote": "like" | "dislike" | null}: the signed-in account's vote."""
        try:
            payload = json.loads(await request.body())
        except (ValueError, RecursionError):
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("answer_id"), str) or \
                "vote" not in payload or payload["vote"] not in (*feedback.VOTES, None):
            return JSONResponse({"error": 'send {"answer_id": "...", "vote": "like" | "dislike" | null}'},
                                status_code=400)
        staff = request.scope["reportqa"]["staff"]
        try:
            done = engine.vote(payload["answer_id"], staff.name, payload["vote"])
        except feedback.FeedbackFull as e:
            return JSONResponse({"error": str(e)}, status_code=507)
        except ReportQAError as e:
            return JSONResponse({"error": str(e)}, status_code=404)
        return {"status": done.status, "votes": done.count}

    return router
