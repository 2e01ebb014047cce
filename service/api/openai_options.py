"""OpenAI request options: the ones honoured, the ones refused, the ones that make no difference.

Honoured: `max_tokens` (or `max_completion_tokens`), `temperature`, `stop`, `seed`
(passed to the LLM when one writes the answer: service/core/sampling.py) and
`stream_options.include_usage`. Refused with a 400 in OpenAI's error shape,
because answering anyway would hand the client something other than it asked
for: `n` > 1, `tools`/`functions` (and a `tool_choice` that forces a call), a JSON
`response_format`, `logprobs`/`top_logprobs`, and any output modality but text.
Everything else (`top_p`, penalties, `user`, `metadata`, `store`, ...) is accepted
and makes no difference: it only tunes sampling, and the service answers from its
documents.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from service.core.errors import UnsupportedParameter
from service.core.sampling import Sampling

_TEXT_FORMATS = (None, "text")
_NO_FORCED_TOOL = (None, "none", "auto")


class StreamOptionsIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class OptionsIn(BaseModel):
    """The options part of OpenAI's chat-completions body."""

    model_config = ConfigDict(extra="ignore")
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    temperature: float | None = Field(None, ge=0, le=2)
    stop: str | list[str] | None = None
    seed: int | None = None
    stream_options: StreamOptionsIn | None = None
    n: int | None = Field(None, ge=1)
    tools: list[dict[str, Any]] | None = None
    functions: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    function_call: str | dict[str, Any] | None = None
    response_format: dict[str, Any] | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = Field(None, ge=0)
    modalities: list[str] | None = None

    def sampling(self) -> Sampling:
        stops = [self.stop] if isinstance(self.stop, str) else (self.stop or [])
        return Sampling(
            max_tokens=self.max_completion_tokens or self.max_tokens,
            temperature=self.temperature,
            stop=tuple(s for s in stops[:4] if s),
            seed=self.seed,
        )

    @property
    def include_usage(self) -> bool:
        return bool(self.stream_options and self.stream_options.include_usage)

    def refuse_unsupported(self) -> None:
        """Raise UnsupportedParameter for the first option the service cannot honour."""
        if self.n is not None and self.n > 1:
            raise UnsupportedParameter("n", "n > 1 is not supported: the service gives one answer")
        for name in ("tools", "functions"):
            if getattr(self, name):
                raise UnsupportedParameter(name, f"{name} are not supported: no tool calling")
        for name in ("tool_choice", "function_call"):
            choice = getattr(self, name)
            if choice not in _NO_FORCED_TOOL:
                raise UnsupportedParameter(name, f"{name} is not supported: no tool calling")
        kind = (self.response_format or {}).get("type")
        if kind not in _TEXT_FORMATS:
            raise UnsupportedParameter(
                "response_format",
                f"response_format {kind!r} is not supported: answers are text with citations",
            )
        if self.logprobs or self.top_logprobs:
            name = "logprobs" if self.logprobs else "top_logprobs"
            raise UnsupportedParameter(name, f"{name} is not supported")
        if self.modalities and set(self.modalities) - {"text"}:
            raise UnsupportedParameter("modalities", "only the text modality is supported")
