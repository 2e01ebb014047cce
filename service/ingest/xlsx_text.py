"""The text of an Excel workbook (.xlsx): each visible sheet a table, as a CSV file's.

The workbook's parts (service.ingest.office_package reads them within bounds) give its
sheets in order, their cells' shared strings and their styles. A sheet's cells are
written as the sheet shows them (service.ingest.xlsx_numbers: "4 March 2026", "12.5%",
"22.00 €"); a formula's cell holds the value Excel last computed. Rows with no value,
and columns with none, are left out. The lines of one cell above a sheet's first row of
several, and below its last (a title, a note), are lines of text; the rows between are
a Markdown table under the first, so the service reads each row under its header's
names and quotes it as a sentence of its own. A sheet of one column gives its lines. A
workbook of several sheets names each above its table, as a heading. Hidden sheets,
charts and comments are not read; the title and date are the workbook's properties,
else the title is the file's name.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from xml.etree import ElementTree

from service.core.errors import TooComplex, UnreadableFile
from service.ingest.extracted import Extracted
from service.ingest.markdown_table import markdown_table
from service.ingest.office_package import (
    RELATIONSHIP_ID,
    SPACE,
    Package,
    open_package,
)
from service.ingest.xlsx_numbers import format_code, shown

WORKBOOK = "xl/workbook.xml"
MAX_CELLS = 1_000_000  # a sheet's cells that hold a value, all sheets together
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_COLUMN = re.compile(r"[A-Z]+")


def extract_xlsx(data: bytes, name: str) -> Extracted:
    """The text, title and date of the .xlsx file `data` called `name`."""
    with open_package(data, name, "Excel workbook") as package:
        workbook = package.xml(WORKBOOK)
        if workbook is None:
            raise package.unreadable(" (no workbook)")
        try:
            blocks = _sheets_text(package, workbook)
        except (ElementTree.ParseError, ValueError, IndexError) as exc:  # a cell or style
            raise package.unreadable() from exc
        title, date = package.properties()
    if not blocks:
        raise UnreadableFile(f"{name} has no cell with a value")
    return Extracted("\n\n".join(blocks) + "\n", title, date)


def _sheets_text(package: Package, workbook: ElementTree.Element) -> list[str]:
    sheets = _visible_sheets(package, workbook)
    reader = _CellReader(package, workbook)
    blocks = []
    for sheet_name, path in sheets:
        text = _sheet_text(reader.rows(path))
        if text and len(sheets) > 1:
            text = f"{SPACE.sub(' ', sheet_name).strip()}\n\n{text}"
        if text:
            blocks.append(text)
    return blocks


def _visible_sheets(package: Package, workbook: ElementTree.Element) -> list[tuple[str, str]]:
    """Each sheet that is not hidden, in the workbook's order: its name and its part."""
    parts = package.related(WORKBOOK)
    return [
        (sheet.get("name", ""), parts[sheet.get(RELATIONSHIP_ID, "")])
        for sheet in workbook.iter(f"{_S}sheet")
        if sheet.get(RELATIONSHIP_ID) in parts and sheet.get("state", "visible") == "visible"
    ]


class _CellReader:
    """A workbook's cells as shown: shared strings, number formats and date system."""

    def __init__(self, package: Package, workbook: ElementTree.Element) -> None:
        self._package = package
        properties = workbook.find(f"{_S}workbookPr")
        self._date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        self._strings = _shared_strings(package.xml("xl/sharedStrings.xml"))
        self._codes = _style_codes(package.xml("xl/styles.xml"))
        self._cells = 0

    def rows(self, path: str) -> list[dict[int, str]]:
        """The sheet's rows that hold a value, each its cells' text by column number."""
        data = self._package.part(path)
        if data is None:
            return []
        self._package.check_no_dtd(data)
        rows: list[dict[int, str]] = []
        for row in _row_elements(data):
            cells: dict[int, str] = {}
            for cell in row.iter(f"{_S}c"):
                column = _column(cell.get("r"), cells)
                text = SPACE.sub(" ", self._text(cell)).strip()
                if text:
                    cells[column] = text
            if cells:
                rows.append(cells)
                self._cells += len(cells)
                if self._cells > MAX_CELLS:
                    raise TooComplex(f"{self._package.name} has over {MAX_CELLS} cells")
        return rows

    def _text(self, cell: ElementTree.Element) -> str:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            found = cell.find(f"{_S}is")
            return "" if found is None else _string(found)
        value = cell.findtext(f"{_S}v")
        if value is None:  # no value, or a formula never computed
            return ""
        if kind == "s":
            return self._strings[int(value)]
        if kind == "b":
            return "TRUE" if value.strip() == "1" else "FALSE"
        if kind in ("str", "e", "d"):  # a formula's text, an error ("#DIV/0!"), an ISO date
            return value
        style = int(cell.get("s", "0"))
        code = self._codes[style] if style < len(self._codes) else "General"
        return shown(value, code, self._date1904)


def _row_elements(data: bytes) -> Iterator[ElementTree.Element]:
    """The sheet's rows one at a time, each forgotten once read (a sheet can be large)."""
    for _, element in ElementTree.iterparse(io.BytesIO(data), events=("end",)):
        if element.tag == f"{_S}row":
            yield element
            element.clear()


def _column(reference: str | None, cells: dict[int, str]) -> int:
    """The column number of a cell reference ("C5": 3); without one, the next column."""
    letters = _COLUMN.match(reference or "")
    if not letters:
        return max(cells, default=0) + 1
    number = 0
    for letter in letters.group(0):
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _shared_strings(root: ElementTree.Element | None) -> list[str]:
    return [] if root is None else [_string(item) for item in root.iter(f"{_S}si")]


def _string(item: ElementTree.Element) -> str:
    """A string item's text: its own text, or its runs' (a phonetic guide is left out)."""
    own = item.find(f"{_S}t")
    if own is not None:
        return own.text or ""
    return "".join(run.findtext(f"{_S}t") or "" for run in item.findall(f"{_S}r"))


def _style_codes(root: ElementTree.Element | None) -> list[str]:
    """The number format code of each cell style, by the style's index."""
    if root is None:
        return []
    custom = {
        int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "") for fmt in root.iter(f"{_S}numFmt")
    }
    styles = root.find(f"{_S}cellXfs")
    return [
        format_code(int(xf.get("numFmtId", "0")), custom)
        for xf in ([] if styles is None else styles.findall(f"{_S}xf"))
    ]


def _sheet_text(rows: list[dict[int, str]]) -> str:
    """Lines of one cell above the first row of several and below the last (a title, a
    note); a Markdown table of the rows between (a sheet of one column: its lines)."""
    several = [i for i, row in enumerate(rows) if len(row) > 1]
    start, end = (several[0], several[-1] + 1) if several else (len(rows), len(rows))
    above = [" ".join(row.values()) for row in rows[:start]]
    below = [" ".join(row.values()) for row in rows[end:]]
    columns = sorted({column for row in rows[start:end] for column in row})
    body = [[row.get(column, "") for column in columns] for row in rows[start:end]]
    if len(body) > 1:
        return "\n\n".join([*above, markdown_table(body), *below])
    return "\n\n".join([*above, *(" ".join(filter(None, cells)) for cells in body), *below])
