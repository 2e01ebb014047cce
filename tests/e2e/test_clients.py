"""The OpenAI-compatible endpoint as the tools people use reach it: real client libraries
(openai, langchain-openai, litellm) and Open WebUI's request pattern, over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from service.core.config import Settings
from service.core.ports import Embedder
from tests.support.client_docs import (
    ANSWER_WORDS,
    FOLLOW_UP,
    OTHER_QUESTION,
    QUESTION,
    write_library,
)
from tests.support.live_server import serve, with_scripted_llm
from tests.support.scripted_llm import ScriptedLLM


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, minilm: Embedder) -> Iterator[str]:
    root = tmp_path_factory.mktemp("clients")
    yield from serve(root / "data", minilm, seeds_dir=write_library(root / "docs"))


@pytest.fixture(scope="module")
def llm_server(
    tmp_path_factory: pytest.TempPathFactory, minilm: Embedder, llm: ScriptedLLM
) -> Iterator[str]:
    root = tmp_path_factory.mktemp("clients-llm")
    settings = with_scripted_llm(llm, timeout_s=5.0)
    yield from serve(root / "data", minilm, seeds_dir=write_library(root / "docs"), **settings)


def client_for(url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/v1", api_key="unused", timeout=60, max_retries=0)


def ask(text: str) -> list[Any]:
    return [{"role": "user", "content": text}]


def check_annotations(url: str, content: str, annotations: list[Any]) -> None:
    """Each annotation is a url_citation naming a document this service serves."""
    assert annotations
    for annotation in annotations:
        cited = annotation["url_citation"]
        assert annotation["type"] == "url_citation"
        assert cited["url"].startswith(f"{url}/v1/documents/")
        assert content[cited["start_index"] : cited["end_index"]].startswith("[")
        document = httpx.get(cited["url"], timeout=30).json()
        assert document["title"] == cited["title"]


# The openai client


def test_openai_create_has_typed_annotations_and_citations(server: str) -> None:
    response = client_for(server).chat.completions.create(model="rag", messages=ask(QUESTION))
    message = response.choices[0].message
    content = message.content or ""
    assert ANSWER_WORDS in content and "\n\nSources:\n" in content
    assert message.annotations and message.annotations[0].type == "url_citation"
    check_annotations(server, content, [a.model_dump() for a in message.annotations])
    assert (response.model_extra or {})["citations"][0]["quote"]
    assert response.usage and response.usage.total_tokens > 0  # counted, though no LLM ran


def test_openai_stream_carries_annotations_and_usage(server: str) -> None:
    chunks = list(
        client_for(server).chat.completions.create(
            model="rag",
            messages=ask(QUESTION),
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    annotated = [c for c in chunks if c.choices and (c.choices[0].delta.model_extra or {})]
    assert len(annotated) == 1  # sent once: the client's accumulator keeps one list
    check_annotations(server, content, annotated[0].choices[0].delta.model_extra["annotations"])
    usage_chunk = chunks[-1]
    assert usage_chunk.choices == [] and usage_chunk.usage and usage_chunk.usage.total_tokens > 0


def test_openai_stream_helper_keeps_annotations(server: str) -> None:
    client = client_for(server)
    with client.chat.completions.stream(model="rag", messages=ask(QUESTION)) as stream:
        deltas = [event.delta for event in stream if event.type == "content.delta"]
        final = stream.get_final_completion()
    message = final.choices[0].message
    assert "".join(deltas) == message.content and ANSWER_WORDS in (message.content or "")
    assert message.annotations
    check_annotations(server, message.content or "", [a.model_dump() for a in message.annotations])


async def _async_answer(url: str) -> str:
    async with openai.AsyncOpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0) as c:
        stream = await c.chat.completions.create(model="rag", messages=ask(QUESTION), stream=True)
        return "".join([chunk.choices[0].delta.content or "" async for chunk in stream])


def test_openai_async_stream(server: str) -> None:
    import asyncio

    assert ANSWER_WORDS in asyncio.run(_async_answer(server))


class Title(BaseModel):
    title: str


@pytest.mark.parametrize(
    ("options", "param"),
    [
        ({"n": 2}, "n"),
        ({"tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}]}, "tools"),
        ({"tool_choice": "required"}, "tool_choice"),
        ({"response_format": {"type": "json_object"}}, "response_format"),
        ({"logprobs": True}, "logprobs"),
    ],
)
def test_options_that_cannot_be_honoured_are_refused(
    server: str, options: dict[str, Any], param: str
) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        client_for(server).chat.completions.create(model="rag", messages=ask(QUESTION), **options)
    assert refused.value.param == param and refused.value.code == "unsupported_parameter"
    assert (
        isinstance(refused.value.body, dict)
        and refused.value.body["type"] == "invalid_request_error"
    )


def test_parse_helper_gets_a_clear_refusal(server: str) -> None:
    with pytest.raises(openai.BadRequestError, match="response_format"):
        client_for(server).chat.completions.parse(
            model="rag", messages=ask(QUESTION), response_format=Title
        )


def test_sampling_options_reach_the_llm(llm_server: str, llm: ScriptedLLM) -> None:
    llm.replies.clear()
    llm.enqueue("The Coastal Heritage Fund paid for it [1].")
    client_for(llm_server).chat.completions.create(
        model="rag",
        messages=ask(QUESTION),
        max_tokens=100,
        temperature=0.7,
        stop=["\n\n\n"],
        seed=7,
        top_p=0.9,  # accepted, makes no difference
    )
    sent = llm.requests[-1]
    assert (sent["max_tokens"], sent["temperature"], sent["stop"], sent["seed"]) == (
        100,
        0.7,
        ["\n\n\n"],
        7,
    )
    llm.enqueue("The Coastal Heritage Fund paid for it [1].")
    client_for(llm_server).chat.completions.create(
        model="rag", messages=ask(QUESTION), max_completion_tokens=100_000
    )
    cap = Settings.model_fields["llm_max_tokens"].default
    assert llm.requests[-1]["max_tokens"] == cap  # a client lowers the cap, never raises it


# langchain-openai: ChatOpenAI keeps the text only (it drops chat-completions annotations).


def test_langchain_chat_openai(server: str) -> None:
    chat = ChatOpenAI(base_url=f"{server}/v1", api_key="unused", model="rag", max_retries=0)
    reply = chat.invoke(QUESTION)
    assert ANSWER_WORDS in str(reply.content) and "\n\nSources:\n[1] " in str(reply.content)
    streamed = "".join(str(chunk.content) for chunk in chat.stream(QUESTION))
    assert streamed == reply.content


# litellm, through its OpenAI-compatible provider


# litellm's own pydantic models warn as they are built: not this service's concern.
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_litellm_completion(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no fetch at import
    import litellm

    options: dict[str, Any] = {"api_base": f"{server}/v1", "api_key": "unused"}
    response: Any = litellm.completion(model="openai/rag", messages=ask(QUESTION), **options)
    message = response.choices[0].message
    assert ANSWER_WORDS in message.content and "\n\nSources:\n" in message.content
    check_annotations(server, message.content, [dict(a) for a in message.annotations])
    stream: Any = litellm.completion(
        model="openai/rag", messages=ask(QUESTION), stream=True, **options
    )
    assert "".join(c.choices[0].delta.content or "" for c in stream) == message.content


# Open WebUI's requests, replayed as it sends them


def sse_payloads(response: httpx.Response) -> list[dict[str, Any]]:
    lines = [line[6:] for line in response.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    return [json.loads(line) for line in lines[:-1]]


def test_open_webui_request_pattern(server: str) -> None:
    headers = {"Authorization": "Bearer unused", "Content-Type": "application/json"}
    with httpx.Client(base_url=server, headers=headers, timeout=60) as http:
        models = http.get("/v1/models").json()
        assert [m["id"] for m in models["data"]] == ["rag"]
        body = {
            "model": "rag",
            "messages": [{"role": "user", "content": QUESTION}],
            "stream": True,
            "stream_options": {"include_usage": True},
            "user": {"name": "User", "id": "u1", "email": "u@example.org", "role": "user"},
        }
        with http.stream("POST", "/v1/chat/completions", json=body) as response:
            assert response.status_code == 200
            payloads = sse_payloads(response)
        text = "".join(
            p["choices"][0]["delta"].get("content") or "" for p in payloads if p["choices"]
        )
        annotations = [
            a
            for p in payloads
            if p["choices"]
            for a in p["choices"][0]["delta"].get("annotations", [])
        ]
        check_annotations(server, text, annotations)
        assert payloads[-1]["usage"]["total_tokens"] > 0
        # Its background task: a title prompt holding the whole chat, sent without streaming.
        history = f"USER: {QUESTION}\nASSISTANT: {text}\n" * 6
        task = (
            "### Task:\nSuggest a short title for the chat below, as JSON: "
            f'{{"title": "..."}}\n### Chat History:\n<chat_history>\n{history}</chat_history>'
        )
        assert len(task) > 2000
        title_body = {
            "model": "rag",
            "messages": [{"role": "user", "content": task}],
            "stream": False,
        }
        reply = http.post("/v1/chat/completions", json=title_body)
        assert reply.status_code == 200
        notice = reply.json()["choices"][0]["message"]["content"]
        assert "not searched" in notice and "{" not in notice  # no JSON: the front end falls back
        assert reply.json()["citations"] == [] and reply.json()["grounded"] is False


# Follow-ups without an LLM: rewritten only when they lean on the conversation


def test_a_topic_change_is_answered_as_if_asked_alone(server: str) -> None:
    client = client_for(server)
    first = client.chat.completions.create(model="rag", messages=ask(QUESTION))
    history = [*ask(QUESTION), {"role": "assistant", "content": first.choices[0].message.content}]
    alone = client.chat.completions.create(model="rag", messages=ask(OTHER_QUESTION))
    changed = client.chat.completions.create(model="rag", messages=[*history, *ask(OTHER_QUESTION)])
    assert (changed.model_extra or {})["standalone_question"] == OTHER_QUESTION
    assert changed.choices[0].message.content == alone.choices[0].message.content
    assert "58" in (alone.choices[0].message.content or "")
    follow_up = client.chat.completions.create(model="rag", messages=[*history, *ask(FOLLOW_UP)])
    assert "varnholm" in (follow_up.model_extra or {})["standalone_question"].lower()
    assert (follow_up.model_extra or {})["grounded"] is True
