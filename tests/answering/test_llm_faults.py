"""LLM faults through the real openai client: every one ends in a well-formed answer or error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.core.config import Settings
from service.embedding.embedders import MiniLMEmbedder
from tests.api.test_api import parse_sse
from tests.conftest import SEEDS
from tests.support.scripted_llm import ScriptedLLM

QUESTION = "Which country is mediating with Hamas?"
FAULTS = {
    "slow": {"text": "late [1]", "delay_s": 1.5},
    "429": {"status": 429},
    "500": {"status": 500},
    "malformed json": {"raw_body": '{"choices": [{"message": '},
    "wrong shape": {"raw_body": '{"choices": "none"}'},
    "not json at all": {"raw_body": "<html>Bad gateway</html>"},
}


@pytest.fixture(scope="module")
def scripted_llm() -> Iterator[ScriptedLLM]:
    server = ScriptedLLM().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def faulty_client(
    tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder, scripted_llm: ScriptedLLM
) -> Iterator[TestClient]:
    """One app for the whole module: each test queues its fault and reads one answer."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path_factory.mktemp("faults"),
        seeds_dir=SEEDS,
        openai_api_key=None,
        llm="openai",
        openai_base_url=scripted_llm.base_url,
        llm_timeout_s=1.0,
        llm_max_retries=0,
        breaker_failures=1000,  # these tests look at single failures, not the breaker
    )
    with TestClient(create_app(settings, minilm)) as client:
        yield client


@pytest.fixture(autouse=True)
def nothing_left_queued(scripted_llm: ScriptedLLM) -> Iterator[None]:
    yield
    assert not scripted_llm.replies, "a queued reply was not used"


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


def test_stream_cut_after_a_sentence_ends_with_error_event(
    faulty_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue("Qatar is mediating [1]. Egypt helps too [1]. And more [1].", cut_after=6)
    body = {"question": QUESTION, "stream": True}
    events = parse_sse(faulty_client.post("/v1/ask", json=body).text)
    names = [name for name, _ in events]
    assert names[0] == "citations" and names[-1] == "error" and "delta" in names
    assert set(events[-1][1]) == {"code", "message"}
