"""Documents: the record kept per document, its id rules, and building one from text.

Files of every format become Documents in one place: service/ingest/loaders.py.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from service.core.dates import parse_date
from service.core.document_head import (
    find_dateline,
    front_matter_date,
    guess_title,
    split_date_header,
    split_front_matter,
)
from service.core.errors import InvalidInput

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_ID_CHARS = 128
# Ids go into URL paths (/v1/documents/{id}) as they are, so they are plain ASCII words.
ID_REGEX = r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
ID_PATTERN = re.compile(ID_REGEX.removesuffix("$") + r"\Z")
TITLE_CHARS = 500  # a title given with a document, or in its front matter
ID_RULE = "an id is 1 to 128 characters of A-Z a-z 0-9 . _ -, not starting with . or -"


@dataclass(frozen=True)
class PageSpan:
    """Page `number` (1-based) of a paged source is text[start:end] of its document."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str  # exactly as given, so citation offsets slice the original
    title: str
    date: str | None = None  # ISO YYYY-MM-DD
    source: str = ""
    body_start: int = 0  # where the text proper begins, after a `date` header line
    pages: tuple[PageSpan, ...] = ()  # for paged sources (PDF): where each page's text lies

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for part in (self.text, self.title, self.date or "", self.source):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
        for page in self.pages:
            digest.update(f"{page.number}:{page.start}:{page.end};".encode())
        return digest.hexdigest()[:16]


def check_doc_id(doc_id: str) -> str:
    """A client's id is stored exactly as given, or refused: never changed into another one."""
    if not ID_PATTERN.fullmatch(doc_id):
        raise InvalidInput(
            f"invalid document id {doc_id[:200]!r}: {ID_RULE}"
            + (" (or leave it out to use the file name)" if doc_id else "")
        )
    return doc_id


def doc_id_for_name(name: str) -> str:
    """The id of a file sent without one: its name (path below the folder) with its suffix.

    A name that is a valid id is the id (report.pdf and report.html stay apart). Any
    other name has its unsafe characters replaced and a digest of the exact name added,
    so two different names never give the same id ("a b.txt", "a?b.txt" and "a-b.txt"
    each get their own).
    """
    if ID_PATTERN.fullmatch(name):
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    path = Path(name)
    stem, suffix = (name[: -len(path.suffix)], path.suffix) if path.suffix else (name, "")
    safe_suffix = _ID_UNSAFE.sub("", suffix)[:16]
    room = MAX_ID_CHARS - len(digest) - len(safe_suffix) - 1
    safe_stem = _ID_UNSAFE.sub("-", stem).strip("-.")[:room] or "file"
    return f"{safe_stem}-{digest}{safe_suffix}"


def build_document(
    text: str,
    *,
    doc_id: str | None = None,
    title: str | None = None,
    date: str | None = None,
    source: str = "",
    fallback_id: str | None = None,
) -> Document:
    """Make a Document from raw text, reading its front matter or a seed-style date header
    when it opens with one (the metadata given, where given, comes first)."""
    front, front_end = split_front_matter(text)
    header_date, header_end = split_date_header(text[front_end:])
    start = front_end + header_end
    body = text[start:]
    if not body.strip():
        raise InvalidInput("document text is empty")
    front_date = front_matter_date(front["date"]) if front.get("date") else None
    resolved_date = parse_date(date) if date else front_date or header_date or find_dateline(body)
    title = title or front.get("title", "")[:TITLE_CHARS]
    if doc_id is not None:
        resolved_id = check_doc_id(doc_id)
    else:
        resolved_id = doc_id_for_name(fallback_id) if fallback_id else _content_id(body)
    return Document(
        doc_id=resolved_id,
        text=text,
        title=(title or "").strip() or guess_title(body, resolved_id),
        date=resolved_date,
        source=source,
        body_start=start,
    )


def _content_id(body: str) -> str:
    return "doc-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
