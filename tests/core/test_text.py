from service.core.names import names
from service.core.text import (
    content_words,
    is_table_header,
    read_with_header,
    split_sentences,
    table_context,
    without_how_measure,
)


def sentences(text: str) -> list[str]:
    """The sentences of `text`, each checked to slice it exactly at its offsets."""
    spans = split_sentences(text)
    assert all(text[s.start : s.end] == s.text for s in spans)
    return [s.text for s in spans]


def test_sentences_slice_the_original_text() -> None:
    text = (
        "Mr. Smith went to Washington. He said “Hello.” Then U.S. officials met! "
        "36 were freed.\n\nNew"
    )
    assert sentences(text) == [
        "Mr. Smith went to Washington.",
        "He said “Hello.”",
        "Then U.S. officials met!",
        "36 were freed.",
        "New",
    ]


def test_a_title_before_a_name_ends_no_sentence() -> None:
    text = "Doe named Gov. Jane Roe and Sen. John Poe. Lt. Gen. Smith agreed."
    assert sentences(text) == [
        "Doe named Gov. Jane Roe and Sen. John Poe.",
        "Lt. Gen. Smith agreed.",
    ]


def test_list_items_and_markdown_headings_are_sentences_of_their_own() -> None:
    text = (
        "## What it costs\nPrices rose in May:\n- A loaf costs 4.50 euros\n* Rolls cost less.\n"
        "2. Dr. Roe sells cake\n\n3. The shop opens early. 12 staff work there."
    )
    assert sentences(text) == [
        "## What it costs",
        "Prices rose in May:",
        "A loaf costs 4.50 euros",  # without its list marker
        "Rolls cost less.",
        "Dr. Roe sells cake",
        "The shop opens early.",  # an item's number ends no sentence
        "12 staff work there.",
    ]
    wrapped = "The vote was 7 to 2 and the\n#1 seed lost - by far\n- said Jo."
    assert sentences(wrapped) == [
        "The vote was 7 to 2 and the\n#1 seed lost - by far",
        "said Jo.",
    ]


def test_underlined_headings_and_emphasised_sentences() -> None:
    text = (
        "Pool times\n==========\n**Q: When does it open?**\nA: At 7 a.m.\n\n"
        "Prices\n---\nIt is *free.* Do come."
    )
    assert sentences(text) == [
        "Pool times",
        "**Q: When does it open?**",
        "A: At 7 a.m.",
        "Prices",
        "It is *free.*",
        "Do come.",
    ]
    windows = text.replace("\n", "\r\n")  # a file saved on Windows
    assert sentences(windows) == sentences(text)


def test_content_words_drop_stopwords_and_stem() -> None:
    assert content_words("Who is mediating the talks with Qatar's mediators?") == [
        "mediat",
        "talk",
        "qatar",
        "mediat",
    ]


def test_the_measure_word_of_a_how_question_is_no_word_to_match() -> None:
    assert content_words(without_how_measure("How much is the relief fund?")) == ["relief", "fund"]
    assert content_words(without_how_measure("By HOW MANY votes did it pass?")) == ["vote", "pass"]
    assert content_words(without_how_measure("How long is the bridge?")) == ["long", "bridg"]
    # Elsewhere the same words are the question's own.
    assert content_words(without_how_measure("Is the much-delayed bridge long?")) == [
        "much", "delay", "bridg", "long",
    ]  # fmt: skip


def test_names_are_capitalised_words_without_months_weekdays_or_short_abbreviations() -> None:
    text = "On Monday, Oct. 5, Jane Doe’s firm Acme told the US and the U.S. Senate: “It is done.”"
    assert names(text) == {"jane", "doe", "acm", "senat"}
    assert names("Pogačar won.") == {"pogačar"}
    # A word capitalised for opening a sentence before a comma or full stop names no one.
    assert names("Yes, it opens on Sundays. However, Acme closes. Sure.") == {"acm"}
    assert names("- Indeed, it does. [1] Also, Sam Example said so.") == {"sam", "exampl"}


def test_a_tables_rows_are_sentences_read_with_their_header() -> None:
    text = (
        "Shifts this week:\n| Shift | Bakers | Starts |\n|:------|-------:|---|\n"
        "| Early | 6 | 4 a.m. Sharp. |\n| Night | 4 | 10 p.m. |\nLoaves cost 4 euros."
    )
    assert sentences(text) == [
        "Shifts this week:",
        "Shift | Bakers | Starts",  # without the bars a row opens and closes with
        "Early | 6 | 4 a.m.",  # a cell's sentences end as any do; the delimiter row is none
        "Sharp.",
        "Night | 4 | 10 p.m.",
        "Loaves cost 4 euros.",
    ]
    spans = split_sentences(text)
    assert [is_table_header(text, s.start) for s in spans] == [False, True] + [False] * 4
    assert [read_with_header(text, s) for s in spans] == [
        "Shifts this week:",
        "Shift | Bakers | Starts",  # the header itself, and rows above a header, as written
        "Shift: Early | Bakers: 6 | Starts: 4 a.m.",
        "Sharp.",  # not the first sentence of its row: read alone
        "Shift: Night | Bakers: 4 | Starts: 10 p.m.",
        "Loaves cost 4 euros.",
    ]
    below = text[text.index("| Night") :]  # a passage that starts under the header
    assert [read_with_header(below, s) for s in split_sentences(below)][0] == "Night | 4 | 10 p.m."


def test_a_rows_empty_cells_are_no_part_of_its_quote_or_reading() -> None:
    """Cells left empty (a spreadsheet's gaps) open or close no sentence, and a row read
    under its header keeps each cell under its own column, the empty ones left out."""
    text = "| Day | Opens | Closes |\n|---|---|---|\n|  | 9 am | 5 pm |\n| Sunday | Closed |  |"
    assert sentences(text) == ["Day | Opens | Closes", "9 am | 5 pm", "Sunday | Closed"]
    assert [read_with_header(text, s) for s in split_sentences(text)][1:] == [
        "Opens: 9 am | Closes: 5 pm",
        "Day: Sunday | Opens: Closed",
    ]


def test_a_passage_that_starts_inside_a_table_reads_its_rows_under_the_header() -> None:
    text = "Shifts:\n| Shift | Bakers |\n|---|---|\n| Early | 6 |\n| Night | 4 |\n\nThat is all."
    start = text.index("Early")
    context = table_context(text, start)
    assert context == "| Shift | Bakers |\n|---|---|\n| "
    passage = text[start:]
    assert [read_with_header(passage, s, context) for s in split_sentences(passage)] == [
        "Shift: Early | Bakers: 6",
        "Shift: Night | Bakers: 4",
        "That is all.",
    ]
    assert table_context(text, text.index("| Shift")) == ""  # the header is in the passage
    assert table_context(text, text.index("That")) == ""  # in no table


def test_each_row_reads_under_the_header_of_its_own_table() -> None:
    text = (
        "| A | B |\n|---|---|\n| 1 | 2 |\n"  # a table, and another right under it
        "| C | D |\n|---|---|\n| 3 | 4 |\n| x |\nNo row.\n| 5 | 6 |"
    )
    read = [read_with_header(text, s) for s in split_sentences(text)]
    assert read == ["A | B", "A: 1 | B: 2", "C | D", "C: 3 | D: 4", "C: x", "No row.", "5 | 6"]
