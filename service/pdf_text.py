"""The text of a PDF, page by page (pypdf), with its title and creation date when set."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from pypdf import PdfReader

from service.errors import UnreadableFile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfText:
    pages: list[tuple[int, str]]  # (1-based page number, its text) for pages that have text
    title: str | None
    date: str | None  # ISO YYYY-MM-DD


def extract_pdf(data: bytes, name: str) -> PdfText:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile(f"{name} is encrypted")
        pages = [(n, (page.extract_text() or "").strip()) for n, page in enumerate(reader.pages, 1)]
    except UnreadableFile:
        raise
    except Exception as exc:  # pypdf raises many kinds on malformed files
        log.info("cannot read %s as PDF: %r", name, exc)
        raise UnreadableFile(f"{name} is not a readable PDF") from exc
    pages = [(n, text) for n, text in pages if text]
    if not pages:
        raise UnreadableFile(f"{name} has no extractable text (a scanned PDF needs OCR first)")
    return PdfText(pages, _title(reader), _creation_day(reader))


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
