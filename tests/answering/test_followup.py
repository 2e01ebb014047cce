"""Follow-up questions: the heuristic rewrite, and the LLM rewrite through the scripted server."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from service.answering.followup import carry_over, is_follow_up
from service.app import create_app
from service.core.config import Settings
from tests.api.test_api import parse_sse
from tests.conftest import CountingEmbedder
from tests.support.scripted_llm import ScriptedLLM

FIRST = "Which country is mediating with Hamas?"
FOLLOW_UP = "How many prisoners does it want freed?"
HISTORY = [
    {"role": "user", "content": FIRST},
    {"role": "assistant", "content": "Qatar is mediating with Hamas [1]."},
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many prisoners does it want freed?", True),  # "it" refers back
        ("And Egypt?", True),
        ("What about Egypt?", True),
        ("Why?", True),
        ("Who won the 2022 football World Cup final?", False),
        ("Which country is mediating the hostage talks with Hamas?", False),
        # issue 16: a question naming its own subject stands alone, pronoun or not
        ("What is the capital of Moravia?", False),
        ("Did Tallvik say it would host the open again?", False),
        ("What does the NSMA do?", False),
        ("How fast can a cheetah run?", False),
        ("Tallvik?", True),  # a bare name is as elliptical as "and ...?"
        ("When was it built?", True),
    ],
)
def test_is_follow_up(question: str, expected: bool) -> None:
    assert is_follow_up(question) is expected


def test_carry_over_adds_the_previous_questions_content_words() -> None:
    rewritten = carry_over(FOLLOW_UP, HISTORY)
    assert rewritten.startswith(FOLLOW_UP)
    assert "country" in rewritten and "hamas" in rewritten.lower()
    assert carry_over("Who won the 2022 football World Cup final?", HISTORY).endswith("final?")
    assert carry_over(FOLLOW_UP, []) == FOLLOW_UP


def test_extractive_follow_up_uses_the_conversation(client: TestClient) -> None:
    body = {"question": FOLLOW_UP, "history": HISTORY}
    answer = client.post("/v1/ask", json=body).json()
    assert answer["grounded"] is True and answer["citations"]
    assert answer["standalone_question"].startswith(FOLLOW_UP)
    assert "hamas" in answer["standalone_question"].lower()
    # Answered as the question with the conversation's words would be; which sentence that
    # is, is the scorer's to say (the seed QA set measures it: bench/seed_qa.jsonl).
    asked = client.post("/v1/ask", json={"question": answer["standalone_question"]}).json()
    assert asked["answer"] == answer["answer"]
    assert client.post("/v1/ask", json={"question": FOLLOW_UP}).json()["answer"] != answer["answer"]
    alone = client.post("/v1/ask", json={"question": FIRST}).json()
    assert alone["standalone_question"] is None


@pytest.fixture
def llm_client(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder, scripted_llm: ScriptedLLM
) -> Iterator[TestClient]:
    settings = make_settings(
        llm="openai", openai_base_url=scripted_llm.base_url, llm_timeout_s=2.0, llm_max_retries=0
    )
    with TestClient(create_app(settings, embedder)) as client:
        yield client


def test_llm_rewrites_the_follow_up_with_the_condense_prompt(
    llm_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    standalone = "How many Palestinian prisoners does Qatar want freed?"
    scripted_llm.enqueue(f"Standalone question: {standalone}\n")
    scripted_llm.enqueue("Qatar seeks the release of 36 prisoners [1].")
    body = {"question": FOLLOW_UP, "history": HISTORY, "stream": True}
    events = parse_sse(llm_client.post("/v1/ask", json=body).text)
    done = events[-1][1]
    assert events[-1][0] == "done" and done["standalone_question"] == standalone
    assert done["grounded"] and not done["degraded"]

    condense, answer = scripted_llm.requests
    prompt = condense["messages"][-1]["content"]
    assert "User: Which country is mediating with Hamas?" in prompt
    assert "Assistant: Qatar is mediating with Hamas." in prompt  # markers stripped
    assert f"Last question: {FOLLOW_UP}" in prompt
    assert answer["messages"][1:3] == [  # old markers named other passages: dropped
        HISTORY[0],
        {"role": "assistant", "content": "Qatar is mediating with Hamas."},
    ]
    assert standalone in answer["messages"][-1]["content"]


def test_llm_failure_while_rewriting_falls_back_and_degrades(
    llm_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue(status=500)
    body = {"question": FOLLOW_UP, "history": HISTORY}
    answer = llm_client.post("/v1/ask", json=body).json()
    assert answer["degraded"] is True and answer["mode"] == "extractive"
    assert answer["grounded"] is True  # the conversation's words carried over instead:
    assert "hamas" in answer["standalone_question"].lower()
    assert len(scripted_llm.requests) == 1  # the answer did not try the failed LLM again
