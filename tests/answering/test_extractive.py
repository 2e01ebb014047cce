"""The extractive answerer over passages, with the real embedder and the fitted model."""

from __future__ import annotations

import json

import pytest

from service.answering.excerpts import excerpts
from service.answering.extractive import ExtractiveAnswerer
from service.answering.extractive_answer import compose, within_words
from service.answering.extractive_features import FEATURES
from service.answering.extractive_model import MODEL_PATH, Candidate, ScoringModel
from service.core.ports import Embedder
from service.core.records import ChunkRecord, Passage
from service.core.text import Span, split_sentences, table_context
from service.grounding.claims import ClaimChecker, split_claims, verify, word_overlap

MEDIATION = (
    "Qatari mediators have been engaging in urgent negotiations with Hamas officials. "
    "The talks are moving positively, according to a source familiar with the talks. "
    "Qatar is also focusing on the release of 36 Palestinian women and children prisoners."
)
HARBOUR = (
    "The harbour authority signed a deal on Tuesday for 12 new cranes at the port of Valdmere."
)


def _passage(
    text: str, doc_id: str = "d", date: str | None = None, similarity: float = 0.6
) -> Passage:
    chunk = ChunkRecord(f"{doc_id}#0", doc_id, "h", 0, text, 0, len(text), doc_id, date, "")
    return Passage(chunk, 0.03, similarity, 1.0)


def _answerer(minilm: Embedder, threshold: float | None = None) -> ExtractiveAnswerer:
    """The fitted model; with `threshold`, the same weights answering from that probability."""
    model = ScoringModel.load()
    if threshold is not None:
        model = ScoringModel(model.weights, model.bias, threshold)
    return ExtractiveAnswerer(lambda _term: 1.0, minilm, model)


def test_the_fitted_model_matches_the_features() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    model = ScoringModel.load()
    assert len(model.weights) == len(FEATURES) and 0.0 <= model.threshold <= 1.0
    assert model.runner_up == data["runner_up"]


def test_the_runner_up_is_given_where_its_probability_is_close_to_the_best() -> None:
    """The second likeliest sentence is given too where its probability reaches the model's
    share of the best's (and the threshold); a sentence that says the same as the best, as
    the overlap of two chunks does, is passed over. Two sentences of one passage are under
    one citation that quotes from the first to the second."""
    ferries = "The ferry leaves from pier two. Buses leave from the square."
    overlap = "The ferry leaves from pier two. Tickets are sold on board."
    passages = [_passage(ferries, "a"), _passage(overlap, "b")]
    a, b = split_sentences(ferries), split_sentences(overlap)
    ranked = [
        Candidate(0, a[0], (), 0.8),
        Candidate(1, b[0], (), 0.75),  # the same sentence, in the next chunk
        Candidate(1, b[1], (), 0.6),
        Candidate(0, a[1], (), 0.3),
    ]
    question = "What leaves from the pier?"

    def answer(threshold: float, runner_up: float) -> str:
        model = ScoringModel((), 0.0, threshold, runner_up)
        text, citations = compose(question, ranked, passages, model)
        assert len(citations) == text.count("[")
        return text

    both = "The ferry leaves from pier two. [1] Tickets are sold on board. [2]"
    assert answer(0.2, 0.7) == both  # 0.6 >= 0.7 * 0.8
    assert answer(0.2, 0.8) == "The ferry leaves from pier two. [1]"  # 0.6 < 0.8 * 0.8
    assert answer(0.65, 0.0) == "The ferry leaves from pier two. [1]"  # under the threshold
    assert answer(0.9, 0.0) == ""
    ranked = [Candidate(0, a[1], (), 0.8), Candidate(0, a[0], (), 0.7)]  # one passage's two
    text, (citation,) = compose(question, ranked, passages, ScoringModel((), 0.0, 0.2, 0.7))
    assert text == "Buses leave from the square. [1] The ferry leaves from pier two. [1]"
    assert citation.quote == ferries == ferries[citation.start : citation.end]


def test_a_short_runner_up_leaves_the_best_sentence_whole() -> None:
    """Two sentences that fit in the answer's 60 words are both given whole; the words are
    shared evenly only where they do not fit."""
    ruling = (
        "The court ruled on Tuesday that the council acted unlawfully when it closed the "
        "library in March, and ordered it to reopen the branch within 90 days."
    )  # 27 words: more than an even share of the words left beside the marker
    savings = "The council said it closed the library to save money."
    passages = [_passage(ruling, "a"), _passage(savings, "b")]
    a, b = split_sentences(ruling), split_sentences(savings)
    ranked = [Candidate(0, a[0], (), 0.8), Candidate(1, b[0], (), 0.7)]
    model = ScoringModel((), 0.0, 0.2, 0.7)
    text, _ = compose("How long has the council got?", ranked, passages, model, max_words=50)
    assert text == f"{ruling} [1] {savings} [2]"
    text, _ = compose("How long has the council got?", ranked, passages, model, max_words=30)
    cut = "The court ruled on Tuesday that the council acted unlawfully when it closed the..."
    assert text == f"{cut} [1] {savings} [2]"  # the short one whole, the long one the rest


def test_a_table_row_and_the_sentence_after_it_are_two_claims_each_verified(
    minilm: Embedder,
) -> None:
    """A row read under its header ends in no full stop; followed by another passage's
    sentence, the two read as one claim, and the second passage, lacking the row's
    figures, failed the claim check: its citation was not verified."""
    table = "| Route | Adult | Starts |\n|---|---|---|\n| Night shuttle | 8.75 | 15 May 2026 |"
    prose = "It will run from 15 May and cost 8.75 euros a trip."
    passages = [_passage(table, "a"), _passage(prose, "b")]
    row = Span(table.index("Night"), len(table) - 2, table[table.index("Night") : len(table) - 2])
    ranked = [Candidate(0, row, (), 0.8), Candidate(1, split_sentences(prose)[0], (), 0.7)]
    model = ScoringModel((), 0.0, 0.2, 0.7)
    text, citations = compose("How much is a night shuttle trip?", ranked, passages, model)
    assert text == (
        "Route: Night shuttle | Adult: 8.75 | Starts: 15 May 2026. [1] "
        "It will run from 15 May and cost 8.75 euros a trip. [2]"
    )
    _, checked, claims = verify(ClaimChecker(minilm), text, citations, passages, drop=False)
    assert len(claims) == 2 and all(c.verified for c in checked)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many Palestinian prisoners is Qatar seeking to free?", "36"),
        ("Who is mediating the hostage talks?", "Qatar"),
    ],
)
def test_answers_with_the_sentence_that_holds_the_answer(
    minilm: Embedder, question: str, expected: str
) -> None:
    text, citations = _answerer(minilm, threshold=0.0).answer(question, [_passage(MEDIATION)])
    assert expected in text and text.endswith("[1]")
    (citation,) = citations
    assert expected in citation.quote and MEDIATION[citation.start : citation.end] == citation.quote


def test_a_number_said_in_other_words_is_found(minilm: Embedder) -> None:
    answerer = _answerer(minilm, threshold=0.0)
    text, _ = answerer.answer("How many cranes did Valdmere order?", [_passage(HARBOUR)])
    assert "12 new cranes" in text
    (best,) = answerer.rank("How many cranes did Valdmere order?", [_passage(HARBOUR)])
    refusing = _answerer(minilm, threshold=best.probability + 0.01)
    assert refusing.answer("How many cranes did Valdmere order?", [_passage(HARBOUR)]) == ("", [])


def test_the_measure_word_of_a_how_much_question_is_not_looked_for(minilm: Embedder) -> None:
    # "much" names the kind of answer, an amount; the sentence stating it holds every other word.
    fund = _passage("The government announced a relief fund of 15 million euros for households.")
    (best,) = _answerer(minilm).rank("How much is the relief fund?", [fund])
    assert best.features[FEATURES.index("coverage")] == 1.0
    assert best.features[FEATURES.index("passage_coverage")] == 1.0


def test_a_how_many_question_is_not_answered_by_a_sentence_without_a_figure(
    minilm: Embedder,
) -> None:
    garden = _passage("Write to the plot secretary at the garden office. The garden has 40 plots.")
    answerer = _answerer(minilm, threshold=0.0)  # every sentence likely enough
    text, _ = answerer.answer("How many plots does the garden have?", [garden])
    assert text == "The garden has 40 plots. [1]"
    office = _passage("Write to the plot secretary at the garden office about your plot.")
    assert answerer.answer("How many plots does the garden have?", [office]) == ("", [])
    assert answerer.answer("Who handles the plots?", [office])[0].startswith("Write")


def test_a_how_many_question_is_answered_by_the_sentence_with_a_new_figure(
    minilm: Embedder,
) -> None:
    # Both sentences can say how many ("free"); names count for "who", figures for "how many".
    recall = _passage(
        "Customers should stop using the kettle and register for a free replacement, said "
        "Marta Lindqvist, Kettleby's head of product safety. The company said it had received "
        "23 reports of lids opening, and four customers had suffered minor burns."
    )
    answerer = _answerer(minilm, threshold=0.0)
    ranked = answerer.rank("How many customers were burned?", [recall])
    assert ranked[0].span.text.startswith("The company said")
    ranked = answerer.rank("Who is in charge of product safety?", [recall])
    assert ranked[0].span.text.startswith("Customers should")


def test_a_question_that_is_mostly_a_name_finds_the_sentence_that_names_it(
    minilm: Embedder,
) -> None:
    # The embedder knows few names: such a question sits far from every sentence in meaning.
    mayor = _passage(
        '"People have lost their homes, their shops and their boats. This money has to reach '
        "them before Christmas, not in the spring,\" said Porthaven's mayor, Ines Duarte, who "
        "visited the worst-hit streets on Wednesday.",
        similarity=0.06,
    )
    answerer = _answerer(minilm)
    assert max(answerer.closeness("Who is Ines Duarte?", [mayor])) < 0.25  # QA_MIN_RELEVANCE
    assert answerer.holds_every_word("Who is Ines Duarte?", [mayor])
    assert not answerer.holds_every_word("Who is Ines Example?", [mayor])
    assert not answerer.holds_every_word("Who?", [mayor])  # no word asked about


def test_an_unrelated_passage_gives_no_answer(minilm: Embedder) -> None:
    passage = _passage(MEDIATION, similarity=0.05)
    assert _answerer(minilm).answer("What is the capital of Australia?", [passage]) == ("", [])


def test_disagreeing_documents_are_both_given_newest_first(minilm: Embedder) -> None:
    passages = [
        _passage(
            "The city council said the bridge will cost 120 million dollars.", "a", "2024-01-05"
        ),
        _passage("The ministry said the bridge will cost 150 million dollars.", "b", "2024-03-01"),
    ]
    text, citations = _answerer(minilm, threshold=0.0).answer(
        "How much will the bridge cost?", passages
    )
    assert text.startswith("Two documents give different figures:")
    assert [c.chunk.doc_id for c in citations] == ["b", "a"]
    assert text.index("150 million dollars. [2]") < text.index("120 million dollars. [1]")


def test_a_date_without_its_year_does_not_disagree_with_it(minilm: Embedder) -> None:
    passages = [
        _passage("The night ferry starts on 15 May 2026, the council said.", "a", "2026-03-01"),
        _passage("The night ferry starts on 15 May, the operator said.", "b", "2026-03-04"),
    ]
    answerer = _answerer(minilm, threshold=0.0)
    text, _ = answerer.answer("When does the night ferry start?", passages)
    assert "15 May" in text and "different dates" not in text
    passages[1] = _passage("The night ferry starts on 22 May, the operator said.", "b")
    text, _ = answerer.answer("When does the night ferry start?", passages)
    assert text.startswith("Two documents give different dates:")


def test_two_documents_giving_different_times_of_day_say_times(minilm: Embedder) -> None:
    passages = [
        _passage("The library closes at 4 pm on Saturdays, the council said.", "a", "2026-03-01"),
        _passage("The library closes at 5 pm on Saturdays, its website says.", "b", "2026-03-04"),
    ]
    text, _ = _answerer(minilm, threshold=0.0).answer(
        "When does the library close on Saturdays?", passages
    )
    assert text.startswith("Two documents give different times:"), text


def test_a_long_sentence_is_cut_to_the_word_limit() -> None:
    text = " ".join(f"w{i}" for i in range(80))
    cut = within_words(Span(10, 10 + len(text), text), 58)
    assert len(cut.text.split()) == 58 and text.startswith(cut.text)
    assert cut.end - cut.start == len(cut.text)


def test_a_cut_sentence_ends_in_an_ellipsis_and_stays_its_own_claim(minilm: Embedder) -> None:
    """Two long disagreeing sentences, each cut to fit the answer: each is marked as cut and
    is a claim of its own, citing its own passage (not one run-on claim citing both)."""
    filler = " ".join(["the long and winding account of the works went on"] * 4)
    passages = [
        _passage(f"The council said the bridge will cost 120 million dollars, {filler}.", "a"),
        _passage(f"The ministry said the bridge will cost 150 million dollars, {filler}.", "b"),
    ]
    text, citations = _answerer(minilm, threshold=0.0).answer(
        "How much will the bridge cost?", passages
    )
    assert text.startswith("Two documents give different figures:")
    assert text.count("... [") == 2 and len(text.split()) <= 60
    claims = split_claims(text)
    assert [c.numbers for c in claims] == [[c.n] for c in citations]
    for claim, citation in zip(claims, citations, strict=True):
        assert word_overlap(claim.text, citation.quote) >= 0.5


@pytest.mark.parametrize("gap", ["\n\n", "\n"])
def test_the_title_line_a_file_opens_with_is_no_answer(minilm: Embedder, gap: str) -> None:
    """A headline names the subject and so looks likely; the answer is in the text."""
    title = "Harbour of Valdmere orders new cranes"
    text = f"# {title}{gap}{HARBOUR} The cranes arrive in spring."
    chunk = ChunkRecord("h#0", "h", "h", 0, text, 0, len(text), title, None, "")
    answerer = _answerer(minilm, threshold=0.0)
    ranked = answerer.rank("How many cranes did Valdmere order?", [Passage(chunk, 0.03, 0.6)])
    assert all(title not in c.span.text for c in ranked)
    assert all(text[c.span.start : c.span.end] == c.span.text for c in ranked)
    answer, (citation,) = answerer.answer(
        "How many cranes did Valdmere order?", [Passage(chunk, 0.03, 0.6)]
    )
    assert "12 new cranes" in answer and citation.quote.startswith("The harbour authority")
    (shown,) = excerpts(ranked, [Passage(chunk, 0.03, 0.6)], count=1, words=80)
    assert shown.text.endswith(f"{HARBOUR} The cranes arrive in spring.")  # with its neighbour


def test_a_pages_headline_and_byline_are_no_answer(minilm: Embedder) -> None:
    """A page's text opens with its headline (its title adds the site's name) and a byline
    with a date, which would otherwise answer any "when" question."""
    head = "Harbour of Valdmere orders new cranes\n\nBy Jo Placeholder, March 10, 2026\n\n"
    text = f"{head}{HARBOUR} The cranes arrive in spring."
    title = "Harbour of Valdmere orders new cranes | Acme News"
    chunk = ChunkRecord("h#0", "h", "h", 0, text, 0, len(text), title, None, "")
    ranked = _answerer(minilm, threshold=0.0).rank(
        "When was the deal for the cranes signed?", [Passage(chunk, 0.03, 0.6)]
    )
    assert sorted(c.span.text for c in ranked) == sorted([HARBOUR, "The cranes arrive in spring."])


def test_headings_and_labels_are_no_answer(minilm: Embedder) -> None:
    """A line of its own without a statement's closing punctuation names a subject (a
    heading, a caption, a label) and states nothing; the sentences under it answer."""
    text = (
        "FOR IMMEDIATE RELEASE\n\nHarbour of Valdmere Orders New Cranes\n\n"
        f"*Jo Placeholder · 4 min read*\n\n{HARBOUR}\n\n## How many cranes arrive\n\n"
        "The cranes arrive in spring.\n\nMedia contact: Sam Example, press office"
    )
    chunk = ChunkRecord("h#0", "h", "h", 0, text, 0, len(text), "FOR IMMEDIATE RELEASE", None, "")
    ranked = _answerer(minilm, threshold=0.0).rank(
        "How many cranes did Valdmere order?", [Passage(chunk, 0.03, 0.6)]
    )
    assert sorted(c.span.text for c in ranked) == sorted([HARBOUR, "The cranes arrive in spring."])
    headline = "Harbour of Valdmere orders 12 new cranes"  # a document that is one headline
    chunk = ChunkRecord("g#0", "g", "g", 0, headline, 0, len(headline), headline, None, "")
    ranked = _answerer(minilm).rank("How many cranes?", [Passage(chunk, 0.03, 0.6)])
    assert [c.span.text for c in ranked] == [headline]


def test_a_list_item_without_a_full_stop_still_answers(minilm: Embedder) -> None:
    """A list's items often end without a full stop; they state things all the same."""
    text = "The harbour's new equipment:\n\n- 12 cranes ordered in May\n- two tugboats"
    chunk = ChunkRecord("l#0", "l", "l", 0, text, 0, len(text), "Harbour", None, "")
    ranked = _answerer(minilm, threshold=0.0).rank(
        "How many cranes did the harbour order?", [Passage(chunk, 0.03, 0.6)]
    )
    assert [c.span.text for c in ranked][:1] == ["12 cranes ordered in May"]


def test_a_question_in_the_text_is_no_answer(minilm: Embedder) -> None:
    """An FAQ's question line reads like the question itself; it asks, its answer answers."""
    text = "Q: How many cranes did the harbour order?\nA: The harbour ordered 12 cranes."
    chunk = ChunkRecord("f#0", "f", "f", 0, text, 0, len(text), "Harbour FAQ", None, "")
    ranked = _answerer(minilm, threshold=0.0).rank(
        "How many cranes did the harbour order?", [Passage(chunk, 0.03, 0.6)]
    )
    assert [c.span.text for c in ranked] == ["A: The harbour ordered 12 cranes."]


def test_a_short_sentence_is_read_with_the_one_before_it(minilm: Embedder) -> None:
    """News often says an age or a result in a sentence of three words ("She was 91."): too
    short to answer alone, it is a candidate with the sentence before it on its line, never
    with a question, nor across a line's break."""
    text = (
        "The broadcaster Anna Lind has died at her home in Lund. She was 91.\n\n"
        "Who replaced her? Nobody did.\n\nThe station closed.\nIt was sold.\n\n"
        "Her last programme was broadcast in 2005. It was ..."
    )
    chunk = ChunkRecord("o#0", "o", "o", 0, text, 0, len(text), "Obituary", None, "")
    ranked = _answerer(minilm, threshold=0.0).rank(
        "How old was Anna Lind when she died?", [Passage(chunk, 0.03, 0.6)]
    )
    assert [c.span.text for c in ranked][:1] == [
        "The broadcaster Anna Lind has died at her home in Lund. She was 91."
    ]
    assert {c.span.text for c in ranked} == {
        ranked[0].span.text,
        "Her last programme was broadcast in 2005.",
    }
    text, _ = _answerer(minilm, threshold=0.0).answer(
        "How old was Anna Lind when she died?", [Passage(chunk, 0.03, 0.6)]
    )
    # each of the two is a claim, and each carries its marker
    assert text == "The broadcaster Anna Lind has died at her home in Lund. [1] She was 91. [1]"


def test_a_one_line_document_is_still_its_own_answer(minilm: Embedder) -> None:
    """A document of one line has that line as its title too; it stays a candidate."""
    chunk = ChunkRecord("h#0", "h", "h", 0, HARBOUR, 0, len(HARBOUR), HARBOUR, None, "")
    ranked = _answerer(minilm).rank("How many cranes?", [Passage(chunk, 0.03, 0.6)])
    assert [c.span.text for c in ranked] == [HARBOUR]


SHIFTS = (
    "The bakery opened a second shop.\n\n| Shift | Bakers | Starts |\n|---|---|---|\n"
    "| Early | 6 | 4 am |\n| Day | 9 | 12 pm |\n| Night | 4 | 10 pm |\n| Late | 2 | 1 am |\n\n"
    "Loaves cost the same in both shops."
)


def test_a_tables_row_answers_read_with_its_header(minilm: Embedder) -> None:
    """A row is a sentence of its own; the answer reads it with its header's names and
    quotes the row as written. The header row is no answer, and the rows the question does
    not look up by their first cell are none either."""
    passage = _passage(SHIFTS, "bakery")
    answerer = _answerer(minilm, threshold=0.0)
    ranked = answerer.rank("How many bakers work the night shift?", [passage])
    assert [c.span.text for c in ranked if "|" in c.span.text] == ["Night | 4 | 10 pm"]
    answer, (citation,) = answerer.answer("How many bakers work the night shift?", [passage])
    assert answer == "Shift: Night | Bakers: 4 | Starts: 10 pm [1]"
    assert citation.quote == "Night | 4 | 10 pm" == SHIFTS[citation.start : citation.end]
    unnamed = answerer.rank("How many bakers are there?", [passage])  # no row looked up
    assert {c.span.text for c in unnamed} >= {"Early | 6 | 4 am", "Late | 2 | 1 am"}
    assert "Shift | Bakers | Starts" not in {c.span.text for c in unnamed}


def test_an_excerpt_of_a_tables_rows_shows_its_header(minilm: Embedder) -> None:
    passage = _passage(SHIFTS, "bakery")
    ranked = _answerer(minilm, threshold=0.0).rank("When does the late shift start?", [passage])
    (shown,) = excerpts(ranked, [passage], count=1, words=8)
    assert shown.text == "| Shift | Bakers | Starts |\n|---|---|---|\n| Late | 2 | 1 am |"


def test_a_passage_that_starts_inside_a_table_answers_under_its_header(minilm: Embedder) -> None:
    """A chunk cut from the middle of a long table reads its rows under the header it keeps
    (`ChunkRecord.context`): the answer, the looked-up row and the excerpt alike."""
    start = SHIFTS.index("Night")
    text, context = SHIFTS[start:], table_context(SHIFTS, start)
    chunk = ChunkRecord("b#1", "b", "h", 1, text, start, len(SHIFTS), "b", None, "", None, context)
    passage = Passage(chunk, 0.03, 0.6, 1.0)
    answerer = _answerer(minilm, threshold=0.0)
    answer, (citation,) = answerer.answer("How many bakers work the late shift?", [passage])
    assert answer == "Shift: Late | Bakers: 2 | Starts: 1 am [1]"
    assert SHIFTS[citation.start : citation.end] == citation.quote == "Late | 2 | 1 am"
    ranked = answerer.rank("How many bakers work the late shift?", [passage])
    (shown,) = excerpts(ranked, [passage], count=1, words=8)
    assert shown.text == "| Shift | Bakers | Starts |\n|---|---|---|\n| Late | 2 | 1 am |"


def test_a_passages_first_row_and_a_passage_that_opens_with_the_header(minilm: Embedder) -> None:
    """The row a chunk starts with is a row, not a line without a full stop (a heading);
    a chunk that opens with the table (a CSV file, a note that starts with its table) starts
    after the header row's opening bar, which its table context gives back, so the header
    is no answer and the rows are looked up under it."""
    answerer = _answerer(minilm, threshold=0.0)
    start = SHIFTS.index("Night")
    chunk = ChunkRecord(
        "b#1", "b", "h", 1, SHIFTS[start:], start, len(SHIFTS), "b", None, "", None,
        table_context(SHIFTS, start),
    )  # fmt: skip
    question = "How many bakers work the night shift?"
    answer, _ = answerer.answer(question, [Passage(chunk, 0.03, 0.6, 1.0)])
    assert answer == "Shift: Night | Bakers: 4 | Starts: 10 pm [1]"
    table = SHIFTS[SHIFTS.index("| Shift") : SHIFTS.index("\n\nLoaves")]
    opening = table.index("Shift")
    assert table_context(table, opening) == "| "
    chunk = ChunkRecord(
        "t#0", "t", "h", 0, table[opening:], opening, len(table), "t", None, "", None, "| "
    )
    ranked = answerer.rank(question, [Passage(chunk, 0.03, 0.6, 1.0)])
    assert [c.span.text for c in ranked] == ["Night | 4 | 10 pm"]


def test_a_row_is_looked_up_by_its_key_column(minilm: Embedder) -> None:
    """The key is the first column whose cells differ, that the question names, and that
    is not only figures: here the team, not the position; and the day, so Sunday's
    "Closed" does not match "close". A column of figures is the key where the question
    names one of them that no other column holds: a route's number, a year."""
    league = (
        "| Pos | Team | Points |\n|---|---|---|\n| 1 | Acme Rovers | 50 |\n| 2 | Marsh Lane | 18 |"
    )
    ranked = _answerer(minilm, threshold=0.0).rank(
        "How many points does Marsh Lane have?", [_passage(league)]
    )
    assert [c.span.text for c in ranked] == ["2 | Marsh Lane | 18"]
    hours = (
        "| Day | Opens | Closes |\n|---|---|---|\n| Saturday | 10 am | 4 pm |\n| Sunday | Closed |"
    )
    ranked = _answerer(minilm, threshold=0.0).rank(
        "When does the library close on Saturday?", [_passage(hours)]
    )
    assert [c.span.text for c in ranked] == ["Saturday | 10 am | 4 pm"]

    def rows(question: str, table: str) -> list[str]:
        ranked = _answerer(minilm, threshold=0.0).rank(question, [_passage(table)])
        return sorted(c.span.text for c in ranked)

    buses = (
        "| Route | First bus | Last bus |\n|---|---|---|\n| 12 | 6:05 am | 11:40 pm |\n"
        "| 22 | 5:45 am | 12:15 am |"
    )
    assert rows("When does the last number 22 bus leave?", buses) == ["22 | 5:45 am | 12:15 am"]
    winners = "| Year | Winner |\n|---|---|\n| 2019 | Acme Rovers |\n| 2020 | Marsh Lane |"
    assert rows("Who won the cup in 2020?", winners) == ["2020 | Marsh Lane"]
    table = league + "\n| 18 | Acme United | 2 |"  # 18: a position, and Marsh Lane's points
    assert len(rows("Which team has 18 points?", table)) == 3  # no row is looked up


POOL = (
    "# Acme pool handbook\n\n## Opening hours\n\nThe pool opens at 6:30 on weekdays.\n\n"
    "## Lost property\n\nItems left behind are kept for 30 days at the front desk. "
    "After that they are given to charity."
)


def test_a_sentence_under_a_heading_answers_in_the_headings_words(minilm: Embedder) -> None:
    """Under "## Lost property", "Items left behind are kept for 30 days" never says "lost":
    read under its heading, it is close to a question in the heading's words, and the
    answer says it as written."""
    chunk = ChunkRecord("p#0", "p", "h", 0, POOL, 0, len(POOL), "Acme pool handbook", None, "")
    passage = Passage(chunk, 0.03, 0.2)
    answerer = _answerer(minilm)
    (closeness,) = answerer.closeness("lost property", [passage])
    assert closeness >= 0.25  # the relevance gate's default
    passage = Passage(chunk, 0.03, 0.6)
    answer, (citation,) = answerer.answer("How long is lost property kept?", [passage])
    assert answer.startswith("Items left behind are kept for 30 days at the front desk. [1]")
    assert citation.quote.startswith("Items left behind")


def test_a_passage_cut_from_inside_a_section_reads_under_its_heading(minilm: Embedder) -> None:
    text = "Items left behind are kept for 30 days at the front desk."
    chunk = ChunkRecord(
        "p#1", "p", "h", 1, text, 90, 148, "Handbook", None, "", None, "## Lost property\n\n"
    )
    (closeness,) = _answerer(minilm).closeness("lost property", [Passage(chunk, 0.03, 0.2)])
    assert closeness >= 0.25  # the relevance gate's default


GARDEN_FAQ = (
    "# Garden FAQ\n\n### How much does a plot cost?\n\nA full plot costs 60 pounds a year.\n\n"
    "### Who do I write to about a neighbour's plot?\n\n"
    "Write to the plot secretary, Sam Example, at the office.\n\n"
    "### Can I keep chickens?\n\nNo. Animals are not allowed on the plots."
)


def test_an_faqs_question_is_read_with_its_answer_not_ranked_against_it(
    minilm: Embedder,
) -> None:
    """A FAQ's question, as its heading, is the line closest to a question in its words; read
    with the sentence under it and not on its own, it puts that sentence first, where ranked
    as a rival it put the sentence naming someone first."""
    chunk = ChunkRecord("f#0", "f", "h", 0, GARDEN_FAQ, 0, len(GARDEN_FAQ), "Garden FAQ", None, "")
    answerer = _answerer(minilm)
    answer, _ = answerer.answer("How much is a plot?", [Passage(chunk, 0.03, 0.6)])
    assert answer.startswith("A full plot costs 60 pounds a year. [1]")
    answer, _ = answerer.answer("Can I keep chickens?", [Passage(chunk, 0.03, 0.6)])
    assert answer == "No. Animals are not allowed on the plots. [1]"
