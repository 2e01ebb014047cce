"""The extractive answerer: the retrieved sentence that best answers the question, or none.

Used when no language model answers (configured off, down, or over its
queue). Every sentence of the retrieved passages is described by a few
generic features (service.answering.extractive_features); a logistic model, fitted on
the tuning parts of the public dev sets (bench/quality/fit_extractive.py),
turns them into the probability that the sentence holds the answer. The best
sentence is the answer when that probability reaches the fitted threshold, with
the runner-up when its probability is close to the best's (a fitted share of it);
otherwise the documents are taken not to hold an answer. Nothing here is
specific to any question: the weights, the threshold and the share are data.
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
from service.core.text import (
    Span,
    content_words,
    is_table_header,
    is_table_row,
    item_line_start,
    read_with_header,
    row_cells,
    split_sentences,
)
from service.grounding.citations import Citation, cite
from service.retrieval.rerank import MIN_SENTENCE_WORDS, SentenceVectors

IdfLookup = Callable[[str], float]
MODEL_PATH = Path(__file__).with_name("extractive_model.json")
NO_RUNNER_UP = 2.0  # a share no probability reaches: the best sentence alone
# Said before two sentences of different documents that give different values. It claims no
# more than that: the scorer cannot tell a conflict over one fact from two facts (a release
# and a re-release) whose sentences both look likely (docs/answer-quality.md).
DIFFERENT = {
    "date": "Two documents give different dates:",
    "number": "Two documents give different figures:",
}


@dataclass(frozen=True)
class ScoringModel:
    """Logistic weights over FEATURES, the probability below which nothing is answered, and
    the share of the best sentence's probability from which the runner-up is given too."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    runner_up: float = NO_RUNNER_UP

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ScoringModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if list(data["features"]) != list(FEATURES):
            raise ValueError(f"{path} was fitted for other features: {data['features']}")
        weights = tuple(float(w) for w in data["weights"])
        return cls(weights, float(data["bias"]), data["threshold"], data["runner_up"])

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
        self._max_words = max_words

    def answer(self, question: str, passages: Sequence[Passage]) -> tuple[str, list[Citation]]:
        """The likeliest sentences with their citations, or ("", []) when none is likely
        enough (`compose`)."""
        ranked = self.rank(question, passages)
        return compose(question, ranked, passages, self._model, self._max_words)

    def rank(self, question: str, passages: Sequence[Passage]) -> list[Candidate]:
        """Every candidate sentence that states something, most likely answer first. Headings
        and questions are scored with the rest (the features compare each sentence with the
        others, as when the scorer was fitted) but are no answer: a heading names a subject
        and states nothing, and a question (an FAQ's, a rhetorical one) asks. Nor is a
        table's row that the question does not look up (`_looked_up`)."""
        spans, read = _candidate_spans(passages)
        if not spans:
            return []
        cosines = self._cosines(question, read)
        ctx = QuestionContext.of(question, passages, self._idf, max(cosines))
        rows = feature_rows(ctx, read, passages, cosines)
        one_line = {rank for rank, p in enumerate(passages) if _only_head(p.chunk)}
        candidates = [
            Candidate(rank, span, row, self._model.probability(row))
            for (rank, span), row in zip(spans, rows, strict=True)
            if rank in one_line or _states(passages[rank].chunk, span)
        ]
        return sorted(_looked_up(question, candidates, passages), key=lambda c: -c.probability)

    def closeness(self, question: str, passages: Sequence[Passage]) -> list[float]:
        """Each passage's cosine to the question, or its closest sentence's when higher: a
        chunk's vector averages the whole passage, and a question about one of its details
        can sit far from that average and close to the sentence that holds the detail."""
        best = [p.similarity or 0.0 for p in passages]
        _, read = _candidate_spans(passages)
        for (rank, _), cosine in zip(read, self._cosines(question, read), strict=True):
            best[rank] = max(best[rank], cosine)
        return best

    def _cosines(self, question: str, spans: Sequence[tuple[int, Span]]) -> list[float]:
        if not spans:
            return []
        vectors = self._vectors.of([question, *(s.text for _, s in spans)])
        return [float(c) for c in vectors[1:] @ vectors[0]]


def compose(
    question: str,
    ranked: Sequence[Candidate],
    passages: Sequence[Passage],
    model: ScoringModel,
    max_words: int = 60,
) -> tuple[str, list[Citation]]:
    """The answer from `ranked` (`rank`'s candidates): the best sentence, and the
    runner-up where its probability is close to the best's (the model's `runner_up`
    share: the scorer cannot tell the two apart, and the reader can); ("", []) when no
    sentence is likely enough. Where a likely sentence of another document gives another
    date or number than the best one, for a question asking for one, that sentence is
    the second, and the two are given newest first as differing. Two sentences of one
    passage are cited once, by a quote from the one it has first to the other: one
    marker, one quote."""
    likely = [c for c in ranked if c.probability >= model.threshold]
    if not likely:
        return "", []
    kind = answer_type(question)
    differing = _disagreeing(kind, question, likely, passages)
    picked = [likely[0], *(differing or _runner_up(likely, model.runner_up))]
    if differing:
        picked.sort(key=lambda c: passages[c.passage_rank].chunk.date or "", reverse=True)
    lead = DIFFERENT[kind] if differing else ""
    limit = (max_words - 2 - len(lead.split())) // len(picked) - 2
    spans = [(c.passage_rank + 1, within_words(c.span, limit)) for c in picked]
    # Numbered by passage position, as in LLM answers, so numbers agree everywhere. A cut
    # sentence ends in "...": the reader sees it was cut, and two of them stay two claims.
    # A table's row says what its cells are ("Shift: Night | Bakers: 4"); its quote is
    # the row as written.
    text = " ".join(
        f"{_said(passages[n - 1], span) if span == c.span else span.text + '...'} [{n}]"
        for (n, span), c in zip(spans, picked, strict=True)
    )
    quoted: dict[int, Span] = {}  # by passage: from its first sentence to its last
    for n, span in spans:
        if n in quoted:
            start, end = min(quoted[n].start, span.start), max(quoted[n].end, span.end)
            quoted[n] = Span(start, end, passages[n - 1].chunk.text[start:end])
        else:
            quoted[n] = span
    citations = [cite(n, passages[n - 1], span) for n, span in quoted.items()]
    return (f"{lead} {text}" if lead else text), citations


def _runner_up(likely: list[Candidate], share: float) -> list[Candidate]:
    """The next likeliest sentence, if its probability is close enough to the best's; a
    sentence the best one holds or is held by (chunks overlap, and a document may be
    indexed twice) is passed over."""
    best = likely[0]
    for other in likely[1:]:
        if other.probability < share * best.probability:
            return []
        if not _same_sentence(other, best):
            return [other]
    return []


def _disagreeing(
    kind: AnswerType, question: str, likely: list[Candidate], passages: Sequence[Passage]
) -> list[Candidate]:
    """A likely answer from another document giving another date or number, if any."""
    if kind not in DIFFERENT:
        return []
    best = likely[0]
    values = _figures(offered(kind, best.span.text, question))
    for other in likely[1:]:
        if passages[other.passage_rank].chunk.doc_id == passages[best.passage_rank].chunk.doc_id:
            continue
        others = _figures(offered(kind, other.span.text, question))
        if values and others and not values & others:
            return [other]
    return []


Ranked = list[tuple[int, Span]]  # (passage rank, sentence)


def _candidate_spans(passages: Sequence[Passage]) -> tuple[Ranked, Ranked]:
    """(passage rank, sentence) for every sentence long enough to answer on its own, without
    the lines a document opens with that say what it is (title, dateline, byline: a
    headline names the subject and so looks likely, a dateline offers a date to "when";
    the title and date are shown with every citation already). Each as written (what is
    quoted) and as read (what is scored: a table's row with its header's names for its
    cells, "Shift: Night | Bakers: 4", so that a row's figures say what they count)."""
    spans: Ranked = []
    read: Ranked = []
    for rank, passage in enumerate(passages):
        chunk = passage.chunk
        start = 0 if _only_head(chunk) else _head_end(chunk)
        for sentence in split_sentences(chunk.text):
            span = _after(sentence, start)
            said = span and _said(passage, span)  # a table's row counts its header's words
            if span and said and len(said.split()) >= MIN_SENTENCE_WORDS:
                spans.append((rank, span))
                read.append((rank, Span(span.start, span.end, said)))
    return spans, read


def _looked_up(
    question: str, candidates: list[Candidate], passages: Sequence[Passage]
) -> list[Candidate]:
    """The candidates without the rows of a table that the question does not look up. A
    table's row is found by its key (`_key_column`: a day, a team, an item, a year), so
    where the question names more of one row's key than of others', those others are no
    answer ("When does the library close on Saturday?": the Saturday row, not the Sunday
    one whose "Closed" the question also names). The scorer, fitted on prose, favours a
    sentence that adds names to the question, which in a table is every row but the one
    asked about."""
    tables: dict[tuple[int, tuple[str, ...]], list[tuple[int, list[str]]]] = {}
    for i, c in enumerate(candidates):
        chunk = passages[c.passage_rank].chunk
        header, cells = row_cells(chunk.text, c.span, chunk.table_context)
        if header:
            tables.setdefault((c.passage_rank, tuple(header)), []).append((i, cells))
    asked = set(content_words(question))
    dropped: set[int] = set()
    for rows in tables.values():
        table = [[set(content_words(cell)) for cell in cells] for _, cells in rows]
        key = _key_column(table, asked)
        if key is None:
            continue
        keys = [cells[key] for cells in table]
        named = [len(words & asked) / len(words) if words else 0.0 for words in keys]
        dropped |= {i for (i, _), share in zip(rows, named, strict=True) if share < max(named)}
    return [c for i, c in enumerate(candidates) if i not in dropped]


def _key_column(table: list[list[set[str]]], asked: set[str]) -> int | None:
    """The column the question looks its row up by (`table`: each row's cells' content
    words), of those whose cells all differ and some of which the question names: the
    first whose cells are not only figures (a day, a team); else the first of figures (a
    year, a route) whose figure no other column holds (not "18" for a team of 18 points in
    a table numbered 1 to 20); None if none."""
    width = min(len(cells) for cells in table)
    named = [
        column
        for column in range(width)
        if len({frozenset(cells[column]) for cells in table}) == len(table)
        and any(cells[column] & asked for cells in table)
    ]
    for column in named:
        if not all(_figure(word) for cells in table for word in cells[column]):
            return column
    for column in named:
        figures = asked & {word for cells in table for word in cells[column]}
        others = {
            w for cells in table for i, words in enumerate(cells) if i != column for w in words
        }
        if not figures & others:
            return column
    return None


def _figure(word: str) -> bool:
    return any(ch.isdigit() for ch in word) and not any(ch.isalpha() for ch in word)


def _same_sentence(one: Candidate, other: Candidate) -> bool:
    """Whether two candidates say the same: one's text holds the other's."""
    return one.span.text in other.span.text or other.span.text in one.span.text


def _said(passage: Passage, sentence: Span) -> str:
    """The sentence as the answer gives it: as written, a table's row with its header."""
    return read_with_header(passage.chunk.text, sentence, passage.chunk.table_context)


def _head_end(chunk: ChunkRecord) -> int:
    return head_end(chunk.text, chunk.title) if chunk.index == 0 else 0


def _only_head(chunk: ChunkRecord) -> bool:
    """A document of one line: that line is its title and its text, and its answer."""
    return not chunk.text[_head_end(chunk) :].strip()


def _states(chunk: ChunkRecord, sentence: Span) -> bool:
    """Neither a question nor a heading; a list item or a table's row, though they often
    have no full stop, is no heading ("- Printing costs 10 cents a page"), but a table's
    header row is. A passage that starts inside a table is read under its header."""
    if sentence.text.rstrip("\"'”’)]*_ \t").endswith("?"):
        return False
    text, start = chunk.table_context + chunk.text, sentence.start + len(chunk.table_context)
    if is_table_header(text, start):
        return False
    listed = item_line_start(text, start) is not None
    return listed or is_table_row(text, start) or not is_heading(sentence.text)


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
