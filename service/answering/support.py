"""A second reading by the model: does the cited passage itself state the answer?

Small models rarely say "not in the documents" on their own: shown passages about
another year, film or company, they answer with whatever name or date is nearby, and
the words of such an answer are mostly the question's, so a word-overlap check passes
it. After the claim check, the model is asked one yes/no question per cited passage
("is the statement true according to the passage?", with the answer as the
statement and nothing else from the conversation). What it reads of each passage
is the excerpt the answering model was shown, not the whole chunk: the answer must
rest on what was read, and a shorter prompt is read sooner. With `logprobs`, the
probability of "yes" is read from the first token's log-probabilities; without (the
local model: its server computes no logits for prompt tokens, which makes every call
~20% faster), the one-token reply decides, 1 or 0. The answer stands when some cited passage
reaches `min_probability` (0.5 by default: the model's own yes/no; tuned values
over-fitted, docs/answer-quality.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from service.answering.prompts import Prompts
from service.core.ports import ChatModel, Completion
from service.core.sampling import ONE_TOKEN, ONE_TOKEN_WITH_LOGPROBS
from service.core.untrusted import defang_prompt


class SupportCheck:
    def __init__(
        self, model: ChatModel, prompts: Prompts, min_probability: float, logprobs: bool
    ) -> None:
        self._model = model
        self._prompts = prompts
        self.min_probability = min_probability
        self._sampling = ONE_TOKEN_WITH_LOGPROBS if logprobs else ONE_TOKEN

    def probability(self, answer: str, passages: Sequence[str]) -> float:
        """The highest probability, over the passages, that one states the answer; read in
        order, and no further than a certain "yes" (the local model's one-token reply).
        Raises LLMFailure like any model call."""
        best = 0.0
        for passage in passages:
            best = max(best, self._one(answer, passage))
            if best >= 1.0:  # no later passage can say more
                break
        return best

    def warm_up(self) -> None:
        """One check of nothing, so its model has read the prompt's fixed start."""
        self._one("", "")

    def _one(self, answer: str, passage: str) -> float:
        messages = self._prompts.messages(
            "support", passage=defang_prompt(passage), answer=" ".join(answer.split())
        )
        return yes_probability(self._model.complete(messages, self._sampling))


def yes_probability(completion: Completion) -> float:
    """P(yes) / (P(yes) + P(no)) from a one-token reply's first-token log-probabilities;
    without them, 1 or 0 as the reply says "yes" or not."""
    yes = completion.first_token.get("yes", 0.0)
    no = completion.first_token.get("no", 0.0)
    if yes + no > 0:
        return yes / (yes + no)
    return 1.0 if completion.text.strip().lower().startswith("yes") else 0.0
