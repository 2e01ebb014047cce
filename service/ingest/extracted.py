"""What a file's reader gives: its text, and the title, date and pages the file states."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from service.core.documents import PageSpan

PAGE_BREAK = "\n\n"


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    pages: tuple[PageSpan, ...] = ()  # where each page's text lies, for paged sources


def paged(pages: Iterable[tuple[int, str]], title: str | None, date: str | None) -> Extracted:
    """The text of pages (a PDF's, or a presentation's slides), each given with its number
    (from 1), a blank line between pages, and where each page's text lies."""
    spans: list[PageSpan] = []
    text = ""
    for number, page_text in pages:
        text += PAGE_BREAK if text else ""
        spans.append(PageSpan(number, len(text), len(text) + len(page_text)))
        text += page_text
    return Extracted(text, title, date, tuple(spans))
