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

The probability is compared with the threshold as the support check's is
(`support.yes_no_sampling`): from first-token log-probabilities where the endpoint
returns them, else by a logit bias that holds the one-token reply to "yes" exactly when
the threshold is met.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.answering.prompts import Prompts
from service.answering.support import yes_no_sampling, yes_probability
from service.core.ports import ChatModel, Message
from service.core.untrusted import defang_prompt


class QuestionCheck:
    def __init__(
        self, model: ChatModel, prompts: Prompts, min_probability: float, logprobs: bool
    ) -> None:
        if not 0.0 < min_probability < 1.0:
            raise ValueError("min_probability must lie strictly between 0 and 1")
        self._model = model
        self._prompts = prompts
        self.min_probability = min_probability
        self._sampling = yes_no_sampling(min_probability, logprobs)

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
