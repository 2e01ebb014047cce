"""Documents: the record kept per document, its id rules, and building one from text.

Files of every format become Documents in one place: service/ingest/loaders.py.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from service.core.errors import InvalidInput
from service.core.text import names

_DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})(?=\s|\Z)\s*", re.IGNORECASE)
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


# An ISO 8601 date, or a date and time ("2026-03-04T09:30:00Z", as feeds and news APIs give
# publication times): the date is kept as written, whatever the time zone.
_ISO_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}.*)?")


def parse_date(value: str) -> str:
    """The date (YYYY-MM-DD) of an ISO date or date-time; InvalidInput for anything else."""
    match = _ISO_DATE_TIME.fullmatch(value.strip())
    try:
        if match is None:
            raise ValueError(value)
        if match.group(0) != match.group(1):
            datetime.fromisoformat(match.group(0))  # the time must be valid too
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError as exc:
        raise InvalidInput(
            f"invalid date {value[:100]!r}: expected YYYY-MM-DD (or an ISO 8601 date and time)"
        ) from exc


def date_number(iso_date: str | None) -> int:
    """YYYYMMDD as an int (0 when unknown), so the vector store can range-filter dates."""
    return int(iso_date.replace("-", "")) if iso_date else 0


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


def split_date_header(text: str) -> tuple[str | None, int]:
    """Read a leading `date YYYY-MM-DD` header: (its date, where the body starts)."""
    match = _DATE_HEADER.match(text)
    if not match:
        return None, 0
    return parse_date(match.group(1)), match.end()


# A dateline: a line of its own near the top that is only a date, perhaps labelled
# ("Published 2026-03-04", "*March 10, 2026*", "Updated: 4 Mar 2026").
_DATELINE = re.compile(
    r"[#*_\s]*(?:(?:published|updated|posted|dated?)\s*(?:on)?\s*:?\s*)?"
    r"(?P<date>[A-Za-z0-9.,:/\s-]+?)[*_\s]*",
    re.IGNORECASE,
)
# A time of day with a dateline's date ("Updated 3:45 p.m. ET Nov. 12, 2026", "March 10,
# 2026 at 09:30 GMT"): not part of the date.
_TIME = re.compile(
    r"(?:\bat\s+)?\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?(?:\s+[A-Z]{2,4}\b)?",
    re.IGNORECASE,
)
_DATE_FORMATS = tuple(
    weekday + day
    for weekday in ("", "%A, ", "%a, ", "%A ", "%a ")
    for day in ("%B %d, %Y", "%B %d %Y", "%d %B %Y", "%b %d, %Y", "%b %d %Y", "%d %b %Y")
) + ("%Y-%m-%d", "%Y/%m/%d")
DATELINE_LINES = 4  # the title, and a few lines under it
DATELINE_CHARS = 60  # a longer line is text, not a date
TITLE_GUESS_CHARS = 120  # a title taken from the text is cut to this, with "..."


def find_dateline(body: str) -> str | None:
    """The ISO date of a dateline among the first DATELINE_LINES lines of text, if any."""
    head = body[: (DATELINE_CHARS + 200) * DATELINE_LINES]  # a title can be long
    lines = [line for line in head.splitlines() if line.strip()][:DATELINE_LINES]
    for line in lines:
        match = _DATELINE.fullmatch(line) if len(line) <= DATELINE_CHARS else None
        if match and (found := _written_date(match.group("date"))):
            return found
    return None


def _written_date(value: str) -> str | None:
    """The ISO date of a date written out ("March 10, 2026", "Tue 10 Mar 2026", "2026/03/10"),
    perhaps with a time of day."""
    value = " ".join(_TIME.sub(" ", value).replace(".", " ").split())
    value = re.sub(r"\s+,", ",", value).strip(" ,")
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    return None


# Front matter: a block of `key: value` lines between two "---" lines that opens a Markdown
# file written for a site generator or a notes app. Its title and date are the document's;
# the block (layout, tags, author...) is not its text.
_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(?P<block>(?:.*\r?\n){0,60}?)---[ \t]*(?:\r?\n|\Z)"
)
_FRONT_KEY = re.compile(r"[A-Za-z_][\w-]*[ \t]*:(?:\s|\Z)")


def split_front_matter(text: str) -> tuple[dict[str, str], int]:
    """A leading front matter's top-level fields (keys lower-cased, values unquoted), and
    where the text after it starts; ({}, 0) when the text opens with none."""
    match = _FRONT_MATTER.match(text)
    lines = [line for line in match.group("block").splitlines() if line.strip()] if match else []
    if not match or not lines or not _FRONT_KEY.match(lines[0]):
        return {}, 0
    fields = {}
    for line in lines:
        if _FRONT_KEY.match(line):  # not an indented or continued line
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip().strip("\"'").strip()
    return fields, match.end()


def _front_matter_date(value: str) -> str | None:
    try:
        return parse_date(value)
    except InvalidInput:
        return _written_date(value)


# A page's title often adds the site's name to the headline: "Port orders cranes | Acme News".
_SITE_NAME = re.compile(r"\s+[|\u2013\u2014-]\s+\S|:\s+\S")
# A byline: "By Jo Placeholder", "By Jo Placeholder, March 10, 2026": a short line of its own,
# without a sentence's full stop ("By Friday, the port had reopened." is text).
_BYLINE = re.compile(r"[#*_\s]*(?:written\s+)?by\s+(?P<name>\S+)[^.!?]*", re.IGNORECASE)
BYLINE_CHARS = 80


def head_end(text: str, title: str) -> int:
    """Where a document's own text begins: after the lines a news file or page may open with
    that say what it is, not what happened (its title, a dateline, a byline), among its
    first DATELINE_LINES lines; 0 when it opens with none of them."""
    end, seen = 0, 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            if seen == DATELINE_LINES or not _is_head_line(line.strip(), title.strip()):
                break
            seen += 1
        end += len(line)
    return end if seen else 0


# What closes a statement: a sentence's end, or a colon or quote that leads on to one.
_STATEMENT_END = re.compile(r"""[.!?:;…"'”’)\]]\Z""")


def is_heading(sentence: str) -> bool:
    """A line of its own, as short as a title, without the punctuation that closes a
    statement: a heading, a caption, a label ("Sam Example · 4 min read"), not a claim."""
    line = sentence.strip("*_ \t")
    return "\n" not in line and len(line) <= TITLE_GUESS_CHARS and not _STATEMENT_END.search(line)


def _is_head_line(line: str, title: str) -> bool:
    bare = line.strip("#*_ \t")
    site_name = title[len(bare) :] if bare and title.startswith(bare) else ""
    if bare and (bare == title or _SITE_NAME.match(site_name)):
        return True
    if len(line) <= DATELINE_CHARS and find_dateline(line):
        return True
    byline = _BYLINE.fullmatch(line) if len(line) <= BYLINE_CHARS else None
    if not byline:
        return False
    name = byline.group("name")  # a name, not a day ("By Friday, ...")
    return name[0].isupper() and (len(name) < 3 or bool(names(name)))


def guess_title(body: str, fallback: str) -> str:
    """The first line, or `fallback` when there is none. A line that runs on into the next
    (text wrapped at a fixed width, the next line starting in lower case) is read on with
    it, so a title is never a sentence stopped midway without "..."."""
    lines = body.splitlines()
    for i, line in enumerate(lines):
        line = line.strip().lstrip("#").strip()
        if not any(ch.isalnum() for ch in line):  # blank, or a rule ("---", "***")
            continue
        for following in lines[i + 1 :]:
            if len(line) > TITLE_GUESS_CHARS or not following.strip()[:1].islower():
                break
            line += " " + following.strip()
        if len(line) <= TITLE_GUESS_CHARS:
            return line
        return line[: TITLE_GUESS_CHARS - 3].rsplit(" ", 1)[0] + "..."
    return fallback


def body_start(text: str) -> int:
    """Where a document's text proper starts: after its front matter or a leading
    `date YYYY-MM-DD` line (Document.body_start, read again from the stored text)."""
    _, front_end = split_front_matter(text)
    return front_end + split_date_header(text[front_end:])[1]


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
    front_date = _front_matter_date(front["date"]) if front.get("date") else None
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
