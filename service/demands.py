"""What a sentence must state to answer a question, read once per question.

Holding the kind of thing asked for (service.question) is not enough: the
sentence must also state the question's action (service.predicates), name the
asked office of the asked body and no former holder (service.roles), and not
be about a work derived from the asked one. A "who" or "what" can be answered
without a name by the words on the asked side of the action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from service.other_events import (
    acts_in_other_year,
    acts_on_other_work,
    asked_category,
    wins_other_category,
    wins_part,
)
from service.predicates import (
    argument_words,
    asked_argument,
    names_people,
    question_action,
    states_action,
)
from service.question import QuestionInfo
from service.roles import (
    asked_body,
    asked_office,
    asked_role,
    names_other_body,
    names_past_holder,
    states_role,
)

NAMELESS = 0.5  # a "who"/"what" answered by a description, no name ("security sources")
# "Who are/were ...?" asks about a group, which a sentence can give without names.
_ASKS_GROUP = re.compile(r"\s*who\s+(?:are|were)\b", re.I)


@dataclass(frozen=True)
class Demands:
    info: QuestionInfo
    action: frozenset[str]  # stems stating the question's action; empty: none asked
    role: str | None  # the current office asked about ("ceo"), for the former-holder check
    office: str | None  # any office or credit asked about ("director")
    body: str | None  # whose office ("Lego")
    argument: str | None  # "doer" or "object": the side of the action asked for
    category: str | None  # the award category of the action: "director" for Best Director

    @classmethod
    def of(cls, info: QuestionInfo) -> Demands:
        """Read once per question: retrieval and the answerer both ask."""
        return _demands_of(info)

    def answer_strength(self, sentence: str, passage: str) -> float:
        """How well the sentence can answer: the kind strength of service.question (1.0 a
        new name or date of the asked kind, 0.5 part of a date, ...), NAMELESS for an
        answer without a name, 0.0 when it cannot answer at all."""
        if not self.states(sentence):
            return 0.0
        strength = self.info.answer_kind_strength(sentence, passage)
        return strength or (NAMELESS if self._nameless(sentence) else 0.0)

    def states(self, sentence: str) -> bool:
        """Whether the sentence states what the question asks about (a question states
        nothing)."""
        terms = self.info.terms
        return (
            not sentence.rstrip("\"'”’)] .").endswith("?")
            and states_action(self.action, sentence)
            and not names_past_holder(self.role, sentence)
            and states_role(self.office, terms, sentence)
            and not names_other_body(self.body, sentence)
            and not acts_on_other_work(self.action, sentence, terms)
            and not wins_other_category(self.action, self.category, sentence)
            and not wins_part(self.action, sentence, terms)
            and not acts_in_other_year(self.action, sentence, self.info.years)
        )

    def _nameless(self, sentence: str) -> bool:
        """A "who" or "what" answered without a name: the words on the asked side of the
        action (who did it, what was done), or for "who are/were" a group of people."""
        if self.argument and argument_words(self.action, sentence, self.info.terms, self.argument):
            return True
        return _ASKS_GROUP.match(self.info.text) is not None and names_people(
            sentence, self.info.terms
        )


@lru_cache(maxsize=4096)
def _demands_of(info: QuestionInfo) -> Demands:
    text = info.text
    action = question_action(text)
    return Demands(
        info,
        action,
        asked_role(text),
        asked_office(text),
        asked_body(text),
        asked_argument(text),
        asked_category(text, action),
    )
