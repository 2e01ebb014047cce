"""Loading every format: HTML main text and metadata, PDF pages, JSONL lines, bad files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from service.core.documents import Document
from service.core.errors import InvalidInput, TooComplex, UnreadableFile, UnsupportedType
from service.ingest import office_package
from service.ingest.html_text import extract_html
from service.ingest.loaders import (
    LoadFailure,
    Metadata,
    find_files,
    format_of,
    load_file,
    load_jsonl,
    load_path,
)
from tests.support.files import ARTICLE_HTML, docx_bytes, pdf_bytes


def test_html_keeps_the_article_and_reads_title_and_date() -> None:
    doc = load_file(ARTICLE_HTML.encode(), "news/bridge.html", ".html", Metadata())
    assert doc.doc_id == "news-bridge-3e9f714b.html" and doc.source == "news/bridge.html"
    assert doc.title == "The old bridge reopens"  # og:title wins over <title>
    assert doc.date == "2024-05-01"
    assert "reopened on Friday" in doc.text and "steel cables & the deck" in doc.text
    for boilerplate in ("Home", "Gazette", "newsletter", "Copyright", "tracking", "alert", "red"):
        assert boilerplate not in doc.text, boilerplate


def test_html_without_article_uses_the_body_and_falls_back_for_metadata() -> None:
    page = extract_html(
        "<html><head><title> Plain  page </title></head><body><nav>Menu</nav>"
        "<p>First paragraph.</p><div>Second <i>block</i>.</div>"
        '<time datetime="2023-02-30">bad</time> <time datetime="2023-02-03">ok</time></body></html>'
    )
    assert page.text == "First paragraph.\n\nSecond block.\n\nbad ok"
    assert page.title == "Plain page" and page.date == "2023-02-03"  # the impossible day skipped
    bare = extract_html("<p>Only text, no metadata.</p>")
    assert bare.title is None and bare.date is None


def test_html_lists_tables_and_glossaries_keep_their_shape() -> None:
    """A heading is a Markdown heading of its level, a list reads as one ("- item" lines), a
    table reads as a Markdown table (a row keeps its cells together, a header of <th> cells
    has a delimiter row under it; a row of one cell, as in a page laid out with a table, is
    a line of text), a glossary's term leads its definition."""
    page = extract_html(
        "<main><h2>Bread <em>and</em> rolls</h2><p>Prices:</p>"
        "<ul><li>Loaves cost 4 euros</li><li><p>Rolls cost 1 euro</p></li>"
        "</ul><table><tr><th>Day</th><th>Opens</th></tr><tr><td>Monday</td><td>9:00</td></tr>"
        "<tr><td>Sunday</td><td></td></tr></table><table><tr><td>Laid out.</td></tr></table>"
        "<dl><dt>Late fee</dt><dd>20 cents a day.</dd><dt>Lost card</dt><dd>3 euros.</dd></dl>"
        "<ol><li>First step.</li></ol></main>"
    )
    assert page.text == (
        "## Bread and rolls\n\nPrices:\n\n- Loaves cost 4 euros\n- Rolls cost 1 euro\n\n"
        "| Day | Opens |\n|---|---|\n| Monday | 9:00 |\n| Sunday | |\n\nLaid out.\n\n"
        "Late fee: 20 cents a day.\n\nLost card: 3 euros.\n\n- First step."
    )


def test_html_headings_typed_in_bold_and_a_faqs_disclosures() -> None:
    """A short paragraph all in bold is a heading, as is a disclosure's label (a FAQ's
    question); a bold sentence, or a paragraph partly bold, is not."""
    page = extract_html(
        "<main><p><strong>Opening hours</strong></p><p>We open at <b>six</b>.</p>"
        "<p><b>A bold sentence.</b></p><p><strong>Lost</strong> property</p>"
        "<details><summary>Can I bring a dog?</summary><p>No, only guide dogs.</p></details>"
        "</main>"
    )
    assert page.text == (
        "## Opening hours\n\nWe open at six.\n\nA bold sentence.\n\nLost property\n\n"
        "### Can I bring a dog?\n\nNo, only guide dogs."
    )


def test_csv_and_tsv_files_read_as_markdown_tables() -> None:
    """The first row is the header; the delimiter is the one the file uses (a comma, or a
    semicolon where a decimal comma is written), a .tsv file's the tab; a cell's line break
    is a space and its bar a slash; blank rows go; the title is the file's name."""
    hours = (
        "\ufeffDay,Opens,Closes\r\nMonday,9 am,5 pm\r\n\r\n"
        'Saturday,10 am,"4 pm,\nor|later"\r\nSunday,Closed\r\n'
    )
    doc = load_file(hours.encode(), "library/opening-hours.csv", ".csv", Metadata())
    assert doc.text == (
        "| Day | Opens | Closes |\n| --- | --- | --- |\n| Monday | 9 am | 5 pm |\n"
        "| Saturday | 10 am | 4 pm, or/later |\n| Sunday | Closed |  |\n"
    )
    assert doc.title == "opening hours" and doc.date is None
    prices = load_file(b"Item;Price\rShoe hire;2,50\r", "p.csv", ".csv", Metadata(title="Fees"))
    assert prices.text.splitlines()[2] == "| Shoe hire | 2,50 |" and prices.title == "Fees"
    tabs = load_file(b"Name, short\tCount\nA, B\t3\n", "t.tsv", ".tsv", Metadata())
    assert tabs.text.splitlines()[2] == "| A, B | 3 |"
    with pytest.raises(UnreadableFile, match="no row under its header"):
        load_file(b"Day,Opens\n\n", "empty.csv", ".csv", Metadata())
    windows = load_file("Café,Price\nTea,2\n".encode("cp1252"), "menu.csv", ".csv", Metadata())
    assert windows.text.splitlines()[0] == "| Café | Price |"  # Excel's plain CSV on Windows
    unicode_text = load_file("Name\tCount\nA\t3\n".encode("utf-16"), "u.tsv", ".tsv", Metadata())
    assert unicode_text.text.splitlines()[2] == "| A | 3 |"  # Excel's "Unicode text"
    with pytest.raises(UnreadableFile, match="not UTF-8 text .* save it as UTF-8"):
        load_file("Цена,Чай\nЧай,2\n".encode("cp1251"), "menu.csv", ".csv", Metadata())
    with pytest.raises(UnreadableFile, match="not a readable CSV file: field larger"):
        load_file(b"Note\n" + b"x" * 200_000, "notes.csv", ".csv", Metadata())


def _p(text: str, style: str = "", listed: bool = False) -> str:
    numbered = '<w:numPr><w:numId w:val="1"/></w:numPr>' if listed else ""
    styled = f'<w:pStyle w:val="{style}"/>' if style else ""
    return f"<w:p><w:pPr>{styled}{numbered}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"


def _tbl(*rows: tuple[str, ...]) -> str:
    cells = ["".join(f"<w:tc>{_p(cell)}</w:tc>" for cell in row) for row in rows]
    return "<w:tbl>" + "".join(f"<w:tr>{row}</w:tr>" for row in cells) + "</w:tbl>"


def test_docx_paragraphs_lists_and_tables_with_its_properties() -> None:
    """Each paragraph a block; a heading style's a Markdown heading of its level; list
    paragraphs "- " lines; a table of several columns a
    Markdown table under its first row, one of one column its lines; text in links and
    tracked insertions kept, deleted text and a text box's fallback copy left out; title
    and date from the document's properties."""
    body = (
        _p("Ferry timetable", "Title")
        + "<w:p><w:r><w:t>The ferry runs </w:t></w:r><w:hyperlink><w:r><w:t>every hour"
        "</w:t></w:r></w:hyperlink><w:del><w:r><w:delText>on weekdays</w:delText></w:r>"
        "</w:del><w:ins><w:r><w:t>.</w:t></w:r></w:ins><w:r><w:tab/><w:t>Tickets are sold"
        " on board.</w:t></w:r></w:p>"
        + _p("")
        + _p("On board", "Heading2")
        + _p("Buy a ticket", listed=True)
        + _p("Board at pier two", "ListBullet")
        + _tbl(("Day", "First"), ("Monday", "6 am"), ("Sunday", "9 am|late"))
        + _tbl(("A layout box.",))
        + "<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent>"
        + _p("Boxed note.")
        + "</w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent>"
        + _p("Boxed note.")
        + "</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    data = docx_bytes(body, title="Ferries", created="2026-03-04T09:30:00Z")
    doc = load_file(data, "ferries.docx", ".docx", Metadata())
    assert doc.text == (
        "Ferry timetable\n\nThe ferry runs every hour. Tickets are sold on board.\n\n"
        "## On board\n\n- Buy a ticket\n- Board at pier two\n\n"
        "| Day | First |\n| --- | --- |\n| Monday | 6 am |\n| Sunday | 9 am/late |\n\n"
        "A layout box.\n\nBoxed note."
    )
    assert (doc.title, doc.date) == ("Ferries", "2026-03-04")
    untitled = load_file(docx_bytes(_p("Only a line.")), "a.docx", ".docx", Metadata())
    assert (untitled.title, untitled.date) == ("Only a line.", None)
    misdated = docx_bytes(_p("A line."), created="2026-13-45T00:00:00Z")
    assert load_file(misdated, "b.docx", ".docx", Metadata()).date is None


def _bold(*runs: tuple[str, str]) -> str:
    """A paragraph of runs, each (its text, its w:b value: "" for none, "on" for bold)."""
    made = "".join(
        (f'<w:r><w:rPr><w:b w:val="{bold}"/></w:rPr>' if bold else "<w:r>")
        + f"<w:t>{text}</w:t></w:r>"
        for text, bold in runs
    )
    return f"<w:p>{made}</w:p>"


def test_docx_headings_typed_in_bold_capitals_or_as_a_faqs_questions() -> None:
    """A short paragraph all in bold is a heading, as is one of capitals and a FAQ's
    question; a bold sentence, a paragraph partly bold or with bold turned off is not."""
    body = (
        _bold(("Opening ", "on"), ("hours", "1"))
        + _p("The pool opens at six.")
        + _bold(("A bold sentence.", "on"))
        + _bold(("Partly ", "on"), ("bold", ""))
        + _bold(("Bold turned off", "0"))
        + _p("SAFETY RULES")
        + _p("Q: Can I bring a dog?")
        + _p("A: No, only guide dogs.")
    )
    doc = load_file(docx_bytes(body, title="Pool"), "pool.docx", ".docx", Metadata())
    assert doc.text == (
        "## Opening hours\n\nThe pool opens at six.\n\nA bold sentence.\n\nPartly bold\n\n"
        "Bold turned off\n\n## SAFETY RULES\n\n### Can I bring a dog?\n\nNo, only guide dogs."
    )


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_broken_or_empty_docx_files_are_refused() -> None:
    cases = [
        (b"PK\x03\x04 not a zip", "not a readable Word document"),
        (docx_bytes(_p("")), "has no text"),
        (docx_bytes("<w:p>"), "not a readable Word document"),
        (_zip({"[Content_Types].xml": "<Types/>"}), "no body"),
        (docx_bytes("<w:p>" + "<w:r>" * 5000 + "</w:r>" * 5000 + "</w:p>"), "nested too deeply"),
        (
            _zip({"word/document.xml": "<!DOCTYPE d [<!ENTITY a 'aaaa'>]><d>&a;&a;</d>"}),
            "declares a DTD",  # entities that could expand to gigabytes are never read
        ),
    ]
    for data, words in cases:
        with pytest.raises(UnreadableFile, match=words):
            load_file(data, "letter.docx", ".docx", Metadata())


def test_a_docx_body_too_large_unpacked_is_refused_before_it_is_unpacked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(office_package, "MAX_UNPACKED_BYTES", 1_000)
    with pytest.raises(TooComplex, match="unpacks to over 1000 bytes"):
        load_file(docx_bytes(_p("word " * 300)), "big.docx", ".docx", Metadata())


FURNISHED_PAGE = """<html><head><title>Storm closes schools - Daily</title></head><body>
<div class="cookie-banner">We use cookies. <a href="#">Accept all</a></div>
<div id="siteMenu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></div>
<div class="content">
<div class="share-tools">Share on Facebook Share by email</div>
<p>All 14 schools will stay closed on Wednesday after the storm, the council said.</p>
<div class="ad-slot">Advertisement</div><p>ADVERTISEMENT</p>
<p>About 3,000 homes were without power, <a href="/map">the map</a> shows.</p>
<p>Read more: <a href="/x">Council approves flood defence plan</a></p>
<div class="article-share-note">Readers shared photos of fallen trees.</div>
<p hidden>Hidden text.</p><p style="display: none">Invisible text.</p>
<div role="complementary">Most read today</div>
</div>
<div class="relatedStories"><h2>Related stories</h2><a href="/a">Mayor resigns</a></div>
<div class="newsletter_signup">Sign up for our newsletter.</div>
</body></html>"""


def test_html_without_article_leaves_out_the_page_furniture() -> None:
    """A saved news page without <article>: menus, share and cookie boxes, ads, related
    headlines and link lists are not its text; a paragraph with a link in it is."""
    assert extract_html(FURNISHED_PAGE).text == (
        "All 14 schools will stay closed on Wednesday after the storm, the council said.\n\n"
        "About 3,000 homes were without power, the map shows.\n\n"
        "Readers shared photos of fallen trees."
    )


def test_html_in_a_declared_charset_and_unreadable_html() -> None:
    latin = '<meta charset="iso-8859-1"><p>Caf\xe9 au lait.</p>'.encode("latin-1")
    assert "Café au lait." in load_file(latin, "c.html", ".html", Metadata()).text
    with pytest.raises(UnreadableFile, match="UTF-8"):
        load_file(b"<p>\xff\xfe\xfa</p>", "x.html", ".html", Metadata())
    with pytest.raises(UnreadableFile, match="no readable text"):
        load_file(b"<nav>menu</nav><script>x()</script>", "y.html", ".html", Metadata())


def test_pdf_text_per_page_with_offsets_into_the_document_text() -> None:
    pages = ["The report opens on page one.", "", "Page three says the crane arrived in March."]
    doc = load_file(pdf_bytes(pages, title="Harbour report"), "r.pdf", ".pdf", Metadata())
    assert doc.title == "Harbour report" and doc.doc_id == "r.pdf"
    assert [p.number for p in doc.pages] == [1, 3]  # the page without text is skipped
    assert doc.text[doc.pages[1].start : doc.pages[1].end] == pages[2]
    assert doc.text[doc.pages[0].start : doc.pages[0].end] == pages[0]


def test_pdf_running_headers_and_page_numbers_are_not_text() -> None:
    """A sentence that runs on to the next page reads on without the paper's name and the
    page number between; a line that recurs in the text itself stays."""
    header = "Harbour Herald - Port section\n"
    pages = [
        header + "The board met on Monday and agreed that the new\nPage 1 of 3",
        header + "cranes will arrive in May.\nThe board met again.\n- 2 -",
        header + "The board met again.\nNothing was agreed.\nPage 3 of 3",
    ]
    doc = load_file(pdf_bytes(pages), "h.pdf", ".pdf", Metadata())
    assert "Herald" not in doc.text and "Page" not in doc.text and "2 -" not in doc.text
    assert doc.text.count("The board met again.") == 2
    first, second, third = (doc.text[p.start : p.end] for p in doc.pages)
    assert first == "The board met on Monday and agreed that the new"
    assert second == "cranes will arrive in May.\nThe board met again."
    assert third == "The board met again.\nNothing was agreed."


def test_pdf_running_header_among_scanned_pages() -> None:
    """Pages without text (scans) do not count: a header on both pages with text recurs."""
    header = "Harbour Herald\n"
    pages = ["", "", "", header + "The cranes arrived.", header + "The board met."]
    doc = load_file(pdf_bytes(pages), "s.pdf", ".pdf", Metadata())
    texts = [doc.text[p.start : p.end] for p in doc.pages]
    assert texts == ["The cranes arrived.", "The board met."]


def test_pdf_lines_wrapped_mid_sentence_are_joined() -> None:
    page = "The delay was caused by\nold mains and infra-\nstructure works.\nHeading\nThe end."
    doc = load_file(pdf_bytes([page]), "w.pdf", ".pdf", Metadata())
    assert doc.text == (
        "The delay was caused by old mains and infra-structure works.\nHeading\nThe end."
    )


def test_pdf_numbered_and_capital_headings_and_numbered_steps() -> None:
    """A line that starts with a section's or an item's number is not wrapped onto the line
    before; a numbered line or a line of capitals between lines of text is a heading, and
    numbered lines next to each other are a list's steps."""
    page = (
        "ACME COVER GUIDE\n1. WHAT IS COVERED\nFire and theft.\n2. Making a claim\n"
        "Call us within 30 days. To claim:\n1. Call us.\n2. Keep the\nreceipts.\n"
        "It costs\n5 pounds."
    )
    doc = load_file(pdf_bytes([page]), "c.pdf", ".pdf", Metadata())
    assert doc.text == (
        "## ACME COVER GUIDE\n## 1. WHAT IS COVERED\nFire and theft.\n## 2. Making a claim\n"
        "Call us within 30 days. To claim:\n1. Call us.\n2. Keep the receipts.\nIt costs 5 pounds."
    )


def test_pdf_without_text_or_broken_is_unreadable() -> None:
    with pytest.raises(UnreadableFile, match="no extractable text"):
        load_file(pdf_bytes(["", ""]), "scan.pdf", ".pdf", Metadata())
    with pytest.raises(UnreadableFile, match="not a readable PDF"):
        load_file(b"%PDF-1.4 this is no pdf at all", "fake.pdf", ".pdf", Metadata())


def test_given_metadata_wins_and_is_checked() -> None:
    meta = Metadata(doc_id="my-id", title="Mine", date="2020-01-02", source="upload")
    doc = load_file(ARTICLE_HTML.encode(), "b.html", ".html", meta)
    assert (doc.doc_id, doc.title, doc.date, doc.source) == (
        "my-id",
        "Mine",
        "2020-01-02",
        "upload",
    )
    with pytest.raises(InvalidInput, match="invalid date"):
        load_file(b"Some text.", "a.txt", ".txt", Metadata(date="2020-02-30"))
    with pytest.raises(UnreadableFile, match="empty"):
        load_file(b"  \n", "e.txt", ".txt", Metadata())


def test_jsonl_loads_good_lines_and_names_bad_ones() -> None:
    lines = [
        json.dumps({"id": "a", "title": "A", "date": "2024-01-01", "text": "Apples."}),
        json.dumps({"id": "b", "date": "2024-13-01", "text": "Bananas."}),
        "",
        json.dumps({"text": "Grapes.", "source": "feed"}),
        "{not json",
        json.dumps({"id": "c", "body": "wrong key"}),
        json.dumps(["a list"]),
    ]
    items = list(load_jsonl([line.encode() for line in lines], "batch.jsonl"))
    good = [i for i in items if not isinstance(i, LoadFailure)]
    bad = [i for i in items if isinstance(i, LoadFailure)]
    assert [d.doc_id for d in good][0] == "a" and good[0].source == "batch.jsonl"
    assert good[1].source == "feed" and good[1].doc_id.startswith("doc-")
    assert [f.where for f in bad] == [f"batch.jsonl line {n}" for n in (2, 5, 6, 7)]
    assert "invalid date" in bad[0].message and "not a JSON object" in bad[1].message
    assert "text" in bad[2].message and "body" in bad[2].message


def test_jsonl_lines_of_another_tools_export() -> None:
    """A publication time is a date; an unknown field is named with the fields a line holds."""
    lines = [
        {"id": "a", "date": "2024-01-01T08:00:00Z", "text": "Apples."},
        {"id": "b", "url": "https://example.org/b", "author": "Jo", "text": "Bananas."},
        {"id": "c", "titel": "Typo", "text": ""},
    ]
    items = list(load_jsonl([json.dumps(line).encode() for line in lines], "export.jsonl"))
    assert isinstance(items[0], Document) and items[0].date == "2024-01-01"
    assert isinstance(items[1], LoadFailure) and isinstance(items[2], LoadFailure)
    assert items[1].message.endswith(
        ": unknown fields url, author (a line holds id, title, date, source, text)"
    )
    assert "line 3: unknown field titel (" in items[2].message and "text:" in items[2].message


def test_formats_by_name_or_content_type(tmp_path: Path) -> None:
    assert format_of("a.HTM") == ".htm" and format_of("feed.ndjson") == ".ndjson"
    assert format_of("blob", "application/pdf; x=y") == ".pdf"
    assert format_of("sheet.CSV") == ".csv" and format_of("blob", "text/csv") == ".csv"
    with pytest.raises(UnsupportedType, match="'.odp'"):
        format_of("slides.odp", "application/pdf")
    for name in ("a.txt", "b.md", "c.html", "d.pdf", "e.jsonl", "f.odp", "sub/g.htm", "h.csv"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    found = [p.relative_to(tmp_path).as_posix() for p in find_files(tmp_path)]
    assert found == ["a.txt", "b.md", "c.html", "d.pdf", "e.jsonl", "h.csv", "sub/g.htm"]
    jsonl = tmp_path / "e.jsonl"
    jsonl.write_text('{"id": "one", "text": "One."}\n{"id": "two", "text": "Two."}\n')
    assert [d.doc_id for d in load_path(jsonl, tmp_path)] == ["one", "two"]  # type: ignore[union-attr]
