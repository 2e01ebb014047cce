"""The records the store, the lexical index and the retriever pass around."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChunkRecord:
    chunk_id: str
    doc_id: str
    doc_hash: str
    index: int
    text: str
    start: int  # character offsets into the document's text
    end: int
    title: str
    date: str | None
    source: str
    page: int | None = None  # page of a paged source (PDF) the chunk lies on
    # What comes before the chunk that its text is read under: the line of the heading of
    # the section it starts in (a chunk cut from inside a long section: its sentences read
    # under the heading), then, if it starts inside a table under a header before it, the
    # header and delimiter rows and its first row's start (its rows read as the table's).
    context: str = ""


@dataclass(frozen=True)
class DocumentRecord:
    doc_id: str
    title: str
    date: str | None
    source: str
    content_hash: str
    chunks: int
    chars: int


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its scores: fused rank score, dense cosine, BM25."""

    chunk: ChunkRecord
    score: float
    similarity: float | None = None
    lexical: float | None = None
