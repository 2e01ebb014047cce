"""The extractive answerer: the retrieved sentence that best answers the question, or none.

Used when no language model answers (configured off, down, or over its
queue). Every sentence of the retrieved passages is described by a few
generic features (service.answering.extractive_features); a logistic model, fitted on
the tuning parts of the public dev sets (bench/quality/fit_extractive.py),
turns them into the probability that the sentence holds the answer. The best
sentence is the answer when that probability reaches the fitted threshold;
otherwise the documents are taken not to hold an answer. Nothing here is
specific to any question: the weights and the threshold are data.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from service.answering.answer_type import AnswerType, answer_type, offered
from service.answering.extractive_features import FEATURES, QuestionContext, feature_rows
from service.core.document_head import head_end, is_heading
from service.core.ports import Embedder
from service.core.records import ChunkRecord, Passage
from service.core.text import Span, item_line_start, split_sentences
from service.grounding.citations import Citation, cite
from service.retrieval.rerank import MIN_SENTENCE_WORDS, SentenceVectors

IdfLookup = Callable[[str], float]
MODEL_PATH = Path(__file__).with_name("extractive_model.json")
# Said before two sentences of different documents that give different values. It claims no
# more than that: the scorer cannot tell a conflict over one fact from two facts (a release
# and a re-release) whose sentences both look likely (docs/answer-quality.md).
DIFFERENT = {
    "date": "Two documents give different dates:",
    "number": "Two documents give different figures:",
}


@dataclass(frozen=True)
class ScoringModel:
    """Logistic weights over FEATURES, and the probability below which nothing is answered."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ScoringModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if list(data["features"]) != list(FEATURES):
            raise ValueError(f"{path} was fitted for other features: {data['features']}")
        return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]), data["threshold"])

    def probability(self, row: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, row, strict=True))
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Candidate:
    passage_rank: int
    span: Span
    features: tuple[float, ...]
    probability: float = 0.0


class ExtractiveAnswerer:
    def __init__(
        self,
        idf: IdfLookup,
        embedder: Embedder,
        model: ScoringModel | None = None,
        *,
        max_words: int = 60,
        vectors: SentenceVectors | None = None,
    ) -> None:
        self._idf = idf
        self._vectors = vectors or SentenceVectors(embedder)
        self._model = model or ScoringModel.load()
        self._threshold = self._model.threshold
        self._max_words = max_words

    def answer(self, question: str, passages: Sequence[Passage]) -> tuple[str, list[Citation]]:
        """The best sentence with its citation, or ("", []) when none is likely enough; two
        (newest first) when a likely sentence of another document gives another date or number
        than the best one, for a question asking for one."""
        likely = [c for c in self.rank(question, passages) if c.probability >= self._threshold]
        if not likely:
            return "", []
        kind = answer_type(question)
        picked = [likely[0], *self._disagreeing(kind, question, likely, passages)]
        picked.sort(key=lambda c: passages[c.passage_rank].chunk.date or "", reverse=True)
        lead = DIFFERENT[kind] if len(picked) > 1 else ""
        limit = (self._max_words - 2 - len(lead.split())) // len(picked) - 2
        spans = [(c.passage_rank + 1, within_words(c.span, limit)) for c in picked]
        # Numbered by passage position, as in LLM answers, so numbers agree everywhere. A cut
        # sentence ends in "...": the reader sees it was cut, and two of them stay two claims.
        text = " ".join(
            f"{span.text}{'' if span.end == c.span.end else '...'} [{n}]"
            for (n, span), c in zip(spans, picked, strict=True)
        )
        citations = [cite(n, passages[n - 1], span) for n, span in spans]
        return (f"{lead} {text}" if lead else text), citations

    def _disagreeing(
        self, kind: AnswerType, question: str, likely: list[Candidate], passages: Sequence[Passage]
    ) -> list[Candidate]:
        """A likely answer from another document giving another date or number, if any."""
        if kind not in DIFFERENT:
            return []
        best = likely[0]
        values = _figures(offered(kind, best.span.text, question))
        for other in likely[1:]:
            if (
                passages[other.passage_rank].chunk.doc_id
                == passages[best.passage_rank].chunk.doc_id
            ):
                continue
            others = _figures(offered(kind, other.span.text, question))
            if values and others and not values & others:
                return [other]
        return []

    def rank(self, question: str, passages: Sequence[Passage]) -> list[Candidate]:
        """Every candidate sentence that states something, most likely answer first. Headings
        and questions are scored with the rest (the features compare each sentence with the
        others, as when the scorer was fitted) but are no answer: a heading names a subject
        and states nothing, and a question (an FAQ's, a rhetorical one) asks."""
        spans = _candidate_spans(passages)
        if not spans:
            return []
        cosines = self._cosines(question, spans)
        ctx = QuestionContext.of(question, passages, self._idf, max(cosines))
        rows = feature_rows(ctx, spans, passages, cosines)
        one_line = {rank for rank, p in enumerate(passages) if _only_head(p.chunk)}
        candidates = [
            Candidate(rank, span, row, self._model.probability(row))
            for (rank, span), row in zip(spans, rows, strict=True)
            if rank in one_line or _states(passages[rank].chunk.text, span)
        ]
        return sorted(candidates, key=lambda c: -c.probability)

    def closeness(self, question: str, passages: Sequence[Passage]) -> list[float]:
        """Each passage's cosine to the question, or its closest sentence's when higher: a
        chunk's vector averages the whole passage, and a question about one of its details
        can sit far from that average and close to the sentence that holds the detail."""
        best = [p.similarity or 0.0 for p in passages]
        spans = _candidate_spans(passages)
        for (rank, _), cosine in zip(spans, self._cosines(question, spans), strict=True):
            best[rank] = max(best[rank], cosine)
        return best

    def _cosines(self, question: str, spans: Sequence[tuple[int, Span]]) -> list[float]:
        if not spans:
            return []
        vectors = self._vectors.of([question, *(s.text for _, s in spans)])
        return [float(c) for c in vectors[1:] @ vectors[0]]


def _candidate_spans(passages: Sequence[Passage]) -> list[tuple[int, Span]]:
    """(passage rank, sentence) for every sentence long enough to answer on its own, without
    the lines a document opens with that say what it is (title, dateline, byline: a
    headline names the subject and so looks likely, a dateline offers a date to "when";
    the title and date are shown with every citation already)."""
    spans = []
    for rank, passage in enumerate(passages):
        chunk = passage.chunk
        start = 0 if _only_head(chunk) else _head_end(chunk)
        for sentence in split_sentences(chunk.text):
            span = _after(sentence, start)
            if span and len(span.text.split()) >= MIN_SENTENCE_WORDS:
                spans.append((rank, span))
    return spans


def _head_end(chunk: ChunkRecord) -> int:
    return head_end(chunk.text, chunk.title) if chunk.index == 0 else 0


def _only_head(chunk: ChunkRecord) -> bool:
    """A document of one line: that line is its title and its text, and its answer."""
    return not chunk.text[_head_end(chunk) :].strip()


def _states(text: str, sentence: Span) -> bool:
    """Neither a question nor a heading; a list item, though it often has no full stop,
    is no heading ("- Printing costs 10 cents a page")."""
    if sentence.text.rstrip("\"'”’)]*_ \t").endswith("?"):
        return False
    return item_line_start(text, sentence.start) is not None or not is_heading(sentence.text)


def _after(span: Span, start: int) -> Span | None:
    """The part of the sentence from `start` on (a sentence can run on from a title line
    with no blank line between them); None when nothing of it is left."""
    if span.start >= start:
        return span
    body = span.text[start - span.start :].lstrip()
    return Span(span.end - len(body), span.end, body) if body else None


def _figures(values: set[str]) -> set[str]:
    """The values written with digits ("120", "$150", "2024"): "million" is no value."""
    return {v for v in values if any(ch.isdigit() for ch in v)}


def within_words(span: Span, limit: int) -> Span:
    """A sentence cut to its first `limit` words (an answer stays short enough to read)."""
    ends = [m.end() for m in re.finditer(r"\S+", span.text)]
    if len(ends) <= limit:
        return span
    end = ends[limit - 1]
    return Span(span.start, span.start + end, span.text[:end])
