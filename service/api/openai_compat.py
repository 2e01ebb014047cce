"""The OpenAI chat-completions dialect: request bodies, conversation mapping, response shapes.

The service appears as one model. The last user message is the question and
the user/assistant messages before it are the history; system messages are
ignored (the service keeps its own instructions). Answers carry their sources
three times: as a "Sources:" list appended to the text, for clients that only
show text; as OpenAI `url_citation` annotations on the message (streamed: on one
delta), for front ends that show source chips (service/api/openai_annotations.py);
and as a structured `citations` field with the same numbers as /v1/ask.
Request options: service/api/openai_options.py; streamed answers:
service/api/openai_stream.py.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from service.api.openai_annotations import url_citations
from service.api.openai_options import OptionsIn
from service.api.schemas import AnswerOut, CitationOut, FiltersIn, PositiveWholeNumber
from service.core.errors import InvalidInput
from service.core.input_checks import TextInput
from service.core.ports import Message
from service.core.tokens import counted_usage
from service.core.untrusted import inert_answer, inert_markdown

SOURCES_HEADING = "\n\nSources:\n"
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
    closest: list[CitationOut] = Field(default_factory=list)  # a refusal's, as in /v1/ask


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
        f"[{c.n}] {inert_markdown(c.title)} ({c.date or 'undated'}"
        f'{f", p. {c.page}" if c.page else ""}) — "{inert_markdown(c.quote)}"'
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
        closest=answer.closest,
    )
