"""Request and response bodies of the HTTP API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StrictBool,
    WithJsonSchema,
)

from service.answering.answers import Answer
from service.core.dates import parse_date
from service.core.documents import TITLE_CHARS
from service.core.errors import InvalidInput
from service.core.input_checks import SOURCE_CHARS, DocumentId, StrictInput
from service.core.records import ChunkRecord, DocumentRecord, Passage
from service.grounding.citations import Citation
from service.grounding.claims import Claim


class Strict(StrictInput):
    """Unknown fields and strings that are not valid Unicode are refused."""


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_string(value: object) -> object:
    """Dates come as YYYY-MM-DD strings only (pydantic would also take numbers)."""
    if value is not None and not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        raise ValueError("must be a date string YYYY-MM-DD")
    return value


def _publication_date(value: object) -> object:
    """A document's date: YYYY-MM-DD, or an ISO 8601 date and time (its date is kept)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be a date string YYYY-MM-DD")
    try:
        return parse_date(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from exc


def _whole_number(value: object) -> object:
    """JSON integers (5 or 5.0), not strings or booleans."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError("must be a whole number")
    return value


# Inputs accept exactly the JSON types their schema names: no "5" for 5, no 0 for a date.
IsoDate = Annotated[dt.date, BeforeValidator(_date_string)]
PublicationDate = Annotated[
    str,
    BeforeValidator(_publication_date),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},  # its date is kept
            ]
        }
    ),
]
PositiveWholeNumber = Annotated[int, Field(ge=1), BeforeValidator(_whole_number)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


NonBlankText = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]  # stripped


class FiltersIn(Strict):
    since: IsoDate | None = None
    until: IsoDate | None = None
    doc_ids: list[str] = Field(default_factory=list, max_length=1000)


class HistoryMessage(Strict):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class AskIn(Strict):
    question: NonBlankText
    top_k: PositiveWholeNumber | None = None
    filters: FiltersIn | None = None
    mode: Literal["auto", "llm", "extractive"] = "auto"
    history: list[HistoryMessage] = Field(default_factory=list)
    stream: StrictBool = False
    drafts: StrictBool = Field(
        False,
        description="In a stream held for the support check: `draft` events with the "
        "model's text as it writes it, not yet checked; the first `delta` replaces them.",
    )


class SearchIn(Strict):
    query: NonBlankText
    top_k: PositiveWholeNumber | None = None
    filters: FiltersIn | None = None


class DocumentIn(Strict):
    id: DocumentId | None = None
    title: str | None = Field(None, max_length=TITLE_CHARS)
    date: PublicationDate | None = None
    source: str = Field("", max_length=SOURCE_CHARS)
    text: str = Field(min_length=1)


class CitationOut(BaseModel):
    n: int
    doc_id: str
    title: str
    date: str | None
    source: str
    chunk_id: str
    text: str
    quote: str
    start: int
    end: int
    score: float
    verified: bool = False
    page: int | None = None  # the page of a paged source (PDF) the quote is on

    @classmethod
    def of(cls, citation: Citation) -> CitationOut:
        return cls(
            **_chunk_fields(citation.chunk),
            n=citation.n,
            quote=citation.quote,
            start=citation.start,
            end=citation.end,
            score=round(citation.score, 6),
            verified=citation.verified,
        )


def _chunk_fields(chunk: ChunkRecord) -> dict[str, Any]:
    """What citations and search results say about the chunk they come from."""
    return {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "date": chunk.date,
        "source": chunk.source,
        "chunk_id": chunk.chunk_id,
        "text": chunk.text,
        "page": chunk.page,
    }


class ClaimOut(BaseModel):
    text: str
    citations: list[int]
    supported: bool

    @classmethod
    def of(cls, claim: Claim) -> ClaimOut:
        return cls(text=claim.text, citations=claim.numbers, supported=claim.supported)


class AnswerOut(BaseModel):
    answer: str
    citations: list[CitationOut]
    mode: Literal["llm", "extractive"]
    model: str | None
    grounded: bool
    degraded: bool = False
    usage: dict[str, int] | None = None
    timings_ms: dict[str, float]
    standalone_question: str | None = None  # issue 5: the follow-up as rewritten for retrieval
    claims: list[ClaimOut] = Field(default_factory=list)
    # Not grounded, though passages were close: the likeliest sentence of the few closest,
    # quoted for the reader to judge (not an answer, not checked: `verified` is false).
    closest: list[CitationOut] = Field(default_factory=list)

    @classmethod
    def of(cls, answer: Answer) -> AnswerOut:
        return cls(
            answer=answer.text,
            citations=[CitationOut.of(c) for c in answer.citations],
            mode=answer.mode,
            model=answer.model,
            grounded=answer.grounded,
            degraded=answer.degraded,
            usage=answer.usage or None,
            timings_ms=answer.timings_ms,
            standalone_question=answer.standalone_question,
            claims=[ClaimOut.of(c) for c in answer.claims],
            closest=[CitationOut.of(c) for c in answer.closest],
        )


class PassageOut(BaseModel):
    rank: int
    doc_id: str
    title: str
    date: str | None
    source: str
    chunk_id: str
    text: str
    start: int
    end: int
    score: float
    similarity: float | None
    bm25: float | None
    page: int | None = None  # the page of a paged source (PDF) the passage is on

    @classmethod
    def of(cls, rank: int, passage: Passage) -> PassageOut:
        chunk = passage.chunk
        return cls(
            **_chunk_fields(chunk),
            rank=rank,
            start=chunk.start,
            end=chunk.end,
            score=round(passage.score, 6),
            similarity=None if passage.similarity is None else round(passage.similarity, 6),
            bm25=None if passage.lexical is None else round(passage.lexical, 6),
        )


class SearchOut(BaseModel):
    results: list[PassageOut]
    timings_ms: dict[str, float]


class IngestOut(BaseModel):
    doc_id: str
    chunks: int
    status: Literal["created", "updated", "unchanged"]


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    date: str | None
    source: str
    content_hash: str
    chunks: int
    chars: int

    @classmethod
    def of(cls, record: DocumentRecord) -> DocumentOut:
        return cls(**record.__dict__)


class DocumentDetailOut(DocumentOut):
    text: str
    body_start: int  # where the text proper starts: after a leading date line or front matter


class DocumentListOut(BaseModel):
    documents: list[DocumentOut]
    total: int
    limit: int | None = None  # the page asked for (GET /v1/documents?limit=&offset=)
    offset: int = 0


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
