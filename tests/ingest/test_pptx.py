"""PowerPoint presentations (.pptx): each slide a page of its title, points and tables."""

from __future__ import annotations

import pytest

from service.core.errors import UnreadableFile
from service.ingest.loaders import Metadata, format_of, load_file
from tests.support.files import pptx_bytes


def _shape(*paragraphs: str, placeholder: str = "") -> str:
    kind = f'<p:nvSpPr><p:nvPr><p:ph type="{placeholder}"/></p:nvPr></p:nvSpPr>'
    body = "".join(f"<a:p>{paragraph}</a:p>" for paragraph in paragraphs)
    return f"<p:sp>{kind if placeholder else ''}<p:txBody>{body}</p:txBody></p:sp>"


def _run(text: str) -> str:
    return f"<a:r><a:t>{text}</a:t></a:r>"


def _table(*rows: tuple[str, ...]) -> str:
    cells = [
        "".join(f"<a:tc><a:txBody><a:p>{_run(cell)}</a:p></a:txBody></a:tc>" for cell in row)
        for row in rows
    ]
    table = "".join(f"<a:tr>{row}</a:tr>" for row in cells)
    frame = f"<a:graphic><a:graphicData><a:tbl>{table}</a:tbl></a:graphicData></a:graphic>"
    return f"<p:graphicFrame>{frame}</p:graphicFrame>"


def test_slides_are_pages_of_their_title_points_and_tables() -> None:
    """The title first as a heading, whatever the shapes' order; other text boxes'
    paragraphs as "- "
    lines (a line break a space, empty paragraphs left out); a table under its first
    row; a group's shapes; a hidden slide and an empty one are no pages."""
    points = _shape(
        _run("Night shuttle starts ") + "<a:br/>" + _run("on 15 May"), "", _run("Fares rise")
    )
    slides = [
        points + _shape(_run("What changes in May"), placeholder="title"),
        _shape(_run("Draft figures"), placeholder="title"),
        "",
        _shape(_run("Passengers"), placeholder="ctrTitle")
        + _table(("Route", "2026"), ("Night shuttle", "18,000"))
        + f"<p:grpSp>{_shape(_run('Grouped note'))}</p:grpSp>",
    ]
    doc = load_file(
        pptx_bytes(slides, hidden=frozenset({2}), title="Ferry review"),
        "r.pptx",
        ".pptx",
        Metadata(),
    )
    assert doc.text == (
        "## What changes in May\n\n- Night shuttle starts on 15 May\n- Fares rise\n\n"
        "## Passengers\n\n| Route | 2026 |\n| --- | --- |\n| Night shuttle | 18,000 |\n\n"
        "- Grouped note"
    )
    assert doc.title == "Ferry review"
    assert [page.number for page in doc.pages] == [1, 4]
    fourth = doc.pages[1]
    assert doc.text[fourth.start : fourth.end].startswith("## Passengers\n\n| Route |")


def test_broken_or_empty_presentations_are_refused() -> None:
    cases = [
        (b"PK\x03\x04 not a zip", "not a readable PowerPoint presentation"),
        (
            pptx_bytes([]).replace(b"ppt/presentation.xml", b"ppt/presentatiom.xml"),
            "no presentation",
        ),
        (pptx_bytes(["", _shape("")]), "has no text"),
        (pptx_bytes(["<p:sp>"]), "not a readable PowerPoint presentation"),
        (pptx_bytes(["<p:grpSp>" * 3000 + "</p:grpSp>" * 3000]), "nested too deeply"),
    ]
    for data, words in cases:
        with pytest.raises(UnreadableFile, match=words):
            load_file(data, "deck.pptx", ".pptx", Metadata())


def test_a_nameless_upload_is_a_presentation_by_its_content_type() -> None:
    kind = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert format_of("upload", kind) == ".pptx" and format_of("Deck.PPTX") == ".pptx"
