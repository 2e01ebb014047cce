"""A sentence read under its section's heading."""

from __future__ import annotations

from service.core.sections import heading_before, read_in_section, section_heading
from service.core.text import split_sentences

HANDBOOK = (
    "# Acme pool handbook\n\nUpdated in May.\n\n## Lost property\n\n"
    "Items left behind are kept for 30 days. After that they go to charity.\n\n"
    "### Fees\n\n| Item | Fee |\n|---|---|\n| Towel | 2 € |\n"
)


def test_each_sentence_is_read_under_the_nearest_heading_above_it() -> None:
    read = [
        read_in_section(HANDBOOK, s, title="Acme pool handbook") for s in split_sentences(HANDBOOK)
    ]
    assert read == [
        "# Acme pool handbook",  # a heading is read as it is
        "Updated in May.",  # under the document's title only: nothing to add
        "## Lost property",
        "Lost property: Items left behind are kept for 30 days.",
        "Lost property: After that they go to charity.",
        "### Fees",
        "Fees: Item | Fee",
        "Item: Towel | Fee: 2 €",  # a table's row is read with its header instead
    ]


def test_without_a_heading_above_a_sentence_is_read_as_it_is() -> None:
    text = "Plain news text. No headings here."
    assert [read_in_section(text, s) for s in split_sentences(text)] == [
        "Plain news text.",
        "No headings here.",
    ]
    assert section_heading(HANDBOOK, 0) == ""
    assert section_heading(HANDBOOK, HANDBOOK.index("Updated")) == "Acme pool handbook"


def test_a_chunk_cut_from_inside_a_section_reads_under_the_heading_before_it() -> None:
    text = "Items left behind are kept for 30 days. After that they go to charity."
    before = "## Lost property\n\n"
    assert [read_in_section(text, s, before) for s in split_sentences(text)] == [
        "Lost property: Items left behind are kept for 30 days.",
        "Lost property: After that they go to charity.",
    ]
    assert heading_before(HANDBOOK, HANDBOOK.index("After")) == "## Lost property\n\n"
    assert heading_before(HANDBOOK, HANDBOOK.index("### Fees")) == ""  # it has its own
    assert heading_before(HANDBOOK, 0) == ""
