"""Per-request sampling options a client asked for (OpenAI's `max_tokens`, `temperature`,
`stop`, `seed`), carried to the LLM call that writes the answer.

They shape the model's reply only: the extractive answerer and the follow-up
rewrite do not use them. `max_tokens` can lower the service's own cap
(QA_LLM_MAX_TOKENS) but never raise it, so a client cannot make answers cost more
than the operator allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sampling:
    max_tokens: int | None = None
    temperature: float | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    top_logprobs: int | None = None  # ask for the likeliest first tokens (service use only)
    # Logit biases by token text, as llama-cpp-python's server takes them (service use only)
    token_bias: tuple[tuple[str, float], ...] = ()

    def arguments(self, temperature: float, max_tokens: int) -> dict[str, Any]:
        """The chat-completions arguments for one call, over the service's defaults."""
        arguments: dict[str, Any] = {
            "temperature": temperature if self.temperature is None else self.temperature,
            "max_tokens": max_tokens
            if self.max_tokens is None
            else min(self.max_tokens, max_tokens),
        }
        if self.stop:
            arguments["stop"] = list(self.stop)
        if self.seed is not None:
            arguments["seed"] = self.seed
        if self.top_logprobs:
            arguments["logprobs"] = True
            arguments["top_logprobs"] = self.top_logprobs
        if self.token_bias:  # OpenAI's own logit_bias is keyed by token id, not by text
            arguments["extra_body"] = {
                "logit_bias": dict(self.token_bias),
                "logit_bias_type": "tokens",
            }
        return arguments


# One greedy token: a yes/no reading, or a warm-up that only has the prompt read.
ONE_TOKEN = Sampling(max_tokens=1, temperature=0.0)
# The same, with the likeliest first tokens' log-probabilities (an endpoint that has them).
ONE_TOKEN_WITH_LOGPROBS = Sampling(max_tokens=1, temperature=0.0, top_logprobs=10)
