"""The generic features the extractive answerer scores a candidate sentence by.

Each is a number in about 0..1 that says nothing about any particular
question: how close the sentence is to the question in meaning (embedding
cosine) and in words (IDF-weighted coverage, in the sentence and in its
passage), how well its passage was retrieved, whether it holds the kind of
thing asked for (a date for "when", a number for "how many", a name for
"who"), how much it adds to the question, and its length.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.answer_type import AnswerType, answer_type, holds_type
from service.records import Passage
from service.text import Span, content_words

FEATURES = (
    "cosine",
    "cosine_gap",
    "coverage",
    "passage_coverage",
    "passage_similarity",
    "top_similarity",
    "passage_rank",
    "type_match",
    "novelty",
    "length",
)
_LONG = math.log(61)  # a 60-word sentence has length 1


@dataclass(frozen=True)
class QuestionContext:
    """What every candidate of one question is compared with, computed once."""

    text: str
    weights: dict[str, float]  # the question's content words, by IDF
    kind: AnswerType
    top_similarity: float  # the best retrieved passage's cosine
    best_cosine: float  # the best candidate sentence's cosine

    @classmethod
    def of(
        cls,
        question: str,
        passages: Sequence[Passage],
        idf: Callable[[str], float],
        best_cosine: float,
    ) -> QuestionContext:
        weights = {w: idf(w) for w in content_words(question)}
        similarities = [p.similarity for p in passages if p.similarity is not None]
        return cls(
            question,
            weights,
            answer_type(question),
            max(similarities, default=0.0),
            best_cosine,
        )


def features(
    ctx: QuestionContext, span: Span, passage: Passage, rank: int, cosine: float
) -> tuple[float, ...]:
    sentence_words = set(content_words(span.text))
    passage_words = set(content_words(passage.chunk.text + " " + passage.chunk.title))
    new_words = sentence_words - set(ctx.weights)
    n_words = len(span.text.split())
    return (
        cosine,
        ctx.best_cosine - cosine,
        _coverage(ctx.weights, sentence_words),
        _coverage(ctx.weights, passage_words),
        passage.similarity or 0.0,
        ctx.top_similarity,
        1.0 / (1 + rank),
        1.0 if holds_type(ctx.kind, span.text, ctx.text) else 0.0,
        len(new_words) / len(sentence_words) if sentence_words else 0.0,
        min(1.0, math.log(1 + n_words) / _LONG),
    )


def _coverage(weights: dict[str, float], present: set[str]) -> float:
    """The IDF-weighted share of the question's words that are present."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total else 0.0
