"""Sentence-aligned, token-sized chunks that remember where they came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from service.text import Span, split_sentences

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int  # character offsets into the document text
    end: int
    text: str


def chunk_text(
    text: str,
    count_tokens: TokenCounter,
    *,
    max_tokens: int,
    overlap_tokens: int,
    offset: int = 0,
) -> list[Chunk]:
    """Pack whole sentences into chunks of at most `max_tokens` tokens.

    Consecutive chunks share trailing sentences worth up to `overlap_tokens`.
    A sentence longer than `max_tokens` is split on word boundaries.
    Offsets are into `text`, shifted by `offset`; chunk.text == text[start:end].
    """
    count_tokens = _remembering(count_tokens)
    pieces = _fit_pieces(text[offset:], count_tokens, max_tokens)
    pieces = [Span(p.start + offset, p.end + offset, p.text) for p in pieces]
    chunks: list[Chunk] = []
    first = 0
    while first < len(pieces):
        last, size = first, count_tokens(pieces[first].text)
        while last + 1 < len(pieces):
            grown = size + 1 + count_tokens(pieces[last + 1].text)
            if grown > max_tokens:
                break
            size, last = grown, last + 1
        start, end = pieces[first].start, pieces[last].end
        chunks.append(Chunk(len(chunks), start, end, text[start:end]))
        if last + 1 >= len(pieces):
            break
        first = _overlap_start(pieces, first, last, count_tokens, overlap_tokens)
    return chunks


def _remembering(count_tokens: TokenCounter) -> TokenCounter:
    """The same counter, tokenising each distinct text once (packing and overlap recount
    every sentence)."""
    counts: dict[str, int] = {}

    def count(text: str) -> int:
        found = counts.get(text)
        if found is None:
            found = counts[text] = count_tokens(text)
        return found

    return count


def _overlap_start(
    pieces: list[Span], first: int, last: int, count_tokens: TokenCounter, overlap: int
) -> int:
    """First piece of the next chunk: back up from `last` while the overlap fits."""
    nxt, kept = last + 1, 0
    while nxt - 1 > first:
        kept += count_tokens(pieces[nxt - 1].text)
        if kept > overlap:
            break
        nxt -= 1
    return nxt


def _fit_pieces(text: str, count_tokens: TokenCounter, max_tokens: int) -> list[Span]:
    pieces: list[Span] = []
    for sentence in split_sentences(text):
        if count_tokens(sentence.text) <= max_tokens:
            pieces.append(sentence)
        else:
            pieces.extend(_split_long(sentence, count_tokens, max_tokens))
    return pieces


def _split_long(sentence: Span, count_tokens: TokenCounter, max_tokens: int) -> list[Span]:
    """Break an over-long sentence at spaces into pieces of at most `max_tokens`."""
    out: list[Span] = []
    words = sentence.text.split(" ")
    start = 0
    current: list[str] = []
    for word in words:
        trial = " ".join([*current, word])
        if current and count_tokens(trial) > max_tokens:
            piece = " ".join(current)
            out.append(_span_at(sentence, start, piece))
            start += len(piece) + 1
            current = [word]
        else:
            current.append(word)
    if current:
        out.append(_span_at(sentence, start, " ".join(current)))
    return [p for p in out if p.text.strip()]


def _span_at(sentence: Span, start: int, piece: str) -> Span:
    return Span(sentence.start + start, sentence.start + start + len(piece), piece)
