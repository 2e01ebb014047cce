from service.core.records import ChunkRecord, Passage
from service.grounding.citations import resolve_markers

TEXT = "Egypt held talks. Qatar is mediating with Hamas in Doha. The weather is hot."


def passages() -> list[Passage]:
    first = ChunkRecord("c1", "d", "h", 0, TEXT, 100, 100 + len(TEXT), "T", "2023-10-09", "s")
    second = ChunkRecord("c2", "e", "h", 0, "Egypt urged restraint.", 0, 22, "U", None, "")
    return [Passage(first, 0.5), Passage(second, 0.4)]


def test_markers_pointing_nowhere_are_removed() -> None:
    text, citations = resolve_markers("Qatar mediates with Hamas [1]. It rains [9].", passages())
    assert text == "Qatar mediates with Hamas [1]. It rains."
    assert [c.n for c in citations] == [1]


def test_quote_is_the_supporting_sentence_with_document_offsets() -> None:
    _, citations = resolve_markers("Qatar mediates with Hamas in Doha [1].", passages())
    (citation,) = citations
    assert citation.quote == "Qatar is mediating with Hamas in Doha."
    document_text = " " * 100 + TEXT
    assert document_text[citation.start : citation.end] == citation.quote


def test_the_quote_names_what_the_claim_adds_to_the_question() -> None:
    """The sentence sharing the most words repeats the question; the answer's own name or
    figure is in another sentence, and that one is quoted."""
    text = (
        "The Acme bakery on Station Street now bakes through the night. "
        "Owner Jo Placeholder said nurses asked for it. It sells 150 loaves a night."
    )
    chunk = ChunkRecord("c3", "f", "h", 0, text, 0, len(text), "Bakery", None, "")
    answer = "The Acme bakery on Station Street is owned by Jo Placeholder [1]."
    without, with_question = (
        resolve_markers(answer, [Passage(chunk, 0.5)], question)[1][0].quote
        for question in ("", "Who owns the Acme bakery on Station Street?")
    )
    assert without.startswith("The Acme bakery")  # most words shared
    assert with_question == "Owner Jo Placeholder said nurses asked for it."
    figure = resolve_markers("The bakery sells 150 loaves [1].", [Passage(chunk, 0.5)], "How many?")
    assert figure[1][0].quote == "It sells 150 loaves a night."
    # Two claims cite it: the quote is for the one that answers (most words of the question).
    both = "The Acme bakery on Station Street bakes at night [1]. Jo Placeholder owns it [1]."
    owner = resolve_markers(both, [Passage(chunk, 0.5)], "Who owns it?")[1][0].quote
    assert owner == "Owner Jo Placeholder said nurses asked for it."


def test_numbers_are_kept_and_grouped_markers_split() -> None:
    text, citations = resolve_markers("Egypt urged restraint [2, 1].", passages())
    assert text == "Egypt urged restraint [2][1]."
    assert [c.n for c in citations] == [1, 2]
    assert citations[1].quote == "Egypt urged restraint."


def test_a_list_of_markers_becomes_adjacent_markers() -> None:
    text, citations = resolve_markers("Egypt urged restraint. [2], [1]; [9]", passages())
    assert text == "Egypt urged restraint. [2][1]"
    assert [c.n for c in citations] == [1, 2]
    assert citations[1].quote == "Egypt urged restraint."


def test_marker_after_the_full_stop_belongs_to_the_sentence_before() -> None:
    _, citations = resolve_markers("Egypt urged restraint. [2]", passages())
    assert citations[0].quote == "Egypt urged restraint."


def test_each_item_of_a_list_is_its_own_claim() -> None:
    # One "sentence" to a sentence splitter (no full stops), two claims to a reader.
    answer = "- Egypt urged restraint [2]\n- Egypt held talks with the two sides [1]"
    _, citations = resolve_markers(answer, passages())
    assert [c.quote for c in citations] == ["Egypt held talks.", "Egypt urged restraint."]
    answer = "- Qatar is mediating with Hamas in Doha [2]\n- Egypt held talks too [1]"
    _, citations = resolve_markers(answer, passages())
    assert citations[0].quote == "Egypt held talks."  # not the Qatar sentence of the list
