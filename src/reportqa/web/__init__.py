"""One web server: the staff chat (Gradio), the report browser, the REST API and the widget.

`html.py` builds every page from escaped text (report passages and questions are untrusted:
they reach HTML only through `esc`, or, in the widget, through `textContent`); `staff.py` is
the Gradio page; this module holds the engine and the routes. No page asks any host but this
server: the Gradio theme uses system fonts and analytics are off.

Scope: `POST /api/ask` and the Gradio `/ask` endpoint take optional `doc`, `place` and `year`
(a widget pinned to its town sends `place`); `/commitments` and `/api/commitments` take
`place`, `year` and `kind`. A place is matched as `reportqa.scope.Scope` matches it (full name,
short form or pinyin).
"""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import json
import logging
import threading
from pathlib import Path

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from ..commitments import CommitmentBook
from ..config import Settings
from ..errors import ReportQAError
from ..scope import Scope
from . import openai
from .html import commitments_page, not_found_page, report_page
from .staff import CSS, HEAD, build_blocks, theme

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "static"
MAX_BODY = 16 * 1024  # bytes accepted by POST /api/ask
CONCURRENCY = 20  # simultaneous Gradio events; svc.ask itself is short and serialised
MAX_NAME = 200  # characters of a doc or place filter


class Engine:
    """The loaded QAService, asked one question at a time (the encoder is not known to be thread-safe)."""

    def __init__(self, settings: Settings, service=None) -> None:
        from ..service import QAService

        self.settings = settings
        self.svc = service or QAService(settings)
        self._lock = threading.Lock()

    def ask(self, question, history=None, scope: Scope | None = None) -> dict:
        with self._lock:
            return self.svc.ask(question, history=history, scope=scope).to_dict()

    def reports_in(self, place: str | None, year: int | None) -> tuple[list[str], str]:
        """The reports of a place and year (None: any), or a message when there are none."""
        if not place and year is None:
            return list(self.svc.index.documents), ""
        scope = Scope(place=place, year=year)
        with self._lock:
            docs = self.svc.scoper.scope("", "zh", scope).docs  # no question: the filters alone
        if docs:
            return docs, ""
        return [], (f"没有符合所选范围（{scope.describe()}）的报告 · "
                    f"No loaded report matches the chosen scope ({scope.describe()}).")


def read_scope(doc=None, place=None, year=None) -> Scope:
    """A Scope from request fields: doc and place text, year a whole number (or its digits).
    Raises ValueError with a message for the caller when a field has the wrong type."""
    names = {}
    for field, value in (("doc", doc), ("place", place)):
        if value is not None and not isinstance(value, str):
            raise ValueError(f'"{field}" must be text, like "{"小河镇" if field == "place" else "xiaohe-2023"}"')
        if value is not None and len(value) > MAX_NAME:
            raise ValueError(f'"{field}" is over {MAX_NAME} characters')
        names[field] = value.strip() if value and value.strip() else None
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    elif isinstance(year, str) and not year.strip():
        year = None
    elif isinstance(year, float) and year.is_integer():
        year = int(year)
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100):
        raise ValueError('"year" must be a year like 2024')
    return Scope(doc=names["doc"], place=names["place"], year=year)


def _error(status: int, message: str):
    return JSONResponse({"error": message}, status_code=status)


async def _json_body(request: Request):
    """The request's JSON object, or an error response (413 over MAX_BODY, 400 not a JSON object)."""
    length = request.headers.get("content-length")
    if length is not None:
        try:
            if int(length) > MAX_BODY:
                return None, _error(413, f"the request body is over {MAX_BODY} bytes")
        except ValueError:
            return None, _error(400, "the Content-Length header is not a number")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None, _error(413, f"the request body is over {MAX_BODY} bytes")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, _error(400, 'the body is not JSON; send {"question": "..."}')
    if not isinstance(payload, dict):
        return None, _error(400, 'the body must be a JSON object like {"question": "..."}')
    return payload, None


def create_app(settings: Settings | None = None, service=None):
    """The FastAPI app with every route; Gradio is mounted last so our routes win."""
    settings = settings or Settings.from_env()
    engine = Engine(settings, service)
    documents = engine.svc.index.documents
    book = CommitmentBook(engine.svc.index, engine.svc.encoder)  # once: follow-ups need the encoder

    app = FastAPI(title="reportqa", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                       allow_methods=["GET", "POST"], allow_headers=["Content-Type"])
    app.mount("/reportqa-static", StaticFiles(directory=STATIC), name="reportqa-static")

    @app.post("/api/ask")
    async def api_ask(request: Request):
        payload, error = await _json_body(request)
        if error:
            return error
        history = payload.get("history")
        if history is not None and not isinstance(history, list):
            return _error(400, '"history" must be a list of previous questions')
        try:
            scope = read_scope(payload.get("doc"), payload.get("place"), payload.get("year"))
            return JSONResponse(await run_in_threadpool(engine.ask, payload.get("question"), history, scope))
        except (ReportQAError, ValueError) as e:
            return _error(400, str(e))

    @app.get("/api/health")
    def api_health():
        m = engine.svc.index.manifest
        return {"status": "ok", "documents": len(documents), "chunks": m["counts"]["chunks"],
                "sentences": m["counts"].get("sentences"), "model": m["model"]["id"],
                "built_at": m.get("built_at")}

    @app.get("/api/reports")
    def api_reports():
        return engine.svc.reports()

    def selected_commitments(place, year, kind):
        scope = read_scope(None, place, year)  # ValueError for a bad year
        docs, message = engine.reports_in(scope.place, scope.year)
        if message:
            return [], message, scope
        items, message = book.select(docs, kind)
        return items, message, scope

    @app.get("/api/commitments")
    def commitments_json(place: str | None = None, year: str | None = None, kind: str | None = None):
        try:
            items, message, scope = selected_commitments(place, year, kind)
        except ValueError as e:
            return _error(400, str(e))
        return {"filters": {"place": scope.place, "year": scope.year, "kind": kind or None},
                "count": len(items), "message": message, "commitments": items}

    @app.get("/commitments", response_class=HTMLResponse)
    def commitments_view(place: str | None = None, year: str | None = None, kind: str | None = None):
        try:
            items, message, scope = selected_commitments(place, year, kind)
        except ValueError as e:
            return HTMLResponse(not_found_page(str(e)), status_code=400)
        chosen = {"place": scope.place, "year": scope.year, "kind": kind}
        return commitments_page(items, message, engine.svc.reports(), chosen)

    @app.get("/report/{doc_id}", response_class=HTMLResponse)
    def report(doc_id: str):
        doc = documents.get(doc_id)
        if doc is None:
            return HTMLResponse(not_found_page(f"No report named {doc_id}."), status_code=404)
        return report_page(doc)

    @app.get("/widget")
    def widget():
        return FileResponse(STATIC / "widget.html", media_type="text/html; charset=utf-8")

    @app.get("/widget.js")
    def widget_js():
        return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8")

    app.include_router(openai.router(engine, settings))  # /v1: the OpenAI-compatible API

    blocks = build_blocks(engine, documents, book.items, settings.feedback_path, read_scope)
    blocks.queue(default_concurrency_limit=CONCURRENCY)
    return gr.mount_gradio_app(app, blocks, path="/", server_name=settings.host, server_port=settings.port,
                               footer_links=["api", "settings"], theme=theme(), css=CSS, head=HEAD, ssr_mode=False,
                               mcp_server=False)


def serve(settings: Settings | None = None) -> None:
    """Load the engine once and serve until interrupted."""
    import uvicorn

    settings = settings or Settings.from_env()
    app = create_app(settings)
    print(f"reportqa: serving on http://{settings.host}:{settings.port}/", flush=True)
    # open keep-alive and event-stream connections get a few seconds, not forever, on shutdown
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", timeout_graceful_shutdown=3)
