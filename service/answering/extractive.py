"""The extractive answerer: the retrieved sentence that best answers the question, or none.

Used when no language model answers (configured off, down, or over its
queue). Every sentence of the retrieved passages is described by a few
generic features (service.answering.extractive_features); a logistic model
(service.answering.extractive_model), fitted on the tuning parts of the public dev
sets (bench/quality/fit_extractive.py),
turns them into the probability that the sentence holds the answer. The best
sentence is the answer when that probability reaches the fitted threshold, with
the runner-up when its probability is close to the best's (a fitted share of it);
otherwise the documents are taken not to hold an answer (the answer's wording:
service.answering.extractive_answer; a table's rows: service.answering.table_lookup).
Nothing here is specific to any question: the weights, the threshold and the share
are data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from service.answering.extractive_answer import compose
from service.answering.extractive_features import QuestionContext, feature_rows
from service.answering.extractive_model import Candidate, ScoringModel
from service.answering.table_lookup import looked_up
from service.core.document_head import head_end, is_heading
from service.core.ports import Embedder
from service.core.records import ChunkRecord, Passage
from service.core.sections import on_heading_line, read_in_section
from service.core.text import (
    Span,
    asked_words,
    content_words,
    is_table_header,
    is_table_row,
    item_line_start,
    split_sentences,
)
from service.grounding.citations import Citation
from service.retrieval.rerank import MIN_SENTENCE_WORDS, SentenceVectors

IdfLookup = Callable[[str], float]


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
        """Every candidate sentence that states something, most likely answer first. Lines
        without a full stop and questions are scored with the rest (the features compare
        each sentence with the others, as when the scorer was fitted; a Markdown heading is
        read with the sentences under it instead) but are no answer: a heading names a subject
        and states nothing, and a question (an FAQ's, a rhetorical one) asks. Nor is a
        table's row that the question does not look up (`looked_up`)."""
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
        return sorted(looked_up(question, candidates, passages), key=lambda c: -c.probability)

    def closeness(self, question: str, passages: Sequence[Passage]) -> list[float]:
        """Each passage's cosine to the question, or its closest sentence's when higher: a
        chunk's vector averages the whole passage, and a question about one of its details
        can sit far from that average and close to the sentence that holds the detail."""
        best = [p.similarity or 0.0 for p in passages]
        _, read = _candidate_spans(passages)
        for (rank, _), cosine in zip(read, self._cosines(question, read), strict=True):
            best[rank] = max(best[rank], cosine)
        return best

    def holds_every_word(self, question: str, passages: Sequence[Passage]) -> bool:
        """Whether one sentence of the passages (read under its heading) holds every content
        word of the question. A question that is mostly a name ("Who is Jo Example?") sits
        far from every sentence in meaning, the one that names her too: the embedder knows
        few names, and the words themselves say the passages are about what was asked."""
        asked = set(asked_words(question))
        _, read = _candidate_spans(passages)
        return bool(asked) and any(asked <= set(content_words(s.text)) for _, s in read)

    def _cosines(self, question: str, spans: Sequence[tuple[int, Span]]) -> list[float]:
        if not spans:
            return []
        vectors = self._vectors.of([question, *(s.text for _, s in spans)])
        return [float(c) for c in vectors[1:] @ vectors[0]]


Ranked = list[tuple[int, Span]]  # (passage rank, sentence)


def _candidate_spans(passages: Sequence[Passage]) -> tuple[Ranked, Ranked]:
    """(passage rank, sentence) for every sentence long enough to answer on its own (a
    shorter one joined to the sentence before it on its line: "She was 91."), without
    the lines a document opens with that say what it is (title, dateline, byline: a
    headline names the subject and so looks likely, a dateline offers a date to "when";
    the title and date are shown with every citation already), and without Markdown
    headings, which are read with each sentence under them (a FAQ's question as its
    heading would be the sentence closest to the question asked, and the features of its
    answer, ranked against it, would rank the answer second). Each as written (what is
    quoted) and as read (what is scored: a table's row with its header's names for its
    cells, "Shift: Night | Bakers: 4", so that a row's figures say what they count; any
    other sentence under its section's heading, `read_in_section`)."""
    spans: Ranked = []
    read: Ranked = []
    for rank, passage in enumerate(passages):
        chunk = passage.chunk
        only_head = _only_head(chunk)
        start = 0 if only_head else _head_end(chunk)
        last: Span | None = None  # the sentence just taken, which a short one may join
        for sentence in split_sentences(chunk.text):
            before, last = last, None
            if not only_head and on_heading_line(chunk.text, sentence.start):
                continue  # read with each sentence under it, not on its own
            span = _after(sentence, start)
            reading = span and read_in_section(chunk.text, span, chunk.context, chunk.title)
            if not span or not reading:
                continue
            if len(reading.split()) >= MIN_SENTENCE_WORDS:
                spans.append((rank, span))
                read.append((rank, Span(span.start, span.end, reading)))
                last = None if _asks(span.text) else span
            elif before and _goes_on(chunk.text, before, span):
                # Too short to answer alone, it says something of the statement before it
                # on its line ("... has died at her home. She was 91."): one candidate.
                joined = Span(before.start, span.end, chunk.text[before.start : span.end])
                reading = read_in_section(chunk.text, joined, chunk.context, chunk.title)
                spans[-1] = (rank, joined)
                read[-1] = (rank, Span(joined.start, joined.end, reading))
    return spans, read


def _head_end(chunk: ChunkRecord) -> int:
    return head_end(chunk.text, chunk.title) if chunk.index == 0 else 0


def _only_head(chunk: ChunkRecord) -> bool:
    """A document of one line: that line is its title and its text, and its answer."""
    return not chunk.text[_head_end(chunk) :].strip()


def _states(chunk: ChunkRecord, sentence: Span) -> bool:
    """Neither a question nor a heading; a list item or a table's row, though they often
    have no full stop, is no heading ("- Printing costs 10 cents a page"), but a table's
    header row is. A passage that starts inside a table is read under its header."""
    if _asks(sentence.text):
        return False
    text, start = chunk.context + chunk.text, sentence.start + len(chunk.context)
    if is_table_header(text, start):
        return False
    listed = item_line_start(text, start) is not None
    return listed or is_table_row(text, start) or not is_heading(sentence.text)


def _goes_on(text: str, before: Span, short: Span) -> bool:
    """Whether a short sentence goes on from the one before it: on the same line, and
    itself ended (a snippet's "This will ..." is a fragment, not a statement)."""
    return "\n" not in text[before.end : short.start] and not short.text.endswith(("...", "…"))


def _asks(sentence: str) -> bool:
    return sentence.rstrip("\"'”’)]*_ \t").endswith("?")


def _after(span: Span, start: int) -> Span | None:
    """The part of the sentence from `start` on (a sentence can run on from a title line
    with no blank line between them); None when nothing of it is left."""
    if span.start >= start:
        return span
    body = span.text[start - span.start :].lstrip()
    return Span(span.end - len(body), span.end, body) if body else None
