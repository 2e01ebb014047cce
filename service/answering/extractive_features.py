"""The generic features the extractive answerer scores a candidate sentence by.

Each is a number in about 0..1 that says nothing about any particular
question: how close the sentence is to the question in meaning (embedding
cosine) and in words (IDF-weighted coverage, in the sentence and in its
passage), how well its passage was retrieved, whether it holds the kind of
thing asked for (a date for "when", a number for "how many", a name for
"who"), how many such things it adds to the question, how much else it adds, and its length.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.answering.answer_type import AnswerType, answer_type, offered, type_match
from service.core.records import Passage
from service.core.text import Span, asked_words, content_words

FEATURES = (
    "cosine",
    "cosine_gap",
    "cosine_rank",
    "coverage",
    "coverage_rank",
    "passage_coverage",
    "passage_similarity",
    "top_similarity",
    "passage_rank",
    "type_match",
    "new_answers",
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
        weights = {w: idf(w) for w in asked_words(question)}
        similarities = [p.similarity for p in passages if p.similarity is not None]
        return cls(
            question,
            weights,
            answer_type(question),
            max(similarities, default=0.0),
            best_cosine,
        )


def feature_rows(
    ctx: QuestionContext,
    spans: Sequence[tuple[int, Span]],
    passages: Sequence[Passage],
    cosines: Sequence[float],
) -> list[tuple[float, ...]]:
    """One row of FEATURES per (passage rank, sentence); ranks are among these candidates."""
    passage_words = [set(content_words(p.chunk.text + " " + p.chunk.title)) for p in passages]
    sentence_words = [set(content_words(span.text)) for _, span in spans]
    coverages = [_coverage(ctx.weights, words) for words in sentence_words]
    cosine_rank, coverage_rank = _ranks(cosines), _ranks(coverages)
    rows: list[tuple[float, ...]] = []
    for i, (rank, span) in enumerate(spans):
        words = sentence_words[i]
        passage = passages[rank]
        new_words = words - set(ctx.weights)
        matched = type_match(ctx.kind, span.text, ctx.text)
        rows.append(
            (
                cosines[i],
                ctx.best_cosine - cosines[i],
                1.0 / (1 + cosine_rank[i]),
                coverages[i],
                1.0 / (1 + coverage_rank[i]),
                _coverage(ctx.weights, passage_words[rank]),
                passage.similarity or 0.0,
                ctx.top_similarity,
                1.0 / (1 + rank),
                matched,
                _new_answers(ctx, span.text, matched),
                len(new_words) / len(words) if words else 0.0,
                min(1.0, math.log(1 + len(span.text.split())) / _LONG),
            )
        )
    return rows


def _new_answers(ctx: QuestionContext, sentence: str, matched: float) -> float:
    """What the sentence offers of the asked kind that the question does not name: for a
    "when" or "how many" question, 1 for a date or a figure (one is the answer: its
    `type_match`, `matched`); for any other ("who", "which", "where", "what"), a third for
    each name, up to three. A sentence naming two people is no likelier to say how many
    were hurt."""
    if ctx.kind in ("date", "number"):
        return matched
    return min(len(offered("name", sentence, ctx.text)), 3) / 3


def _ranks(values: Sequence[float]) -> list[int]:
    """Each value's 0-based place when sorted from the highest."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    places = [0] * len(values)
    for place, i in enumerate(order):
        places[i] = place
    return places


def _coverage(weights: dict[str, float], present: set[str]) -> float:
    """The IDF-weighted share of the question's words that are present."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total else 0.0
