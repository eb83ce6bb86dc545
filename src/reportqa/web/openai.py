"""The OpenAI-compatible API: chat clients (Open WebUI, LibreChat, Chatbox, NextChat, the `openai`
package) talk to reportqa as if it were a model.

    GET  /v1/models             one model per scope: `reportqa` (every report), `reportqa:<place>`
                                and `reportqa:<place>:<year>` for each place and year loaded
    POST /v1/chat/completions   plain or `stream: true` (server-sent `chat.completion.chunk` events)

The last user message is the question and the earlier user messages its history (follow-ups
lean on them); system and assistant messages are ignored. The model name, and `metadata`
({"place", "year", "doc"}), choose the reports. The reply's content is the answer with its [n]
marks and a list of the sources it quotes, so any client shows them; `citations` (top level,
and on the last stream chunk) carries them as data. `usage` counts characters, not tokens: there
is no tokenizer, and the answer is extracted, not generated. Errors have OpenAI's shape,
{"error": {"message", "type", "param", "code"}}.

Keys: `Authorization: Bearer <key>` must be one of REPORTQA_API_KEYS; when none is configured any
key, or none, is accepted (clients insist on sending one).
"""
from __future__ import annotations

import hmac
import json
import time
import uuid
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from ..errors import ReportQAError
from ..qa.scope import Scope
from .admission import Unavailable
from .fields import read_scope
from .sources import citation_link, marked, plain_text, section_label
from .workers import AnswerFailed

MODEL = "reportqa"
MAX_HISTORY = 8  # earlier user turns passed on as history
ROLES = {"system", "developer", "user", "assistant", "tool", "function"}


class APIError(Exception):
    """An error the client caused, answered in OpenAI's error shape."""

    def __init__(self, status: int, message: str, type_: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type_, param, code
        self.retry_after = retry_after

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else {}
        if self.retry_after:
            headers["Retry-After"] = str(self.retry_after)
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


def model_ids(reports: list[dict]) -> list[tuple[str, str]]:
    """(model id, display name) for every scope of the loaded reports: all, each place, each place-year."""
    out = [(MODEL, "报告问答 · all reports")]
    places: dict[str, set[int]] = {}
    for r in reports:
        if r.get("place"):
            places.setdefault(r["place"], set()).update({r["year"]} if r.get("year") else set())
    for place in sorted(places):
        out.append((f"{MODEL}:{place}", f"报告问答 · {place}"))
        out += [(f"{MODEL}:{place}:{year}", f"报告问答 · {place} {year}年") for year in sorted(places[place])]
    return out


def model_scope(model) -> tuple[str | None, str | None]:
    """(place, year) named by a model id: 'reportqa', 'reportqa:小河镇', 'reportqa:xiaohe:2024'."""
    if not isinstance(model, str) or not model.strip():
        raise APIError(400, "you must provide a model, e.g. \"reportqa\" (GET /v1/models lists them)",
                       param="model", code="missing_required_parameter")
    name, *rest = model.strip().split(":")
    if name != MODEL or len(rest) > 2 or any(not p.strip() for p in rest):
        raise _no_model(model)
    return (rest[0].strip() if rest else None), (rest[1].strip() if len(rest) > 1 else None)


def _no_model(model) -> APIError:
    return APIError(404, f"The model `{model}` does not exist; GET /v1/models lists the models of this server.",
                    param="model", code="model_not_found")


def message_text(content, index: int) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if content is None or isinstance(content, str):
        return content or ""
    if isinstance(content, list):
        texts = []
        for part in content:
            if not isinstance(part, dict) or not isinstance(part.get("type"), str):
                raise APIError(400, f"messages[{index}].content: each part must be an object with a type",
                               param=f"messages[{index}].content")
            if part["type"] in ("text", "input_text"):
                if not isinstance(part.get("text"), str):
                    raise APIError(400, f"messages[{index}].content: a text part needs \"text\"",
                                   param=f"messages[{index}].content")
                texts.append(part["text"])
        return "\n".join(texts)
    raise APIError(400, f"messages[{index}].content must be a string or a list of content parts",
                   param=f"messages[{index}].content")


def read_messages(messages) -> tuple[str, list[str]]:
    """(question, history): the last user message and the user messages before it."""
    if not isinstance(messages, list) or not messages:
        raise APIError(400, "messages must be a non-empty list of {\"role\", \"content\"} objects", param="messages")
    users = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ROLES:
            raise APIError(400, f"messages[{i}] must be an object with a role ({', '.join(sorted(ROLES))})",
                           param=f"messages[{i}]")
        text = message_text(m.get("content"), i)
        if m["role"] == "user":
            users.append(text.strip())
    if not users:
        raise APIError(400, "messages must include a user message: its text is the question", param="messages")
    if not users[-1]:
        raise APIError(400, "the last user message has no text; this model answers text questions",
                       param="messages")
    return users[-1], [u for u in users[:-1] if u][-MAX_HISTORY:]


def read_metadata(metadata) -> dict[str, str]:
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise APIError(400, "metadata must be an object of strings", param="metadata")
    return {k: metadata[k] for k in ("place", "year", "doc") if metadata.get(k) not in (None, "")}


def merged(field: str, from_model, from_metadata):
    """A scope field from the model name and from metadata: either, or both when they agree."""
    if from_model is None or from_metadata is None:
        return from_metadata if from_model is None else from_model
    if str(from_model).strip().lower() != str(from_metadata).strip().lower():
        raise APIError(400, f"metadata.{field} ({from_metadata}) differs from the model's {field} ({from_model})",
                       param=f"metadata.{field}")
    return from_model


def citation_data(n: int, c: dict, cited: bool, base: str) -> dict:
    """A citation for API clients: which report and section, the quote and an absolute link."""
    return {"index": n, "cited": cited, "doc": c.get("doc"), "title": c.get("title"), "place": c.get("place"),
            "year": c.get("year"), "section": section_label(c), "quote": c.get("quote") or "",
            "text": c.get("text") or "", "link": base + citation_link(c)}


def characters(messages) -> int:
    """The prompt's size in characters (the `usage` approximation of tokens)."""
    total = 0
    for i, m in enumerate(messages):
        total += len(message_text(m.get("content"), i))
    return total


def router(engine, settings) -> APIRouter:
    """The /v1 routes over the web app's engine; settings give the keys and the public address."""

    api = APIRouter(prefix="/v1")
    keys = [k.encode("utf-8") for k in settings.api_keys]

    def check_key(request: Request) -> None:
        if not keys:
            return
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise APIError(401, "You didn't provide an API key. Send it as an Authorization header: "
                           "\"Authorization: Bearer YOUR_KEY\".", code="invalid_api_key")
        given = key.strip().encode("utf-8")
        if not any(hmac.compare_digest(given, k) for k in keys):
            hint = key.strip()[:3] + "…" if len(key.strip()) > 6 else ""
            raise APIError(401, f"Incorrect API key provided{': ' + hint if hint else ''}. "
                           "Ask the administrator for a key listed in REPORTQA_API_KEYS.", code="invalid_api_key")

    def base_url(request: Request) -> str:
        return settings.public_url or str(request.base_url).rstrip("/")

    def created() -> int:
        try:
            return int(datetime.strptime(engine.svc.index.manifest.get("built_at", ""), "%Y-%m-%dT%H:%M:%S%z").timestamp())
        except (TypeError, ValueError):
            return 0

    def models() -> list[dict]:
        stamp = created()
        return [{"id": mid, "object": "model", "created": stamp, "owned_by": "reportqa", "name": name}
                for mid, name in model_ids(engine.svc.reports())]

    def scope_of(model, metadata: dict) -> Scope:
        """The model's place and year, narrowed by metadata; an id naming no loaded report is a 404."""
        place, year = model_scope(model)
        if year is not None and not (year.isdigit() and 1900 <= int(year) <= 2100):
            raise _no_model(model)
        if place and not engine.reports_in(place, int(year) if year else None)[0]:
            raise _no_model(model)  # 'reportqa:xiaohe' and 'reportqa:小河' name 小河镇 too
        try:
            return read_scope(metadata.get("doc"), merged("place", place, metadata.get("place")),
                              merged("year", year, metadata.get("year")))
        except ValueError as e:
            raise APIError(400, str(e), param="metadata")

    async def body_of(request: Request) -> dict:
        # REPORTQA_API_MAX_BODY: the Guard enforces it first (in this shape); checked again for an app without it
        limit = settings.api_max_body
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > limit:
            raise APIError(413, f"the request body is over {limit} bytes", code="request_too_large")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise APIError(413, f"the request body is over {limit} bytes", code="request_too_large")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise APIError(400, "We could not parse the JSON body of your request: send a JSON object "
                           "like {\"model\": \"reportqa\", \"messages\": [...]}")
        if not isinstance(payload, dict):
            raise APIError(400, "the body must be a JSON object like {\"model\": \"reportqa\", \"messages\": [...]}")
        return payload

    @api.get("/models")
    def list_models(request: Request):
        try:
            check_key(request)
        except APIError as e:
            return e.response()
        return {"object": "list", "data": models()}

    @api.get("/models/{model:path}")
    def get_model(model: str, request: Request):
        try:
            check_key(request)
            found = [m for m in models() if m["id"] == model]
            if not found:
                raise _no_model(model)
        except APIError as e:
            return e.response()
        return found[0]

    @api.post("/chat/completions")
    async def chat_completions(request: Request):
        try:
            check_key(request)
            payload = await body_of(request)
            question, history = read_messages(payload.get("messages"))
            scope = scope_of(payload.get("model"), read_metadata(payload.get("metadata")))
            stream = payload.get("stream", False)
            if not isinstance(stream, bool):
                raise APIError(400, "stream must be true or false", param="stream")
            if payload.get("n") not in (None, 1):
                raise APIError(400, "n must be 1: there is one answer to a question", param="n")
            try:
                d = await engine.ask_async(question, history, scope)
            except ReportQAError as e:
                raise APIError(400, str(e), param="messages")
            except Unavailable as e:
                raise APIError(503, e.message, "server_error", code="overloaded", retry_after=e.retry_after)
            except AnswerFailed as e:
                raise APIError(500, str(e), "server_error")
        except APIError as e:
            return e.response()
        base = base_url(request)
        cited = marked(d) if d.get("found") else set()
        completion = {
            "id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": payload["model"],
            "text": plain_text(d, base),
            "citations": [citation_data(n, c, n in cited, base) for n, c in enumerate(d["citations"], start=1)],
            "found": d["found"],
        }
        prompt = characters(payload["messages"])
        usage = {"prompt_tokens": prompt, "completion_tokens": len(completion["text"]),
                 "total_tokens": prompt + len(completion["text"])}
        if stream:
            options = payload.get("stream_options") or {}
            with_usage = isinstance(options, dict) and options.get("include_usage") is True
            return StreamingResponse(chunks(completion, usage if with_usage else None), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        return {"id": completion["id"], "object": "chat.completion", "created": completion["created"],
                "model": completion["model"], "system_fingerprint": None,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": completion["text"]},
                             "logprobs": None, "finish_reason": "stop"}],
                "usage": usage, "citations": completion["citations"], "found": completion["found"]}

    @api.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def unknown(path: str, request: Request):
        return APIError(404, f"Invalid URL ({request.method} /v1/{path}): this server offers GET /v1/models "
                        "and POST /v1/chat/completions", code="unknown_url").response()

    return api


def chunks(completion: dict, usage: dict | None):
    """The answer as server-sent events: the role, the content line by line, a last chunk with
    finish_reason "stop" and the citations, usage when asked for, then [DONE]."""
    def event(delta: dict, finish=None, **extra) -> str:
        chunk = {"id": completion["id"], "object": "chat.completion.chunk", "created": completion["created"],
                 "model": completion["model"], "system_fingerprint": None,
                 "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    for line in completion["text"].splitlines(keepends=True):
        yield event({"content": line})
    yield event({}, "stop", citations=completion["citations"], found=completion["found"])
    if usage is not None:
        chunk = {"id": completion["id"], "object": "chat.completion.chunk", "created": completion["created"],
                 "model": completion["model"], "system_fingerprint": None, "choices": [], "usage": usage}
        yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"
