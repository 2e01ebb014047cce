"""The extractive answer: the likeliest sentences, said and cited.

The best sentence, and the runner-up where the scorer finds it nearly as likely
(`ScoringModel.runner_up`), or two documents' differing dates or figures; each cut
to fit the answer's words, a table's row said with its header's names, and each
passage cited once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.answering.answer_type import (
    TIME_OF_DAY,
    AnswerType,
    answer_type,
    could_answer,
    offered,
)
from service.answering.extractive_model import Candidate, ScoringModel
from service.core.records import Passage
from service.core.text import Span, read_with_header
from service.grounding.citations import Citation, answer_sentences, cite

# Said before two sentences of different documents that give different values. It claims no
# more than that: the scorer cannot tell a conflict over one fact from two facts (a release
# and a re-release) whose sentences both look likely (docs/answer-quality.md).
_STATEMENT_END = re.compile(r"""[.!?…]["'”’)\]]*\Z""")
DIFFERENT = {
    "date": "Two documents give different dates:",
    "number": "Two documents give different figures:",
}
DIFFERENT_TIMES = "Two documents give different times:"  # dates that are all times of day


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
    kind = answer_type(question)
    likely = [
        c
        for c in ranked
        if c.probability >= model.threshold and could_answer(kind, c.span.text, question)
    ]
    if not likely:
        return "", []
    differing, lead = _disagreeing(kind, question, likely, passages)
    picked = [likely[0], *(differing or _runner_up(likely, model.runner_up))]
    if differing:
        picked.sort(key=lambda c: passages[c.passage_rank].chunk.date or "", reverse=True)
    budget = max_words - 2 - len(lead.split()) - 2 * len(picked)  # words less the markers
    limits = _shares([len(c.span.text.split()) for c in picked], budget)
    spans = [
        (c.passage_rank + 1, within_words(c.span, limit))
        for c, limit in zip(picked, limits, strict=True)
    ]
    # Numbered by passage position, as in LLM answers, so numbers agree everywhere. A cut
    # sentence ends in "...": the reader sees it was cut, and two of them stay two claims.
    # A table's row says what its cells are ("Shift: Night | Bakers: 4"); its quote is
    # the row as written. A row or list item that another sentence follows ends in a full
    # stop, so that the sentence after it is a claim of its own.
    sentences = [
        said(passages[n - 1], span) if span == c.span else span.text + "..."
        for (n, span), c in zip(spans, picked, strict=True)
    ]
    sentences = [_closed(sentence) for sentence in sentences[:-1]] + sentences[-1:]
    text = " ".join(_marked(sentence, n) for sentence, (n, _) in zip(sentences, spans, strict=True))
    quoted: dict[int, Span] = {}  # by passage: from its first sentence to its last
    for n, span in spans:
        if n in quoted:
            start, end = min(quoted[n].start, span.start), max(quoted[n].end, span.end)
            quoted[n] = Span(start, end, passages[n - 1].chunk.text[start:end])
        else:
            quoted[n] = span
    citations = [cite(n, passages[n - 1], span) for n, span in quoted.items()]
    return (f"{lead} {text}" if lead else text), citations


def _shares(lengths: Sequence[int], budget: int) -> list[int]:
    """Each sentence's word limit: its own length where all fit in `budget`; otherwise a
    sentence shorter than an even share keeps its length and the longer ones share the
    rest evenly (a short runner-up does not cut the best sentence)."""
    limits = list(lengths)
    left, waiting = budget, sorted(range(len(lengths)), key=lambda i: lengths[i])
    while waiting:
        share = max(left // len(waiting), 1)
        i = waiting.pop(0)
        if lengths[i] > share:
            for j in [i, *waiting]:
                limits[j] = share
            break
        left -= lengths[i]
    return limits


def _marked(said: str, n: int) -> str:
    """What is said with its passage's marker after each of its sentences: a candidate can
    be two ("... has died at her home. She was 91."), and each is a claim."""
    return " ".join(f"{s.text} [{n}]" for s in answer_sentences(said)) or f"{said} [{n}]"


def _closed(sentence: str) -> str:
    """The sentence ending as a statement does (a table's row, a list item may not)."""
    return sentence if _STATEMENT_END.search(sentence) else f"{sentence}."


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
) -> tuple[list[Candidate], str]:
    """A likely answer from another document giving another date or number, if any, and
    what the answer says before the two (`_lead`); ([], "") when none."""
    if kind not in DIFFERENT:
        return [], ""
    best = likely[0]
    values = _figures(offered(kind, best.span.text, question))
    for other in likely[1:]:
        if passages[other.passage_rank].chunk.doc_id == passages[best.passage_rank].chunk.doc_id:
            continue
        others = _figures(offered(kind, other.span.text, question))
        if values and others and not _agree(values, others):
            return [other], _lead(kind, values | others)
    return [], ""


def _lead(kind: AnswerType, values: set[str]) -> str:
    """What the two sentences are said to give: dates, times (every value a time of day:
    "4 pm", "10:30") or figures."""
    if kind == "date" and all(TIME_OF_DAY.fullmatch(v) for v in values):
        return DIFFERENT_TIMES
    return DIFFERENT[kind]


def _agree(values: set[str], others: set[str]) -> bool:
    """Whether some value of one is one of the other's, or all its words are: "15 may" is
    "15 may 2026" without its year."""
    return any(
        set(a.split()) <= set(b.split()) or set(b.split()) <= set(a.split())
        for a in values
        for b in others
    )


def _same_sentence(one: Candidate, other: Candidate) -> bool:
    """Whether two candidates say the same: one's text holds the other's."""
    return one.span.text in other.span.text or other.span.text in one.span.text


def said(passage: Passage, sentence: Span) -> str:
    """The sentence as the answer gives it: as written, a table's row with its header."""
    return read_with_header(passage.chunk.text, sentence, passage.chunk.context)


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
