"""Loaders: files and uploads of every supported format into Documents.

.txt/.md   text (UTF-8, or UTF-16 or Windows-1252), an optional leading `date YYYY-MM-DD` line;
           plain-text headings as Markdown's (service.ingest.plain_headings)
.html/.htm the article text (service.ingest.html_text); title and date from the page's metadata
.pdf       the text of each page (service.ingest.pdf_text); every chunk remembers its page
.csv/.tsv  the rows as a Markdown table under the first row (service.ingest.csv_text)
.docx      the paragraphs, lists and tables of a Word document (service.ingest.docx_text)
.xlsx      each visible sheet of an Excel workbook as a table (service.ingest.xlsx_text)
.pptx      each slide of a PowerPoint presentation, a page (service.ingest.pptx_text)
.eml       an email's body, its subject the title, its date the date (service.ingest.email_text)
.jsonl     one JSON object {id?, title?, date?, source?, text} per line

A document's `text` is the extracted text, so citation offsets slice what was
extracted, not the raw file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_core import ErrorDetails

from service.core.documents import TITLE_CHARS, Document, build_document
from service.core.errors import InvalidInput, ServiceError, UnreadableFile, UnsupportedType
from service.core.input_checks import SOURCE_CHARS, DocumentId, StrictInput
from service.ingest.csv_text import extract_table
from service.ingest.docx_text import extract_docx
from service.ingest.email_text import extract_email
from service.ingest.extracted import Extracted
from service.ingest.html_text import extract_html
from service.ingest.parsing_pool import NO_DEADLINE, Deadline
from service.ingest.pdf_text import extract_pdf
from service.ingest.plain_headings import mark_headings
from service.ingest.pptx_text import extract_pptx
from service.ingest.text_encodings import decode_html, decode_text
from service.ingest.xlsx_text import extract_xlsx

TEXT = {".txt", ".md", ".markdown"}
HTML = {".html", ".htm"}
JSONL = {".jsonl", ".ndjson"}
TABLES = {".csv": None, ".tsv": "\t"}  # the delimiter, None: the one the file uses
WORD = ".docx"
WORKBOOK = ".xlsx"
SLIDES = ".pptx"
EMAIL = ".eml"
SUFFIXES = TEXT | HTML | JSONL | set(TABLES) | {".pdf", WORD, WORKBOOK, SLIDES, EMAIL}
CONTENT_TYPES = {
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/html": ".html",
    "application/pdf": ".pdf",
    "text/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": WORD,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": WORKBOOK,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": SLIDES,
    "message/rfc822": EMAIL,
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "application/x-jsonlines": ".jsonl",
}


@dataclass(frozen=True)
class Metadata:
    """What a caller states about a single file; it wins over what the file says."""

    doc_id: str | None = None
    title: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class LoadFailure:
    """One item of a many-document file that could not be loaded (e.g. a JSONL line)."""

    where: str
    error: ServiceError

    @property
    def message(self) -> str:
        return f"{self.where}: {self.error.message}"


Loaded = Document | LoadFailure


def format_of(name: str, content_type: str | None = None) -> str:
    """The loader suffix for a file name, else for its content type; 415 when neither fits."""
    suffix = Path(name).suffix.lower()
    if suffix in SUFFIXES:
        return suffix
    media = (content_type or "").split(";")[0].strip().lower()
    if media in CONTENT_TYPES and not suffix:
        return CONTENT_TYPES[media]
    supported = ", ".join(sorted(SUFFIXES))
    raise UnsupportedType(f"unsupported file type {suffix or media!r} ({name}); use {supported}")


def find_files(path: Path) -> list[Path]:
    """The loadable files at `path`: the file itself, or every supported file below a folder."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InvalidInput(f"no such file or folder: {path}")
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def load_path(path: Path, root: Path) -> Iterator[Loaded]:
    """Documents of a file; its id is its path below `root`, with the suffix.

    The one way files become documents: start-up seeding (service/ingest/seeding.py), the
    CLI (service/cli/ingest.py) and uploads (load_upload, below) all end in load_file.
    """
    relative = _relative_name(path, root)
    if format_of(path.name) in JSONL:
        with path.open("rb") as lines:  # streamed: a large JSONL file never sits in memory
            yield from load_jsonl(lines, relative)
        return
    yield load_document(path, root)


def load_document(path: Path, root: Path) -> Document:
    """The one document of a file of any format but JSONL; raises when it cannot be read."""
    name = _relative_name(path, root)
    return load_file(path.read_bytes(), name, format_of(path.name), Metadata())


def _relative_name(path: Path, root: Path) -> str:
    return str(path.relative_to(root) if path != root else Path(path.name))


def load_upload(
    name: str,
    data: bytes,
    content_type: str | None,
    meta: Metadata,
    deadline: Deadline = NO_DEADLINE,
) -> list[Loaded]:
    fmt = format_of(name, content_type)
    if fmt in JSONL:
        return list(load_jsonl(data.splitlines(), name))
    return [load_file(data, name, fmt, meta, deadline)]


def load_file(
    data: bytes, name: str, fmt: str, meta: Metadata, deadline: Deadline = NO_DEADLINE
) -> Document:
    """One document from the bytes of a file of format `fmt` (not JSONL) called `name`; what
    the caller states (`meta`) wins over what the file says."""
    if not data.strip():
        raise UnreadableFile(f"{name} is empty")
    extracted = _extract(data, name, fmt, deadline)
    document = build_document(
        extracted.text,
        doc_id=meta.doc_id,
        title=meta.title or extracted.title,
        date=meta.date or extracted.date,
        source=meta.source if meta.source is not None else name,
        fallback_id=name,  # with its suffix: report.pdf and report.html are two documents
    )
    return replace(document, pages=extracted.pages) if extracted.pages else document


def _extract(data: bytes, name: str, fmt: str, deadline: Deadline) -> Extracted:
    if fmt in HTML:
        page = _parse_html(decode_html(data, name), name, deadline)
        if not page.text.strip():
            raise UnreadableFile(f"{name} has no readable text")
        return page
    if fmt == ".pdf":
        return extract_pdf(data, name, deadline)
    if fmt == SLIDES:
        return extract_pptx(data, name)
    if fmt == WORD:
        return extract_docx(data, name)
    if fmt == WORKBOOK:
        book = extract_xlsx(data, name)
        return replace(book, title=book.title or _name_title(name))
    if fmt == EMAIL:
        return extract_email(data, name)
    if fmt in TABLES:
        table = extract_table(decode_text(data, name), name, TABLES[fmt])
        return Extracted(table, _name_title(name))
    return Extracted(mark_headings(decode_text(data, name)))


def load_jsonl(lines: Iterable[bytes], name: str) -> Iterator[Loaded]:
    """One document per non-blank line; a bad line is a LoadFailure, the others still load."""
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        where = f"{name} line {number}"
        try:
            yield _jsonl_document(raw, name)
        except ServiceError as error:
            yield LoadFailure(where, error)


class _JsonlLine(StrictInput):
    id: DocumentId | None = None
    title: str | None = Field(None, max_length=TITLE_CHARS)
    date: str | None = None
    source: str | None = Field(None, max_length=SOURCE_CHARS)
    text: str = Field(min_length=1)


def _jsonl_document(raw: bytes, name: str) -> Document:
    try:
        line = _JsonlLine.model_validate(json.loads(raw))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput("not a JSON object") from exc
    except RecursionError as exc:  # json.loads on thousands of nested brackets
        raise InvalidInput("nested too deeply to be a document") from exc
    except ValidationError as exc:
        raise InvalidInput(_problems(exc.errors())) from exc
    return build_document(
        line.text,
        doc_id=line.id,
        title=line.title,
        date=line.date,
        source=line.source if line.source is not None else name,
    )


def _problems(errors: list[ErrorDetails]) -> str:
    """What is wrong with a line: its unknown fields (another tool's export, a typo) named
    together with the fields a line may hold, then the first other problems."""
    unknown = [str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden"]
    problems = [
        f"{'.'.join(map(str, e['loc'])) or 'line'}: {e['msg']}"
        for e in errors
        if e["type"] != "extra_forbidden"
    ][:3]
    if unknown:
        fields = ", ".join(_JsonlLine.model_fields)
        named = ", ".join(unknown[:5])
        plural = "s" if len(unknown) > 1 else ""
        problems.insert(0, f"unknown field{plural} {named} (a line holds {fields})")
    return "; ".join(problems)


def _parse_html(markup: str, name: str, deadline: Deadline) -> Extracted:
    try:
        return extract_html(markup, deadline)
    except (AssertionError, ValueError) as exc:  # html.parser on some malformed markup
        raise UnreadableFile(f"{name} is not parsable HTML") from exc


def _name_title(name: str) -> str:
    """A table's or workbook's title: its file's name, without folders and suffix
    ("opening-hours.csv" -> "opening hours"), since its first line is a header row."""
    return " ".join(re.split(r"[\s_-]+", Path(name).stem)).strip() or name
