"""Claims: the sentences of an answer, the citations each carries, and whether they hold.

A claim is one answer sentence (markers removed) with the numbers of the
`[n]` markers it carries; a marker standing alone after a sentence ("... in
Doha. [2]") belongs to that sentence. A citation supports a claim when some
sentence of its passage shares enough of the claim's content words, or is
close in meaning (embedding cosine) and shares some of them; a claim with a
number the passage lacks is never supported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from service.citations import MARKER
from service.embedding import Embedder
from service.text import Span, content_words, split_sentences

_ONLY_MARKERS = re.compile(r"\A(\s*\[[\d,\s]+\])+\s*\Z")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class Claim:
    text: str
    numbers: list[int] = field(default_factory=list)  # the [n] markers it carries
    supported: bool = False
    verified: list[int] = field(default_factory=list)  # markers whose passage supports it


def split_claims(answer: str) -> list[Claim]:
    claims: list[Claim] = []
    for sentence in split_sentences(answer):
        numbers = [int(n) for m in MARKER.finditer(sentence.text) for n in m.group(1).split(",")]
        text = " ".join(MARKER.sub("", sentence.text).split())
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)
        if _ONLY_MARKERS.match(sentence.text) and claims:
            claims[-1].numbers.extend(n for n in numbers if n not in claims[-1].numbers)
            continue
        if text:
            claims.append(Claim(text, list(dict.fromkeys(numbers))))
    return claims


def word_overlap(claim: str, evidence: str) -> float:
    """The share of the claim's content words that the evidence holds (1.0 for none)."""
    claim_words = set(content_words(claim))
    if not claim_words:
        return 1.0
    return len(claim_words & set(content_words(evidence))) / len(claim_words)


def numbers_in(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


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
        self._min_overlap = min_overlap
        self._min_similarity = min_similarity
        self._min_overlap_with_similarity = min_overlap_with_similarity

    def check(self, answer: str, passages: Sequence[str]) -> list[Claim]:
        """Claims of `answer`; marker n names passages[n-1] (other numbers are ignored)."""
        claims = split_claims(answer)
        pairs = [
            (claim, n) for claim in claims for n in claim.numbers if 1 <= n <= len(passages)
        ]
        best = [self.best_sentence(claim.text, passages[n - 1]) for claim, n in pairs]
        similarity = self._similarities([c.text for c, _ in pairs], [s.text for s in best])
        for (claim, n), sentence, cosine in zip(pairs, best, similarity, strict=True):
            if self._supports(claim.text, sentence.text, passages[n - 1], cosine):
                claim.verified.append(n)
        for claim in claims:
            claim.supported = bool(claim.verified)
        return claims

    def best_sentence(self, claim: str, passage: str) -> Span:
        sentences = split_sentences(passage) or [Span(0, len(passage), passage)]
        return max(sentences, key=lambda s: word_overlap(claim, s.text))

    def _supports(self, claim: str, sentence: str, passage: str, cosine: float) -> bool:
        if not numbers_in(claim) <= numbers_in(passage):
            return False
        overlap = word_overlap(claim, sentence)
        if overlap >= self._min_overlap:
            return True
        return overlap >= self._min_overlap_with_similarity and cosine >= self._min_similarity

    def _similarities(self, claims: list[str], sentences: list[str]) -> list[float]:
        if not claims:
            return []
        vectors = self._embedder.embed([*claims, *sentences])
        a, b = vectors[: len(claims)], vectors[len(claims) :]
        return [float(x) for x in np.sum(np.asarray(a) * np.asarray(b), axis=1)]
