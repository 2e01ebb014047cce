"""The bounded queue in front of the chat model: a caller without a slot fails fast, never hangs.

The slow model is the scripted server (fault injection); the client is the real `openai` one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from service.core.errors import LLMBusy, LLMFailure
from service.core.ports import Completion
from service.llm.breaker import CircuitBreaker, GuardedChatModel
from service.llm.client import OpenAIChatModel, make_client
from service.llm.queue import BoundedChatModel
from tests.support.scripted_llm import ScriptedLLM

ASK = [{"role": "user", "content": "hello"}]


def bounded(
    llm: ScriptedLLM, slots: int | None, wait_s: float, call_s: float = 10.0
) -> BoundedChatModel:
    client = make_client(llm.base_url, None, timeout_s=10.0, max_retries=0)
    return BoundedChatModel(OpenAIChatModel(client, "scripted"), slots, wait_s, call_s)


def in_background(call: Callable[[], Completion]) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except LLMFailure as failure:
            outcome.append(failure)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def wait_until(condition: Callable[[], bool], limit_s: float = 5.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.01)


def test_a_caller_without_a_slot_fails_within_the_budget(scripted_llm: ScriptedLLM) -> None:
    model = bounded(scripted_llm, slots=1, wait_s=0.3)
    scripted_llm.enqueue("slow answer", delay_s=1.5)
    first, outcome = in_background(lambda: model.complete(ASK))
    wait_until(lambda: len(scripted_llm.requests) == 1)  # the first call holds the slot
    started = time.monotonic()
    with pytest.raises(LLMBusy):
        model.complete(ASK)
    assert 0.25 <= time.monotonic() - started < 1.0  # the budget, not the slow call
    first.join()
    assert isinstance(outcome[0], Completion) and outcome[0].text == "slow answer"
    assert model.refused == 1 and model.waiting == 0
    assert len(scripted_llm.requests) == 1  # the refused caller never reached the model
    scripted_llm.enqueue("next")
    assert model.complete(ASK).text == "next"  # the slot was given back


def test_a_waiting_caller_gets_the_freed_slot(scripted_llm: ScriptedLLM) -> None:
    model = bounded(scripted_llm, slots=1, wait_s=5.0)
    scripted_llm.enqueue("first", delay_s=0.5)
    scripted_llm.enqueue("second")
    first, outcome = in_background(lambda: model.complete(ASK))
    wait_until(lambda: len(scripted_llm.requests) == 1)
    assert model.complete(ASK).text == "second"
    first.join()
    assert isinstance(outcome[0], Completion) and model.refused == 0


def test_an_abandoned_stream_frees_its_slot(scripted_llm: ScriptedLLM) -> None:
    model = bounded(scripted_llm, slots=1, wait_s=0.2)
    scripted_llm.enqueue("one two three four", piece_delay_s=0.05)
    stream = model.stream(ASK)
    assert next(stream) == ""  # the slot is taken
    assert next(stream) == "one "
    stream.close()  # the client went away mid-answer
    scripted_llm.enqueue("again")
    assert model.complete(ASK).text == "again"


def test_a_stream_closed_once_its_slot_is_taken_never_asks_the_model(
    scripted_llm: ScriptedLLM,
) -> None:
    model = bounded(scripted_llm, slots=1, wait_s=0.2)
    stream = model.stream(ASK)
    assert next(stream) == ""  # the slot is taken; the model is not asked yet
    stream.close()  # the client left while it waited for the slot
    assert scripted_llm.requests == []
    scripted_llm.enqueue("free again")
    assert model.complete(ASK).text == "free again"


def test_a_stream_past_its_call_timeout_fails(scripted_llm: ScriptedLLM) -> None:
    model = bounded(scripted_llm, slots=1, wait_s=0.2, call_s=0.3)
    scripted_llm.enqueue("a b c d e f g h", piece_delay_s=0.1)
    with pytest.raises(LLMFailure, match="longer than 0.3 s"):
        list(model.stream(ASK))
    scripted_llm.enqueue("free again")
    assert model.complete(ASK).text == "free again"


def test_a_busy_model_does_not_open_the_breaker(scripted_llm: ScriptedLLM) -> None:
    inner = bounded(scripted_llm, slots=1, wait_s=0.1)
    breaker = CircuitBreaker(failures=1, cooldown_s=60)
    failures: list[LLMFailure] = []
    model = GuardedChatModel(inner, breaker, on_failure=failures.append)
    scripted_llm.enqueue("slow", delay_s=0.8)
    first, _ = in_background(lambda: model.complete(ASK))
    wait_until(lambda: len(scripted_llm.requests) == 1)
    with pytest.raises(LLMBusy):
        model.complete(ASK)
    first.join()
    assert breaker.state == "closed" and [f.code for f in failures] == ["llm_busy"]
