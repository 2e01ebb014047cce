"""What the language model reads: short, sentence-aligned excerpts of the best passages.

A small local model reads a few hundred tokens in the time it takes to read
a whole chunk's worth, and reads them better: each passage is cut to the
sentences around its most likely answer sentence (as the extractive scorer
ranks them), and only the passages holding the likeliest sentences are shown.
Passages keep their retrieval number, so `[n]` means the same passage in the
prompt, the answer and the citations.

What the reader is shown when no answer is given comes from the same ranking: the
likeliest sentence of each of a few close passages, quoted (`closest_quotes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.answering.extractive_answer import within_words
from service.answering.extractive_model import Candidate
from service.core.records import Passage
from service.core.text import Span, is_table_row, split_sentences, table_head
from service.grounding.citations import Citation, cite

CLOSEST = 3  # passages quoted, for the reader, with an answer that is not grounded
QUOTE_WORDS = 60  # the longest quote of one


@dataclass(frozen=True)
class Excerpt:
    n: int  # the passage's number (its 1-based retrieval rank)
    passage: Passage
    text: str


def excerpts(
    ranked: Sequence[Candidate], passages: Sequence[Passage], *, count: int, words: int
) -> list[Excerpt]:
    """Up to `count` passages, best first by their likeliest sentence, each cut to about
    `words` words around that sentence (whole sentences only)."""
    chosen = sorted(_likeliest_by_passage(ranked, count), key=lambda c: c.passage_rank)
    return [
        Excerpt(
            c.passage_rank + 1,
            passages[c.passage_rank],
            _around(passages[c.passage_rank], c.span, words),
        )
        for c in chosen
    ]


def title_of(passage: Passage) -> str:
    """The passage's title on one line, as every prompt shows it."""
    return " ".join(passage.chunk.title.split())


def titled(passage: Passage, text: str) -> str:
    """Text of `passage` under its title, as the answering model reads it (the support
    and reading checks read the same: a name the title gives is not missing)."""
    title = title_of(passage)
    return f"title: {title}\n{text}" if title else text


def _likeliest_by_passage(ranked: Sequence[Candidate], count: int) -> list[Candidate]:
    """The likeliest sentence of each of the `count` passages whose likeliest is likeliest,
    most likely first (`ranked`: candidates, most likely first)."""
    best: dict[int, Candidate] = {}
    for candidate in ranked:
        best.setdefault(candidate.passage_rank, candidate)
        if len(best) == count:
            break
    return list(best.values())


def closest_quotes(
    ranked: Sequence[Candidate], passages: Sequence[Passage], close: set[int]
) -> list[Citation]:
    """The likeliest sentence of each of the CLOSEST passages most likely to answer, of
    those whose ranks are in `close`, most likely first, quoted (at most QUOTE_WORDS
    words); numbered as the passages are."""
    chosen = _likeliest_by_passage([c for c in ranked if c.passage_rank in close], CLOSEST)
    return [
        cite(c.passage_rank + 1, passages[c.passage_rank], within_words(c.span, QUOTE_WORDS))
        for c in chosen
    ]


def _around(passage: Passage, centre: Span, words: int) -> str:
    """The centre sentence and its neighbours, the next one first, while the excerpt stays
    within `words` words; a side that no longer fits stops growing. (The centre may be the
    end of a sentence: the extractive candidates leave out the title, dateline or byline
    lines the first one begins with.) Rows of a table are shown under its header."""
    sentences = split_sentences(passage.chunk.text)
    index = next((i for i, s in enumerate(sentences) if s.start <= centre.start < s.end), None)
    if index is None:
        return centre.text
    first = last = index
    used = len(centre.text.split())
    growing = {1: True, -1: True}
    while any(growing.values()):
        for side in (1, -1):
            i = last + 1 if side == 1 else first - 1
            size = len(sentences[i].text.split()) if 0 <= i < len(sentences) else words + 1
            if growing[side] and used + size <= words:
                used += size
                first, last = min(first, i), max(last, i)
            else:
                growing[side] = False
    before = passage.chunk.context  # its heading, and its header if it starts in a table
    text = before + passage.chunk.text
    start = (centre.start if first == index else sentences[first].start) + len(before)
    end = sentences[last].end + len(before)
    if is_table_row(text, end - 1):  # to the bar the row closes with
        end += len(text[end:].split("\n", 1)[0].rstrip())
    if is_table_row(text, start):  # from the bar the row opens with, under the table's header
        start = text.rfind("\n", 0, start) + 1
        head = table_head(text, start)
        if head and head[1] < start:
            return f"{text[head[0] : head[1]]}\n{text[start:end]}"
    return text[start:end]
