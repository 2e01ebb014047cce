"""The model's yes/no support check: an answer stands only when a cited passage states it."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.answering.answers import NOT_FOUND, Question
from service.answering.prompts import Prompts
from service.answering.question_check import QuestionCheck
from service.answering.support import SupportCheck, yes_no_sampling
from service.app import create_app
from service.core.config import PROJECT_ROOT, Settings
from service.llm import setup as llm_setup
from service.llm.local_server import LocalServerError
from tests.api.test_api import parse_sse
from tests.conftest import CountingEmbedder
from tests.support.passage_model import PassageModel, passage_in
from tests.support.scripted_llm import ScriptedLLM
from tests.support.waiting import wait_for

QUESTION = "Which country is mediating with Hamas?"
REPLY = "Qatar is mediating with Hamas [1]."


def scripted_settings(
    make_settings: Callable[..., Settings], scripted_llm: ScriptedLLM, **options: Any
) -> Settings:
    """Settings for the scripted model as an OpenAI-compatible endpoint, no retries."""
    return make_settings(
        llm="openai", openai_base_url=scripted_llm.base_url, llm_max_retries=0, **options
    )


def scripted_client(
    make_settings: Callable[..., Settings],
    embedder: CountingEmbedder,
    scripted_llm: ScriptedLLM,
    **options: Any,
) -> Iterator[TestClient]:
    """A client of the app with the scripted model (scripted_settings), for a fixture."""
    settings = scripted_settings(make_settings, scripted_llm, **options)
    with TestClient(create_app(settings, embedder)) as client:
        yield client


@pytest.fixture
def checked_client(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder, scripted_llm: ScriptedLLM
) -> Iterator[TestClient]:
    settings = scripted_settings(
        make_settings, scripted_llm, llm_timeout_s=1.0, llm_support_check="on", llm_min_support=0.6
    )
    with TestClient(create_app(settings, embedder)) as client:
        yield client


def ask_checked(
    client: TestClient, scripted_llm: ScriptedLLM, verdict: str = "", **options: Any
) -> dict[str, Any]:
    """/v1/ask with the model's reply scripted, then the support check's reply."""
    scripted_llm.enqueue(REPLY)
    scripted_llm.enqueue(verdict, **options)
    answer: dict[str, Any] = client.post("/v1/ask", json={"question": QUESTION}).json()
    return answer


def test_a_supported_answer_stands(checked_client: TestClient, scripted_llm: ScriptedLLM) -> None:
    answer = ask_checked(
        checked_client, scripted_llm, "Yes", first_token={"Yes": math.log(0.7), "No": math.log(0.3)}
    )
    assert answer["answer"] == REPLY and answer["grounded"] is True
    check = scripted_llm.requests[1]
    assert check["max_tokens"] == 1 and check["logprobs"] is True
    assert "logit_bias" not in check
    user = check["messages"][-1]["content"]
    assert "Statement: Qatar is mediating with Hamas.\n" in user and "[1]" not in user
    assert "Qatar" in user.split("<<<PASSAGES")[1]  # the cited passage itself


def test_an_answer_below_the_threshold_is_not_found(
    checked_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    answer = ask_checked(
        checked_client,
        scripted_llm,
        "Yes",
        first_token={"Yes": math.log(0.55), "No": math.log(0.45)},
    )
    assert answer["answer"] == NOT_FOUND and answer["grounded"] is False
    assert answer["citations"] == [] and answer["mode"] == "llm"


def test_without_log_probabilities_the_reply_text_decides(
    checked_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    answer = ask_checked(checked_client, scripted_llm, "No")
    assert answer["grounded"] is False


def test_a_failed_check_falls_back_to_the_extractive_answer(
    checked_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    answer = ask_checked(checked_client, scripted_llm, status=503)
    assert answer["mode"] == "extractive" and answer["degraded"] is True


def ask_streamed(
    client: TestClient, **options: Any
) -> tuple[list[tuple[str, dict[str, Any]]], str]:
    """A streamed /v1/ask of QUESTION: its events, and the text its deltas add up to."""
    body = {"question": QUESTION, "stream": True, **options}
    events = parse_sse(client.post("/v1/ask", json=body).text)
    return events, "".join(data["text"] for kind, data in events if kind == "delta")


def test_a_stream_shows_nothing_the_check_refuses(
    checked_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue(REPLY)
    scripted_llm.enqueue("No")
    events, deltas = ask_streamed(checked_client)
    assert deltas == NOT_FOUND and "Qatar" not in deltas
    assert events[-1][0] == "done" and events[-1][1]["grounded"] is False


def test_a_stream_shows_a_supported_answer(
    checked_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue(REPLY)
    scripted_llm.enqueue("yes")
    events, deltas = ask_streamed(checked_client)
    assert deltas == REPLY and events[-1][1]["grounded"] is True


@pytest.mark.parametrize(("verdict", "grounded"), [("yes", True), ("no", False)])
def test_drafts_show_the_reply_as_it_is_written_until_the_checked_answer_replaces_them(
    checked_client: TestClient, scripted_llm: ScriptedLLM, verdict: str, grounded: bool
) -> None:
    scripted_llm.enqueue(REPLY)
    scripted_llm.enqueue(verdict)
    events, deltas = ask_streamed(checked_client, drafts=True)
    kinds = [kind for kind, _ in events]
    drafts = [data["text"] for kind, data in events if kind == "draft"]
    # Each draft is the whole reply so far, growing as the model writes; all come before
    # the checked text, which alone is the answer.
    assert len(drafts) > 3 and drafts[-1] == REPLY
    assert all(b.startswith(a) for a, b in zip(drafts, drafts[1:], strict=False))
    assert kinds.index("delta") > max(i for i, kind in enumerate(kinds) if kind == "draft")
    assert deltas == (REPLY if grounded else NOT_FOUND)
    assert events[-1][0] == "done" and events[-1][1]["grounded"] is grounded


def test_a_model_that_breaks_after_its_drafts_gives_the_degraded_answer_in_their_place(
    checked_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue(REPLY, cut_after=3)
    events, deltas = ask_streamed(checked_client, drafts=True)
    kinds = [kind for kind, _ in events]
    assert kinds.count("draft") == 3 and "error" not in kinds
    done = events[-1][1]
    assert done["mode"] == "extractive" and done["degraded"] is True and done["grounded"]
    assert deltas == done["answer"]


def test_drafts_are_sent_only_when_asked_for_and_only_in_streams(
    checked_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue(REPLY)
    scripted_llm.enqueue("yes")
    events, _ = ask_streamed(checked_client)
    assert "draft" not in [kind for kind, _ in events]
    scripted_llm.enqueue(REPLY)
    scripted_llm.enqueue("yes")
    answer = checked_client.post("/v1/ask", json={"question": QUESTION, "drafts": True}).json()
    assert answer["answer"] == REPLY
    refused = checked_client.post("/v1/ask", json={"question": QUESTION, "drafts": "yes"})
    assert refused.status_code == 422


@pytest.mark.parametrize(
    ("reply", "verdict", "refused_by"),
    [
        (REPLY, "yes", None),
        (REPLY, "no", "support"),
        ("Argentina won the World Cup final on penalties [1].", None, "claims"),
        (NOT_FOUND, None, "model"),
        ("The talks went nowhere.", None, "model"),  # no marker, and no excerpt holds it
        # copied from an excerpt the model is shown
        ("Qatar’s direct line of communication with Hamas makes it a key player.", "yes", None),
    ],
)
def test_a_refusal_names_the_gate_that_made_it(
    checked_client: TestClient,
    scripted_llm: ScriptedLLM,
    reply: str,
    verdict: str | None,
    refused_by: str | None,
) -> None:
    """The evaluation counts refusals by gate (Answer.refused_by); the API does not show it."""
    scripted_llm.enqueue(reply)
    if verdict is not None:
        scripted_llm.enqueue(verdict)
    answers = checked_client.app.state.components.answers  # type: ignore[attr-defined]
    answer = answers.ask(Question(QUESTION, top_k=5))
    assert answer.grounded is (refused_by is None) and answer.refused_by == refused_by
    calls = 2 if verdict is not None else 1
    assert len(scripted_llm.requests) == calls
    off_topic = answers.ask(Question("What is the capital of Australia?", top_k=5))
    assert off_topic.refused_by == "relevance" and len(scripted_llm.requests) == calls
    body = checked_client.post("/v1/ask", json={"question": "What is the capital of Australia?"})
    assert "refused_by" not in body.json()


def test_a_streamed_refusal_names_its_gate_too(
    checked_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    scripted_llm.enqueue(REPLY)
    scripted_llm.enqueue("no")
    answers = checked_client.app.state.components.answers  # type: ignore[attr-defined]
    *_, done = answers.stream(Question(QUESTION, top_k=5))
    assert done.kind == "done" and done.data.refused_by == "support"
    *_, done = answers.stream(Question("What is the capital of Australia?", top_k=5))
    assert done.data.refused_by == "relevance" and len(scripted_llm.requests) == 2


def test_auto_checks_only_the_local_model(make_settings: Callable[..., Settings]) -> None:
    assert make_settings(llm="local").support_check_on
    assert not make_settings(llm="openai", openai_base_url="http://127.0.0.1:9/v1").support_check_on
    assert not make_settings(llm="none", llm_support_check="on").support_check_on


def test_the_check_reads_the_excerpt_the_model_read(
    checked_client: TestClient, scripted_llm: ScriptedLLM
) -> None:
    answer = ask_checked(checked_client, scripted_llm, "yes")
    assert answer["grounded"] is True
    shown = between_markers(scripted_llm.requests[0])
    heading, first = shown.split("[1] title: ")[1].split("\n\n[")[0].split("\n", 1)
    read = between_markers(scripted_llm.requests[1])
    assert read == f"title: {heading.split(' | date: ')[0]}\n{first}"  # under its title
    whole = checked_client.post("/v1/search", json={"query": QUESTION, "top_k": 1}).json()
    assert len(read) < len(whole["results"][0]["text"])  # an excerpt, not the whole passage


def between_markers(request: dict[str, Any]) -> str:
    """What a request's last message holds between <<<PASSAGES and PASSAGES>>>."""
    return passage_in(request["messages"][-1]["content"])


class _StandIn:
    """In place of a llama.cpp server: a scripted one's URL, and a record of its stop."""

    def __init__(self, llm: ScriptedLLM, role: str, stopped: list[str]) -> None:
        self.base_url, self.role, self._stopped = llm.base_url, role, stopped

    def stop(self) -> None:
        self._stopped.append(self.role)


@pytest.mark.parametrize("own_server", [True, False])
def test_local_side_calls_run_on_their_own_server(
    make_settings: Callable[..., Settings],
    embedder: CountingEmbedder,
    scripted_llm: ScriptedLLM,
    monkeypatch: pytest.MonkeyPatch,
    own_server: bool,
) -> None:
    """llama.cpp reuses the previous prompt's prefix: with the follow-up rewrite and the
    support and reading checks on a server of their own, the answering server only ever
    reads answering prompts, so its instructions stay cached (QA_LOCAL_SIDE_SERVER)."""
    side = ScriptedLLM().start()
    servers = {"answer": scripted_llm, "side": side}
    stopped: list[str] = []
    stand_in_servers(monkeypatch, lambda role: _StandIn(servers[role], role, stopped))
    settings = make_settings(
        llm="local", llm_timeout_s=1.0, local_side_server=own_server, llm_warm_up="off"
    )
    history = [
        {"role": "user", "content": "Who is mediating the hostage talks?"},
        {"role": "assistant", "content": "Qatar is [1]."},
    ]
    try:
        with TestClient(create_app(settings, embedder)) as client:
            (side if own_server else scripted_llm).enqueue(QUESTION)  # the rewrite
            scripted_llm.enqueue(REPLY)
            (side if own_server else scripted_llm).enqueue("yes")  # the support check
            (side if own_server else scripted_llm).enqueue("Qatar")  # the reading check
            body = {"question": "And with whom?", "history": history}
            answer = client.post("/v1/ask", json=body).json()
    finally:
        side.stop()
    assert answer["grounded"] is True and answer["mode"] == "llm", answer
    assert answer["standalone_question"] == QUESTION
    on_answering, on_side = (
        [r["messages"][-1]["content"] for r in llm.requests] for llm in (scripted_llm, side)
    )
    if own_server:
        [answering], [rewrite, check, reading] = on_answering, on_side
    else:
        [rewrite, answering, check, reading], [] = on_answering, on_side
    assert "Standalone question:" in rewrite and "Question: " + QUESTION in answering
    assert "Is the statement true" in check and "Answer in a few words" in reading
    assert sorted(stopped) == (["answer", "side"] if own_server else ["answer"])


def test_if_one_local_server_fails_to_start_the_other_is_stopped(
    make_settings: Callable[..., Settings],
    scripted_llm: ScriptedLLM,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stopped: list[str] = []

    def start(role: str) -> _StandIn:
        if role == "side":
            raise LocalServerError("the side server did not answer")
        return _StandIn(scripted_llm, role, stopped)

    stand_in_servers(monkeypatch, start)
    with pytest.raises(LocalServerError, match="side server"):
        llm_setup.build_chat_model(make_settings(llm="local"))
    assert stopped == ["answer"]


def stand_in_servers(monkeypatch: pytest.MonkeyPatch, start: Callable[[str], _StandIn]) -> None:
    """Local servers replaced by `start(role)`; no model file is installed or checked."""
    monkeypatch.setattr(llm_setup, "ensure_model", lambda _model, _cache: None)
    monkeypatch.setattr(
        llm_setup, "launch_local_server", lambda _settings, _path, role: start(role)
    )


@pytest.mark.parametrize(("warm_up", "expected"), [("on", 2), ("off", 0), ("auto", 0)])
def test_the_model_warms_up_at_start_when_configured(
    make_settings: Callable[..., Settings],
    embedder: CountingEmbedder,
    scripted_llm: ScriptedLLM,
    warm_up: str,
    expected: int,
) -> None:
    """One token each of the answering and the support prompts' fixed starts (auto: only
    the local model's, never a remote endpoint's, which would bill for it)."""
    settings = make_settings(
        llm="openai",
        openai_base_url=scripted_llm.base_url,
        llm_max_retries=0,
        llm_support_check="on",
        llm_warm_up=warm_up,
    )
    with TestClient(create_app(settings, embedder)):
        wait_for(lambda: len(scripted_llm.requests) >= expected, 10)
        time.sleep(0.2)  # nothing more comes
    assert len(scripted_llm.requests) == expected
    if expected:
        answering, support = scripted_llm.requests
        assert answering["max_tokens"] == 1 and support["max_tokens"] == 1
        prompts = Prompts(settings.prompts_dir)
        assert answering["messages"][0]["content"] == prompts.render("answer_system")
        assert support["messages"][0]["content"] == prompts.render("support_system")
        assert "<<<PASSAGES" in answering["messages"][-1]["content"]
    assert make_settings(llm="local").warm_up_on and not make_settings(llm="none").warm_up_on


def test_a_failed_warm_up_is_logged_and_changes_nothing(
    make_settings: Callable[..., Settings],
    embedder: CountingEmbedder,
    scripted_llm: ScriptedLLM,
    caplog: pytest.LogCaptureFixture,
) -> None:
    scripted_llm.enqueue(status=503)
    settings = make_settings(
        llm="openai", openai_base_url=scripted_llm.base_url, llm_max_retries=0, llm_warm_up="on"
    )
    with caplog.at_level("WARNING"), TestClient(create_app(settings, embedder)) as client:
        wait_for(lambda: "model warm-up failed" in caplog.text, 10)
        assert "model warm-up failed" in caplog.text
        scripted_llm.enqueue(REPLY)
        answer = client.post("/v1/ask", json={"question": QUESTION}).json()
        assert answer["mode"] == "llm" and answer["grounded"] is True


def one_local_check(check: str, threshold: float) -> PassageModel:
    """The support or question check of the local model (no logprobs), asked of one
    excerpt; the judge that replied, with its call."""
    judge = PassageModel({"excerpt": "Yes"})
    prompts = Prompts(PROJECT_ROOT / "prompts")
    if check == "support":
        SupportCheck(judge, prompts, threshold, logprobs=False).probability(REPLY, ["excerpt"])
    else:
        QuestionCheck(judge, prompts, threshold, logprobs=False).answered(QUESTION, ["excerpt"])
    return judge


@pytest.mark.parametrize("threshold", [0.5, 0.6, 0.77, 0.9])
@pytest.mark.parametrize("check", ["support", "question"])
def test_without_logprobs_a_logit_bias_sets_the_threshold(check: str, threshold: float) -> None:
    [(_, sampling)] = one_local_check(check, threshold).calls
    assert sampling is not None and sampling.max_tokens == 1 and sampling.temperature == 0
    bias = dict(sampling.token_bias)
    assert bias["yes"] == bias["Yes"] and bias["no"] == bias["No"]
    # greedy decoding picks "no" once P(no) * t / (1 - t) > P(yes), that is P(yes) < t
    assert math.isclose(bias["no"] - bias["yes"], math.log(threshold / (1 - threshold)))
    assert bias["yes"] >= 20  # "yes" or "no" outweighs any other first token
    arguments = sampling.arguments(0.0, 200)
    assert arguments["extra_body"] == {"logit_bias": bias, "logit_bias_type": "tokens"}


@pytest.mark.parametrize(("threshold", "favoured"), [(0.0, "yes"), (1.0, "no")])
def test_a_support_threshold_of_zero_or_one_always_favours_one_reply(
    threshold: float, favoured: str
) -> None:
    [(_, sampling)] = one_local_check("support", threshold).calls
    assert sampling is not None
    bias = dict(sampling.token_bias)
    other = "no" if favoured == "yes" else "yes"
    assert bias[favoured] - bias[other] >= 20 and bias[favoured] >= 20


def test_with_logprobs_no_bias_is_sent() -> None:
    """An OpenAI-compatible endpoint is sent no llama.cpp fields; it reads log-probabilities."""
    for threshold in (0.0, 0.5, 0.9, 1.0):
        sampling = yes_no_sampling(threshold, logprobs=True)
        assert sampling.token_bias == () and sampling.top_logprobs


def test_the_passages_are_read_in_order_up_to_the_first_certain_yes() -> None:
    judge = PassageModel({"first": "no", "second": "yes", "third": "yes"})
    check = SupportCheck(judge, Prompts(PROJECT_ROOT / "prompts"), 0.5, logprobs=False)
    assert check.probability("Qatar mediates.", ["first", "second", "third"]) == 1.0
    assert judge.shown == ["first", "second"]
    assert check.probability("Qatar mediates.", ["first"]) == 0.0
    assert check.probability("Qatar mediates.", []) == 0.0
