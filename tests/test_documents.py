from pathlib import Path

import pytest

from service.core.documents import build_document, date_number, find_files, load_file
from service.core.errors import InvalidInput

SEED = Path(__file__).resolve().parent.parent / "seeds"


def test_seed_header_becomes_the_date_and_the_body_keeps_its_offsets() -> None:
    path = next(SEED.glob("*.txt"))
    document = load_file(path, SEED)
    assert document.date == "2023-10-09"
    assert document.doc_id == path.name
    assert document.text == path.read_text(encoding="utf-8")
    assert document.text[document.body_start :].startswith("Qatari mediators")
    assert document.title.startswith("Qatari mediators")


def test_ids_are_stable_and_derived_from_the_path(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    file = tmp_path / "sub" / "My Story.md"
    file.write_text("# Heading\n\nBody text here.", encoding="utf-8")
    first, second = load_file(file, tmp_path), load_file(file, tmp_path)
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


def test_unsupported_and_undecodable_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"\x00\x01")
    with pytest.raises(InvalidInput, match="unsupported"):
        load_file(bad)
    latin = tmp_path / "y.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(InvalidInput, match="UTF-8"):
        load_file(latin)
