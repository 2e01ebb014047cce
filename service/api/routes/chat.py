"""OpenAI-compatible chat: POST /v1/chat/completions and GET /v1/models.

A last user message longer than a question may be (QA_MAX_QUESTION_CHARS) is
answered, not refused: front ends send such messages as background tasks (Open
WebUI's title, tag and follow-up prompts hold the whole chat), and a 422 for each
would fail every turn. The reply is a short plain notice, without retrieval or
LLM call, ungrounded and with no citations; a front end that wanted JSON from it
finds none and falls back (Open WebUI titles the chat by its first message).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from service.answering.answers import Answer, Event, Question
from service.api.deps import AnswersDep, SettingsDep
from service.api.openai_compat import (
    ChatCompletionIn,
    ChatCompletionOut,
    ModelListOut,
    ModelOut,
    completion,
    split_conversation,
)
from service.api.openai_stream import stream_chunks
from service.api.routes.ask import check_top_k, to_filters, whole_answer
from service.api.schemas import AnswerOut
from service.api.streaming import begun, closing
from service.core.config import Settings
from service.core.errors import ModelNotFound

router = APIRouter(prefix="/v1", tags=["openai-compatible"])
log = logging.getLogger("service.chat")


@router.post("/chat/completions", response_model=ChatCompletionOut)
def chat_completions(
    body: ChatCompletionIn, request: Request, answers: AnswersDep, settings: SettingsDep
) -> ChatCompletionOut | StreamingResponse:
    model = check_model(body.model, settings)
    body.refuse_unsupported()
    base_url = str(request.base_url)
    prompt_texts = [m.text() for m in body.messages]
    question = to_question(body, settings)
    if isinstance(question, Question):
        answers.check(question)
        if not body.stream:
            answer = AnswerOut.of(whole_answer(answers, question, request))
            return completion(answer, model, base_url, prompt_texts)
        events = begun(answers.stream(question))
    else:
        if not body.stream:
            return completion(AnswerOut.of(question), model, base_url, prompt_texts)
        events = iter(
            [Event("citations", []), Event("delta", question.text), Event("done", question)]
        )
    chunks = stream_chunks(events, model, base_url, prompt_texts, body.include_usage)
    return StreamingResponse(
        closing(chunks),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/models", response_model=ModelListOut)
def list_models(settings: SettingsDep) -> ModelListOut:
    return ModelListOut(data=[ModelOut(id=settings.chat_model_name)])


@router.get("/models/{model_id}", response_model=ModelOut)
def get_model(model_id: str, settings: SettingsDep) -> ModelOut:
    return ModelOut(id=check_model(model_id, settings))


def check_model(model: str, settings: Settings) -> str:
    name = settings.chat_model_name
    if model != name:
        raise ModelNotFound(f"no model {model!r}; this service is model {name!r}")
    return name


def to_question(body: ChatCompletionIn, settings: Settings) -> Question | Answer:
    """The question to answer, or, for an over-long message, the notice that answers it."""
    question, history = split_conversation(body.messages)
    limit = settings.max_question_chars
    if len(question) > limit:
        log.info("over-long chat message (%d characters) answered with a notice", len(question))
        return over_long_notice(len(question), limit)
    return Question(
        text=question,
        top_k=check_top_k(body.top_k, settings),
        filters=to_filters(body.filters),
        mode=body.mode,
        history=history[max(0, len(history) - settings.max_history_messages) :],
        sampling=body.sampling(),
    )


def over_long_notice(length: int, limit: int) -> Answer:
    text = (
        f"This message is {length} characters long, over the {limit}-character limit "
        "for a question, so the documents were not searched. Please ask a shorter question."
    )
    return Answer(text, [], "extractive", None, False, [], timings_ms={"total": 0.0})
