"""Sentence-aligned, token-sized chunks that remember where they came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from service.core.sections import heading_before
from service.core.text import Span, split_sentences, table_context

TokenCounter = Callable[[str], int]
# Where an over-long sentence is best cut: spaces, then punctuation of any script.
BREAKS = (" ", "\n", "\t", "。", "！", "？", "；", "，", "、", ".", "!", "?", ";", ",", ":")


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int  # character offsets into the document text
    end: int
    text: str
    context: str = ""  # see ChunkRecord.context


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
    A sentence longer than `max_tokens` is cut into pieces that fit, at spaces or
    punctuation where it has them, else anywhere: no chunk is over `max_tokens`.
    Offsets are into `text`, shifted by `offset`; chunk.text == text[start:end].
    """
    count_once = count_tokens  # cutting a long sentence counts many distinct prefixes once
    count_tokens = _remembering(count_tokens)
    pieces = _fit_pieces(text[offset:], count_tokens, count_once, max_tokens)
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
        context = heading_before(text, start) + table_context(text, start)
        chunks.append(Chunk(len(chunks), start, end, text[start:end], context))
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


def _fit_pieces(
    text: str, count_tokens: TokenCounter, count_once: TokenCounter, max_tokens: int
) -> list[Span]:
    pieces: list[Span] = []
    for sentence in split_sentences(text):
        if count_tokens(sentence.text) <= max_tokens:
            pieces.append(sentence)
        else:
            pieces.extend(_split_long(sentence, count_once, max_tokens))
    return pieces


def _split_long(sentence: Span, count_tokens: TokenCounter, max_tokens: int) -> list[Span]:
    """Cut an over-long sentence into pieces of at most `max_tokens`: each as long as
    fits, ended at its last space or punctuation mark when one is in its second half,
    else where the limit falls (text without spaces, as in some scripts, is cut there)."""
    text, start = sentence.text, 0
    out: list[Span] = []
    while True:
        while start < len(text) and text[start].isspace():
            start += 1
        if start >= len(text):
            return out
        end = _longest_fit(text, start, count_tokens, max_tokens)
        if end < len(text):
            end = _natural_end(text, start, end)
        piece = text[start:end].rstrip()
        out.append(Span(sentence.start + start, sentence.start + start + len(piece), piece))
        start = end


def _longest_fit(text: str, start: int, count_tokens: TokenCounter, max_tokens: int) -> int:
    """The largest `end` with text[start:end] within `max_tokens` (at least one character):
    a window that doubles until it no longer fits, then bisection, so a piece costs
    O(log n) tokenisations of about its own length."""
    fits, above = start + 1, min(len(text), start + 4 * max_tokens)
    while count_tokens(text[start:above]) <= max_tokens:
        if above == len(text):
            return above
        fits, above = above, min(len(text), start + 2 * (above - start))
    while above - fits > 1:
        middle = (fits + above) // 2
        if count_tokens(text[start:middle]) <= max_tokens:
            fits = middle
        else:
            above = middle
    return fits


def _natural_end(text: str, start: int, end: int) -> int:
    """`end` moved back to just after the last space or punctuation in the piece's second
    half, if there is one."""
    half = start + (end - start) // 2
    found = max(text.rfind(mark, half, end) for mark in BREAKS)
    return found + 1 if found >= 0 else end
