"""The text of a PowerPoint presentation (.pptx), slide by slide, as the pages of a PDF are.

The presentation's parts (service.ingest.office_package reads them within bounds) list
its slides in order. A slide's text is its title as a Markdown heading ("## Fares in
May", so that the slide's points are read in its section), then each other text box's
paragraphs as "- " lines (a slide's points are rarely sentences; as list items each
reads as one of its own), and a table of several columns a Markdown table under its
first row (read row by row under that header, as a CSV file's). Shapes in a
group are read in their order. Hidden slides, speaker notes, comments and the text of
charts and pictures are not read. A slide is a page: every chunk stays on one slide,
and a citation carries its number.
"""

from __future__ import annotations

from xml.etree import ElementTree

from service.core.errors import UnreadableFile
from service.ingest.extracted import Extracted, paged
from service.ingest.markdown_table import markdown_table
from service.ingest.office_package import RELATIONSHIP_ID, SPACE, Package, open_package

_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_TITLES = {"title", "ctrTitle"}
PRESENTATION = "ppt/presentation.xml"


def extract_pptx(data: bytes, name: str) -> Extracted:
    """The text of each slide, and the title and date, of the .pptx file `data` called
    `name`."""
    with open_package(data, name, "PowerPoint presentation") as package:
        presentation = package.xml(PRESENTATION)
        if presentation is None:
            raise package.unreadable(" (no presentation)")
        slides = []
        try:
            for number, path in enumerate(_slide_paths(package, presentation), 1):
                slide = package.xml(path)
                text = "" if slide is None or slide.get("show") == "0" else _slide_text(slide)
                if text:
                    slides.append((number, text))
        except RecursionError as exc:  # shapes grouped thousands deep
            raise package.unreadable(" (nested too deeply)") from exc
        title, date = package.properties()
    if not slides:
        raise UnreadableFile(f"{name} has no text")
    return paged(slides, title, date)


def _slide_paths(package: Package, presentation: ElementTree.Element) -> list[str]:
    parts = package.related(PRESENTATION)
    ids = (slide.get(RELATIONSHIP_ID, "") for slide in presentation.iter(f"{_P}sldId"))
    return [parts[rel_id] for rel_id in ids if rel_id in parts]


def _slide_text(slide: ElementTree.Element) -> str:
    tree = slide.find(f"{_P}cSld/{_P}spTree")
    titles: list[str] = []
    blocks: list[str] = []
    _shapes(tree, titles, blocks)
    return "\n\n".join([*(f"## {title}" for title in titles), *blocks])


def _shapes(group: ElementTree.Element | None, titles: list[str], blocks: list[str]) -> None:
    for shape in [] if group is None else group:
        if shape.tag == f"{_P}sp":
            lines = _paragraphs(shape.find(f"{_P}txBody"))
            if not lines:
                continue
            placeholder = shape.find(f"{_P}nvSpPr/{_P}nvPr/{_P}ph")
            if placeholder is not None and placeholder.get("type") in _TITLES:
                titles.append(" ".join(lines))
            else:
                blocks.append("\n".join(f"- {line}" for line in lines))
        elif shape.tag == f"{_P}graphicFrame":
            table = shape.find(f".//{_A}tbl")
            if table is not None and (text := _table(table)):
                blocks.append(text)
        elif shape.tag == f"{_P}grpSp":
            _shapes(shape, titles, blocks)


def _paragraphs(body: ElementTree.Element | None) -> list[str]:
    """The text body's paragraphs that hold text; a line break within one is a space."""
    lines = []
    for paragraph in [] if body is None else body.findall(f"{_A}p"):
        parts = [
            " " if part.tag == f"{_A}br" else part.findtext(f"{_A}t") or ""
            for part in paragraph
            if part.tag in (f"{_A}r", f"{_A}fld", f"{_A}br")
        ]
        if line := SPACE.sub(" ", "".join(parts)).strip():
            lines.append(line)
    return lines


def _table(table: ElementTree.Element) -> str:
    """A Markdown table under its first row; a table of one column, its cells' lines."""
    rows = [
        [" ".join(_paragraphs(cell.find(f"{_A}txBody"))) for cell in row.findall(f"{_A}tc")]
        for row in table.findall(f"{_A}tr")
    ]
    rows = [cells for cells in rows if any(cells)]
    if max((len(cells) for cells in rows), default=0) < 2:
        return "\n\n".join(cells[0] for cells in rows if cells and cells[0])
    return markdown_table(rows)
