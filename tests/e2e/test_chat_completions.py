"""The OpenAI-compatible endpoint: the real `openai` client against a real uvicorn server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from service.api.openai_compat import ChatCompletionIn, split_conversation
from service.api.openai_stream import MarkerFilter
from service.core.ports import Embedder
from tests.support.live_server import serve, with_scripted_llm
from tests.support.scripted_llm import LONG_REPLY, ScriptedLLM
from tests.support.waiting import wait_for

QUESTION = "Which country is mediating with Hamas?"
FOLLOW_UP = "How many prisoners does it want freed?"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, minilm: Embedder) -> Iterator[str]:
    yield from serve(tmp_path_factory.mktemp("chat") / "data", minilm)


@pytest.fixture(scope="module")
def llm_server(
    tmp_path_factory: pytest.TempPathFactory, minilm: Embedder, llm: ScriptedLLM
) -> Iterator[str]:
    data = tmp_path_factory.mktemp("chat-llm") / "data"
    yield from serve(data, minilm, **with_scripted_llm(llm, timeout_s=2.0))


@pytest.fixture(scope="module")
def held_server(
    tmp_path_factory: pytest.TempPathFactory, minilm: Embedder, llm: ScriptedLLM
) -> Iterator[str]:
    """The scripted LLM with the support check on: no text is sent before the whole reply
    has passed it."""
    data = tmp_path_factory.mktemp("chat-held") / "data"
    options = with_scripted_llm(llm, timeout_s=30.0)
    yield from serve(data, minilm, **options, llm_support_check="on")


@pytest.fixture(scope="module")
def one_slot_server(
    tmp_path_factory: pytest.TempPathFactory, minilm: Embedder, llm: ScriptedLLM
) -> Iterator[str]:
    """The scripted LLM answering one request at a time, as the local model does."""
    data = tmp_path_factory.mktemp("chat-one-slot") / "data"
    yield from serve(data, minilm, **with_scripted_llm(llm, timeout_s=30.0), llm_slots=1)


@pytest.fixture
def scripted(llm: ScriptedLLM) -> ScriptedLLM:
    llm.replies.clear()
    llm.requests.clear()
    llm.hang_ups = 0
    return llm


def client_for(url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/v1", api_key="unused", timeout=60, max_retries=0)


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def numbering(citations: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    return [(c["n"], c["chunk_id"], c["quote"]) for c in citations]


def test_the_service_is_model_rag(server: str) -> None:
    client = client_for(server)
    assert [m.id for m in client.models.list().data] == ["rag"]
    assert client.models.retrieve("rag").id == "rag"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")


def test_answer_carries_sources_in_text_and_field(server: str) -> None:
    response = client_for(server).chat.completions.create(model="rag", messages=[user(QUESTION)])
    assert response.object == "chat.completion" and response.model == "rag"
    text = response.choices[0].message.content or ""
    answer, sources = text.split("\n\nSources:\n")
    assert "Qatar" in answer and response.choices[0].finish_reason == "stop"
    extra = response.model_extra or {}
    assert extra["grounded"] is True and extra["mode"] == "extractive"
    ask = httpx.post(f"{server}/v1/ask", json={"question": QUESTION}, timeout=60).json()
    assert numbering(extra["citations"]) == numbering(ask["citations"])
    assert answer == ask["answer"]
    for citation in extra["citations"]:
        assert f"[{citation['n']}]" in answer
        assert f"[{citation['n']}] {citation['title']} ({citation['date']})" in sources
        assert f'"{citation["quote"]}"' in sources


def test_streamed_answer_matches_the_whole_one(server: str) -> None:
    client = client_for(server)
    whole = client.chat.completions.create(model="rag", messages=[user(QUESTION)])
    chunks = list(
        client.chat.completions.create(model="rag", messages=[user(QUESTION)], stream=True)
    )
    assert all(c.object == "chat.completion.chunk" and c.model == "rag" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert streamed == whole.choices[0].message.content
    final = chunks[-1]
    assert final.choices[0].finish_reason == "stop"
    citations = (final.model_extra or {})["citations"]
    assert numbering(citations) == numbering((whole.model_extra or {})["citations"])


def test_earlier_messages_are_the_history(server: str) -> None:
    first = client_for(server).chat.completions.create(model="rag", messages=[user(QUESTION)])
    messages: list[Any] = [
        {"role": "system", "content": "You are a helpful assistant."},
        user(QUESTION),
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": [{"type": "text", "text": FOLLOW_UP}]},
    ]
    response = client_for(server).chat.completions.create(model="rag", messages=messages)
    extra = response.model_extra or {}
    assert extra["grounded"] and extra["citations"]
    assert extra["standalone_question"].startswith(FOLLOW_UP)
    assert "hamas" in extra["standalone_question"].lower()


def test_bad_requests_get_openai_style_errors(server: str) -> None:
    client = client_for(server)
    with pytest.raises(openai.NotFoundError, match="model_not_found|no model"):
        client.chat.completions.create(model="gpt-4o", messages=[user(QUESTION)])
    with pytest.raises(openai.UnprocessableEntityError, match="user message"):
        client.chat.completions.create(model="rag", messages=[{"role": "system", "content": "x"}])
    # An over-long message (a front end's background task) gets a notice, not a 422.
    notice = client.chat.completions.create(model="rag", messages=[user("x " * 2500)])
    assert "over the 2000-character limit" in (notice.choices[0].message.content or "")
    assert (notice.model_extra or {})["citations"] == []


def test_llm_stream_keeps_the_numbering_of_ask(llm_server: str, scripted: ScriptedLLM) -> None:
    reply = "Qatar is mediating with Hamas [1]. Talks go on in Doha [2][7]. Egypt helps too [3]."
    scripted.enqueue(reply)
    ask = httpx.post(f"{llm_server}/v1/ask", json={"question": QUESTION}, timeout=60).json()
    scripted.enqueue(reply)
    messages: list[Any] = [{"role": "system", "content": "Be terse."}, user(QUESTION)]
    stream = client_for(llm_server).chat.completions.create(
        model="rag", messages=messages, stream=True
    )
    chunks = list(stream)
    # Streams carry checked text, released a sentence at a time (grounding/answer_format.py).
    assert sum(1 for c in chunks if c.choices[0].delta.content) >= 3
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    answer, sources = text.split("\n\nSources:\n")
    assert answer == ask["answer"]
    assert answer.startswith("Qatar is mediating with Hamas [1].") and "[7]" not in answer
    final = chunks[-1].model_extra or {}
    assert numbering(final["citations"]) == numbering(ask["citations"])
    assert final["mode"] == "llm" and sources.startswith("[1] ")
    sent = scripted.requests[-1]["messages"]
    assert [m["role"] for m in sent] == ["system", "user"]  # the client system prompt is dropped
    assert "Be terse." not in str(sent)


def test_a_refusal_carries_the_closest_passages_as_ask_does(
    llm_server: str, scripted: ScriptedLLM
) -> None:
    refusal = "The documents do not contain an answer to this question."
    scripted.enqueue(refusal)
    ask = httpx.post(f"{llm_server}/v1/ask", json={"question": QUESTION}, timeout=60).json()
    assert ask["grounded"] is False and ask["closest"]
    scripted.enqueue(refusal)
    whole = client_for(llm_server).chat.completions.create(model="rag", messages=[user(QUESTION)])
    assert (whole.model_extra or {})["closest"] == ask["closest"]
    assert "Sources:" not in (whole.choices[0].message.content or "")  # not an answer's sources
    scripted.enqueue(refusal)
    chunks = list(
        client_for(llm_server).chat.completions.create(
            model="rag", messages=[user(QUESTION)], stream=True
        )
    )
    assert (chunks[-1].model_extra or {})["closest"] == ask["closest"]


def test_llm_history_reaches_the_model_without_the_sources(
    llm_server: str, scripted: ScriptedLLM
) -> None:
    scripted.enqueue("How many Palestinian prisoners does Qatar want freed?")
    scripted.enqueue("Qatar wants 36 prisoners freed [1].")
    earlier = 'Qatar mediates [1].\n\nSources:\n[1] Qatari mediators (2023-10-09) — "..."'
    messages: list[Any] = [
        user(QUESTION),
        {"role": "assistant", "content": earlier},
        user(FOLLOW_UP),
    ]
    response = client_for(llm_server).chat.completions.create(model="rag", messages=messages)
    extra = response.model_extra or {}
    assert extra["standalone_question"] == "How many Palestinian prisoners does Qatar want freed?"
    answered = scripted.requests[-1]["messages"]
    assert answered[1:3] == [
        user(QUESTION),
        {"role": "assistant", "content": "Qatar mediates."},
    ]


def test_llm_stream_broken_midway_raises_in_the_client(
    llm_server: str, scripted: ScriptedLLM
) -> None:
    scripted.enqueue("Qatar is mediating with Hamas in Doha [1].", cut_after=2)
    stream = client_for(llm_server).chat.completions.create(
        model="rag", messages=[user(QUESTION)], stream=True
    )
    with pytest.raises(openai.APIError, match="language model failed"):
        list(stream)


def test_a_client_that_hangs_up_stops_the_model_stream(
    llm_server: str, scripted: ScriptedLLM
) -> None:
    scripted.enqueue(LONG_REPLY, piece_delay_s=0.1)
    stream = client_for(llm_server).chat.completions.create(
        model="rag", messages=[user(QUESTION)], stream=True
    )
    for seen, _ in enumerate(stream):
        if seen == 3:
            break
    stream.close()
    wait_for(lambda: scripted.hang_ups > 0, 10)
    assert scripted.hang_ups == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/ask", {"question": QUESTION, "stream": True}),
        ("/v1/chat/completions", {"model": "rag", "messages": [user(QUESTION)], "stream": True}),
    ],
)
def test_a_client_that_hangs_up_while_the_answer_is_held_stops_the_model_stream(
    held_server: str, scripted: ScriptedLLM, path: str, body: dict[str, Any]
) -> None:
    scripted.enqueue(LONG_REPLY, piece_delay_s=0.1)  # 180 words: 18 s
    with httpx.stream("POST", held_server + path, json=body, timeout=30) as response:
        lines = response.iter_lines()  # kept: a dropped iterator closes the response
        assert next(lines).startswith(("event: citations", "data: "))
        # the model has begun (a client that leaves before never reaches it)
        wait_for(lambda: bool(scripted.requests), 5)
    wait_for(lambda: scripted.hang_ups > 0, 5)
    assert scripted.hang_ups == 1
    assert len(scripted.requests) == 1  # and no support check was asked for


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/ask", {"question": QUESTION}),
        ("/v1/chat/completions", {"model": "rag", "messages": [user(QUESTION)]}),
    ],
)
def test_a_client_that_leaves_before_a_whole_answer_stops_the_model_stream(
    held_server: str, scripted: ScriptedLLM, path: str, body: dict[str, Any]
) -> None:
    scripted.enqueue(LONG_REPLY, piece_delay_s=0.1)  # 180 words: 18 s
    with pytest.raises(httpx.ReadTimeout):  # the client gives up and closes its connection
        httpx.post(held_server + path, json=body, timeout=2)
    wait_for(lambda: scripted.hang_ups > 0, 5)
    assert scripted.hang_ups == 1
    assert len(scripted.requests) == 1


def test_a_client_that_leaves_while_queued_never_reaches_the_model(
    one_slot_server: str, scripted: ScriptedLLM
) -> None:
    scripted.enqueue(LONG_REPLY, piece_delay_s=0.02)  # holds the one slot for ~4 s
    first = {"question": QUESTION, "stream": True}
    with httpx.stream("POST", one_slot_server + "/v1/ask", json=first, timeout=30) as held:
        wait_for(lambda: bool(scripted.requests), 5)
        with pytest.raises(httpx.ReadTimeout):  # queued behind the first, then gives up
            httpx.post(one_slot_server + "/v1/ask", json={"question": QUESTION}, timeout=1)
        held.read()  # the first answer runs to its end and frees the slot
    scripted.enqueue("Qatar is mediating with Hamas [1].")
    answer = httpx.post(one_slot_server + "/v1/ask", json={"question": QUESTION}, timeout=30)
    assert answer.json()["mode"] == "llm" and not answer.json()["degraded"]
    assert len(scripted.requests) == 2  # the first and the last: the one that left never


@pytest.mark.parametrize("size", [1, 3, 100])
def test_marker_filter_drops_markers_naming_no_passage(size: int) -> None:
    text = "Qatar mediates [1] and more [7]. Egypt [2, 9] too [x] and [ [1]"
    markers = MarkerFilter()
    markers.valid = {1, 2}
    pieces = [markers.feed(text[i : i + size]) for i in range(0, len(text), size)]
    out = "".join(pieces) + markers.flush()
    assert out == "Qatar mediates [1] and more. Egypt [2] too [x] and [ [1]"


def test_split_conversation_takes_the_last_user_message_as_the_question() -> None:
    body = ChatCompletionIn.model_validate(
        {
            "model": "rag",
            "temperature": 0.2,
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Who mediates?"},
                {"role": "assistant", "content": 'Qatar [1].\n\nSources:\n[1] T (2023) — "q"'},
                {"role": "tool", "content": "ignored", "tool_call_id": "x"},
                {"role": "assistant", "content": None},
                {
                    "role": "user",
                    "content": [
                        {"type": "image_url", "image_url": {"url": "data:,"}},
                        {"type": "text", "text": "And Egypt?"},
                    ],
                },
            ],
        }
    )
    question, history = split_conversation(body.messages)
    assert question == "And Egypt?"
    assert history == [
        {"role": "user", "content": "Who mediates?"},
        {"role": "assistant", "content": "Qatar [1]."},
    ]


def test_off_topic_answer_has_no_sources(server: str) -> None:
    question = "Who won the 2022 football World Cup final?"
    response = client_for(server).chat.completions.create(model="rag", messages=[user(question)])
    text = response.choices[0].message.content or ""
    assert "do not contain" in text and "Sources:" not in text
    assert (response.model_extra or {})["grounded"] is False
