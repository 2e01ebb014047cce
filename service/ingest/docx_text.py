"""The text of a Word document (.docx), with its title and creation date when set.

A .docx file is a zip of XML parts; its body is `word/document.xml`, read here with the
standard library. Each paragraph is a block of its own (blank lines between blocks); a
list's paragraph is a "- " line, so its items read as sentences of their own; a table
whose rows have several cells is a Markdown table under its first row (the service
reads each row under that header, as it reads an HTML page's or a CSV file's), and a
table of one cell a row (a box of text, a layout) gives its lines. Text deleted with
tracked changes is left out; headers, footers, footnotes and comments are not read.
The title and date are the document's properties (`docProps/core.xml`).

Bounds: a body over MAX_BODY_BYTES unpacked is refused before it is unpacked (a small
zip can unpack to gigabytes), and a body that declares a document type (a DTD, which
Word never writes, and which entity expansion could blow up) is no Word document.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from service.core.errors import TooComplex, UnreadableFile
from service.ingest.markdown_table import markdown_table

MAX_BODY_BYTES = 64_000_000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CORE = {
    "title": "{http://purl.org/dc/elements/1.1/}title",
    "created": "{http://purl.org/dc/terms/}created",
}
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class DocxText:
    text: str
    title: str | None
    date: str | None  # ISO YYYY-MM-DD


def extract_docx(data: bytes, name: str) -> DocxText:
    """The text, title and date of the .docx file `data` called `name`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            body = _part(archive, "word/document.xml", name)
            if body is None:
                raise UnreadableFile(f"{name} is not a readable Word document (no body)")
            core = _part(archive, "docProps/core.xml", name)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as exc:
        raise UnreadableFile(f"{name} is not a readable Word document") from exc
    root = _xml(body, name)
    try:
        text = "\n\n".join(_blocks(root.find(f"{_W}body")))
    except RecursionError as exc:  # elements nested thousands deep
        raise UnreadableFile(f"{name} is nested too deeply to be a Word document") from exc
    if not text.strip():
        raise UnreadableFile(f"{name} has no text")
    title = date = None
    if core is not None:
        properties = _xml(core, name)
        title = _SPACE.sub(" ", properties.findtext(_CORE["title"]) or "").strip() or None
        date = _day(properties.findtext(_CORE["created"]) or "")
    return DocxText(text, title, date)


def _day(created: str) -> str | None:
    """The day of a W3C date-time ("2026-03-04T09:30:00Z"); None for any other value (a
    document's property costs it its date, never its upload)."""
    day = _ISO_DAY.match(created.strip())
    try:
        return datetime.date.fromisoformat(day.group(0)).isoformat() if day else None
    except ValueError:
        return None


def _part(archive: zipfile.ZipFile, path: str, name: str) -> bytes | None:
    try:
        info = archive.getinfo(path)
    except KeyError:
        return None
    if info.file_size > MAX_BODY_BYTES:
        raise TooComplex(f"{name} unpacks to over {MAX_BODY_BYTES} bytes")
    return archive.read(info)


def _xml(data: bytes, name: str) -> ElementTree.Element:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnreadableFile(f"{name} is not a readable Word document (it declares a DTD)")
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise UnreadableFile(f"{name} is not a readable Word document") from exc


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
            blocks.append(text)
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
    return _SPACE.sub(" ", "".join(parts)).strip()


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
