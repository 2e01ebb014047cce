"""Answer redundancy: how many retrieved passages give the same answer value.

An answer that several sources state ("Peter Handke" in three snippets about the
2019 prize) is more likely right than a value one sentence happens to hold (a
name from another year's story). Values are what the question asks for: names
for who/which/where, normalised dates and amounts for when/how much.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.names import can_name_person
from service.question import QuestionInfo, opposed_qualifiers, without_dateline
from service.records import Passage
from service.sources import answer_values
from service.text import split_sentences, words


def sentence_values(info: QuestionInfo, sentence: str, context: str) -> set[str]:
    """The answer values a sentence offers, normalised (lower-cased names, ISO dates)."""
    if info.kind in ("date", "money", "number"):
        return answer_values(info, sentence)
    if info.kind in ("person", "place", "entity"):
        names = info.answer_names(without_dateline(sentence), context)
        return {n.lower().rstrip(".,;:'’") for n in names}
    return set()


class OppositeNames:
    """The names the passages give for the opposite of the question's qualifier: the
    women's champion, for a question on the men's singles. A sentence that leaves out
    the qualifier ("Raducanu became the first qualifier to win a major singles title,
    beating Leylah Fernandez") and names one of them is about the other event."""

    def __init__(self, info: QuestionInfo, passages: Sequence[Passage]) -> None:
        self._opposed: set[str] = set()  # the qualifiers opposed ("men")
        self._names: set[str] = set()
        if not info.qualifiers or info.kind not in ("person", "entity"):
            return
        for passage in passages:
            text = passage.chunk.text
            for span in split_sentences(text):
                opposed = opposed_qualifiers(info, set(words(span.text)))
                if opposed:
                    self._opposed |= opposed
                    names = sentence_values(info, span.text, text)
                    self._names |= {n for n in names if can_name_person(n)}
        self._surnames = {name.split()[-1] for name in self._names}

    def rule_out(self, sentence: str, values: set[str]) -> bool:
        if not self._names or self._opposed & set(words(sentence)):
            return False
        return any(v in self._names or v.split()[-1] in self._surnames for v in values)


class ValueVotes:
    """For one question: the share of retrieved documents (those on its details) that hold
    each value. A document counts once, however many of its passages repeat the value, and
    with fewer than two documents there is nothing to vote on."""

    def __init__(
        self, info: QuestionInfo, passages: Sequence[Passage], on_topic: Sequence[bool]
    ) -> None:
        self._info = info
        texts: dict[str, str] = {}
        for passage, keep in zip(passages, on_topic, strict=True):
            if keep:
                doc_id = passage.chunk.doc_id
                texts[doc_id] = texts.get(doc_id, "") + "\n" + passage.chunk.text
        self._texts = [t.lower() for t in texts.values()] if len(texts) > 1 else []
        numeric = info.kind in ("date", "money", "number")
        self._values = [answer_values(info, t) for t in texts.values()] if numeric else []

    def share(self, values: set[str]) -> float:
        if not values or not self._texts:
            return 0.0
        return max(self._count(v) for v in values) / len(self._texts)

    def _count(self, value: str) -> int:
        if self._values:
            return sum(value in found for found in self._values)
        return sum(value in text for text in self._texts)
