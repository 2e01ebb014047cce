"""Does a cited excerpt answer the question? The model's own yes/no, at a threshold.

The support check asks whether a passage states the *answer*, and the reading check
compares the model's reading of it with the answer; this one asks, with no answer shown,
whether the passage answers the *question* at all. It is asked of the excerpts the reply
cites, in order, and the answer stands when some excerpt's probability of "yes" reaches
`min_probability` (0.77, chosen on the dev sets' tune parts from that probability read
offline). Off by default (QA_LLM_QUESTION_CHECK): with the local model it refuses more
wrong answers, and right ones too (docs/answer-quality.md). Its prompt starts like the
reading check's, up to and including the question, so on the local server, whose cache
holds the prompt it last read, asking it right after a reading of the same excerpt reads
only its last line.

How the probability is compared with the threshold:
- with `logprobs` (an endpoint that returns them): read from the first token's
  log-probabilities, as P(yes) / (P(yes) + P(no));
- without (the local server computes no prompt logits, local_server.py): the one-token
  reply is held to "yes" or "no" by a logit bias, and "no" is favoured by
  log(t / (1 - t)), so that greedy decoding says "yes" exactly when "yes" is at least
  t / (1 - t) times likelier than "no" (each spelling, "yes" or "Yes", counted alone).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from service.answering.prompts import Prompts
from service.answering.support import yes_probability
from service.core.ports import ChatModel, Message
from service.core.sampling import ONE_TOKEN_WITH_LOGPROBS, Sampling
from service.core.untrusted import defang_prompt

_YES, _NO = ("yes", "Yes"), ("no", "No")
_CHOSEN = 50.0  # a bias that puts "yes" and "no" above every other token


class QuestionCheck:
    def __init__(
        self, model: ChatModel, prompts: Prompts, min_probability: float, logprobs: bool
    ) -> None:
        if not 0.0 < min_probability < 1.0:
            raise ValueError("min_probability must lie strictly between 0 and 1")
        self._model = model
        self._prompts = prompts
        self.min_probability = min_probability
        favour_no = math.log(min_probability / (1.0 - min_probability))
        self._sampling = (
            ONE_TOKEN_WITH_LOGPROBS
            if logprobs
            else Sampling(
                max_tokens=1,
                temperature=0.0,
                token_bias=(
                    *((token, _CHOSEN) for token in _YES),
                    *((token, _CHOSEN + favour_no) for token in _NO),
                ),
            )
        )

    def answered(self, question: str, excerpts: Sequence[str]) -> bool:
        """Whether some excerpt answers `question` with a probability of at least
        `min_probability`. Reads them in order and stops at the first that does. Raises
        LLMFailure like any model call."""
        return any(self._answers(question, excerpt) for excerpt in excerpts)

    def _answers(self, question: str, excerpt: str) -> bool:
        """With the bias, the reply has already met the threshold: "yes" reads as 1."""
        completion = self._model.complete(self._messages(question, excerpt), self._sampling)
        return yes_probability(completion) >= self.min_probability

    def _messages(self, question: str, excerpt: str) -> list[Message]:
        return self._prompts.messages(
            "question_check", passage=defang_prompt(excerpt), question=" ".join(question.split())
        )
