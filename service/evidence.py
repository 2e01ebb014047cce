"""Evidence scores: how much of a question a passage or sentence covers.

Coverage is the IDF-weighted share of the question's content words present
(presence, not frequency: a snippet that names every detail once beats one
that repeats the topic), scaled down when the question's details (years,
numbers) are missing or contradicted.
"""

from __future__ import annotations

from collections.abc import Callable

from service.demands import Demands
from service.question import QuestionInfo, detail_match
from service.text import content_words, lemma

IdfLookup = Callable[[str], float]


def term_weights(info: QuestionInfo, idf: IdfLookup) -> dict[str, float]:
    # Smoothed: in a small collection IDF alone swings on a single chunk.
    return {lemma(t): 0.5 + idf(t) for t in info.terms}


def lemmas(text: str) -> set[str]:
    return {lemma(w) for w in content_words(text)}


def coverage(weights: dict[str, float], text: str) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    present = lemmas(text)
    return sum(w for t, w in weights.items() if t in present or _shares_root(t, present)) / total


def _shares_root(term: str, present: set[str]) -> bool:
    """Whether a word of the text extends the term or the term it ("presid" for the
    question's "presidenti"): the stemmer keeps derived forms apart."""
    if len(term) < MIN_ROOT:
        return False
    return any(
        len(word) >= MIN_ROOT and (word.startswith(term) or term.startswith(word))
        for word in present
    )


MIN_ROOT = 6


def evidence(
    demands: Demands, weights: dict[str, float], text: str, date: str | None = None
) -> float:
    """Coverage of the question's words, halved without its details, zero against them,
    and lowered when the text cannot answer (no date for "when", no form of "won" for
    "who won", only a soundtrack's release for the game's: see service.demands)."""
    info = demands.info
    kind = KIND_MISSING + (1 - KIND_MISSING) * demands.answer_strength(text, text)
    return coverage(weights, text) * (0.5 + 0.5 * detail_match(info, text, date)) * kind


KIND_MISSING = 0.6
