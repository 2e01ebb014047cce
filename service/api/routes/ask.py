"""POST /v1/ask (JSON or server-sent events) and POST /v1/search."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from service.answering.answers import Answer, Event, Question
from service.answering.service import final_answer
from service.api.deps import AnswersDep, RetrieverDep, SettingsDep
from service.api.schemas import (
    AnswerOut,
    AskIn,
    CitationOut,
    FiltersIn,
    PassageOut,
    SearchIn,
    SearchOut,
)
from service.api.streaming import begun, closing, whole
from service.core.config import Settings
from service.core.errors import InvalidInput, ServiceError
from service.core.ports import Answerer
from service.retrieval.hybrid import Filters

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["ask"])
# One server-sent event of a streamed answer; `data` is JSON (see README).
SSE_EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"enum": ["citations", "draft", "delta", "done", "error"]},
        "data": {"type": "string", "contentMediaType": "application/json"},
    },
}


@router.post(
    "/ask",
    response_model=AnswerOut,
    responses={200: {"content": {"text/event-stream": {"schema": SSE_EVENT}}}},
)
def ask(
    body: AskIn, request: Request, answers: AnswersDep, settings: SettingsDep
) -> AnswerOut | StreamingResponse:
    question = to_question(body, settings)
    answers.check(question)
    wants_stream = body.stream or "text/event-stream" in request.headers.get("accept", "")
    if wants_stream:
        return StreamingResponse(
            closing(sse(begun(answers.stream(question)))),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    return AnswerOut.of(whole_answer(answers, question, request))


@router.post("/search", response_model=SearchOut)
def search(body: SearchIn, retriever: RetrieverDep, settings: SettingsDep) -> SearchOut:
    started = time.perf_counter()
    top_k = check_top_k(body.top_k, settings)
    check_length(body.query, settings)
    passages = retriever.search(body.query, top_k, to_filters(body.filters))
    elapsed = round((time.perf_counter() - started) * 1000, 2)
    return SearchOut(
        results=[PassageOut.of(i + 1, p) for i, p in enumerate(passages)],
        timings_ms={"total": elapsed},
    )


def whole_answer(answers: Answerer, question: Question, request: Request) -> Answer:
    """The answer to send whole, made step by step like a stream's: a client that leaves
    first stops the model (ClientDisconnect, a 499)."""
    return final_answer(whole(answers.stream(question, whole=True), request))


def to_question(body: AskIn, settings: Settings) -> Question:
    check_length(body.question, settings)
    if len(body.history) > settings.max_history_messages:
        raise InvalidInput(f"history holds at most {settings.max_history_messages} messages")
    if sum(len(m.content) for m in body.history) > settings.max_history_chars:
        raise InvalidInput(f"history holds at most {settings.max_history_chars} characters")
    return Question(
        text=body.question,
        top_k=check_top_k(body.top_k, settings),
        filters=to_filters(body.filters),
        mode=body.mode,
        history=[{"role": m.role, "content": m.content} for m in body.history],
        drafts=body.drafts,
    )


def check_top_k(top_k: int | None, settings: Settings) -> int:
    limit = settings.max_top_k
    if top_k is not None and top_k > limit:
        raise InvalidInput(f"top_k must be at most {limit}")
    return top_k or settings.top_k


def check_length(text: str, settings: Settings) -> None:
    limit = settings.max_question_chars
    if len(text) > limit:
        raise InvalidInput(f"question is {len(text)} characters; the limit is {limit}")


def to_filters(filters: FiltersIn | None) -> Filters:
    if filters is None:
        return Filters()
    # since > until is an empty range: it matches nothing (and is no error, so that every
    # request the schema allows is served).
    return Filters(
        since=filters.since.isoformat() if filters.since else None,
        until=filters.until.isoformat() if filters.until else None,
        doc_ids=tuple(filters.doc_ids),
    )


def sse(events: Iterator[Event]) -> Iterator[str]:
    """Format answer events as server-sent events; failures end with an `error` event."""
    try:
        for event in events:
            yield _format(event)
    except ServiceError as error:
        yield _sse("error", {"code": error.code, "message": error.message})
    except Exception:  # headers are sent: the client learns of a failure only from an event
        log.exception("streamed answer failed")
        yield _sse("error", {"code": "internal_error", "message": "internal error"})


def _format(event: Event) -> str:
    if event.kind == "pending":
        return ""
    if event.kind == "citations":
        return _sse("citations", [CitationOut.of(c).model_dump() for c in event.data])
    if event.kind in ("draft", "delta"):
        return _sse(event.kind, {"text": event.data})
    if event.kind == "done":
        return _sse("done", AnswerOut.of(event.data).model_dump())
    error: ServiceError = event.data
    return _sse("error", {"code": error.code, "message": error.message})


def _sse(name: str, payload: object) -> str:
    return f"event: {name}\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"
