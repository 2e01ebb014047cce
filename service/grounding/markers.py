"""Markers a small model leaves out or puts on the wrong excerpt, mended before the claim check.

A small model often copies a sentence of what it read and leaves out its `[n]`
(`attribute`), or numbers it for another excerpt than the one it copied
(`renumber`). Both read a sentence as the claim check reads it: the excerpt
holding at least the checker's `min_overlap` of its content words in one
sentence, and every number it must hold (`claimed_figures`), more than any other excerpt.
The claim, support and reading checks then judge the mended sentence as any cited one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from service.core.text import Span, content_words, numbers_in, split_sentences
from service.grounding.citations import MARKER
from service.grounding.claims import ClaimChecker, split_claims, word_overlap
from service.grounding.figures import claimed_figures


class _Read(NamedTuple):
    n: int  # the excerpt's number, which is its passage's
    sentences: list[Span]
    figures: set[str]
    date: str | None


def attribute(
    checker: ClaimChecker,
    answer: str,
    excerpts: Sequence[tuple[int, str]],
    question: str = "",
    dates: Sequence[str | None] = (),
) -> str:
    """`answer` with `[n]` added after each sentence before its first marker that
    excerpt n (of `(n, text)` pairs; passage n dated dates[n-1], when given) holds as the
    claim check reads it: at least
    the checker's `min_overlap` of its content words in one of its sentences, every number too, and
    more of them than any other excerpt (a tie attributes nothing, unless the tied excerpts
    show the same sentence: overlapping passages of one document). A small model often
    copies what it read and leaves out the markers; the claim and support checks then
    judge such a sentence as any cited one. Once the answer cites, an uncited sentence
    is one the model chose not to cite, and stays uncited (so a marker the claim check
    drops is never made up for by a sentence beside it); the rule reads no further
    than the sentence it decides on, so a stream's prefixes agree with the answer.
    Names are left to the claim check, which then reads the sentence as any cited one."""
    claims = split_claims(answer)
    cited = next((i for i, claim in enumerate(claims) if claim.numbers), len(claims))
    if not cited:  # the usual reply, cited from its first sentence: nothing to read
        return answer
    read = _read(excerpts, dates)
    for claim in reversed(claims[:cited]):
        n = _holder(checker, claim.text, read, question)
        if n is not None:
            end = claim.spans[-1].end
            answer = f"{answer[:end]} [{n}]{answer[end:]}"
    return answer


def renumber(
    checker: ClaimChecker,
    answer: str,
    excerpts: Sequence[tuple[int, str]],
    passages: Sequence[str],
    question: str = "",
    titles: Sequence[str] = (),
    dates: Sequence[str | None] = (),
) -> str:
    """`answer` with a sentence's one marker changed to the excerpt that holds the
    sentence (as `attribute` reads it) where the passage it names, shown too, does not
    support it (as `checker.check` reads it, `passages`, `titles` and `dates` as there): a
    small model copies a sentence of excerpt [1] and numbers it [2]. The claim and support
    checks then judge it as any cited one."""
    read = _read(excerpts, dates)
    shown = {n for n, _ in excerpts}
    moves = {}  # a claim's place in the answer -> the excerpt that holds it
    for claim in split_claims(answer):
        if len(claim.numbers) != 1 or claim.numbers[0] not in shown:
            continue  # a marker naming no excerpt is the claim check's to drop
        holder = _holder(checker, claim.text, read, question)
        if holder is not None and not _holds(checker, claim.text, read, claim.numbers[0], question):
            moves[claim.spans[0].start] = holder
    if not moves:
        return answer
    for claim in reversed(checker.check(answer, passages, question, titles, dates=dates)):
        holder = moves.get(claim.spans[0].start)
        if holder is None or claim.supported:
            continue
        for span in reversed(claim.spans):
            marked = MARKER.sub(f"[{holder}]", answer[span.start : span.end])
            answer = answer[: span.start] + marked + answer[span.end :]
    return answer


def _holds(checker: ClaimChecker, claim: str, read: Sequence[_Read], n: int, question: str) -> bool:
    """Whether excerpt n (if shown) has the checker's `min_overlap` of the claim's words in one
    sentence, and every number."""
    return _overlaps(claim, read, question).get(n, (0.0, ""))[0] >= checker.min_overlap


def _holder(checker: ClaimChecker, claim: str, read: Sequence[_Read], question: str) -> int | None:
    """The one excerpt holding `claim`: at least the checker's `min_overlap` of its content words in
    one sentence, every number, and more of them than any other excerpt; or the first of
    those tied where each one's closest sentence is the same (overlapping passages)."""
    if not content_words(claim):
        return None
    overlaps = _overlaps(claim, read, question)
    if not overlaps:
        return None
    best = max(o for o, _ in overlaps.values())
    tied = sorted(n for n, (o, _) in overlaps.items() if o == best)
    if best < checker.min_overlap or len({overlaps[n][1] for n in tied}) > 1:
        return None
    return tied[0]  # one excerpt, or overlapping ones showing the same sentence: the first


def _overlaps(claim: str, read: Sequence[_Read], question: str) -> dict[int, tuple[float, str]]:
    """For each excerpt holding every number the claim must (`claimed_figures`): the largest
    share of the claim's content words that one of its sentences holds, and that sentence (the
    first, if tied)."""
    return {
        e.n: max(((word_overlap(claim, s.text), s.text) for s in e.sentences), key=lambda p: p[0])
        for e in read
        if e.sentences and claimed_figures(claim, question, e.date) <= e.figures
    }


def _read(excerpts: Sequence[tuple[int, str]], dates: Sequence[str | None]) -> list[_Read]:
    return [
        _Read(n, split_sentences(text), numbers_in(text), dates[n - 1] if n <= len(dates) else None)
        for n, text in excerpts
    ]
