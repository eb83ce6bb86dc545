"""Gradio's HTTP API for `/ask` (`POST /gradio_api/call/ask`, then `GET /gradio_api/call/ask/<event_id>`),
served by our own routes instead of Gradio's queue.

The protocol is Gradio's, unchanged: the POST takes `{"data": [question, history, doc, place, year]}`
and returns `{"event_id": …}`; the GET streams `event: complete` with `data: [answer]`, or `event:
error` with `data: {"error": message, …}` as Gradio sends for a gr.Error. Through Gradio's queue one
call cost the web process about 12 ms (two requests through Gradio's routing, a session state, the
queue's event messages, a thread): a quarter of REST's capacity on two cores. Served here it costs
what a REST call costs, and refuses at once (503 with Retry-After) past capacity, at the POST, as
REST does. Gradio's own protocol (`/gradio_api/queue/join`, which `gradio_client` and the staff page
speak) still goes through Gradio's queue to the same engine.

An event belongs to the account that started it: another account's GET of its id is a 404, so an
event id seen in a proxy log gives nothing. An answer not collected within KEEP_SECONDS is dropped.
"""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import OrderedDict

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..errors import ReportQAError
from .admission import Unavailable
from .workers import AnswerFailed

KEEP_SECONDS = 120.0  # an event's answer waits this long for its GET
MAX_EVENTS = 10_000  # events held at once (beyond it the oldest are dropped)
USAGE = 'send {"data": [question, history, doc, place, year]} (only the question is required)'


def _error_event(message: str) -> str:
    return "event: error\ndata: " + json.dumps({"error": message, "duration": None, "visible": True,
                                                  "title": "Error"}, ensure_ascii=False) + "\n\n"


def _account(request: Request) -> str | None:
    staff = request.scope.get("reportqa", {}).get("staff")
    return staff.name if staff else None


def router(engine, read_scope) -> APIRouter:
    """The two routes, over `engine`; `read_scope(doc, place, year)` reads the scope fields."""
    api = APIRouter()
    events: OrderedDict[str, tuple[str, asyncio.Task, float]] = OrderedDict()

    def forget_old() -> None:
        now = time.monotonic()
        while events and (len(events) >= MAX_EVENTS or next(iter(events.values()))[2] < now - KEEP_SECONDS):
            _, (_, task, _) = events.popitem(last=False)
            task.cancel()

    async def answered(future) -> dict:
        return engine.issue(await asyncio.wrap_future(future))

    @api.post("/gradio_api/call/ask")
    @api.post("/gradio_api/call/ask/")
    async def start(request: Request):
        try:
            payload = json.loads(await request.body())
        except (UnicodeDecodeError, ValueError, RecursionError):
            return JSONResponse({"error": "the body is not JSON; " + USAGE}, status_code=400)
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, list) or not 1 <= len(data) <= 5:
            return JSONResponse({"error": USAGE}, status_code=400)
        question, history, doc, place, year = (data + [None] * 5)[:5]
        if history is not None and not isinstance(history, list):
            return JSONResponse({"error": "history must be a list of previous questions"}, status_code=400)
        try:
            future = engine.submit(question, history, read_scope(doc, place, year))
        except Unavailable as e:
            return JSONResponse({"error": e.message}, status_code=503, headers={"Retry-After": str(e.retry_after)})
        except (ReportQAError, ValueError) as e:  # a bad doc, place or year
            return JSONResponse({"error": str(e)}, status_code=400)
        forget_old()
        event_id = uuid.uuid4().hex
        task = asyncio.ensure_future(answered(future))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())  # never "exception never retrieved"
        events[event_id] = (_account(request), task, time.monotonic())
        return {"event_id": event_id}

    @api.get("/gradio_api/call/ask/{event_id}")
    async def result(event_id: str, request: Request):
        held = events.get(event_id)
        if held is None or held[0] != _account(request):
            return JSONResponse({"error": "no such event (it was collected, is too old, or is not yours)"},
                                status_code=404)
        del events[event_id]
        task = held[1]

        try:  # answers take milliseconds: the whole event stream is sent at once, when it is complete
            text = "event: complete\ndata: " + json.dumps([await task], ensure_ascii=False) + "\n\n"
        except (ReportQAError, Unavailable, AnswerFailed) as e:
            text = _error_event(getattr(e, "message", None) or str(e))
        except asyncio.CancelledError:
            if not task.cancelled():
                raise  # this request was cancelled (the client went away), not the answer
            text = _error_event("the answer was dropped before it was collected")
        return Response(text, media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    return api
