"""Excel workbooks (.xlsx): each visible sheet a table of its cells as the sheet shows them."""

from __future__ import annotations

import pytest

from service.core.errors import TooComplex, UnreadableFile
from service.ingest import office_package, xlsx_text
from service.ingest.loaders import Metadata, load_file
from service.ingest.xlsx_numbers import shown
from tests.support.files import with_members, xlsx_bytes


def _row(number: int, *cells: str) -> str:
    return f'<row r="{number}">' + "".join(cells) + "</row>"


def _s(ref: str, index: int) -> str:  # a shared string
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def _n(ref: str, value: str, style: int = 0) -> str:  # a number, of a cell style
    return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'


FARES = "".join(
    [
        _row(1, _s("B1", 0)),  # a title line above the table, in the second column
        _row(3, _s("B3", 1), _s("C3", 2), _s("D3", 3), _s("E3", 4), _s("F3", 5)),
        _row(
            4,
            _s("B4", 6),
            _n("C4", "4.5", 1),
            _n("D4", "46085", 2),
            _n("E4", "0.96875", 3),
            _n("F4", "0.125", 4),
        ),
        _row(
            5,
            '<c r="B5" t="inlineStr"><is><r><t>Night </t></r><r><t>shuttle</t></r></is></c>',
            _n("C5", "1234.5", 5),
            '<c r="D5"><f>TODAY()</f></c>',  # a formula never computed: no value
            '<c r="E5" t="b"><v>1</v></c>',
            '<c r="F5" t="e"><v>#DIV/0!</v></c>',
        ),
        _row(7, _s("B7", 7)),  # a note under the table
    ]
)
STRINGS = [
    "Ferry fares 2026",
    "Route",
    "Adult",
    "Starts",
    "Last sailing",
    "Share",
    "Pier 1 to Marsh Lane",
    "Fares are for one trip.",
]
FORMATS = {164: '#,##0.00 "€"', 165: "d mmm yyyy", 166: "0.0%"}
STYLES = [0, 164, 165, 20, 166, 4]  # General, euros, a date, h:mm, a percentage, #,##0.00


def test_a_workbook_s_visible_sheets_as_tables_of_what_their_cells_show() -> None:
    staff = _row(1, _s("A1", 1), _s("B1", 2)) + _row(
        2, _n("A2", "7"), _n("B2", "0.30000000000000004")
    )
    data = xlsx_bytes(
        [("Fares", FARES), ("Lookup", _row(1, _n("A1", "1"), _n("B1", "2"))), ("Counts", staff)],
        STRINGS,
        FORMATS,
        STYLES,
        hidden=frozenset({"Lookup"}),
        title="Harbour fares",
        created="2026-02-20T09:00:00Z",
    )
    doc = load_file(data, "fares.xlsx", ".xlsx", Metadata())
    assert doc.text == (
        "Fares\n\nFerry fares 2026\n\n"
        "| Route | Adult | Starts | Last sailing | Share |\n| --- | --- | --- | --- | --- |\n"
        "| Pier 1 to Marsh Lane | 4.50 € | 4 March 2026 | 23:15 | 12.5% |\n"
        "| Night shuttle | 1,234.50 |  | TRUE | #DIV/0! |\n\n"
        "Fares are for one trip.\n\n"
        "Counts\n\n| Route | Adult |\n| --- | --- |\n| 7 | 0.3 |\n"
    )
    assert (doc.title, doc.date) == ("Harbour fares", "2026-02-20")
    one_sheet = xlsx_bytes([("Fares", FARES)], STRINGS, FORMATS, STYLES)
    untitled = load_file(one_sheet, "ferry-fares.xlsx", ".xlsx", Metadata())
    assert untitled.text.startswith("Ferry fares 2026\n\n| Route |")  # one sheet: no name
    assert (untitled.title, untitled.date) == ("ferry fares", None)


@pytest.mark.parametrize(
    ("value", "code", "expected"),
    [
        ("22", '#,##0.00 "€"', "22.00 €"),
        ("22", '"$"#,##0', "$22"),
        ("1234.5", "[$€-407] #,##0.00", "€ 1,234.50"),
        ("2.1", '0.0 "kg"', "2.1 kg"),
        ("0.125", "0%", "13%"),
        ("0.30000000000000004", "General", "0.3"),
        ("46085.6041666667", "yyyy-mm-dd h:mm", "4 March 2026 14:30"),
        ("46085", "d-mmm", "4 March"),
        ("46085", "mmm-yy", "March 2026"),
        ("0.5", "h:mm:ss AM/PM", "12:00:00"),
        ("1e21", "0.00E+00", "1e+21"),
        ("3", "@", "3"),
        ("n/a", "0.00", "n/a"),
    ],
)
def test_numbers_are_written_as_their_format_shows_them(
    value: str, code: str, expected: str
) -> None:
    assert shown(value, code) == expected


def test_dates_of_a_workbook_counted_from_1904() -> None:
    assert shown("0", "d mmm yyyy", date1904=True) == "1 January 1904"
    assert shown("0", "d mmm yyyy") == "30 December 1899"


def test_broken_or_empty_workbooks_are_refused() -> None:
    blank = xlsx_bytes([("Empty", _row(1, '<c r="A1"/>'))])
    cases = [
        (b"PK\x03\x04 not a zip", "not a readable Excel workbook"),
        (with_members(xlsx_bytes([]), {"xl/workbook.xml": None}), "no workbook"),
        (blank, "has no cell with a value"),
        (xlsx_bytes([("Bad", "<row><c>")]), "not a readable Excel workbook"),
        (xlsx_bytes([("Gap", _row(1, _s("A1", 3)))], ["only one"]), "not a readable Excel"),
        (xlsx_bytes([("Style", '<row><c s="x"><v>1</v></c></row>')]), "not a readable Excel"),
    ]
    for data, words in cases:
        with pytest.raises(UnreadableFile, match=words):
            load_file(data, "book.xlsx", ".xlsx", Metadata())


def test_a_sheet_that_declares_a_dtd_is_refused() -> None:
    """Entities that could expand to gigabytes are never read."""
    sheet = '<!DOCTYPE d [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>'
    data = with_members(xlsx_bytes([("One", "")]), {"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(UnreadableFile, match="declares a DTD"):
        load_file(data, "d.xlsx", ".xlsx", Metadata())


def test_workbooks_too_large_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    many = "".join(_row(n, _n(f"A{n}", str(n)), _n(f"B{n}", str(n))) for n in range(1, 40))
    data = xlsx_bytes([("Many", many)])
    monkeypatch.setattr(xlsx_text, "MAX_CELLS", 50)
    with pytest.raises(TooComplex, match="over 50 cells"):
        load_file(data, "many.xlsx", ".xlsx", Metadata())
    monkeypatch.setattr(office_package, "MAX_UNPACKED_BYTES", 1_000)
    with pytest.raises(TooComplex, match="unpacks to over 1000 bytes"):
        load_file(data, "many.xlsx", ".xlsx", Metadata())
