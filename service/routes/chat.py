"""OpenAI-compatible chat: POST /v1/chat/completions and GET /v1/models."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from service.answering import Question
from service.components import Components
from service.deps import ComponentsDep
from service.errors import ModelNotFound
from service.openai_compat import (
    ChatCompletionIn,
    ChatCompletionOut,
    ModelListOut,
    ModelOut,
    completion,
    split_conversation,
    stream_chunks,
)
from service.routes.ask import check_length, check_top_k, to_filters
from service.schemas import AnswerOut
from service.streaming import begun, closing

router = APIRouter(prefix="/v1", tags=["openai-compatible"])


@router.post("/chat/completions", response_model=ChatCompletionOut)
def chat_completions(
    body: ChatCompletionIn, components: ComponentsDep
) -> ChatCompletionOut | StreamingResponse:
    model = check_model(body.model, components)
    question = to_question(body, components)
    components.answers.check(question)
    if body.stream:
        return StreamingResponse(
            closing(stream_chunks(begun(components.answers.stream(question)), model)),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    return completion(AnswerOut.of(components.answers.ask(question)), model)


@router.get("/models", response_model=ModelListOut)
def list_models(components: ComponentsDep) -> ModelListOut:
    return ModelListOut(data=[ModelOut(id=components.settings.chat_model_name)])


@router.get("/models/{model_id}", response_model=ModelOut)
def get_model(model_id: str, components: ComponentsDep) -> ModelOut:
    return ModelOut(id=check_model(model_id, components))


def check_model(model: str, components: Components) -> str:
    name = components.settings.chat_model_name
    if model != name:
        raise ModelNotFound(f"no model {model!r}; this service is model {name!r}")
    return name


def to_question(body: ChatCompletionIn, components: Components) -> Question:
    question, history = split_conversation(body.messages)
    check_length(question, components)
    return Question(
        text=question,
        top_k=check_top_k(body.top_k, components),
        filters=to_filters(body.filters),
        mode=body.mode,
        history=history[max(0, len(history) - components.settings.max_history_messages) :],
    )
