from service.core.text import content_words, names, split_sentences


def test_sentences_slice_the_original_text() -> None:
    text = (
        "Mr. Smith went to Washington. He said “Hello.” Then U.S. officials met! "
        "36 were freed.\n\nNew"
    )
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "Mr. Smith went to Washington.",
        "He said “Hello.”",
        "Then U.S. officials met!",
        "36 were freed.",
        "New",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_a_title_before_a_name_ends_no_sentence() -> None:
    text = "Doe named Gov. Jane Roe and Sen. John Poe. Lt. Gen. Smith agreed."
    assert [s.text for s in split_sentences(text)] == [
        "Doe named Gov. Jane Roe and Sen. John Poe.",
        "Lt. Gen. Smith agreed.",
    ]


def test_content_words_drop_stopwords_and_stem() -> None:
    assert content_words("Who is mediating the talks with Qatar's mediators?") == [
        "mediat",
        "talk",
        "qatar",
        "mediat",
    ]


def test_names_are_capitalised_words_without_months_weekdays_or_short_abbreviations() -> None:
    text = "On Monday, Oct. 5, Jane Doe’s firm Acme told the US and the U.S. Senate: “It is done.”"
    assert names(text) == {"jane", "doe", "acm", "senat"}
    assert names("Pogačar won.") == {"pogačar"}
