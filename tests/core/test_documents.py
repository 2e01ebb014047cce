from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.core.config import Settings
from service.core.dates import date_number
from service.core.document_head import head_end
from service.core.documents import build_document
from service.core.errors import InvalidInput, UnsupportedType
from service.core.ports import Embedder
from service.ingest.loaders import find_files, load_document
from tests.support.files import ARTICLE_HTML, pdf_bytes

SEED = Path(__file__).resolve().parents[2] / "seeds"


def test_seed_header_becomes_the_date_and_the_body_keeps_its_offsets() -> None:
    path = next(SEED.glob("*.txt"))
    document = load_document(path, SEED)
    assert document.date == "2023-10-09"
    assert document.doc_id == path.name
    assert document.text == path.read_text(encoding="utf-8")
    assert document.text[document.body_start :].startswith("Qatari mediators")
    assert document.title.startswith("Qatari mediators")


def test_ids_are_stable_and_derived_from_the_path(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    file = tmp_path / "sub" / "My Story.md"
    file.write_text("# Heading\n\nBody text here.", encoding="utf-8")
    first, second = load_document(file, tmp_path), load_document(file, tmp_path)
    assert first.doc_id == second.doc_id == "sub-My-Story-0e1b4c75.md"  # made safe, and unique
    assert first.title == "Heading"
    assert first.content_hash == second.content_hash
    assert find_files(tmp_path) == [file]


def test_given_date_wins_and_bad_dates_are_rejected() -> None:
    doc = build_document("date 2020-01-02\nText.", date="2021-05-06", doc_id="x")
    assert doc.date == "2021-05-06"
    with pytest.raises(InvalidInput, match="invalid date"):
        build_document("Text.", date="2021-13-01")
    with pytest.raises(InvalidInput, match="empty"):
        build_document("date 2020-01-02\n   ")
    assert date_number("2023-10-09") == 20231009 and date_number(None) == 0


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026-11-03T10:00:00Z", "2026-11-03"),  # a feed's publication time
        ("2026-11-03T23:30:00-05:00", "2026-11-03"),  # the date as written, in its own zone
        ("2026-11-03 10:00", "2026-11-03"),
        ("2026-11-03T10:00:00.123+01:00", "2026-11-03"),
    ],
)
def test_a_date_given_with_its_time_keeps_its_date(given: str, expected: str) -> None:
    assert build_document("Text.", date=given).date == expected


@pytest.mark.parametrize(
    "given", ["2026-11-03T25:00:00Z", "2026-11-03Tnoon", "November 3, 2026", "03/11/2026"]
)
def test_a_date_given_in_another_form_is_refused(given: str) -> None:
    with pytest.raises(InvalidInput, match="expected YYYY-MM-DD"):
        build_document("Text.", date=given)


FRONT_MATTER = """---
title: "Port orders cranes: the board's vote"
date: 2026-03-04T09:30:00+01:00
author: Jo Placeholder
tags:
  - port
---
# Port orders cranes

The port ordered cranes."""


def test_front_matter_gives_the_title_and_date_and_is_not_text() -> None:
    """Markdown written for a site generator or a notes app opens with front matter."""
    document = build_document(FRONT_MATTER, doc_id="x")
    assert document.title == "Port orders cranes: the board's vote"
    assert document.date == "2026-03-04"
    assert document.text == FRONT_MATTER  # kept whole; the body starts after the block
    assert (
        document.text[document.body_start :] == "# Port orders cranes\n\nThe port ordered cranes."
    )
    given = build_document(FRONT_MATTER, doc_id="x", title="Mine", date="2020-01-02")
    assert (given.title, given.date) == ("Mine", "2020-01-02")
    written = build_document(FRONT_MATTER.replace("2026-03-04T09:30:00+01:00", "March 4, 2026"))
    assert written.date == "2026-03-04"
    unreadable = build_document(FRONT_MATTER.replace("2026-03-04T09:30:00+01:00", "soon"))
    assert unreadable.date is None
    assert unreadable.text[unreadable.body_start :].startswith("# Port orders cranes")


@pytest.mark.parametrize(
    "text",
    [
        "---\n\nA rule opens this file.\n---\nMore text.",  # rules around text
        "---\ntitle: never closed\n\nThe text.",
        "Text first.\n---\ntitle: x\n---\n",
    ],
)
def test_text_between_rules_is_no_front_matter(text: str) -> None:
    document = build_document(text, doc_id="x")
    assert document.body_start == 0 and document.text == text
    assert not document.title.startswith("-")  # a rule is no title


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "# Port orders cranes\n\n*Published 2026-03-04*\n\nThe port ordered cranes.",
            "2026-03-04",
        ),
        ("Board extends the day\n\nMarch 10, 2026\n\nThe board voted.", "2026-03-10"),
        ("Board extends the day\nUpdated: 4 Mar. 2026\nThe board voted.", "2026-03-04"),
        ("Board extends the day\n_Posted on June 1, 2025_\nThe board voted.", "2025-06-01"),
        ("Board extends the day\nTuesday, March 10, 2026\nThe board voted.", "2026-03-10"),
        ("Board extends the day\nUpdated 3:45 p.m. ET Nov. 12, 2026\nIt voted.", "2026-11-12"),
        ("Board extends the day\nMarch 10, 2026 at 09:30 GMT\nThe board voted.", "2026-03-10"),
        ("Board extends the day\nThe vote: 10:30\nThe board voted.", None),  # a time alone
        ("Board extends the day\nThe vote is on March 10, 2026.\n", None),  # in a sentence
        ("Board extends the day\nDate: 2026-02-30\n", None),  # no such day
        ("Title\none\ntwo\nthree\n2026-01-01\n", None),  # too far from the top
        # a news agency's dateline, on a line of its own or opening the text
        ("Board extends the day\nVALDMERE, March 6, 2026 (Agency) -\nIt voted.", "2026-03-06"),
        ("Board extends the day\nTARNVIK, Nov. 12, 2025 (AP) — It voted.", "2025-11-12"),
        ("Board extends the day\nPORT ELMSBY, Elm., 6 March 2026 - It voted.", "2026-03-06"),
        ("Board extends the day\nTARNVIK, March 6 (Agency) - It voted.", None),  # no year
        ("Board extends the day\nOn Friday, March 6, 2026 - it voted.", None),  # no place
        # a byline that gives the date as one of its parts, or after the name and a comma
        ("Board extends the day\nBy Jo Placeholder | March 2, 2026\nIt voted.", "2026-03-02"),
        (
            "# Board extends the day\n**By Jo Placeholder** · 6 min read · Mar 5, 2026\n",
            "2026-03-05",
        ),
        ("Board extends the day\nBy Jo Placeholder, Tuesday, March 10, 2026\n", "2026-03-10"),
        ("Board extends the day\nBy Jo Placeholder - Updated 4 Mar 2026\nIt voted.", "2026-03-04"),
        ("Board extends the day\nBy Jo Placeholder | Staff writer\nIt voted.", None),
        ("Board extends the day\nBy Friday, March 6, 2026 the board had voted\n", None),  # text
    ],
)
def test_a_dateline_under_the_title_becomes_the_date(text: str, expected: str | None) -> None:
    """News files often carry their date on a line of its own under the title."""
    document = build_document(text, doc_id="x")
    assert document.date == expected and document.text == text and document.body_start == 0
    assert build_document(text, doc_id="x", date="2020-01-02").date == "2020-01-02"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("# Port orders cranes\nThe port ordered cranes.", "Port orders cranes"),
        ("Port orders cranes\n\nThe port ordered cranes.", "Port orders cranes"),
        # a list's first item (a slide of points, notes that open with a list): no marker
        ("- Port orders cranes\n- The cranes arrive in May", "Port orders cranes"),
        ("1. Port orders cranes\n2. The cranes arrive in May", "Port orders cranes"),
        # a PDF's layout wraps a sentence: the title reads on, and is cut with "..."
        (
            "The port board met on Monday and agreed\nthat the new cranes arrive in May.\nMore.",
            "The port board met on Monday and agreed that the new cranes arrive in May.",
        ),
        (
            "The port board met on Monday and agreed that the new cranes, the first in forty\n"
            "years, will arrive in May after a long delay caused by a dispute over the contract.",
            "The port board met on Monday and agreed that the new cranes, the first in forty "
            "years, will arrive in May after a...",
        ),
    ],
)
def test_a_title_guessed_from_the_first_line(text: str, title: str) -> None:
    assert build_document(text, doc_id="x").title == title


BODY = "By Friday, the port had reopened. The cranes arrive in spring."


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("# Port orders cranes\n\n", "Port orders cranes"),
        ("Port orders cranes\n", "Port orders cranes | Acme News"),  # a page adds its site
        ("Port orders cranes\nBy Jo Placeholder, March 10, 2026\n\n", "Port orders cranes"),
        (
            "**Port orders cranes**\n*Published 2026-03-04*\nWritten by Sam Example\n",
            "Port orders cranes",
        ),
        ("By JO PLACEHOLDER\nTuesday, March 10, 2026\n\n", "Port orders cranes"),
        ("Port orders cranes\n", "Port orders cranes - Sport"),
        ("Port orders cranes\nBy Acme, staff writer\n\n", "Port orders cranes"),
        ("Port orders cranes\nVALDMERE, March 6, 2026 (Agency) -\n", "Port orders cranes"),
        (
            "Port orders cranes\n**By Jo Placeholder** · 4 min read · Mar 5, 2026\n",
            "Port orders cranes",
        ),
    ],
)
def test_head_end_skips_the_title_dateline_and_byline(head: str, title: str) -> None:
    """What a news file or page opens with to say what it is; its text starts after it."""
    text = head + BODY
    assert text[head_end(text, title) :] == BODY


@pytest.mark.parametrize(
    ("first_line", "title"),
    [
        ("Port orders cranes", "Port orders cranes at dawn"),  # the title's start, no site name
        ("Port orders cranes", "Port"),
        ("By Friday, the port had reopened.", "Title"),  # a sentence
        ("By the numbers", "Title"),
        ("By Monday Acme", "Title"),  # a day, not a name
        ("By , staff", "Title"),  # no name at all
        ("VALDMERE, March 6, 2026 (Agency) - The board voted.", "Title"),  # text follows it
    ],
)
def test_head_end_keeps_text_that_only_looks_like_a_head(first_line: str, title: str) -> None:
    assert head_end(f"{first_line}\n{BODY}", title) == 0


def test_unsupported_and_undecodable_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"\x00\x01")
    with pytest.raises(UnsupportedType, match="unsupported"):
        load_document(bad, tmp_path)
    latin = tmp_path / "y.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(InvalidInput, match="UTF-8"):
        load_document(latin, tmp_path)


def test_html_and_pdf_seeds_are_indexed_at_start_up(
    tmp_path: Path, make_settings: Callable[..., Settings], embedder: Embedder
) -> None:
    """Start-up seeding reads every format through the same loaders as the CLI and uploads."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "ferry.txt").write_text("date 2024-03-01\nThe ferry to Lindo runs hourly.")
    (seeds / "bridge.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (seeds / "dam.pdf").write_bytes(
        pdf_bytes(["The Orsa dam produces about 80 megawatts of electricity."], title="Orsa dam")
    )
    with TestClient(create_app(make_settings(seeds_dir=seeds), embedder)) as client:
        listed = client.get("/v1/documents").json()["documents"]
        pdf = client.get("/v1/documents/dam.pdf").json()
    assert {d["doc_id"] for d in listed} == {"ferry.txt", "bridge.html", "dam.pdf"}
    assert "80 megawatts" in pdf["text"] and pdf["title"] == "Orsa dam"
