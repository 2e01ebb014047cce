"""The text of a PDF, page by page (pypdf), with its title and creation date when set."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from pypdf import PageObject, PdfReader

from service.core.errors import ServiceError, TooComplex, UnreadableFile
from service.ingest.parsing_pool import NO_DEADLINE, Deadline

log = logging.getLogger(__name__)
MAX_PAGES = 5000
# Decoded page content: a page of text takes a few KB; pypdf reads about 60,000
# text operators (under 1 MB) a second, so these bound a file to seconds of work.
MAX_PAGE_CONTENT_BYTES = 2_000_000
MAX_CONTENT_BYTES = 32_000_000


@dataclass(frozen=True)
class PdfText:
    pages: list[tuple[int, str]]  # (1-based page number, its text) for pages that have text
    title: str | None
    date: str | None  # ISO YYYY-MM-DD


def extract_pdf(data: bytes, name: str, deadline: Deadline = NO_DEADLINE) -> PdfText:
    """The text of each page, within limits: a small hostile file (many pages sharing one
    huge content stream) would otherwise keep a CPU busy for minutes."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile(f"{name} is encrypted")
        if len(reader.pages) > MAX_PAGES:
            raise TooComplex(f"{name} has {len(reader.pages)} pages; the limit is {MAX_PAGES}")
        budget = _ContentBudget(name, deadline)
        pages = [(n, budget.page_text(n, page)) for n, page in enumerate(reader.pages, 1)]
    except ServiceError:
        raise
    except Exception as exc:  # pypdf raises many kinds on malformed files
        log.info("cannot read %s as PDF: %r", name, exc)
        raise UnreadableFile(f"{name} is not a readable PDF") from exc
    pages = [(n, text) for n, text in pages if text]
    if not pages:
        raise UnreadableFile(f"{name} has no extractable text (a scanned PDF needs OCR first)")
    return PdfText(pages, _title(reader), _creation_day(reader))


class _ContentBudget:
    """Counts the content-stream bytes read so far and checks the deadline as text is read."""

    def __init__(self, name: str, deadline: Deadline) -> None:
        self.name = name
        self.deadline = deadline
        self.content_bytes = 0
        self.operators = 0

    def page_text(self, number: int, page: PageObject) -> str:
        self.deadline.check(self.name)
        contents = page.get_contents()
        size = len(contents.get_data()) if contents is not None else 0
        where = f"{self.name} page {number}"
        if size > MAX_PAGE_CONTENT_BYTES:
            raise TooComplex(
                f"{where} has {size} bytes of content; the limit is {MAX_PAGE_CONTENT_BYTES}"
            )
        self.content_bytes += size
        if self.content_bytes > MAX_CONTENT_BYTES:
            raise TooComplex(f"{self.name} has over {MAX_CONTENT_BYTES} bytes of page content")
        return (page.extract_text(visitor_operand_before=self._operator) or "").strip()

    def _operator(self, *_: object) -> None:
        self.operators += 1
        if self.operators % 2000 == 0:
            self.deadline.check(self.name)


def _title(reader: PdfReader) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # a malformed info dictionary only costs us the title
        return None
    return str(title).strip() or None if title else None


def _creation_day(reader: PdfReader) -> str | None:
    try:
        created = reader.metadata.creation_date if reader.metadata else None
    except Exception:  # an unparsable date string only costs us the date
        return None
    return created.date().isoformat() if created else None
