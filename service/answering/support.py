"""A second reading by the model: does the cited passage itself state the answer?

Small models rarely say "not in the documents" on their own: shown passages about
another year, film or company, they answer with whatever name or date is nearby, and
the words of such an answer are mostly the question's, so a word-overlap check passes
it. After the claim check, the model is asked one yes/no question per cited passage
("is the statement true according to the passage?", with the answer as the
statement and nothing else from the conversation). What it reads of each passage
is the excerpt the answering model was shown, not the whole chunk: the answer must
rest on what was read, and a shorter prompt is read sooner. The answer stands when some
cited passage's probability of "yes" reaches `min_probability` (0.5 by default: the
model's own yes/no; tuned values over-fitted, docs/answer-quality.md), compared as
`yes_no_sampling` says.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from service.answering.prompts import Prompts
from service.core.ports import ChatModel, Completion
from service.core.sampling import ONE_TOKEN_WITH_LOGPROBS, Sampling
from service.core.untrusted import defang_prompt


class SupportCheck:
    def __init__(
        self, model: ChatModel, prompts: Prompts, min_probability: float, logprobs: bool
    ) -> None:
        self._model = model
        self._prompts = prompts
        self.min_probability = min_probability
        self._sampling = yes_no_sampling(min_probability, logprobs)

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


_YES, _NO = ("yes", "Yes"), ("no", "No")
_CHOSEN = 50.0  # a bias that puts "yes" and "no" above every other token


def yes_no_sampling(min_probability: float, logprobs: bool) -> Sampling:
    """How a one-token yes/no reply is asked for, so that `yes_probability` of it can be
    compared with `min_probability`:
    - with `logprobs` (an endpoint that returns them): the first token's
      log-probabilities, read as P(yes) / (P(yes) + P(no));
    - without (the local server computes no prompt logits, which makes every call ~20%
      faster; local_server.py): the reply is held to "yes" or "no" by a logit bias, and
      "no" is favoured by log(t / (1 - t)), so that greedy decoding says "yes", read as
      1, exactly when "yes" is at least t / (1 - t) times likelier than "no" (each
      spelling, "yes" or "Yes", counted alone). At t = 0.5 that is the model's own
      choice between the two; at 0 it always says "yes", at 1 never."""
    if logprobs:
        return ONE_TOKEN_WITH_LOGPROBS
    if min_probability <= 0.0:
        favour_no = -_CHOSEN
    elif min_probability >= 1.0:
        favour_no = _CHOSEN
    else:  # log-odds, within the bias that already sets "yes" and "no" above the rest
        favour_no = max(-_CHOSEN, min(_CHOSEN, math.log(min_probability / (1.0 - min_probability))))
    return Sampling(
        max_tokens=1,
        temperature=0.0,
        token_bias=(
            *((token, _CHOSEN) for token in _YES),
            *((token, _CHOSEN + favour_no) for token in _NO),
        ),
    )


def yes_probability(completion: Completion) -> float:
    """P(yes) / (P(yes) + P(no)) from a one-token reply's first-token log-probabilities;
    without them, 1 or 0 as the reply says "yes" or not."""
    yes = completion.first_token.get("yes", 0.0)
    no = completion.first_token.get("no", 0.0)
    if yes + no > 0:
        return yes / (yes + no)
    return 1.0 if completion.text.strip().lower().startswith("yes") else 0.0
