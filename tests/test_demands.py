"""What a sentence must state to answer a question."""

from __future__ import annotations

from service.demands import NAMELESS, Demands
from service.question import analyse


def _strength(question: str, sentence: str) -> float:
    return Demands.of(analyse(question)).answer_strength(sentence, sentence)


def test_a_sentence_must_state_the_action_and_hold_the_kind_asked_for() -> None:
    question = "Who won the 2019 Tour de France?"
    assert _strength(question, "Egan Bernal won the 2019 Tour de France.") == 1.0
    assert _strength(question, "Egan Bernal rode the 2019 Tour de France.") == 0.0
    assert _strength(question, "Who won the 2019 Tour de France, asks Egan Bernal?") == 0.0


def test_a_win_of_a_part_or_by_a_nationality_does_not_answer_who_won() -> None:
    question = "Who won the 2021 Tour de France?"
    stage = "Mark Cavendish wins stage 13 of the Tour de France, his fourth victory this year."
    assert _strength(question, stage) == 0.0
    both = "Tadej Pogacar won the Tour de France after he won stage 20."
    assert _strength(question, both) == 1.0
    assert _strength(question, "A Colombian has finally won the Tour de France.") == 0.0
    sprint = "Wout van Aert sprinted to the stage 21 victory in Paris on the Tour de France."
    assert _strength(question, sprint) == 0.0
    game = "Definitive Edition, the video game released by Nintendo on May 29, 2020."
    assert _strength("When was Definitive Edition released?", game) == 1.0


def test_an_action_told_of_other_years_only_does_not_answer() -> None:
    question = "Who won the US presidential election in 2020?"
    other = "The 2020 election was historic. Democratic candidates received more in 2018."
    assert _strength(question, other) == 0.0
    assert _strength(question, "Joe Biden won the 2020 election against Donald Trump.") == 1.0
    assert _strength(question, "Joe Biden won the election, beating Trump.") == 1.0


def test_the_asked_office_of_the_asked_body_and_no_former_holder() -> None:
    question = "Who is the CEO of Lego in 2021?"
    assert _strength(question, "Niels B. Christiansen, CEO of the LEGO Group, spoke.") == 1.0
    assert _strength(question, "Jørgen Vig Knudstorp was the CEO of Lego.") == 0.0
    assert _strength(question, "Anne-Birgitte Albrectsen is CEO of the LEGO Foundation.") == 0.0


def test_a_description_answers_who_did_it_less_strongly_than_a_name() -> None:
    question = "Who revealed the talks with Hamas?"
    assert _strength(question, "Security sources revealed the talks with Hamas.") == NAMELESS
    assert _strength(question, "It was revealed that talks with Hamas went on.") == 0.0
