"""Streamed chat completions: answer events as OpenAI `chat.completion.chunk` events.

Text is sent as the answer's deltas arrive, with `[n]` markers that name no
offered passage dropped as the final answer drops them; the sources come at the
end (the "Sources:" list, then the annotations on a delta of their own), then
the final chunk with the service's fields, the usage when asked for, and
`[DONE]`. A failure after the first byte ends the stream with an `error` event
and `[DONE]`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

from service.answering.answers import Event
from service.api.openai_annotations import url_citations
from service.api.openai_compat import new_completion_id, sources_text
from service.api.schemas import AnswerOut
from service.core.errors import ServiceError
from service.core.tokens import counted_usage
from service.core.untrusted import inert_answer
from service.grounding.citations import MARKER

log = logging.getLogger(__name__)
DONE = "data: [DONE]\n\n"


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
            closest=[c.model_dump() for c in answer.closest],
        )


def _error(error: ServiceError) -> str:
    return _data({"error": {"code": error.code, "message": error.message, "type": "server_error"}})


def _data(payload: object) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"
