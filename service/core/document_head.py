"""What a document's text opens with to say what it is, not what happened: front matter,
a `date` header line, its title, a dateline, a byline; and the headings within it."""

from __future__ import annotations

import re

from service.core.dates import parse_date, written_date
from service.core.errors import InvalidInput
from service.core.names import names
from service.core.text import LIST_ITEM

_DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})(?=\s|\Z)\s*", re.IGNORECASE)


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
DATELINE_LINES = 4  # the title, and a few lines under it
DATELINE_CHARS = 60  # a longer line is text, not a date
TITLE_GUESS_CHARS = 120  # a title taken from the text is cut to this, with "..."


# A news agency's dateline: the place in capitals, the date, perhaps the agency, and a dash,
# on a line of its own or opening the first paragraph ("TARNVIK, March 6, 2026 (Agency) - ...",
# "PORT ELMSBY, Elm., 6 March 2026 —").
_WIRE_DATELINE = re.compile(
    r"[#*_\s]*[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]*)*(?:, [A-Z][A-Za-z.'’ ]{1,20}?)?, "
    r"(?P<date>[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{1,2} [A-Za-z]{3,9}\.? \d{4})"
    r"(?: \([^()\n]{1,40}\))? ?[-–—]+(?P<rest>.*)"
)


def find_dateline(body: str) -> str | None:
    """The ISO date of a dateline among the first DATELINE_LINES lines of text, if any."""
    head = body[: (DATELINE_CHARS + 200) * DATELINE_LINES]  # a title can be long
    lines = [line for line in head.splitlines() if line.strip()][:DATELINE_LINES]
    for line in lines:
        if found := _dateline_date(line)[0]:
            return found
    return None


def _dateline_date(line: str) -> tuple[str | None, bool]:
    """The ISO date of a dateline the line is or opens with, and whether the line is only
    that dateline; (None, False) when it has none."""
    match = _DATELINE.fullmatch(line) if len(line) <= DATELINE_CHARS else None
    if match and (found := written_date(match.group("date"))):
        return found, True
    wire = _WIRE_DATELINE.match(line)
    if wire and (found := written_date(wire.group("date"))):
        return found, not wire.group("rest").strip()
    if _is_byline(line) and (found := _byline_date(line)):
        return found, True
    return None, False


# What a byline sets its parts apart with: "By Jo Placeholder | March 10, 2026",
# "By Jo Placeholder · 4 min read · Mar 10, 2026".
_BYLINE_PARTS = re.compile(r"\s*[|·•–—]\s*|\s+-\s+")


def _byline_date(line: str) -> str | None:
    """The date a byline gives as one of its parts ("By Jo Placeholder | March 10, 2026"), or
    after the name and a comma ("By Jo Placeholder, March 10, 2026"), perhaps labelled."""
    for part in _BYLINE_PARTS.split(line.strip("#*_ \t")):
        for candidate in (part, part.partition(",")[2]):
            match = _DATELINE.fullmatch(candidate)
            if match and (found := written_date(match.group("date"))):
                return found
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


def front_matter_date(value: str) -> str | None:
    try:
        return parse_date(value)
    except InvalidInput:
        return written_date(value)


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
_LIST_MARKER = re.compile(rf"\A{LIST_ITEM}")
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
    return _dateline_date(line)[1] or _is_byline(line)


def _is_byline(line: str) -> bool:
    byline = _BYLINE.fullmatch(line) if len(line) <= BYLINE_CHARS else None
    if not byline:
        return False
    name = byline.group("name").strip("*_").rstrip(",;:")  # a name, not a day ("By Friday, ...")
    return name[:1].isupper() and (len(name) < 3 or bool(names(name)))


def guess_title(body: str, fallback: str) -> str:
    """The first line, without a Markdown heading's "#" or a list item's marker ("- "), or
    `fallback` when there is none. A line that runs on into the next (text wrapped at a
    fixed width, the next line starting in lower case) is read on with it, so a title is
    never a sentence stopped midway without "..."."""
    lines = body.splitlines()
    for i, line in enumerate(lines):
        line = _LIST_MARKER.sub("", line.strip().lstrip("#").strip())
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
