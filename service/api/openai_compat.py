"""The OpenAI chat-completions dialect: request bodies, conversation mapping, response shapes.

The service appears as one model. The last user message is the question and
the user/assistant messages before it are the history; system messages are
ignored (the service keeps its own instructions). Answers carry their sources
three times: as a "Sources:" list appended to the text, for clients that only
show text; as OpenAI `url_citation` annotations on the message (streamed: on one
delta), for front ends that show source chips (service/api/openai_annotations.py);
and as a structured `citations` field with the same numbers as /v1/ask.
Request options: service/api/openai_options.py.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from service.answering.answers import Event
from service.api.openai_annotations import url_citations
from service.api.openai_options import OptionsIn
from service.api.schemas import AnswerOut, CitationOut, FiltersIn, PositiveWholeNumber
from service.core.errors import InvalidInput, ServiceError
from service.core.input_checks import TextInput
from service.core.ports import Message
from service.core.tokens import counted_usage
from service.core.untrusted import inert_answer, inert_markdown
from service.grounding.citations import MARKER

log = logging.getLogger(__name__)
SOURCES_HEADING = "\n\nSources:\n"
DONE = "data: [DONE]\n\n"
_MAX_HISTORY_CHARS = 20_000


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = Field(max_length=50)
    text: str | None = None


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")  # name, tool_calls, ... are accepted and ignored
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class ChatCompletionIn(OptionsIn, TextInput):
    """OpenAI's request body (its options: OptionsIn).

    `top_k`, `filters` and `mode` (as in /v1/ask) may ride along, e.g. as the
    openai client's `extra_body`. Like /v1/ask, types are not coerced ("5" is no 5).
    """

    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1, max_length=200)
    messages: list[ChatMessageIn] = Field(min_length=1, max_length=1000)
    stream: StrictBool = False
    top_k: PositiveWholeNumber | None = None
    filters: FiltersIn | None = None
    mode: Literal["auto", "llm", "extractive"] = "auto"


class AssistantMessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: None = None
    annotations: list[dict[str, Any]] = Field(default_factory=list)


class ChoiceOut(BaseModel):
    index: int = 0
    message: AssistantMessageOut
    finish_reason: Literal["stop"] = "stop"


class UsageOut(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletionOut(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChoiceOut]
    usage: UsageOut
    # Extras beyond OpenAI's shape: the structured sources and the answer's status.
    citations: list[CitationOut]
    grounded: bool
    degraded: bool
    mode: Literal["llm", "extractive"]
    standalone_question: str | None = None


class ModelOut(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "grounded-qa"


class ModelListOut(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


def split_conversation(messages: list[ChatMessageIn]) -> tuple[str, list[Message]]:
    """(question, history): the last user message, and the user/assistant turns before it."""
    turns = [(m.role, m.text()) for m in messages if m.role in ("user", "assistant")]
    last_user = max((i for i, (role, _) in enumerate(turns) if role == "user"), default=None)
    if last_user is None:
        raise InvalidInput("messages must include a user message")
    question = turns[last_user][1].strip()
    if not question:
        raise InvalidInput("the last user message is empty")
    history = [
        {"role": role, "content": without_sources(text)[:_MAX_HISTORY_CHARS]}
        for role, text in turns[:last_user]
        if text.strip()
    ]
    return question, history


def without_sources(text: str) -> str:
    """An earlier answer as the client sends it back, minus the sources list we appended."""
    return text.split(SOURCES_HEADING, 1)[0]


def sources_text(citations: list[CitationOut]) -> str:
    if not citations:
        return ""
    # Titles and quotes are document text: escaped, so a Markdown client renders them as text
    # (no remote image, link or HTML from a document).
    lines = [
        f'[{c.n}] {inert_markdown(c.title)} ({c.date or "undated"}) — "{inert_markdown(c.quote)}"'
        for c in citations
    ]
    return SOURCES_HEADING + "\n".join(lines)


def new_completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def completion(
    answer: AnswerOut, model: str, base_url: str, prompt_texts: list[str]
) -> ChatCompletionOut:
    text = inert_answer(answer.answer) + sources_text(answer.citations)
    usage = answer.usage or counted_usage(prompt_texts, text)
    annotations = url_citations(text, inert_answer(answer.answer), answer.citations, base_url)
    message = AssistantMessageOut(content=text, annotations=annotations)
    return ChatCompletionOut(
        id=new_completion_id(),
        created=int(time.time()),
        model=model,
        choices=[ChoiceOut(message=message)],
        usage=UsageOut(**{k: v for k, v in usage.items() if k in UsageOut.model_fields}),
        citations=answer.citations,
        grounded=answer.grounded,
        degraded=answer.degraded,
        mode=answer.mode,
        standalone_question=answer.standalone_question,
    )


class MarkerFilter:
    """Drops streamed `[n]` markers that name no offered passage, as the final answer does.

    Whitespace before a marker is held back until the marker is known, so a dropped
    marker takes its leading space with it ("helps [9]." becomes "helps.").
    """

    def __init__(self) -> None:
        self.valid: set[int] = set()
        self._held = ""  # whitespace not yet sent
        self._marker = ""  # a marker being read, from its "["

    def feed(self, text: str) -> str:
        out: list[str] = []
        for char in text:
            if self._marker:
                if char == "]":
                    resolved = self._resolve(self._marker + char)
                    out.append(self._held + resolved if resolved else "")
                    self._held = self._marker = ""
                    continue
                if (char.isdigit() or char in ", ") and len(self._marker) < 40:
                    self._marker += char
                    continue
                out.append(self._held + self._marker)  # not a marker after all
                self._held = self._marker = ""
            if char in " \t":
                self._held += char
            elif char == "[":
                self._marker = char
            else:
                out.append(self._held + char)
                self._held = ""
        return "".join(out)

    def flush(self) -> str:
        rest, self._held, self._marker = self._held + self._marker, "", ""
        return rest

    def _resolve(self, marker: str) -> str:
        match = MARKER.fullmatch(marker)
        if match is None:
            return marker
        numbers = [int(x) for x in re.split(r"\s*,\s*", match.group(1))]
        return "".join(f"[{n}]" for n in dict.fromkeys(numbers) if n in self.valid)


def stream_chunks(
    events: Iterator[Event],
    model: str,
    base_url: str,
    prompt_texts: list[str],
    include_usage: bool = False,
) -> Iterator[str]:
    """Answer events as OpenAI `chat.completion.chunk` server-sent events, ending in [DONE].

    The annotations come on one delta of their own, after the text they index
    (the `openai` client's stream accumulator keeps a list sent once); the usage,
    when asked for, on a last chunk with no choices, as OpenAI sends it."""
    stream = _ChunkStream(new_completion_id(), int(time.time()), model)
    markers = MarkerFilter()
    sent: list[str] = []
    yield stream.chunk({"role": "assistant", "content": ""})
    try:
        for event in events:
            if event.kind == "pending":
                yield ""  # nothing to send; ends the step (service/api/streaming.py)
            elif event.kind == "citations":
                markers.valid = {citation.n for citation in event.data}
            elif event.kind == "delta":
                text = markers.feed(event.data)
                if text:
                    safe = inert_answer(text)
                    sent.append(safe)
                    yield stream.chunk({"content": safe})
            elif event.kind == "done":
                answer = AnswerOut.of(event.data)
                streamed = "".join(sent)
                shown = streamed + inert_answer(markers.flush())
                content = shown + sources_text(answer.citations)
                yield stream.chunk({"content": content[len(streamed) :]})
                if answer.citations:
                    annotations = url_citations(content, shown, answer.citations, base_url)
                    yield stream.chunk({"annotations": annotations})
                yield stream.final(answer)
                if include_usage:
                    usage = answer.usage or counted_usage(prompt_texts, content)
                    yield stream.usage(usage)
                yield DONE
                return
            else:
                yield _error(event.data)
                yield DONE
                return
    except ServiceError as error:
        yield _error(error)
        yield DONE
    except Exception:  # headers are sent: the client learns of a failure only from an event
        log.exception("streamed chat completion failed")
        yield _error(ServiceError("internal error"))
        yield DONE


class _ChunkStream:
    def __init__(self, completion_id: str, created: int, model: str) -> None:
        self._head = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
        }

    def chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return _data({**self._head, "choices": [choice], **extra})

    def usage(self, usage: dict[str, int]) -> str:
        return _data({**self._head, "choices": [], "usage": usage})

    def final(self, answer: AnswerOut) -> str:
        return self.chunk(
            {},
            "stop",
            citations=[c.model_dump() for c in answer.citations],
            grounded=answer.grounded,
            degraded=answer.degraded,
            mode=answer.mode,
            standalone_question=answer.standalone_question,
        )


def _error(error: ServiceError) -> str:
    return _data({"error": {"code": error.code, "message": error.message, "type": "server_error"}})


def _data(payload: object) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"
