"""The OpenAI-compatible API on the real server: the official `openai` package, plain and streaming,
and raw HTTP for the error shapes, keys and scoping by model name or metadata."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import openai
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_web import MULTI, multi_server, start_server  # noqa: E402

DOC = "2024-xiaohe-town-rule-of-law-government-report"
QUESTION = "2024年化解了多少矛盾纠纷？"
QUOTE = "全年累计排查化解各类矛盾纠纷230件"
ERROR_FIELDS = {"message", "type", "param", "code"}


@pytest.fixture(scope="session")
def client(server) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key="any-key-will-do", max_retries=0, timeout=60)


@pytest.fixture(scope="session")
def multi(tmp_path_factory):
    if not MULTI.is_dir():
        pytest.skip("../shared/eval/multi is not beside the repo")
    return multi_server(tmp_path_factory)


def completion(server, payload, **kw) -> httpx.Response:
    return httpx.post(server.url + "/v1/chat/completions", timeout=60, **({"json": payload} if payload is not None else {}), **kw)


def error_of(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_FIELDS, body
    return body["error"]


# ------------------------------------------------------------------ the openai package

def test_openai_client_gets_the_answer_with_its_citation(client, server):
    r = client.chat.completions.create(model="reportqa", messages=[{"role": "user", "content": QUESTION}])
    assert r.object == "chat.completion" and r.model == "reportqa" and r.id.startswith("chatcmpl-")
    choice = r.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    text = choice.message.content
    answer, sources = text.split("\n\n来源：\n")
    assert "230" in answer and QUOTE in answer and "[1]" in answer
    assert sources.startswith("- [1] 小河镇 2024年 · ") and f" — {server.url}/report/{DOC}#" in sources
    citations = r.model_extra["citations"]
    first = citations[0]
    assert first["index"] == 1 and first["cited"] is True and first["quote"] == QUOTE
    assert first["doc"] == DOC and first["place"] == "小河镇" and first["year"] == 2024 and first["section"]
    assert first["link"].startswith(f"{server.url}/report/{DOC}#") and first["link"] in sources
    assert not any(c["cited"] for c in citations[1:]), "one passage supports a one-figure answer"
    assert r.model_extra["found"] is True
    assert r.usage.completion_tokens == len(text) and r.usage.prompt_tokens == len(QUESTION)
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_openai_client_streams_the_same_answer(client):
    plain = client.chat.completions.create(model="reportqa", messages=[{"role": "user", "content": QUESTION}])
    chunks = list(client.chat.completions.create(model="reportqa", messages=[{"role": "user", "content": QUESTION}],
                                                 stream=True, stream_options={"include_usage": True}))
    assert all(c.object == "chat.completion.chunk" for c in chunks) and len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    with_choices = [c for c in chunks if c.choices]
    text = "".join(c.choices[0].delta.content or "" for c in with_choices)
    assert text == plain.choices[0].message.content and "230" in text
    last = with_choices[-1]
    assert last.choices[0].finish_reason == "stop" and all(c.choices[0].finish_reason is None for c in with_choices[:-1])
    assert last.model_extra["citations"][0]["quote"] == QUOTE
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == len(text)


def test_stream_is_server_sent_events_ending_in_done(server):
    body = {"model": "reportqa", "stream": True, "messages": [{"role": "user", "content": QUESTION}]}
    with httpx.stream("POST", server.url + "/v1/chat/completions", json=body, timeout=60) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = [line[len("data: "):] for line in r.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"]
    assert "usage" not in chunks[-1], "usage only when stream_options asks for it"


def test_follow_up_leans_on_earlier_user_turns(client):
    r = client.chat.completions.create(model="reportqa", messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "230件 [1]"},
        {"role": "user", "content": [{"type": "text", "text": "那调解成功率呢？"}]}])
    assert "97" in r.choices[0].message.content


def test_declined_answer_lists_no_sources(client):
    r = client.chat.completions.create(model="reportqa", messages=[{"role": "user", "content": "What is the town's GDP growth rate?"}])
    text = r.choices[0].message.content
    assert r.model_extra["found"] is False and "Sources:" not in text and "来源" not in text
    assert not any(c["cited"] for c in r.model_extra["citations"])


def test_models_are_the_scopes_of_the_loaded_reports(client):
    ids = [m.id for m in client.models.list()]
    assert ids == ["reportqa", "reportqa:小河镇", "reportqa:小河镇:2024"]
    assert client.models.retrieve("reportqa:小河镇").owned_by == "reportqa"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")


def test_unknown_model_is_404_model_not_found(client, server):
    with pytest.raises(openai.NotFoundError) as e:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    assert e.value.code == "model_not_found"
    for model in ("reportqa:青龙镇", "reportqa:小河镇:2031", "reportqa:小河镇:twenty", "reportqa::"):
        err = error_of(completion(server, {"model": model, "messages": [{"role": "user", "content": QUESTION}]}), 404)
        assert err["code"] == "model_not_found" and err["param"] == "model", model


# ------------------------------------------------------------------ errors in OpenAI's shape

USER = [{"role": "user", "content": QUESTION}]


@pytest.mark.parametrize("payload, param", [
    ({"messages": USER}, "model"),
    ({"model": "reportqa"}, "messages"),
    ({"model": "reportqa", "messages": []}, "messages"),
    ({"model": "reportqa", "messages": [{"role": "wizard", "content": "x"}]}, "messages[0]"),
    ({"model": "reportqa", "messages": [{"role": "system", "content": "only a system prompt"}]}, "messages"),
    ({"model": "reportqa", "messages": [{"role": "user", "content": "   "}]}, "messages"),
    ({"model": "reportqa", "messages": [{"role": "user", "content": 42}]}, "messages[0].content"),
    ({"model": "reportqa", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]},
     "messages"),
    ({"model": "reportqa", "messages": [{"role": "user", "content": "a" * 2001}]}, "messages"),
    ({"model": "reportqa", "messages": USER, "stream": "yes"}, "stream"),
    ({"model": "reportqa", "messages": USER, "n": 2}, "n"),
    ({"model": "reportqa", "messages": USER, "metadata": "小河镇"}, "metadata"),
    ({"model": "reportqa", "messages": USER, "metadata": {"year": "twenty"}}, "metadata"),
    ({"model": "reportqa:小河镇", "messages": USER, "metadata": {"place": "松林乡"}}, "metadata.place"),
])
def test_bad_request_is_400_invalid_request_error(server, payload, param):
    err = error_of(completion(server, payload), 400)
    assert err["type"] == "invalid_request_error" and err["param"] == param and err["message"]


def test_malformed_json_is_400(server):
    err = error_of(completion(server, None, content=b'{"model": ', headers={"Content-Type": "application/json"}), 400)
    assert "JSON" in err["message"]
    error_of(completion(server, None, content=b"[1, 2]", headers={"Content-Type": "application/json"}), 400)


def test_oversized_body_is_413(server):
    big = [{"role": "user", "content": "旧问题" * 1000}] * 120 + USER  # a very long conversation: over 1 MB
    err = error_of(completion(server, {"model": "reportqa", "messages": big}), 413)
    assert err["code"] == "request_too_large"


def test_unknown_v1_route_is_404_in_openai_shape(server):
    err = error_of(httpx.post(server.url + "/v1/embeddings", json={"input": "x"}), 404)
    assert "/v1/embeddings" in err["message"]


# ------------------------------------------------------------------ scope: model name and metadata

def test_model_name_selects_place_and_year(multi):
    client = openai.OpenAI(base_url=multi.url + "/v1", api_key="x", max_retries=0, timeout=60)
    ids = {m.id for m in client.models.list()}
    assert {"reportqa", "reportqa:小河镇", "reportqa:小河镇:2023", "reportqa:小河镇:2024", "reportqa:松林乡:2023",
            "reportqa:白沙街道:2024", "reportqa:东坡县:2024"} <= ids
    for model, metadata, figure, docs in [
        ("reportqa:松林乡:2023", None, "138", {"songlin-2023"}),
        ("reportqa:xiaohe:2023", None, "186", {"xiaohe-2023"}),  # a place's pinyin names it too
        ("reportqa", {"place": "松林乡", "year": "2023"}, "138", {"songlin-2023"}),
        ("reportqa:松林乡", {"year": "2024"}, "157", {"songlin-2024"}),
    ]:
        r = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "化解了多少矛盾纠纷？"}],
                                           metadata=metadata)
        assert figure in r.choices[0].message.content, model
        assert {c["doc"] for c in r.model_extra["citations"]} == docs, model


def test_a_pinned_model_never_answers_from_another_place(multi):
    r = completion(multi, {"model": "reportqa:小河镇", "messages": [{"role": "user", "content": "白沙街道2024年化解了多少矛盾纠纷？"}]})
    assert r.status_code == 200 and r.json()["found"] is False and r.json()["citations"] == []


# ------------------------------------------------------------------ keys and the public address

def test_keys_are_required_when_configured(tmp_path):
    s = start_server(tmp_path, REPORTQA_API_KEYS="key-one, key-two", REPORTQA_PUBLIC_URL="https://qa.example.gov.cn/")
    try:
        for key in ("wrong-key", None):
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            err = error_of(httpx.get(s.url + "/v1/models", headers=headers), 401)
            assert err["code"] == "invalid_api_key" and err["type"] == "invalid_request_error"
            error_of(completion(s, {"model": "reportqa", "messages": USER}, headers=headers), 401)
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=s.url + "/v1", api_key="wrong-key", max_retries=0).models.list()
        good = openai.OpenAI(base_url=s.url + "/v1", api_key="key-two", max_retries=0, timeout=60)
        assert [m.id for m in good.models.list()][0] == "reportqa"
        r = good.chat.completions.create(model="reportqa", messages=USER)
        assert r.model_extra["citations"][0]["link"].startswith(f"https://qa.example.gov.cn/report/{DOC}#")
        assert f"— https://qa.example.gov.cn/report/{DOC}#" in r.choices[0].message.content
    finally:
        s.stop()
