"""The text of a CSV or TSV file: its rows as a Markdown table, the first row its header.

The service reads a Markdown table's rows as sentences of their own, each under its
header's names (service.core.text: "Day: Saturday | Opens: 10 am"), so a spreadsheet
saved as CSV is read as the table it is: a row is quoted, and looked up by its key.

The delimiter of a .csv file is the one of comma, semicolon or tab that its first lines
use consistently (a spreadsheet that writes decimal commas writes semicolons); a .tsv
file's is the tab. A cell's line breaks and runs of spaces become one space, and a bar
in a cell becomes "/", since a bar separates the cells of a row. Blank rows are dropped.
"""

from __future__ import annotations

import csv
import io

from service.core.errors import UnreadableFile
from service.ingest.markdown_table import markdown_table

DELIMITERS = ",;\t"
SNIFF_CHARS = 16_384  # the delimiter is read from the first lines of the first characters
SNIFF_LINES = 20
BOM = "\ufeff"  # a spreadsheet's "CSV UTF-8" opens with it


def extract_table(text: str, name: str, delimiter: str | None = None) -> str:
    """The Markdown table of the CSV `text` of the file called `name`; `delimiter`: the
    delimiter, else the one the first lines use. Raises UnreadableFile when csv cannot
    read it or it has no row under its header."""
    dialect = delimiter or _delimiter(text)
    try:
        source = io.StringIO(text.removeprefix(BOM), newline="")  # \r\n, \n or \r alike
        rows = list(csv.reader(source, delimiter=dialect))
    except csv.Error as exc:  # a cell over csv's limit of 131,072 characters
        raise UnreadableFile(f"{name} is not a readable CSV file: {exc}") from exc
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise UnreadableFile(f"{name} has no row under its header")
    return markdown_table(rows) + "\n"


def _delimiter(text: str) -> str:
    try:
        sample = "\n".join(text[:SNIFF_CHARS].splitlines()[:SNIFF_LINES])
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:  # one column, or nothing consistent: read as commas
        return ","
