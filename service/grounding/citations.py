"""Citations: map `[n]` markers in an answer to passages, and find the quoted span."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.core.names import names
from service.core.records import ChunkRecord, Passage
from service.core.sections import read_in_section
from service.core.text import (
    Span,
    content_words,
    numbers_in,
    split_sentences,
)

MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
# Markers at the head of a sentence ("... in Doha. [2]", "... [1], [2]") belong to the one
# before it; the commas between them too, or ", [2]" would stand as a claim of its own.
LEADING_MARKERS = re.compile(r"(\s*[,;]?\s*\[[\d,\s]+\])+")
_MARKER_LIST = re.compile(r"(?<=\d)\]\s*[,;]\s*\[(?=\d)")


@dataclass(frozen=True)
class Citation:
    n: int
    chunk: ChunkRecord
    quote: str
    start: int  # offsets of `quote` in the document text
    end: int
    score: float
    verified: bool = False  # the claim check found the passage supports what cites it


def supporting_span(
    claims: Sequence[str],
    passage_text: str,
    question: str = "",
    context: str = "",
    title: str = "",
) -> Span:
    """The sentence of the passage that holds most of what the claim adds to the question
    (its names the question does not hold, and its figures), then shares the most content
    words with it: the sentence that names the answer, not one that repeats the question.
    A name is held by a word it begins ("Valdmere" by "Valdmerean", "Acme" by "Acmes").
    Of several claims citing the passage, the claim is the one sharing the most words with
    the question (the answer, not a remark beside it); without a question, all of them.
    A sentence is read under the passage's `context` (`ChunkRecord.context`) and title:
    a table's row with its header, any other under its section's heading."""
    asked = set(content_words(question))
    claim = (
        max(claims, key=lambda c: len(asked & set(content_words(c)))) if asked else " ".join(claims)
    )
    claim_words = set(content_words(claim))
    added_names = names(claim) - asked
    added_figures = numbers_in(claim) - numbers_in(question)

    def key(sentence: Span) -> tuple[int, int]:
        text = read_in_section(passage_text, sentence, context, title)
        words = set(content_words(text))
        held = sum(any(word.startswith(name) for word in words) for name in added_names)
        held += len(added_figures & numbers_in(text))
        return held, len(claim_words & words)

    sentences = split_sentences(passage_text) or [Span(0, len(passage_text), passage_text)]
    return max(sentences, key=key)


def answer_sentences(answer: str) -> list[Span]:
    """The sentences of an answer, a line break ending one too: each item of a Markdown
    list is a claim of its own, though it ends without a full stop (issue 16: a list's
    second citation quoted the sentence that supported the first)."""
    spans: list[Span] = []
    offset = 0
    for line in answer.split("\n"):
        spans.extend(Span(offset + s.start, offset + s.end, s.text) for s in split_sentences(line))
        offset += len(line) + 1
    return spans


def cite(n: int, passage: Passage, span: Span) -> Citation:
    chunk = passage.chunk
    return Citation(
        n=n,
        chunk=chunk,
        quote=span.text,
        start=chunk.start + span.start,
        end=chunk.start + span.end,
        score=passage.score,
    )


def without_stray_markers(answer: str, count: int) -> str:
    """`answer` without the markers that name none of `count` passages ("[9]" of five)."""

    def keep_valid(match: re.Match[str]) -> str:
        valid = [n for n in _numbers(match) if 1 <= n <= count]
        return "".join(f"[{n}]" for n in dict.fromkeys(valid))

    cleaned = MARKER.sub(keep_valid, answer)
    # Markers that pointed nowhere leave stray spaces behind ("a rise [9]." -> "a rise .").
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()


def resolve_markers(
    answer: str, passages: Sequence[Passage], question: str = ""
) -> tuple[str, list[Citation]]:
    """Keep markers that name a given passage, drop the rest, and build their citations.

    Numbers are kept as given (passage n is passages[n-1]) so text streamed
    before the check and the final answer agree. Each citation quotes the
    passage sentence that best supports the answer sentences citing it.
    """
    answer = _MARKER_LIST.sub("][", answer)  # "[1], [2]" -> "[1][2]"
    claims: dict[int, list[str]] = {}
    previous = ""
    for sentence in answer_sentences(answer):
        claim = MARKER.sub("", sentence.text).strip()
        # "... in Doha. [2]" puts the marker at the head of the next "sentence".
        leading = LEADING_MARKERS.match(sentence.text)
        for match in MARKER.finditer(sentence.text):
            owner = previous if leading and match.end() <= leading.end() and previous else claim
            for n in _numbers(match):
                if 1 <= n <= len(passages):
                    claims.setdefault(n, []).append(owner)
        previous = claim or previous

    cleaned = without_stray_markers(answer, len(passages))
    citations = [
        cite(
            n,
            passage,
            supporting_span(
                claims[n],
                passage.chunk.text,
                question,
                passage.chunk.context,
                passage.chunk.title,
            ),
        )
        for n, passage in ((n, passages[n - 1]) for n in sorted(claims))
    ]
    return cleaned, citations


def _numbers(match: re.Match[str]) -> list[int]:
    return [int(x) for x in re.split(r"\s*,\s*", match.group(1))]
