"""The real LLM path: the service starts llama.cpp's server with the smallest packaged model
(SmolLM2-135M) and answers through it over the `openai` client, as it would with OpenAI.

One service (and one model server) for the whole module. A 135M model is not smart: these
tests check the path and its failure handling (mode, model name, degraded, restarts), not
what it writes.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from fastapi import FastAPI

from service.answering.prompts import Prompts
from service.answering.question_check import QuestionCheck
from service.answering.support import SupportCheck
from service.app import create_app
from service.core.config import PROJECT_ROOT
from service.core.ports import Embedder
from service.llm.client import OpenAIChatModel, make_client
from service.llm.local_server import (
    OPENMP_SPIN_TURNS,
    LocalModelServer,
    LocalServerError,
    ServerSpec,
)
from tests.api.test_api import parse_sse
from tests.support.live_server import LiveServer, settings_for

pytestmark = pytest.mark.slow

MODEL = "smollm2-135m"
QUESTION = "Who is mediating the hostage talks?"
FOLLOW_UP = "How many prisoners does it want freed?"
OFF_TOPIC = "Who won the 2022 football World Cup final?"
QUEUE_WAIT_S = 0.5  # a caller gets no slot for this long: extractive answer, degraded
TOP_K = 2  # short prompts keep the module fast
PROMPTS_DIR = PROJECT_ROOT / "prompts"


@pytest.fixture(scope="session")
def local_service(
    tmp_path_factory: pytest.TempPathFactory, minilm: Embedder
) -> Iterator[tuple[str, FastAPI]]:
    """The service with QA_LLM=local: installs (or verifies) the model, starts its server."""
    settings = settings_for(
        tmp_path_factory.mktemp("local-llm"),
        llm="local",
        local_model=MODEL,
        local_ctx=2048,
        llm_max_tokens=48,  # short answers keep the module fast
        llm_max_retries=0,
        # Generous: on a shared 2-core machine a 135M model can take a minute to read a prompt.
        llm_timeout_s=300.0,
        llm_call_timeout_s=300.0,
        llm_queue_wait_s=QUEUE_WAIT_S,
        rate_limit_per_minute=0,
    )
    app = create_app(settings, minilm)
    live = LiveServer(app, settings).start(timeout_s=300)
    try:
        # The model's warm-up holds its one slot for a moment; with this module's short queue
        # budget a question asked meanwhile would be answered extractively.
        assert app.state.components.warmed_up.wait(300)
        yield live.url, app
    finally:
        live.stop()
    assert app.state.components is None  # closed: the model server was stopped with it


def model_server(app: FastAPI) -> LocalModelServer:
    server = app.state.components.local_server
    assert isinstance(server, LocalModelServer)
    return server


def wait_until_restarted(server: LocalModelServer, restarts: int, pid: int) -> None:
    """Until the supervisor has started `server` again (a new process, answering)."""
    deadline = time.monotonic() + 120
    while not (server.restarts > restarts and server.healthy()):
        assert time.monotonic() < deadline, "the model server was not restarted"
        time.sleep(0.2)
    assert server.pid not in (None, pid)


def ask(url: str, **body: Any) -> dict[str, Any]:
    response = httpx.post(f"{url}/v1/ask", json={"top_k": TOP_K, **body}, timeout=600)
    assert response.status_code == 200, response.text
    return dict(response.json())


def answered_by_the_model(answer: dict[str, Any]) -> bool:
    return answer["mode"] == "llm" and answer["model"] == MODEL and not answer["degraded"]


def test_ask_is_answered_by_the_local_model(local_service: tuple[str, FastAPI]) -> None:
    url, app = local_service
    answer = ask(url, question=QUESTION)
    assert answered_by_the_model(answer), answer
    assert answer["usage"]["completion_tokens"] > 0
    server = model_server(app)
    assert server.pid is not None and server.base_url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("drafts", [False, True])
def test_streamed_ask_is_answered_by_the_local_model(
    local_service: tuple[str, FastAPI], drafts: bool
) -> None:
    url, _ = local_service
    body = {"question": QUESTION, "stream": True, "top_k": TOP_K, "drafts": drafts}
    response = httpx.post(f"{url}/v1/ask", json=body, timeout=600)
    events = parse_sse(response.text)
    assert events[0][0] == "citations" and events[-1][0] == "done"
    assert answered_by_the_model(events[-1][1]), events[-1]
    streamed = "".join(data["text"] for kind, data in events if kind == "delta")
    assert streamed == events[-1][1]["answer"]
    # Held for the support check: with drafts, the model's text as it writes it comes
    # first, each draft the whole reply so far; without, none.
    kinds = [kind for kind, _ in events]
    assert ("draft" in kinds) is drafts
    if drafts:
        assert kinds.index("delta") > len(kinds) - 1 - kinds[::-1].index("draft")
        assert len([k for k in kinds if k == "draft"]) > 1


def test_chat_completions_through_the_openai_client(local_service: tuple[str, FastAPI]) -> None:
    url, _ = local_service
    client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", timeout=600, max_retries=0)
    response = client.chat.completions.create(
        model="rag", messages=[{"role": "user", "content": QUESTION}]
    )
    extra = response.model_extra or {}
    assert extra["mode"] == "llm" and extra["degraded"] is False
    assert response.choices[0].finish_reason == "stop" and response.choices[0].message.content


def test_a_follow_up_is_condensed_by_the_model(local_service: tuple[str, FastAPI]) -> None:
    url, _ = local_service
    history = [
        {"role": "user", "content": "Which country is mediating with Hamas?"},
        {"role": "assistant", "content": "Qatar is mediating with Hamas [1]."},
    ]
    answer = ask(url, question=FOLLOW_UP, history=history)
    # Not degraded: the rewrite by the model succeeded (a failed one marks the answer degraded).
    assert answer["mode"] == "llm" and answer["degraded"] is False
    assert answer["standalone_question"] and "rewrite" in answer["timings_ms"]


def test_an_off_topic_question_is_not_grounded(local_service: tuple[str, FastAPI]) -> None:
    url, _ = local_service
    answer = ask(url, question=OFF_TOPIC)
    assert answer["grounded"] is False and answer["citations"] == []
    assert answer["degraded"] is False


def test_both_model_servers_threads_spin_briefly(local_service: tuple[str, FastAPI]) -> None:
    """Each llama.cpp server is started with a short OpenMP spin (GOMP_SPINCOUNT): its
    threads neither sleep between a token's steps nor hold the cores the other one needs."""
    _, app = local_service
    spin = os.environ.get("GOMP_SPINCOUNT", str(OPENMP_SPIN_TURNS))
    for server in (model_server(app), app.state.components.side_server):
        assert isinstance(server, LocalModelServer) and server.pid is not None
        environ = Path(f"/proc/{server.pid}/environ").read_bytes().split(b"\0")
        assert f"GOMP_SPINCOUNT={spin}".encode() in environ


def test_a_killed_model_server_is_restarted(local_service: tuple[str, FastAPI]) -> None:
    url, app = local_service
    server = model_server(app)
    restarts, pid = server.restarts, server.pid
    assert pid is not None
    body = {"question": QUESTION, "stream": True, "top_k": TOP_K}
    events: list[tuple[str, dict[str, Any]]] = []
    with httpx.stream("POST", f"{url}/v1/ask", json=body, timeout=600) as response:
        blocks = response.iter_text()
        text = ""
        for piece in blocks:  # the citations come first, then the model is asked
            text += piece
            if "event: citations" in text and "\n\n" in text:
                break
        os.kill(pid, signal.SIGKILL)  # while it reads the prompt or writes the answer
        text += "".join(blocks)
    events = parse_sse(text)
    last_kind, last = events[-1]
    # Before the first token: an extractive answer marked degraded; after it: a clean error.
    assert (last_kind == "done" and last["degraded"] is True) or last_kind == "error", events
    wait_until_restarted(server, restarts, pid)
    assert answered_by_the_model(ask(url, question=QUESTION))


def test_a_killed_side_server_is_restarted(local_service: tuple[str, FastAPI]) -> None:
    """The second server (follow-up rewrites, support checks): while it is down a follow-up
    is answered, marked degraded; then it is restarted and rewrites work again."""
    url, app = local_service
    side = app.state.components.side_server
    assert isinstance(side, LocalModelServer) and side.pid is not None
    restarts, pid = side.restarts, side.pid
    history = [
        {"role": "user", "content": "Which country is mediating with Hamas?"},
        {"role": "assistant", "content": "Qatar is mediating with Hamas [1]."},
    ]
    os.kill(pid, signal.SIGKILL)
    answer = ask(url, question=FOLLOW_UP, history=history)
    assert answer["degraded"] is True  # the rewrite failed: the heuristic stood in
    wait_until_restarted(side, restarts, pid)
    answer = ask(url, question=FOLLOW_UP, history=history)
    assert answer["degraded"] is False and "rewrite" in answer["timings_ms"]


@pytest.mark.parametrize(("threshold", "answered"), [(1e-6, True), (1 - 1e-6, False)])
@pytest.mark.parametrize("check", ["support", "question"])
def test_a_checks_threshold_reaches_the_server_as_a_logit_bias(
    local_service: tuple[str, FastAPI], check: str, threshold: float, answered: bool
) -> None:
    """llama.cpp's server takes the bias by token text: near 0 it makes the model say "yes"
    and near 1 "no", whatever it would have said."""
    _, app = local_service
    side = app.state.components.side_server
    assert isinstance(side, LocalModelServer)
    client = make_client(side.base_url, None, timeout_s=300, max_retries=0)
    model = OpenAIChatModel(client, MODEL)
    excerpt = "Qatar is mediating the hostage talks."
    if check == "support":
        support = SupportCheck(model, Prompts(PROMPTS_DIR), threshold, logprobs=False)
        assert (support.probability(excerpt, [excerpt]) >= threshold) is answered
    else:
        question = QuestionCheck(model, Prompts(PROMPTS_DIR), threshold, logprobs=False)
        assert question.answered(QUESTION, [excerpt]) is answered


def test_callers_beyond_the_queue_budget_get_degraded_answers(
    local_service: tuple[str, FastAPI],
) -> None:
    url, _ = local_service
    results: list[tuple[float, dict[str, Any]]] = []

    def one() -> None:
        started = time.monotonic()
        answer = ask(url, question=QUESTION)
        results.append((time.monotonic() - started, answer))

    askers = [threading.Thread(target=one) for _ in range(5)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join(timeout=300)
    assert len(results) == 5  # nobody hung
    degraded = [elapsed for elapsed, answer in results if answer["degraded"]]
    by_model = [answer for _, answer in results if answered_by_the_model(answer)]
    assert degraded and by_model, results
    # A refused caller waited the budget, not for the model (one answer takes longer).
    assert max(degraded) < QUEUE_WAIT_S + 10


def test_the_model_server_stops_with_the_service(
    tmp_path: Path, minilm: Embedder, local_service: tuple[str, FastAPI]
) -> None:
    """A second service on the installed model: its server process is gone once it closes."""
    settings = settings_for(tmp_path / "data", llm="local", local_model=MODEL, local_ctx=512)
    settings = settings.model_copy(update={"seed_on_start": False})
    app = create_app(settings, minilm)
    live = LiveServer(app, settings).start(timeout_s=300)
    # Two servers of the same model: one answers, one runs the side calls (checks, rewrites).
    servers = [model_server(app), app.state.components.side_server]
    pids = [pid for pid in (server.pid for server in servers) if pid is not None]
    # Asked while the warm-up keeps them busy, a server on a slow 2-core CPU (no AMX) can
    # take over the health check's second to answer: ask once the warm-up has ended.
    assert app.state.components.warmed_up.wait(timeout=300)
    assert len(set(pids)) == 2 and all(server.healthy() for server in servers)
    live.stop()
    for server, pid in zip(servers, pids, strict=True):
        assert server.pid is None and not server.healthy()
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_server_that_cannot_start_fails_with_its_log(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model")
    spec = ServerSpec(broken, "broken", threads=1, ctx=512, log_path=tmp_path / "llm.log")
    with pytest.raises(LocalServerError, match="exited with code") as failure:
        LocalModelServer(spec).start()
    assert "Failed to load model" in str(failure.value)  # the server's own words
