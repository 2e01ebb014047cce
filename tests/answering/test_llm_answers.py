"""The LLM path: the real openai client over HTTP to a scripted server on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.core.config import Settings
from service.core.tokens import count_tokens
from tests.api.test_api import parse_sse
from tests.conftest import CountingEmbedder
from tests.support.scripted_llm import ScriptedLLM

QUESTION = "Which country is mediating with Hamas?"


@pytest.fixture
def llm_client(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder, scripted_llm: ScriptedLLM
) -> Iterator[TestClient]:
    settings = make_settings(
        llm="openai",
        openai_base_url=scripted_llm.base_url,
        openai_api_key="test-key",
        llm_model="scripted-model",
        llm_timeout_s=1.0,
        llm_max_retries=0,
    )
    with TestClient(create_app(settings, embedder)) as client:
        yield client


def test_answer_with_valid_citation(llm_client: TestClient, scripted_llm: ScriptedLLM) -> None:
    # The reply cites the passage that says so, wherever retrieval ranks it.
    found = llm_client.post("/v1/search", json={"query": QUESTION, "top_k": 5}).json()["results"]
    n = next(i for i, p in enumerate(found, 1) if "Qatari mediators" in p["text"])
    reply = f"Qatar is mediating with Hamas [{n}]."
    scripted_llm.enqueue(reply)
    answer = llm_client.post("/v1/ask", json={"question": QUESTION}).json()
    assert answer["mode"] == "llm" and answer["model"] == "scripted-model"
    assert answer["answer"] == reply
    assert answer["grounded"] is True and not answer["degraded"] and answer["closest"] == []
    (citation,) = answer["citations"]
    assert citation["n"] == n and "Qatari mediators" in citation["quote"]
    document = llm_client.get(f"/v1/documents/{citation['doc_id']}").json()
    assert document["text"][citation["start"] : citation["end"]] == citation["quote"]
    usage = answer["usage"]  # counted here: the prompt the model read, and its reply
    assert usage["completion_tokens"] == count_tokens(reply)
    assert usage["prompt_tokens"] > 100  # instructions, the passages and the question
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]

    sent = scripted_llm.requests[0]
    assert sent["model"] == "scripted-model"
    system, user = sent["messages"][0]["content"], sent["messages"][-1]["content"]
    assert "untrusted" in system
    assert "[1] title:" in user and "date: 2023-10-09" in user and QUESTION in user


def test_bogus_citation_is_removed(llm_client: TestClient, scripted_llm: ScriptedLLM) -> None:
    scripted_llm.enqueue("Qatar mediates [1]. Egypt also helps [9].")
    answer = llm_client.post("/v1/ask", json={"question": QUESTION}).json()
    # the marker naming no passage goes, and with it the sentence left citing nothing
    assert answer["answer"] == "Qatar mediates [1]."
    assert [c["n"] for c in answer["citations"]] == [1]


def test_uncited_reply_is_not_grounded(llm_client: TestClient, scripted_llm: ScriptedLLM) -> None:
    scripted_llm.enqueue("The documents do not contain an answer to this question.")
    answer = llm_client.post("/v1/ask", json={"question": QUESTION}).json()
    assert answer["grounded"] is False and answer["citations"] == []


def test_a_refusal_quotes_the_closest_passages(
    llm_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    """Refused, though passages were close: the likeliest sentence of a few of them is
    quoted apart from the citations, unverified, numbered as the passages are."""
    found = llm_client.post("/v1/search", json={"query": QUESTION, "top_k": 5}).json()["results"]
    scripted_llm.enqueue("The documents do not contain an answer to this question.")
    answer = llm_client.post("/v1/ask", json={"question": QUESTION}).json()
    assert answer["grounded"] is False and answer["citations"] == []
    closest = answer["closest"]
    assert 1 <= len(closest) <= 3 and len({c["n"] for c in closest}) == len(closest)
    for quote in closest:
        assert quote["verified"] is False
        assert quote["chunk_id"] == found[quote["n"] - 1]["chunk_id"]
        assert found[quote["n"] - 1]["similarity"] >= Settings().min_relevance  # close ones only
        document = llm_client.get(f"/v1/documents/{quote['doc_id']}").json()
        assert document["text"][quote["start"] : quote["end"]] == quote["quote"]
        assert quote["quote"] in quote["text"] and len(quote["quote"].split()) <= 60

    scripted_llm.enqueue("The documents do not contain an answer to this question.")
    body = {"question": QUESTION, "stream": True}
    done = parse_sse(llm_client.post("/v1/ask", json=body).text)[-1][1]
    assert done["grounded"] is False and done["closest"] == closest


def test_a_reply_left_with_markers_alone_is_not_grounded(
    llm_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    """A small model copied a passage's heading after its marker: its one sentence cites
    nothing (the marker before it belongs to no sentence), and a bare "[1]" says nothing,
    so it is no answer, streamed or not."""
    reply = "[1] title: Talks | date: 2023-10-09\nThe talks went on for days"
    scripted_llm.enqueue(reply)
    answer = llm_client.post("/v1/ask", json={"question": QUESTION}).json()
    assert answer["grounded"] is False and answer["citations"] == []
    scripted_llm.enqueue(reply)
    body = {"question": QUESTION, "stream": True}
    events = parse_sse(llm_client.post("/v1/ask", json=body).text)
    done = events[-1][1]
    assert done["grounded"] is False and done["citations"] == []
    assert all(name != "delta" or "[1]" not in data["text"] for name, data in events)


def test_streamed_reply(llm_client: TestClient, scripted_llm: ScriptedLLM) -> None:
    scripted_llm.enqueue(
        "Qatar is mediating with Hamas [1] and more [7]. It wants 36 prisoners freed. [1] "
        "Egypt is named too [9]. Talks go on [2]."
    )
    body = {"question": QUESTION, "stream": True}
    events = parse_sse(llm_client.post("/v1/ask", json=body).text)
    kinds = [name for name, _ in events]
    assert kinds[0] == "citations" and kinds[-1] == "done" and kinds.count("delta") == 3
    # the stream carries checked sentences as they settle: they add up to the answer
    deltas = [data["text"] for name, data in events if name == "delta"]
    assert deltas[0] == "Qatar is mediating with Hamas [1] and more."
    assert deltas[1].startswith(" It wants 36 prisoners freed.")  # keeps [1] if it holds 36
    assert "Egypt" not in "".join(deltas) and "[9]" not in "".join(deltas)
    done = events[-1][1]
    assert done["answer"] == "".join(deltas)
    offered = {c["n"]: c["chunk_id"] for c in events[0][1]}
    assert all(offered[c["n"]] == c["chunk_id"] for c in done["citations"])


def test_server_error_falls_back_to_extractive(
    llm_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue(status=500)
    answer = llm_client.post("/v1/ask", json={"question": QUESTION}).json()
    assert answer["degraded"] is True and answer["mode"] == "extractive"
    assert answer["grounded"] and "Qatar" in answer["answer"]


def test_timeout_falls_back_to_extractive(
    llm_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue("too late [1]", delay_s=2.0)
    answer = llm_client.post("/v1/ask", json={"question": QUESTION}).json()
    assert answer["degraded"] is True and answer["mode"] == "extractive"


def test_explicit_llm_mode_also_degrades(llm_client: TestClient, scripted_llm: ScriptedLLM) -> None:
    scripted_llm.enqueue(status=503)
    body = {"question": QUESTION, "mode": "llm", "stream": True}
    events = parse_sse(llm_client.post("/v1/ask", json=body).text)
    assert events[-1][0] == "done" and events[-1][1]["degraded"] is True


def test_stream_cut_midway_ends_with_error_event(
    llm_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue("Qatar is mediating with Hamas in Doha [1].", cut_after=2)
    events = parse_sse(llm_client.post("/v1/ask", json={"question": QUESTION, "stream": True}).text)
    assert events[-1][0] == "error"
    assert events[-1][1]["code"] == "llm_unavailable"


def test_extractive_mode_skips_the_llm(llm_client: TestClient, scripted_llm: ScriptedLLM) -> None:
    answer = llm_client.post("/v1/ask", json={"question": QUESTION, "mode": "extractive"}).json()
    assert answer["mode"] == "extractive" and scripted_llm.requests == []


def test_off_topic_question_never_reaches_the_llm(
    llm_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    answer = llm_client.post("/v1/ask", json={"question": "Who won the 2022 World Cup?"}).json()
    assert answer["grounded"] is False and scripted_llm.requests == []
    assert answer["closest"] == []  # no passage was close enough to quote


def test_a_figure_written_apart_is_written_as_its_passage_writes_it(
    llm_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    """A small model can write "140, 000": as written, the passage lacks both "140" and
    "000" alone, and the claim check refused a right answer."""
    doc = {"id": "rail", "text": "Westline carries about 140,000 passengers on a weekday."}
    assert llm_client.post("/v1/documents", json=doc).status_code == 201
    question = "How many passengers does Westline carry on a weekday?"
    found = llm_client.post("/v1/search", json={"query": question, "top_k": 5}).json()["results"]
    n = next(i for i, p in enumerate(found, 1) if p["doc_id"] == "rail")
    scripted_llm.enqueue(f"Westline carries 140, 000 passengers on a weekday [{n}].")
    answer = llm_client.post("/v1/ask", json={"question": question}).json()
    assert answer["grounded"] is True
    assert answer["answer"] == f"Westline carries 140,000 passengers on a weekday [{n}]."
