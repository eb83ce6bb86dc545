"""One web server: the staff chat (Gradio), the report browser, the REST API and the widget.

`html.py` builds every page from escaped text (report passages and questions are untrusted:
they reach HTML only through `esc`, or, in the widget, through `textContent`); `staff.py` is
the Gradio page; `engine.py` the loaded engine (and taking up a new index, `reload.py`); this
module holds the routes. No page asks any host but this server: the Gradio theme uses system
fonts and analytics are off.

Two faces (`security.py`): the public pages and API, served to anyone within the rate and body
limits; and the staff pages (the Gradio app, `/staff/…`), served only to a signed-in account
(`auth.py`), and not at all with `--public` / REPORTQA_PUBLIC=1. The Gradio `/ask` endpoint is
part of the staff app; the public API is `POST /api/ask` and the OpenAI-compatible `/v1`
(`openai.py`, with its own keys).

Scope: `POST /api/ask` and the Gradio `/ask` endpoint take optional `doc`, `place` and `year`
(a widget pinned to its town sends `place`); `/commitments` and `/api/commitments` take
`place`, `year`, `kind` and `status` (the targets' met / not_met / not_reported; `format=csv` downloads
them). A place is matched as `reportqa.qa.scope.Scope` matches it (full name,
short form or pinyin).
"""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import importlib.util
import json
import logging
import sys
from pathlib import Path
from urllib.parse import quote

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ..config import Settings
from ..errors import ReportQAError
from ..tracker import STATUSES, TARGET_KINDS, summary, targets_csv
from . import calls, openai
from .fields import read_scope
from .admission import Unavailable
from .auth import Accounts, SignInThrottle, login_routes, staff_name
from .engine import Engine
from .workers import AnswerFailed
from .html import commitments_page, home_page, not_found_page, report_page
from .security import Guard
from .signouts import SignOuts
from .staff import CSS, HEAD, build_blocks, feedback_routes, lighten, theme

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "static"
CONCURRENCY = 64  # simultaneous Gradio events, as many as REST requests in flight (answers run concurrently)
QUEUE_SIZE = 200  # Gradio events waiting at most; more are refused (the rate limits come first)
QUEUE_POLL = 0.005  # seconds between Gradio's looks at its queue when it is idle (its own default: 0.001)

if importlib.util.find_spec("matplotlib") is None:
    # Gradio tries `import matplotlib` twice around every event; when it is not installed, each attempt
    # searches every path entry again (about 1 ms an event). Marked missing, the import fails at once.
    sys.modules["matplotlib"] = None

__all__ = ["Engine", "create_app", "read_scope", "serve"]


def _error(status: int, message: str, headers: dict | None = None):
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def unavailable(e: Unavailable):
    """503 with Retry-After: over capacity, a worker being replaced, or a damaged index."""
    return _error(503, e.message, {"Retry-After": str(e.retry_after)})


async def _json_body(request: Request):
    """The request's JSON object, or an error response (400 when it is not a JSON object).
    The body's size and nesting were checked by the Guard before any route ran."""
    body = await request.body()
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, _error(400, 'the body is not JSON; send {"question": "..."}')
    if not isinstance(payload, dict):
        return None, _error(400, 'the body must be a JSON object like {"question": "..."}')
    return payload, None


async def _invalid_request(request: Request, exc: RequestValidationError):
    """A body or parameter a route's model refuses: 422 with what was wrong. FastAPI's own handler echoes
    the input back and fails (500) on what JSON cannot hold (bytes that are not UTF-8, 1e999)."""
    problems = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()]
    return _error(422, "the request is not what this route takes: " + "; ".join(problems)[:500])


def create_app(settings: Settings | None = None, service=None):
    """The FastAPI app with every route, behind the Guard (security.py). Gradio is mounted last so our
    routes win, and not at all in public mode. Every route reads the engine's current index."""
    settings = settings or Settings.from_env()
    staff_mounted = not settings.public
    accounts = Accounts(settings.staff_users_path, settings.staff_token, settings.secret_key, settings.session_hours,
                        settings.cookie_secure, SignOuts(settings.sessions_file) if staff_mounted else None)
    engine = Engine(settings, service)

    app = FastAPI(title="reportqa", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.state.engine = engine
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
            return JSONResponse(await engine.ask_async(payload.get("question"), history, scope))
        except (ReportQAError, ValueError) as e:
            return _error(400, str(e))
        except Unavailable as e:
            return unavailable(e)
        except AnswerFailed as e:
            return _error(500, str(e))

    @app.get("/api/health")
    def api_health():
        status, body = engine.health()
        return JSONResponse(body, status_code=status)

    @app.get("/api/reports")
    def api_reports():
        return engine.svc.reports()

    def selected_commitments(place, year, kind, status=None):
        """The plan items (CommitmentBook) and the targets (Tracker) of a place and year. `kind` is a
        commitment or report kind for the items, or quantified / qualitative for the targets;
        `status` (met, not_met, not_reported) filters the targets."""
        scope = read_scope(None, place, year)  # ValueError for a bad year
        if status and status not in STATUSES:
            raise ValueError(f'"status" must be one of {", ".join(STATUSES)}')
        docs, message = engine.reports_in(scope.place, scope.year)
        if message:
            return [], message, scope, []
        target_kind = kind if kind in TARGET_KINDS else None
        items, message = engine.book.select(docs, None if target_kind else kind)
        # the targets set for the year (by the reports of the place that plan it, not those that review it)
        place_docs = engine.reports_in(scope.place, None)[0] if scope.place else None
        targets = engine.tracker.select(place_docs, year=scope.year, status=status, kind=target_kind)
        if kind and not target_kind and not message:  # a kind of plan item: the targets of those reports
            targets = [t for t in targets if t["doc"] in {i["doc"] for i in items}]
        return items, message, scope, targets

    @app.get("/api/commitments")
    def commitments_json(place: str | None = None, year: str | None = None, kind: str | None = None,
                         status: str | None = None, format: str | None = None):
        try:
            items, message, scope, targets = selected_commitments(place, year, kind, status)
        except ValueError as e:
            return _error(400, str(e))
        if format == "csv":
            name = "commitments" + "".join(f"-{v}" for v in (scope.place, scope.year) if v)
            return Response(targets_csv(targets), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}.csv"})
        return {"filters": {"place": scope.place, "year": scope.year, "kind": kind or None, "status": status or None},
                "count": len(items), "message": message, "commitments": items,
                "summary": summary(targets), "targets": targets}

    @app.get("/commitments", response_class=HTMLResponse)
    def commitments_view(place: str | None = None, year: str | None = None, kind: str | None = None,
                         status: str | None = None):
        try:
            items, message, scope, targets = selected_commitments(place, year, kind, status)
        except ValueError as e:
            return HTMLResponse(not_found_page(str(e)), status_code=400)
        chosen = {"place": scope.place, "year": scope.year, "kind": kind, "status": status}
        return commitments_page(items, message, engine.svc.reports(), chosen, targets)

    @app.get("/report/{doc_id}", response_class=HTMLResponse)
    def report(doc_id: str):
        doc = engine.documents.get(doc_id)
        if doc is None:
            return HTMLResponse(not_found_page(f"No report named {doc_id}."), status_code=404)
        return report_page(doc)

    @app.get("/favicon.ico")
    def favicon():  # browsers ask for it on every page; public, like the pages that make them ask
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    @app.get("/widget")
    def widget():
        return FileResponse(STATIC / "widget.html", media_type="text/html; charset=utf-8")

    @app.get("/widget.js")
    def widget_js():
        return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8")

    @app.get("/home", response_class=HTMLResponse)
    def home():
        return home_page(engine.svc.reports(), staff=staff_mounted)

    app.include_router(openai.router(engine, settings))  # /v1: the OpenAI-compatible API (public face)

    if staff_mounted:
        app.include_router(login_routes(accounts, SignInThrottle(settings.login_rate_limit,
                                                                 settings.login_address_rate_limit)))
        app.include_router(feedback_routes(engine))
        app.include_router(calls.router(engine, read_scope))  # Gradio's HTTP API for /ask, before Gradio's own
        blocks = build_blocks(engine, read_scope)
        blocks.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
        blocks._queue.sleep_when_free = QUEUE_POLL  # Gradio looks for new events every 1 ms: 8% of a core idle
        gr.mount_gradio_app(app, blocks, path="/", server_name=settings.host, server_port=settings.port,
                            footer_links=[], theme=theme(), css=CSS, head=HEAD,
                            ssr_mode=False,
                            mcp_server=False, max_file_size="1kb", auth_dependency=staff_name)
        lighten(blocks)
        gradio_app = next(r.app for r in reversed(app.routes) if getattr(r, "app", None) is not None
                          and hasattr(r.app, "get_blocks"))
        gradio_app.add_exception_handler(RequestValidationError, _invalid_request)
        if not accounts.configured:
            log.warning("reportqa: no staff account is configured, so the staff pages stay closed; add one with "
                        "`reportqa staff-user add NAME` (taken up without a restart) or set REPORTQA_STAFF_TOKEN")
    handlers = (lambda: blocks.fns.keys()) if staff_mounted else None
    app.add_middleware(Guard, settings=settings, accounts=accounts, staff_mounted=staff_mounted,
                       gradio_handlers=handlers)
    if settings.cors_origins:  # outermost; Authorization: browser clients of /v1 on a listed origin send their key
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type", "Authorization"])
    engine.watcher.start()
    return app


def serve(settings: Settings | None = None) -> None:
    """Load the engine once and serve until interrupted."""
    import uvicorn

    settings = settings or Settings.from_env()
    app = create_app(settings)
    face = "public pages only" if settings.public else "public and staff pages"
    print(f"reportqa: serving on http://{settings.host}:{settings.port}/ ({face})", flush=True)
    # Open keep-alive and event-stream connections get a few seconds, not forever, on shutdown.
    # proxy_headers off: the Guard believes X-Forwarded-* only from REPORTQA_TRUSTED_PROXIES.
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", timeout_graceful_shutdown=3,
                    proxy_headers=False, server_header=False)
    finally:
        app.state.engine.close()  # the answering workers stop with the server
