"""Claims: the sentences of an answer, the citations each carries, and whether they hold.

A claim is one answer sentence (markers removed) with the numbers of the
`[n]` markers it carries; a marker standing alone after a sentence ("... in
Doha. [2]") belongs to that sentence. A citation supports a claim when some
sentence of its passage shares enough of the claim's content words, or is
close in meaning (embedding cosine) and shares some of them; a claim with a
number the passage lacks (`claimed_figures`), or gives only as another kind of measure
("29 years old" where the passage's 29 is "29 million euros": `measures`), a name
that neither the passage nor the question holds (the answer's "Jo Placeholder" cited
to a passage that never names her), or with no content word at all ("They did."), is
never supported. Where meaning
decides, it is the closest in meaning of the sentences sharing the most words
that is judged, and quoted. A passage's title, where given, is read as one more of
its sentences (the answering model reads it over each excerpt: "Valdmere orders
..." above a body that says only "the country"); it counts as support, and is never
quoted, since it lies outside the passage's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from service.core.names import names
from service.core.ports import Embedder
from service.core.records import Passage
from service.core.sections import read_in_section
from service.core.text import (
    LIST_ITEM,
    Span,
    content_words,
    numbers_in,
    split_sentences,
)
from service.grounding.citations import (
    LEADING_MARKERS,
    MARKER,
    Citation,
    answer_sentences,
    cite,
)
from service.grounding.currencies import currencies_hold
from service.grounding.figures import claimed_figures, figures_under_named_columns
from service.grounding.measures import measures_hold

_TITLE = (-1, -1)  # the offsets of a passage's title read as one of its sentences


@dataclass
class Claim:
    text: str
    numbers: list[int] = field(default_factory=list)  # the [n] markers it carries
    supported: bool = False
    verified: list[int] = field(default_factory=list)  # markers whose passage supports it
    spans: list[Span] = field(default_factory=list, repr=False)  # where it sits in the answer
    # marker -> the passage sentence to quote, where meaning (not shared words) verified it
    evidence: dict[int, Span] = field(default_factory=dict, repr=False)


def split_claims(answer: str) -> list[Claim]:
    claims: list[Claim] = []
    for sentence in answer_sentences(answer):
        # "... in Doha. [2] Next ..." puts the marker at the head of the next sentence.
        leading = LEADING_MARKERS.match(sentence.text)
        if leading and claims:
            head = Span(sentence.start, sentence.start + leading.end(), leading.group(0))
            claims[-1].numbers.extend(n for n in _numbers(head.text) if n not in claims[-1].numbers)
            claims[-1].spans.append(head)
            sentence = Span(head.end, sentence.end, sentence.text[leading.end() :])
        text = " ".join(MARKER.sub("", sentence.text).split())
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)
        text = _LIST_ITEM.sub("", text)  # a Markdown list item's "- " or "2. "
        if text:
            numbers = list(dict.fromkeys(_numbers(sentence.text)))
            claims.append(Claim(text, numbers, spans=[sentence]))
    return claims


_LIST_ITEM = re.compile(rf"^{LIST_ITEM}")


def _numbers(text: str) -> list[int]:
    return [int(n) for m in MARKER.finditer(text) for n in m.group(1).split(",")]


def word_overlap(claim: str, evidence: str) -> float:
    """The share of the claim's content words that the evidence holds (1.0 for none)."""
    claim_words = set(content_words(claim))
    if not claim_words:
        return 1.0
    return len(claim_words & set(content_words(evidence))) / len(claim_words)


class ClaimChecker:
    """Decides, claim by claim, which cited passages support it."""

    def __init__(
        self,
        embedder: Embedder,
        *,
        min_overlap: float = 0.5,
        min_similarity: float = 0.6,
        min_overlap_with_similarity: float = 0.25,
    ) -> None:
        self._embedder = embedder
        self.min_overlap = min_overlap  # of a claim's content words, in one sentence
        self._min_similarity = min_similarity
        self._min_overlap_with_similarity = min_overlap_with_similarity

    def check(
        self,
        answer: str,
        passages: Sequence[str],
        question: str = "",
        titles: Sequence[str] = (),
        contexts: Sequence[str] = (),
        dates: Sequence[str | None] = (),
    ) -> list[Claim]:
        """Claims of `answer`; marker n names passages[n-1] (other numbers are ignored),
        titled titles[n-1] when `titles` is given, and read under what contexts[n-1] puts
        before it, when given (`ChunkRecord.context`: its section's heading, its table's
        header), and dated dates[n-1] (ISO) when given (`claimed_figures`).
        The names `question` holds need not be in the passage: "Who leads Acme?" may be
        answered "Jo Placeholder leads Acme [1]" from a passage that says "its chief, Jo
        Placeholder"."""
        claims = split_claims(answer)
        asked = set(content_words(question))
        pairs = [(claim, n) for claim in claims for n in claim.numbers if 1 <= n <= len(passages)]
        undecided: list[tuple[Claim, int, Span, str]] = []  # one row per sentence tied at best
        for claim, n in pairs:
            title = titles[n - 1] if titles else ""
            context = contexts[n - 1] if contexts else ""
            figures = numbers_in(claim.text) - numbers_in(question)
            tied = [  # a table's row giving the claim's figures under other columns: none
                (sentence, as_read)
                for sentence, as_read in self.best_sentences(
                    claim.text, passages[n - 1], title, context
                )
                if (sentence.start, sentence.end) == _TITLE
                or figures_under_named_columns(
                    claim.text, figures, passages[n - 1], sentence, context
                )
            ]
            if not tied:
                continue
            read = f"{title}\n{context}{passages[n - 1]}" if title else context + passages[n - 1]
            date = dates[n - 1] if dates else None
            claimed = claimed_figures(claim.text, question, date)
            verdict = self._lexical_verdict(claim.text, claimed, tied[0][1], read, asked)
            if verdict is None:
                undecided.extend((claim, n, sentence, as_read) for sentence, as_read in tied)
            elif verdict:
                claim.verified.append(n)
        # Only claims the words leave open cost an embedding (extractive answers rarely do).
        texts = [c.text for c, _, _, _ in undecided], [r for _, _, _, r in undecided]
        closest: dict[tuple[int, int], tuple[float, Claim, Span]] = {}  # the best tie
        for (claim, n, sentence, _), cosine in zip(
            undecided, self._similarities(*texts), strict=True
        ):
            key = (id(claim), n)
            if key not in closest or cosine > closest[key][0]:
                closest[key] = (cosine, claim, sentence)
        for (_, n), (cosine, claim, sentence) in closest.items():
            if cosine >= self._min_similarity:
                claim.verified.append(n)
                if (sentence.start, sentence.end) != _TITLE:  # a title is never quoted
                    claim.evidence[n] = sentence
        for claim in claims:
            claim.verified.sort(key=claim.numbers.index)
            claim.supported = bool(claim.verified)
        return claims

    def best_sentences(
        self, claim: str, passage: str, title: str = "", context: str = ""
    ) -> list[tuple[Span, str]]:
        """The passage's sentences sharing the largest share of the claim's words, each with
        its text as read (a table's row with its header's names: "Shift: Night | Bakers: 4");
        its title, if given, is one of them, with no place in the passage (`_TITLE` offsets)."""
        sentences = split_sentences(passage) or [Span(0, len(passage), passage)]
        read = [read_in_section(passage, s, context, title) for s in sentences]
        if title:
            sentences.append(Span(*_TITLE, title))
            read.append(title)
        overlaps = [word_overlap(claim, text) for text in read]
        best = max(overlaps)
        return [(s, r) for s, r, o in zip(sentences, read, overlaps, strict=True) if o == best]

    def _lexical_verdict(
        self, claim: str, figures: set[str], sentence: str, passage: str, asked: set[str]
    ) -> bool | None:
        """Supported, unsupported, or None when only meaning (embedding cosine) can tell.
        `figures`: those the passage must hold (`claimed_figures`); `asked`: the question's
        content words."""
        if not figures <= numbers_in(passage):
            return False
        if not names(claim) - asked <= set(content_words(passage)):
            return False
        if not currencies_hold(claim, [passage, sentence]):  # "2.1 million euros"
            return False
        if not measures_hold(claim, [passage]):  # "29 years old" over "29 million euros"
            return False
        if not content_words(claim):  # "They did.": nothing a passage could be read to state
            return False
        overlap = word_overlap(claim, sentence)
        if overlap >= self.min_overlap:
            return True
        return None if overlap >= self._min_overlap_with_similarity else False

    def _similarities(self, claims: list[str], sentences: list[str]) -> list[float]:
        """Cosine of each (claim, sentence) pair; every distinct text embedded once (a claim
        is paired with each of its tied sentences)."""
        if not claims:
            return []
        unique = list(dict.fromkeys([*claims, *sentences]))
        vectors = dict(zip(unique, np.asarray(self._embedder.embed(unique)), strict=True))
        return [float(vectors[a] @ vectors[b]) for a, b in zip(claims, sentences, strict=True)]


def verify(
    checker: ClaimChecker,
    answer: str,
    citations: list[Citation],
    passages: Sequence[Passage],
    *,
    question: str = "",
    drop: bool = True,
) -> tuple[str, list[Citation], list[Claim]]:
    """Check every claim. Without `drop`, a citation is `verified` when its passage supports
    every claim citing it. With `drop`, each claim loses the markers whose passage does not
    support it, citations left with no marker go, and the rest are verified."""
    texts, titles = [p.chunk.text for p in passages], [p.chunk.title for p in passages]
    contexts, dates = [p.chunk.context for p in passages], [p.chunk.date for p in passages]
    claims = checker.check(answer, texts, question, titles, contexts, dates)
    if not drop:
        failed = {n for claim in claims for n in claim.numbers if n not in claim.verified}
        return answer, [replace(c, verified=c.n not in failed) for c in citations], claims
    for claim in reversed(claims):
        wrong = set(claim.numbers) - set(claim.verified)
        for span in reversed(claim.spans):
            kept = MARKER.sub(lambda m, w=wrong: _keep(m, w), span.text)  # type: ignore[misc]
            answer = answer[: span.start] + kept + answer[span.end :]
        claim.numbers = [n for n in claim.numbers if n not in wrong]
    cited = {n for claim in claims for n in claim.numbers}
    # Where shared words verified a marker for some claim, its usual quote stands.
    by_words = {n for claim in claims for n in claim.verified if n not in claim.evidence}
    evidence: dict[int, Span] = {}
    for claim in claims:
        for n, span in claim.evidence.items():
            if n not in by_words:
                evidence.setdefault(n, span)
    kept_citations = [
        replace(_quoting(c, passages[c.n - 1], evidence.get(c.n)), verified=True)
        for c in citations
        if c.n in cited
    ]
    return answer, kept_citations, claims


def _quoting(citation: Citation, passage: Passage, span: Span | None) -> Citation:
    """The citation quoting `span` of its passage instead, when there is one."""
    return citation if span is None else cite(citation.n, passage, span)


def _keep(match: re.Match[str], failed: set[int]) -> str:
    kept = [n.strip() for n in match.group(1).split(",") if int(n) not in failed]
    return f"[{','.join(kept)}]" if kept else ""
