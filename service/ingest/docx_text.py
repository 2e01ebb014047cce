"""The text of a Word document (.docx), with its title and creation date when set.

Its body is the part `word/document.xml` of the file's zip (service.ingest.office_package
reads it within bounds). Each paragraph is a block of its own (blank lines between
blocks); a list's paragraph is a "- " line, so its items read as sentences of their own;
a paragraph in a heading style is a Markdown heading of its level ("## Opening hours"),
so that the sentences under it are read in its section, and so is a short paragraph all in
bold (a heading typed without a style, level 2) and one a text file's heading would be
(service.ingest.plain_headings: capitals, a numbered section, a FAQ's "Q:" question);
a table whose rows have several cells is a Markdown table under its first row (the
service reads each row under that header, as it reads an HTML page's or a CSV file's),
and a table of one cell a row (a box of text, a layout) gives its lines. Text deleted
with tracked changes is left out; headers, footers, footnotes and comments are not read.
The title and date are the document's properties.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from service.core.errors import UnreadableFile
from service.ingest.extracted import Extracted
from service.ingest.markdown_table import markdown_table
from service.ingest.office_package import SPACE, open_package
from service.ingest.plain_headings import heading_like, mark_headings

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def extract_docx(data: bytes, name: str) -> Extracted:
    """The text, title and date of the .docx file `data` called `name`."""
    with open_package(data, name, "Word document") as package:
        root = package.xml("word/document.xml")
        if root is None:
            raise package.unreadable(" (no body)")
        title, date = package.properties()
    try:
        text = mark_headings("\n\n".join(_blocks(root.find(f"{_W}body"))))
    except RecursionError as exc:  # elements nested thousands deep
        raise UnreadableFile(f"{name} is nested too deeply to be a Word document") from exc
    if not text.strip():
        raise UnreadableFile(f"{name} has no text")
    return Extracted(text, title, date)


def _blocks(body: ElementTree.Element | None) -> list[str]:
    """The body's paragraphs and tables, each a block of text; a list's items, one after
    another, are one block of "- " lines."""
    blocks: list[str] = []
    listing = False
    for element in [] if body is None else body:
        if element.tag == f"{_W}p":
            text = _paragraph(element)
            if not text:
                continue
            if _listed(element):
                if listing:
                    blocks[-1] += f"\n- {text}"
                else:
                    blocks.append(f"- {text}")
                listing = True
                continue
            level = _heading_level(element) or (
                BOLD_HEADING_LEVEL if _bold_line(element, text) else 0
            )
            blocks.append(f"{'#' * level} {text}" if level else text)
        elif element.tag == f"{_W}tbl":
            table = _table(element)
            if table:
                blocks.append(table)
        listing = False
    return blocks


def _paragraph(paragraph: ElementTree.Element) -> str:
    """The paragraph's text: its runs' text (in links and tracked insertions too), a tab or
    a line break as a space; deleted text (`w:delText`) is no `w:t` and is left out, and
    so is the copy of a text box that Word writes for older readers (`mc:Fallback`)."""
    parts: list[str] = []
    _gather(paragraph, parts)
    return SPACE.sub(" ", "".join(parts)).strip()


def _gather(element: ElementTree.Element, parts: list[str]) -> None:
    for child in element:
        if child.tag == f"{_W}t":
            parts.append(child.text or "")
        elif child.tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
            parts.append(" ")
        elif child.tag != _FALLBACK:
            _gather(child, parts)


def _listed(paragraph: ElementTree.Element) -> bool:
    properties = paragraph.find(f"{_W}pPr")
    if properties is None:
        return False
    style = properties.find(f"{_W}pStyle")
    named = style is not None and "List" in (style.get(f"{_W}val") or "")
    return properties.find(f"{_W}numPr") is not None or named


def _heading_level(paragraph: ElementTree.Element) -> int:
    """1 to 6 for a paragraph in one of Word's heading styles (style ids "heading1" to
    "heading6", in any case), else 0."""
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    found = _HEADING_STYLE.fullmatch((style.get(f"{_W}val") or "") if style is not None else "")
    return int(found.group(1)) if found else 0


_HEADING_STYLE = re.compile(r"heading\s?([1-6])", re.IGNORECASE)
BOLD_HEADING_LEVEL = 2  # of a short paragraph all in bold (a heading typed without a style)
_OFF = {"0", "false", "off"}


def _bold_line(paragraph: ElementTree.Element, text: str) -> bool:
    """A short paragraph without a statement's closing punctuation whose every run of text is
    bold: a heading written by hand ("**Opening hours**"), not in a heading style."""
    if not heading_like(text):
        return False
    runs = [
        run
        for run in paragraph.iter(f"{_W}r")
        if "".join(t.text or "" for t in run.iter(f"{_W}t")).strip()
    ]
    return bool(runs) and all(_bold(run) for run in runs)


def _bold(run: ElementTree.Element) -> bool:
    bold = run.find(f"{_W}rPr/{_W}b")
    return bold is not None and (bold.get(f"{_W}val") or "true").lower() not in _OFF


def _table(table: ElementTree.Element) -> str:
    """A Markdown table under its first row when its rows have several cells; else each
    cell's text as a line of its own (a table used to lay out a page)."""
    rows = []
    for row in table.findall(f"{_W}tr"):
        cells = [
            " ".join(filter(None, (_paragraph(p) for p in cell.iter(f"{_W}p"))))
            for cell in row.findall(f"{_W}tc")
        ]
        if any(cells):
            rows.append(cells)
    if max((len(cells) for cells in rows), default=0) < 2:
        return "\n\n".join(cells[0] for cells in rows if cells and cells[0])
    return markdown_table(rows)
