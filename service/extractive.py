"""The extractive answerer: answers with the retrieved sentence that best fits the question.

Every sentence of the retrieved passages is scored by evidence (see
service.evidence: the question's words and details, in the sentence and in
its passage), by whether it holds the kind of thing asked for (a date for
"when", a new name for "who"), and a little by passage rank; the best few
are re-scored with the embedder's cosine similarity to the question.

The best sentence is the answer, unless the evidence is too thin (then there
is no answer: the caller says the documents do not hold one), or another
passage answers as well with a different value (then both are given: the
sources disagree).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from service.citations import Citation, cite
from service.demands import Demands
from service.embedding import Embedder
from service.evidence import coverage, term_weights
from service.names import subject_terms
from service.predicates import action_distance
from service.question import (
    DATELINE,
    MONTH_NAME,
    QuestionInfo,
    analyse,
    detail_match,
    without_dateline,
)
from service.records import Passage
from service.sources import answer_values, recency
from service.text import Span, content_words, split_sentences
from service.votes import OppositeNames, ValueVotes, sentence_values

IdfLookup = Callable[[str], float]
DISAGREE = "The sources disagree:"
SIMILARITY_WEIGHT = 1.0  # of the question-sentence cosine, added for the best few
LEAD_BONUS = 0.1
PROXIMITY_WEIGHT = 0.3  # for an answer name next to the question's action
KIND_BONUS = 0.3  # for holding the kind of thing asked for
VOTE_WEIGHT = 0.5  # times the share of retrieved documents that give the same answer value


@dataclass(frozen=True)
class Candidate:
    passage_rank: int
    span: Span
    score: float
    evidence: float = 0.0  # question coverage, 0..1, scaled by detail match
    has_kind: float = 1.0  # answer strength (service.demands): 1 yes, 0.5 partial or nameless
    similarity: float = 0.0  # embedding cosine to the question (set for the best few)


PARAPHRASE_CREDIT = 0.5
FULL_COVER, FULL_COVER_SLACK = 0.95, 0.15  # evidence from which the similarity floor drops


class ExtractiveAnswerer:
    def __init__(
        self,
        idf: IdfLookup,
        embedder: Embedder,
        *,
        rerank: int = 8,
        min_evidence: float = 0.3,
        min_similarity: float = 0.4,
        conflict_margin: float = 0.08,
        max_words: int = 60,
        min_sentence_words: int = 8,
    ) -> None:
        self._idf = idf
        self._embedder = embedder
        self._rerank = rerank
        self._min_evidence = min_evidence
        self._min_similarity = min_similarity
        self._conflict_margin = conflict_margin
        self._max_words = max_words
        self._min_sentence_words = min_sentence_words

    def answer(self, question: str, passages: Sequence[Passage]) -> tuple[str, list[Citation]]:
        picked = self.best_sentences(question, passages)
        if not picked:
            return "", []
        if len(picked) == 1:
            picked = [self._completed(picked[0], passages)]
        # Numbered by passage position, as in LLM answers, so numbers agree everywhere.
        parts = [f"{c.span.text} [{c.passage_rank + 1}]" for c in picked]
        citations = [cite(c.passage_rank + 1, passages[c.passage_rank], c.span) for c in picked]
        text = " ".join(parts)
        return (f"{DISAGREE} {text}" if len(picked) > 1 else text), citations

    def best_sentences(self, question: str, passages: Sequence[Passage]) -> list[Candidate]:
        """The best sentence; two when sources disagree; none when the evidence is thin."""
        info = analyse(question)
        ranked = self.rank_sentences(question, passages, info)
        if not ranked or not self._answers(info, ranked[0]):
            return []
        if not _names_subject(question, passages[ranked[0].passage_rank]):
            return []  # "the season premiere" of another show, for The Blacklist's
        best = ranked[0]
        for other in ranked[1 : self._rerank]:
            if other.score < best.score - self._conflict_margin:
                break
            if self._disagree(info, best, other, passages):
                pair = [best, other]
                if sum(len(c.span.text.split()) for c in pair) + 6 <= self._max_words:
                    return pair
                break
        return [best]

    def rank_sentences(
        self, question: str, passages: Sequence[Passage], info: QuestionInfo | None = None
    ) -> list[Candidate]:
        candidates = self._lexical_candidates(info or analyse(question), passages)
        if not candidates:
            return []
        top = sorted(candidates, key=lambda c: -c.score)[: self._rerank]
        vectors = self._embedder.embed([question, *(c.span.text for c in top)])
        similarity = np.asarray(vectors[1:] @ vectors[0])
        scored = [
            Candidate(
                c.passage_rank,
                c.span,
                c.score + SIMILARITY_WEIGHT * float(s),
                c.evidence,
                c.has_kind,
                float(s),
            )
            for c, s in zip(top, similarity, strict=True)
        ]
        return sorted(scored, key=lambda c: -c.score)

    def _lexical_candidates(
        self, info: QuestionInfo, passages: Sequence[Passage]
    ) -> list[Candidate]:
        weights = term_weights(info, self._idf)
        newness = recency(passages) if info.recent else [0.0] * len(passages)
        # A passage naming no year takes its document's: a report of 7 May 2017 tells of
        # the 2017 election without saying "2017".
        details = [detail_match(info, p.chunk.text, p.chunk.date) for p in passages]
        votes = ValueVotes(info, passages, [d > 0 for d in details])
        opposite = OppositeNames(info, passages)
        demands = Demands.of(info)
        out: list[Candidate] = []
        for rank, passage in enumerate(passages):
            text = passage.chunk.text
            passage_cover = coverage(weights, text + " " + passage.chunk.title)
            passage_detail = details[rank]
            for span in sentences_of(text):
                if _is_cell(span):  # a listing's cell speaks of the page's subject
                    cover, detail = passage_cover, passage_detail
                else:
                    cover = 0.6 * coverage(weights, span.text) + 0.4 * passage_cover
                    detail = 0.5 * detail_match(info, span.text) + 0.5 * passage_detail
                evidence = cover * (0.5 + 0.5 * detail) if passage_detail else 0.0
                has_kind = demands.answer_strength(span.text, text)
                values = sentence_values(info, span.text, text) if has_kind else set()
                if opposite.rule_out(span.text, values):
                    has_kind = 0.0  # the women's champion, for a question on the men's
                score = evidence + KIND_BONUS * has_kind + 0.05 / (1 + rank) + 0.1 * newness[rank]
                if has_kind and evidence:
                    score += VOTE_WEIGHT * votes.share(values)
                    distance = action_distance(demands.action, span.text, values)
                    if distance is not None:  # "Soul won" beats "won ... at an Oscar ceremony"
                        score += PROXIMITY_WEIGHT / (1 + distance / 3)
                if passage.chunk.index == 0 and span.start == 0:
                    score += LEAD_BONUS  # a story's lead sentence tends to carry its main fact
                out.append(Candidate(rank, span, score, evidence, has_kind))
        return out

    def _completed(self, best: Candidate, passages: Sequence[Passage]) -> Candidate:
        """A heading-like fragment ("NFL Commissioners and Presidents.") with its next sentence."""
        if len(without_dateline(best.span.text).split()) >= self._min_sentence_words:
            return best
        text = passages[best.passage_rank].chunk.text
        following = [s for s in sentences_of(text) if s.start >= best.span.end]
        if not following:
            return best
        return replace(best, span=_join(text, best.span, following[0]))

    def _answers(self, info: QuestionInfo, best: Candidate) -> bool:
        # A paraphrase ("want freed" for "release") shares few words with the question but
        # is close in meaning: similarity well above the floor makes up for thin evidence.
        support = best.evidence + PARAPHRASE_CREDIT * max(0.0, best.similarity - 0.4)
        return (
            best.has_kind >= 0.5  # a date in the dateline only is no answer
            and support >= self._min_evidence
            and best.similarity >= self._min_similarity - self._similarity_slack(best)
        )

    @staticmethod
    def _similarity_slack(best: Candidate) -> float:
        """A long sentence holding every word of the question can sit far from it in
        embedding space ("... are currently being held in Gaza")."""
        return FULL_COVER_SLACK if best.evidence >= FULL_COVER else 0.0

    def _disagree(
        self, info: QuestionInfo, a: Candidate, b: Candidate, passages: Sequence[Passage]
    ) -> bool:
        """Two sentences from different documents, both answering, with different values."""
        if passages[a.passage_rank].chunk.doc_id == passages[b.passage_rank].chunk.doc_id:
            return False
        if info.kind not in ("date", "number", "money") or not self._answers(info, b):
            return False
        values_a, values_b = answer_values(info, a.span.text), answer_values(info, b.span.text)
        return bool(values_a and values_b) and not (values_a & values_b)


def _names_subject(question: str, passage: Passage) -> bool:
    """Whether the passage (or its title) names anything the question names: a snippet on
    another show's "season premiere" does not answer when The Blacklist premieres."""
    subject = subject_terms(question)
    text = passage.chunk.text + " " + passage.chunk.title
    return not subject or bool(subject & set(content_words(text)))


def sentences_of(text: str) -> list[Span]:
    """The passage's sentences, a leading dateline ("Sep 17, 2020 ...") kept with the first
    and a short label with the value after it ("Release date. December 1, 2017")."""
    spans = split_sentences(text)
    if len(spans) > 1 and DATELINE.fullmatch(spans[0].text):
        spans[:2] = [_join(text, spans[0], spans[1])]
    joined: list[Span] = []
    for span in spans:
        if joined and _LABEL.fullmatch(joined[-1].text) and _VALUE.match(span.text):
            joined[-1] = _join(text, joined[-1], span)
        else:
            joined.append(span)
    return joined


def _is_cell(span: Span) -> bool:
    """Whether the span is a labelled value of a listing ("Release date. December 1,
    2017"), which speaks of its page's subject without naming it."""
    return _CELL.match(span.text) is not None


_LABEL = re.compile(r"[A-Z][a-z]+(?: [a-z]+)?[.:]")  # "Release date.", "Price:"
_VALUE = re.compile(rf"(?:\d|{MONTH_NAME})")
_CELL = re.compile(rf"{_LABEL.pattern}\s+{_VALUE.pattern}")


def _join(text: str, first: Span, second: Span) -> Span:
    return Span(first.start, second.end, text[first.start : second.end])
