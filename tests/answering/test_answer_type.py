"""What a question asks for, and whether a sentence offers it."""

from __future__ import annotations

import pytest

from service.answering.answer_type import (
    answer_type,
    asks_yes_or_no,
    could_answer,
    offered,
    type_match,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When did the bridge open?", "date"),
        ("In what year was the treaty signed?", "date"),
        ("On which days will the drivers strike?", "date"),
        ("In what years did the river flood?", "date"),
        ("How many cranes were ordered?", "number"),
        ("How much will the bridge cost?", "number"),
        ("Who signed the deal?", "name"),
        ("Where will the summit be held?", "place"),
        ("What did the council decide?", "other"),
    ],
)
def test_answer_type_from_question_words(question: str, kind: str) -> None:
    assert answer_type(question) == kind


def test_a_sentence_holds_the_kind_only_with_something_new() -> None:
    question = "When did the port of Valdmere open in 1990?"
    assert offered("date", "The port opened on March 3, 1990.", question)
    assert not offered("date", "The port of Valdmere opened in 1990.", question)
    assert offered("number", "They ordered twelve cranes.", "How many cranes?")
    assert offered("name", "The deal was signed by Mara Lint.", "Who signed the deal?")
    assert not offered("name", "The deal was signed.", "Who signed the deal?")
    assert offered("number", "It costs $150, not 120.", "How much?") == {"$150", "120"}


def test_a_question_asking_for_no_kind_matches_every_sentence_halfway() -> None:
    question = "How are the negotiations described?"
    assert answer_type(question) == "other"
    assert type_match("other", "The talks are moving positively.", question) == 0.5
    assert type_match("date", "The talks are moving positively.", "When did talks start?") == 0.0


@pytest.mark.parametrize(
    ("question", "yes_or_no"),
    [
        ("Can I keep a dog?", True),
        ("Is the pool open on Sundays?", True),
        ("Does the policy cover theft?", True),
        ("Isn't entry free on Sundays?", True),
        ("Have the talks ended?", True),
        ("Who is mediating the talks?", False),
        ("Israel and which other country signed?", False),  # "Is" only as a word's start
        ("How do I make a claim?", False),
        ("Hassan said what?", False),
    ],
)
def test_a_question_asks_yes_or_no_when_it_opens_with_an_auxiliary_verb(
    question: str, yes_or_no: bool
) -> None:
    assert asks_yes_or_no(question) is yes_or_no


def test_a_when_or_how_many_question_is_answered_only_by_a_sentence_of_its_kind() -> None:
    def could(question: str, sentence: str) -> bool:
        return could_answer(answer_type(question), sentence, question)

    when = "When does the waiting list open?"
    assert could(when, "The list opens on 3 March 2026.")
    assert could(when, "It opens every March.")  # a month alone
    assert could(when, "It opened last week.") and could(when, "It opens soon.")
    assert could(when, "It opens after the annual meeting.")
    assert not could(when, "Write to the plot secretary at the garden office.")
    how_many = "How many plots does the garden have?"
    assert could(how_many, "The garden has 40 plots.")
    assert could(how_many, "It has twelve.") and could(how_many, "Twice as many.")
    assert not could(how_many, "Write to the plot secretary at the garden office.")
    assert could("How much is entry?", "Entry is free on Sundays.")
    # Other questions, and "how long" or "how old", which may be answered in words, are open.
    assert could("Who runs the garden?", "Write to the plot secretary.")
    assert could("How long is the wait?", "The wait is long.")
