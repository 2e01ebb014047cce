"""The extractive answerer: answers with the retrieved sentence that best fits the question."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from service.citations import Citation, cite
from service.embedding import Embedder
from service.records import Passage
from service.text import Span, content_words, split_sentences, words

IdfLookup = Callable[[str], float]
_ENTITY = re.compile(r"\b[A-Z][a-zA-Z]+")
_NUMBER = re.compile(r"\d")
_WANTS_NUMBER = re.compile(
    r"\b(how (many|much|long|old)|what (year|number|percentage)|when)\b", re.I
)
_WANTS_NAME = re.compile(r"\b(who|whom|whose|which|where)\b", re.I)


@dataclass(frozen=True)
class Candidate:
    passage_rank: int
    span: Span
    score: float


class ExtractiveAnswerer:
    """Picks the sentence of the retrieved passages that best answers the question.

    Every sentence gets a lexical score (the IDF-weighted share of the
    question's content words it holds), a bonus when it holds the kind of
    thing asked for (a name for who/which/where, a number for how many/when)
    and a small one for a higher-ranked passage. The best few are re-scored
    with the embedder's cosine similarity to the question.
    """

    def __init__(
        self,
        idf: IdfLookup,
        embedder: Embedder,
        *,
        rerank: int = 8,
        runner_up_margin: float = 0.05,
        max_words: int = 60,
    ) -> None:
        self._idf = idf
        self._embedder = embedder
        self._rerank = rerank
        self._runner_up_margin = runner_up_margin
        self._max_words = max_words

    def answer(self, question: str, passages: Sequence[Passage]) -> tuple[str, list[Citation]]:
        picked = self.best_sentences(question, passages)
        if not picked:
            return "", []
        # Numbered by passage position, as in LLM answers, so numbers agree everywhere.
        parts, citations = [], []
        for rank in dict.fromkeys(c.passage_rank for c in picked):
            spans = [c.span for c in picked if c.passage_rank == rank]
            span = Span(spans[0].start, spans[-1].end, "")
            text = passages[rank].chunk.text[span.start : span.end]
            citations.append(cite(rank + 1, passages[rank], Span(span.start, span.end, text)))
            parts.append(f"{text} [{rank + 1}]")
        return " ".join(parts), citations

    def best_sentences(self, question: str, passages: Sequence[Passage]) -> list[Candidate]:
        """The best sentence, and the runner-up when it scores nearly as well.

        The runner-up joins only from another passage or as the best one's
        neighbour, so each citation quotes one contiguous span.
        """
        ranked = self.rank_sentences(question, passages)
        if not ranked:
            return []
        best, picked = ranked[0], [ranked[0]]
        for other in ranked[1:]:
            if other.score < best.score - self._runner_up_margin:
                break
            if _same_text(other, best, passages):
                continue
            same = other.passage_rank == best.passage_rank
            if same and not _adjacent(other.span, best.span, passages[best.passage_rank]):
                continue
            if len((best.span.text + " " + other.span.text).split()) <= self._max_words:
                picked.append(other)
            break
        return sorted(picked, key=lambda c: (c.passage_rank, c.span.start))

    def rank_sentences(self, question: str, passages: Sequence[Passage]) -> list[Candidate]:
        candidates = self._lexical_candidates(question, passages)
        if not candidates:
            return []
        top = sorted(candidates, key=lambda c: -c.score)[: self._rerank]
        vectors = self._embedder.embed([question, *(c.span.text for c in top)])
        similarity = vectors[1:] @ vectors[0]
        scored = [
            Candidate(c.passage_rank, c.span, c.score + float(s))
            for c, s in zip(top, np.asarray(similarity), strict=True)
        ]
        return sorted(scored, key=lambda c: -c.score)

    def _lexical_candidates(self, question: str, passages: Sequence[Passage]) -> list[Candidate]:
        terms = set(content_words(question))
        # Smoothed: in a small collection IDF alone swings on a single chunk.
        weights = {t: 0.5 + self._idf(t) for t in terms}
        total = sum(weights.values()) or 1.0
        asked = set(words(question))
        wants_number = bool(_WANTS_NUMBER.search(question))
        wants_name = bool(_WANTS_NAME.search(question))
        out: list[Candidate] = []
        for rank, passage in enumerate(passages):
            for span in split_sentences(passage.chunk.text):
                found = terms & set(content_words(span.text))
                score = sum(weights[t] for t in found) / total + 0.05 / (1 + rank)
                if passage.chunk.index == 0 and span.start == 0:
                    score += 0.05  # a news story's lead sentence tends to carry its main fact
                if wants_number and _has_new(_number_words(span.text), asked):
                    score += 0.1
                if wants_name and _has_new(_ENTITY.findall(span.text), asked):
                    score += 0.1
                out.append(Candidate(rank, span, score))
        return out


def _number_words(text: str) -> list[str]:
    return [w for w in text.split() if _NUMBER.search(w)]


def _has_new(items: list[str], asked: set[str]) -> bool:
    return any(item.lower().strip(".,;:()\"'") not in asked for item in items)


def _same_text(a: Candidate, b: Candidate, passages: Sequence[Passage]) -> bool:
    """Overlapping chunks repeat sentences: the same document offsets are the same sentence."""
    chunk_a, chunk_b = passages[a.passage_rank].chunk, passages[b.passage_rank].chunk
    return chunk_a.doc_id == chunk_b.doc_id and (
        chunk_a.start + a.span.start == chunk_b.start + b.span.start
    )


def _adjacent(a: Span, b: Span, passage: Passage) -> bool:
    first, second = sorted((a, b), key=lambda s: s.start)
    return not passage.chunk.text[first.end : second.start].strip()
