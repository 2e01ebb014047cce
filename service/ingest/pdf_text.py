"""The text of a PDF, page by page (pypdf), with its title and creation date when set.

A page's running header and footer (the paper's name, "Page 3 of 12") are not its
text: left in, they would cut into a sentence that runs on to the next page, and a
page number would be offered as the answer to "how many". They are told from the
text by where they stand and how often they recur: a line at the top or bottom of
a page that is only a page number, or that recurs, digits aside, at the top (or at
the bottom) of at least half the pages that have text.

A PDF's lines are its layout's: a sentence wrapped over two lines is read as one
line where the next line starts in lower case or with a digit (a line that ends
in a hyphen keeps it: "infra-" and "structure" become "infra-structure", since a
compound's hyphen cannot be told from a soft one), unless that digit numbers a section
or an item ("3. Claims"). A line followed by one that starts in capitals stays a line
of its own: it may be a heading, and a short line of capitals or a numbered one
("3. MAKING A CLAIM") is written as a Markdown heading (service/ingest/plain_headings.py).
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections import Counter

from pypdf import PageObject, PdfReader

from service.core.errors import ServiceError, TooComplex, UnreadableFile
from service.ingest.extracted import Extracted, paged
from service.ingest.parsing_pool import NO_DEADLINE, Deadline
from service.ingest.plain_headings import NUMBER, mark_headings

log = logging.getLogger(__name__)
MAX_PAGES = 5000
# Decoded page content: a page of text takes a few KB; pypdf reads about 60,000
# text operators (under 1 MB) a second, so these bound a file to seconds of work.
MAX_PAGE_CONTENT_BYTES = 2_000_000
MAX_CONTENT_BYTES = 32_000_000
EDGE_LINES = 2  # a running header or footer is one of a page's first or last two lines
RUNNING_SHARE = 0.5  # of the pages with text, at least two, on whose edges a line must recur
# A line that starts with a section's or a list item's number ("3. Claims") is not one the
# layout wrapped: it starts a heading, or an item.
_WRAPPED = re.compile(rf"(?<=\S)[ \t]*\n[ \t]*(?=[a-z]|(?!{NUMBER}[ \t]+[A-Z])[0-9])")
_WRAPPED_AFTER_HYPHEN = re.compile(r"(?<=[A-Za-z]-)[ \t]*\n[ \t]*(?=[a-z])")
_PAGE_NUMBER = re.compile(r"[-–—\s]*(?:page\s*)?\d{1,5}(?:\s*(?:of|/)\s*\d{1,5})?[-–—\s]*", re.I)


def extract_pdf(data: bytes, name: str, deadline: Deadline = NO_DEADLINE) -> Extracted:
    """The text of each page, within limits: a small hostile file (many pages sharing one
    huge content stream) would otherwise keep a CPU busy for minutes. Pages without
    text are left out; the others keep their numbers."""
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
    pages = [
        (n, mark_headings(unwrapped(text), between_blank_lines=False))
        for n, text in without_running_lines(pages)
        if text
    ]
    if not pages:
        raise UnreadableFile(f"{name} has no extractable text (a scanned PDF needs OCR first)")
    return paged(pages, _title(reader), _creation_day(reader))


def without_running_lines(pages: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The pages without their running headers and footers (see the module's docstring)."""
    lines = [text.splitlines() for _, text in pages]
    tops: Counter[str] = Counter()
    bottoms: Counter[str] = Counter()
    for page in lines:
        filled = [line for line in page if line.strip()]
        tops.update({_shape(line) for line in filled[:EDGE_LINES]})
        bottoms.update({_shape(line) for line in filled[-EDGE_LINES:]})
    with_text = sum(any(line.strip() for line in page) for page in lines)
    least = max(2, math.ceil(RUNNING_SHARE * with_text))
    headers = {shape for shape, count in tops.items() if count >= least}
    footers = {shape for shape, count in bottoms.items() if count >= least}

    def running(line: str, recurring: set[str]) -> bool:
        return not line.strip() or bool(_PAGE_NUMBER.fullmatch(line)) or _shape(line) in recurring

    kept = []
    for (number, _), page in zip(pages, lines, strict=True):
        top, bottom, seen = 0, len(page), 0
        while top < bottom and seen < EDGE_LINES and running(page[top], headers):
            seen += bool(page[top].strip())
            top += 1
        seen = 0
        while bottom > top and seen < EDGE_LINES and running(page[bottom - 1], footers):
            seen += bool(page[bottom - 1].strip())
            bottom -= 1
        kept.append((number, "\n".join(page[top:bottom]).strip()))
    return kept


def unwrapped(text: str) -> str:
    """The text with lines that its layout wrapped mid-sentence joined (see the module's
    docstring)."""
    return _WRAPPED.sub(" ", _WRAPPED_AFTER_HYPHEN.sub("", text))


def _shape(line: str) -> str:
    """A line with its digits and spacing folded: "Page 3 of 12" and "Page 4 of 12" agree."""
    return re.sub(r"\d+", "0", " ".join(line.split()).lower())


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
