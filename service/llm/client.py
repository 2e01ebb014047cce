"""The chat model, reached through the `openai` client at any OpenAI-compatible URL."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import httpx
import openai

from service.core.errors import LLMFailure
from service.core.ports import Completion, Message
from service.core.sampling import Sampling

# What a broken, slow or malformed endpoint can raise through the client.
_FAILURES = (openai.OpenAIError, httpx.HTTPError, IndexError, AttributeError, TypeError, ValueError)


def make_client(
    base_url: str | None, api_key: str | None, timeout_s: float, max_retries: int
) -> openai.OpenAI:
    # Local servers (vLLM, Ollama, llama.cpp) take any key; the client insists on one.
    return openai.OpenAI(
        base_url=base_url,
        api_key=api_key or "not-needed",
        timeout=timeout_s,
        max_retries=max_retries,
    )


class OpenAIChatModel:
    """A ChatModel (service/core/ports.py) at any OpenAI-compatible URL."""

    def __init__(
        self, client: openai.OpenAI, model: str, temperature: float = 0.0, max_tokens: int = 512
    ) -> None:
        self._client = client
        self.model = model
        self._temperature = temperature
        self._max_tokens = max_tokens

    def complete(self, messages: list[Message], sampling: Sampling | None = None) -> Completion:
        try:
            response = self._client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                **self._sampling_arguments(sampling),
            )
            text = response.choices[0].message.content or ""
            first_token = _first_token(response.choices[0].logprobs)
        except _FAILURES as exc:
            raise LLMFailure(f"the language model failed: {type(exc).__name__}") from exc
        return Completion(text, response.model or self.model, first_token)

    def stream(self, messages: list[Message], sampling: Sampling | None = None) -> Iterator[str]:
        """Yield text deltas. Raises LLMFailure on any failure, before or during the stream."""
        chunks = None
        try:
            chunks = self._client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                stream=True,
                **self._sampling_arguments(sampling),
            )
            finished = False
            for chunk in chunks:
                if isinstance(chunk, tuple):  # not a chunk: a malformed stream
                    raise ValueError("unexpected item in the completion stream")
                if not chunk.choices:
                    continue
                finished = finished or chunk.choices[0].finish_reason is not None
                if chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
            if not finished:  # the connection closed before the model said it was done
                raise ValueError("the completion stream ended early")
        except _FAILURES as exc:
            raise LLMFailure(f"the language model failed: {type(exc).__name__}") from exc
        finally:  # also when the caller stops early: hang up on the model
            if isinstance(chunks, openai.Stream):
                chunks.close()

    def _sampling_arguments(self, sampling: Sampling | None) -> dict[str, Any]:
        """The service's temperature and max_tokens, as a client's options adjust them."""
        return (sampling or Sampling()).arguments(self._temperature, self._max_tokens)


def _first_token(logprobs: Any) -> dict[str, float]:
    """The first token's alternatives as probabilities, summed over tokens that read the
    same once stripped and lower-cased (" Yes", "yes"); empty without log-probabilities."""
    if logprobs is None or not logprobs.content:
        return {}
    alternatives: dict[str, float] = {}
    for top in logprobs.content[0].top_logprobs or []:
        token = top.token.strip().lower()
        alternatives[token] = alternatives.get(token, 0.0) + math.exp(top.logprob)
    return alternatives
