"""The extractive answerer over passages, with the real embedder."""

from __future__ import annotations

from service.embedding import Embedder
from service.extractive import ExtractiveAnswerer, sentences_of
from service.records import ChunkRecord, Passage


def _passage(text: str, date: str | None, title: str = "") -> Passage:
    return Passage(ChunkRecord("c", "d", "h", 0, text, 0, len(text), title, date, ""), 0.5)


def test_a_passage_naming_no_year_answers_for_its_documents_year(minilm: Embedder) -> None:
    """A report of 7 May 2017 tells of the 2017 election without naming the year."""
    answerer = ExtractiveAnswerer(lambda _: 1.0, minilm)
    question = "Who won the French presidential election in 2017?"
    text = "Emmanuel Macron won the French presidential election, beating Marine Le Pen."
    answer, citations = answerer.answer(question, [_passage(text, "2017-05-07")])
    assert "Emmanuel Macron" in answer and len(citations) == 1
    assert answerer.answer(question, [_passage(text, "2022-04-24")]) == ("", [])


def test_a_passage_naming_nothing_the_question_names_does_not_answer(minilm: Embedder) -> None:
    """Another show's "season premiere" is no answer for The Blacklist's."""
    answerer = ExtractiveAnswerer(lambda _: 1.0, minilm)
    question = "When will the first season of The Blacklist premiere?"
    text = "It was announced that the first season premiere would be on September 23, 2013."
    assert answerer.answer(question, [_passage(text, None)]) == ("", [])
    answer, _ = answerer.answer(question, [_passage(text, None, title="The Blacklist")])
    assert "September 23, 2013" in answer


def test_a_listings_labelled_value_answers_for_the_pages_subject(minilm: Embedder) -> None:
    """A product page's "Release date. December 1, 2017" dates the product it lists."""
    listing = "Xenoblade Chronicles 2. Digital. Nintendo Switch. Release date. December 1, 2017"
    assert [s.text for s in sentences_of(listing)][-1] == "Release date. December 1, 2017"
    other = "Fans share their rare release quotes of Xenoblade Chronicles 2 on a forum."
    answerer = ExtractiveAnswerer(lambda _: 1.0, minilm)
    question = "When was Xenoblade Chronicles 2 released?"
    answer, _ = answerer.answer(question, [_passage(other, None), _passage(listing, None)])
    assert "December 1, 2017" in answer
