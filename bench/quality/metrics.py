"""Benchmark metrics: answer scoring (RGB and RealTimeQA), retrieval recall/MRR, citation
support, latency."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from service.grounding.citations import MARKER
from service.grounding.claims import split_claims, word_overlap

# A gold answer: one string, or a list of required items, each a string or a list
# of alternatives.
Gold = str | list[str | list[str]]
MAX_ANSWER_WORDS = 60
MIN_QUOTE_OVERLAP = 0.5


def rgb_contains(text: str, gold: Gold) -> bool:
    """RGB's test: every gold item (any of its alternatives) appears, case-insensitively."""
    lowered = text.lower()
    items = [gold] if isinstance(gold, str) else gold
    return all(
        any(alt.lower() in lowered for alt in item)
        if isinstance(item, list)
        else item.lower() in lowered
        for item in items
    )


def rtqa_contains(text: str, gold: str) -> bool:
    """RealTimeQA's test: the gold text as a whole word or phrase, case-insensitively; a
    plural or possessive ending ("Parkinson's" for "Parkinson") is allowed."""
    pattern = rf"(?<!\w){re.escape(gold.lower())}(?:s|es|'s|’s)?(?!\w)"
    return re.search(pattern, text.lower().replace("’", "'")) is not None


def gold_in(text: str, gold: Gold, style: str = "rgb") -> bool:
    """Whether `text` holds the gold answer by its set's own test ("rgb", "rtqa", or "words":
    any of the gold's alternatives as whole words)."""
    if style == "rtqa":
        return rtqa_contains(text, str(gold))
    if style == "words":
        return any(rtqa_contains(text, str(alternative)) for alternative in gold)
    return rgb_contains(text, gold)


def answer_words(answer: str) -> int:
    return sum(any(ch.isalnum() for ch in w) for w in MARKER.sub(" ", answer).split())


def answer_correct(
    answer: str, gold: Gold, style: str = "rgb", max_words: int = MAX_ANSWER_WORDS
) -> bool:
    """The gold answer is in the answer, which has at most `max_words` words."""
    return answer_words(answer) <= max_words and gold_in(answer, gold, style)


def strictly_correct(answer: str, gold: Gold, choices: Sequence[str], style: str) -> bool:
    """Correct, and no other option of the quiz appears in the answer."""
    others = [c for c in choices if c.lower() != str(gold).lower()]
    return answer_correct(answer, gold, style) and not any(rtqa_contains(answer, c) for c in others)


def first_hit(ranked_doc_ids: Sequence[str], positives: Iterable[str]) -> int | None:
    """1-based rank of the first retrieved chunk from a positive document, or None."""
    wanted = set(positives)
    for rank, doc_id in enumerate(ranked_doc_ids, start=1):
        if doc_id in wanted:
            return rank
    return None


def recall_at(hits: Sequence[int | None], k: int) -> float:
    return _share(h is not None and h <= k for h in hits)


def mrr(hits: Sequence[int | None], cutoff: int = 10) -> float:
    if not hits:
        return 0.0
    return sum(1.0 / h for h in hits if h is not None and h <= cutoff) / len(hits)


def citation_support(answer: str, citations: Sequence[tuple[int, str, str]]) -> tuple[int, int]:
    """(supported, total) over citations given as (n, passage text, quote).

    Supported: the passage contains the quote, and the quote holds at least
    MIN_QUOTE_OVERLAP of the content words of every answer sentence citing it.
    """
    claims = split_claims(answer)
    supported = 0
    for n, passage, quote in citations:
        citing = [c.text for c in claims if n in c.numbers]
        if (
            quote in passage
            and citing
            and all(word_overlap(claim, quote) >= MIN_QUOTE_OVERLAP for claim in citing)
        ):
            supported += 1
    return supported, len(citations)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


def _share(flags: Iterable[bool]) -> float:
    items = list(flags)
    return sum(items) / len(items) if items else 0.0
