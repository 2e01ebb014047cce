"""Sentences stating the asked action of something else: a derived work, another award
category (the other predicates, a part or another year, are tested through
service.demands in test_demands.py)."""

from __future__ import annotations

from service.other_events import acts_on_other_work, asked_category, wins_other_category
from service.predicates import question_action
from service.question import analyse


def test_a_release_of_a_derived_work_does_not_date_the_work() -> None:
    question = "When was Xenoblade Chronicles Definitive Edition released?"
    action, terms = question_action(question), analyse(question).terms
    album = "A soundtrack album of Xenoblade Chronicles: Definitive Edition was released in 2023."
    assert acts_on_other_work(action, album, terms)
    game = "The soundtrack features music from Definitive Edition, the game released on May 29."
    assert not acts_on_other_work(action, game, terms)
    assert not acts_on_other_work(action, "Definitive Edition was released on May 29.", terms)
    update = "2.0.0 (Released September 13, 2018) · Functionality has been added to the title"
    assert acts_on_other_work(action, update, terms)
    assert acts_on_other_work(action, "Version 1.1 was released on 6 June 2020.", terms)
    soundtrack = analyse("When was the Xenoblade soundtrack released?").terms
    assert not acts_on_other_work(action, album, soundtrack)


def test_a_win_in_another_award_category_is_not_the_asked_one() -> None:
    question = "Which director won Best Director at the 93rd Academy Awards Ceremony?"
    action = question_action(question)
    category = asked_category(question, action)
    assert category == "director"
    assert wins_other_category(action, category, "Hopkins upsets Boseman to win best actor.")
    assert not wins_other_category(action, category, "Chloé Zhao wins Best Director.")
    both = "Zhao won best director, and Hopkins won best actor."
    assert not wins_other_category(action, category, both)
    assert asked_category("Who won the 2021 Tour de France?", question_action("won")) is None
