"""The LLM circuit breaker: opens after repeated failures, skips the LLM, then tries again."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from service.app import create_app
from service.core.config import Settings
from service.llm.breaker import CircuitBreaker
from tests.api.test_api import parse_sse
from tests.conftest import CountingEmbedder
from tests.support.scripted_llm import ScriptedLLM

QUESTION = {"question": "Which country is mediating with Hamas?"}


def test_breaker_states() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failures=2, cooldown_s=10, clock=lambda: now[0])
    assert breaker.allow() and breaker.state == "closed"
    breaker.failed()
    assert breaker.allow()  # one failure is not enough
    breaker.failed()
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 10.0
    assert breaker.allow()  # the trial call
    assert not breaker.allow()  # only one at a time
    breaker.failed()  # the trial failed: open for another cool-down
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 20.0
    assert breaker.allow()
    breaker.succeeded()
    assert breaker.state == "closed" and breaker.allow()
    assert breaker.opened_count == 2


def test_abandoned_trial_frees_the_slot() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failures=1, cooldown_s=1, clock=lambda: now[0])
    breaker.failed()
    now[0] = 1.0
    assert breaker.allow() and not breaker.allow()
    breaker.abandoned()
    assert breaker.allow()


def test_open_breaker_answers_without_calling_the_llm(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder, scripted_llm: ScriptedLLM
) -> None:
    settings = make_settings(
        llm="openai",
        openai_base_url=scripted_llm.base_url,
        llm_timeout_s=2.0,
        llm_max_retries=0,
        breaker_failures=2,
        breaker_cooldown_s=1.0,
    )
    with TestClient(create_app(settings, embedder)) as client:
        for _ in range(2):
            scripted_llm.enqueue(status=500)
            answer = client.post("/v1/ask", json=QUESTION).json()
            assert answer["degraded"] is True
        assert len(scripted_llm.requests) == 2

        # open: no LLM call, still a cited extractive answer, for JSON and streams alike
        answer = client.post("/v1/ask", json=QUESTION).json()
        assert answer["degraded"] is True and answer["mode"] == "extractive"
        assert answer["grounded"] and "Qatar" in answer["answer"]
        assert "qa_llm_breaker_open 1.0" in client.get("/metrics").text
        events = parse_sse(client.post("/v1/ask", json={**QUESTION, "stream": True}).text)
        assert events[-1][0] == "done" and events[-1][1]["degraded"] is True
        assert len(scripted_llm.requests) == 2

        time.sleep(1.1)  # cool-down over: one trial call, which succeeds and closes it
        scripted_llm.enqueue("Qatar is mediating [1].")
        answer = client.post("/v1/ask", json=QUESTION).json()
        assert answer["mode"] == "llm" and answer["degraded"] is False
        assert len(scripted_llm.requests) == 3
        scripted_llm.enqueue("Qatar again [1].")
        assert client.post("/v1/ask", json=QUESTION).json()["mode"] == "llm"

        metrics = client.get("/metrics").text
        assert "qa_llm_breaker_open 0.0" in metrics
        assert 'qa_llm_errors_total{code="llm_unavailable"} 2.0' in metrics
        assert 'qa_llm_errors_total{code="llm_circuit_open"} 2.0' in metrics
        assert "qa_llm_fallbacks_total 4.0" in metrics
