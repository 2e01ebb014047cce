"""LLM faults through the real openai client: every one ends in a well-formed answer or error."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.config import Settings
from tests.conftest import CountingEmbedder
from tests.scripted_llm import ScriptedLLM
from tests.test_api import parse_sse

QUESTION = "Which country is mediating with Hamas?"
FAULTS = {
    "slow": {"text": "late [1]", "delay_s": 1.5},
    "429": {"status": 429},
    "500": {"status": 500},
    "malformed json": {"raw_body": '{"choices": [{"message": '},
    "wrong shape": {"raw_body": '{"choices": "none"}'},
    "not json at all": {"raw_body": "<html>Bad gateway</html>"},
}


@pytest.fixture
def faulty_client(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder, scripted_llm: ScriptedLLM
) -> Iterator[TestClient]:
    settings = make_settings(
        openai_base_url=scripted_llm.base_url,
        llm_timeout_s=1.0,
        llm_max_retries=0,
        breaker_failures=100,  # these tests look at single failures, not the breaker
    )
    with TestClient(create_app(settings, embedder)) as client:
        yield client


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_gives_a_degraded_answer(
    faulty_client: TestClient, scripted_llm: ScriptedLLM, fault: str
) -> None:
    scripted_llm.enqueue(**FAULTS[fault])
    response = faulty_client.post("/v1/ask", json={"question": QUESTION})
    assert response.status_code == 200
    answer = response.json()
    assert answer["degraded"] is True and answer["mode"] == "extractive"
    assert answer["grounded"] and answer["citations"]


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_in_a_stream_gives_a_degraded_done_event(
    faulty_client: TestClient, scripted_llm: ScriptedLLM, fault: str
) -> None:
    scripted_llm.enqueue(**FAULTS[fault])
    body = {"question": QUESTION, "stream": True}
    events = parse_sse(faulty_client.post("/v1/ask", json=body).text)
    assert [name for name, _ in events][-1] == "done"
    assert events[-1][1]["degraded"] is True and events[-1][1]["citations"]


def test_explicit_llm_mode_with_429_degrades_too(
    faulty_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue(status=429)
    answer = faulty_client.post("/v1/ask", json={"question": QUESTION, "mode": "llm"}).json()
    assert answer["degraded"] is True


def test_stream_cut_after_first_token_ends_with_error_event(
    faulty_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue("Qatar is mediating with Hamas [1].", cut_after=1)
    body = {"question": QUESTION, "stream": True}
    events = parse_sse(faulty_client.post("/v1/ask", json=body).text)
    names = [name for name, _ in events]
    assert names[0] == "citations" and names[-1] == "error" and "delta" in names
    assert set(events[-1][1]) == {"code", "message"}
