"""Answer redundancy: how many retrieved passages give the same answer value.

An answer that several sources state ("Peter Handke" in three snippets about the
2019 prize) is more likely right than a value one sentence happens to hold (a
name from another year's story). Values are what the question asks for: names
for who/which/where, normalised dates and amounts for when/how much.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.question import QuestionInfo, without_dateline
from service.records import Passage
from service.sources import answer_values


def sentence_values(info: QuestionInfo, sentence: str, context: str) -> set[str]:
    """The answer values a sentence offers, normalised (lower-cased names, ISO dates)."""
    if info.kind in ("date", "money", "number"):
        return answer_values(info, sentence)
    if info.kind in ("person", "place", "entity"):
        names = info.answer_names(without_dateline(sentence), context)
        return {n.lower().rstrip(".,;:'’") for n in names}
    return set()


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
