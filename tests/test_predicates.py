"""The action a question asks about, and sentences that state it (or do not)."""

from __future__ import annotations

from service.predicates import (
    action_distance,
    argument_words,
    asked_argument,
    names_people,
    question_action,
    states_action,
)
from service.question import analyse


def test_the_action_is_the_questions_verb_with_its_forms_and_synonyms() -> None:
    won = question_action("What movie won the Oscar for Best Animated Film in 2021?")
    assert states_action(won, "Soul won the Academy Award for animated feature.")
    assert states_action(won, "The winner was announced on Sunday.")
    assert not states_action(won, "Poll: Oscars 2021 — Best Animated Feature Film · Vote!")
    assert not states_action(won, "The 93rd Academy Awards | 2021. Union Station Los Angeles.")
    assert states_action(won, "Soul was awarded the Oscar for best animated feature.")
    hosted = question_action("Which city hosted the Olympic Games in 2004?")
    assert states_action(hosted, "The Games were held in Athens.")
    made = question_action("What has made the mediation process challenging?")
    assert states_action(made, "Strikes have made the mediation process challenging.")


def test_verbs_after_did_and_will_count_and_questions_without_one_ask_for_none() -> None:
    acquire = question_action("How much did Google acquire YouTube for?")
    assert states_action(acquire, "Google bought YouTube for $1.65 billion.")
    assert not states_action(acquire, "YouTube has two billion users.")
    premiere = question_action("When will the first season of The Blacklist premiere?")
    assert states_action(premiere, "The Blacklist premiered on September 23, 2013.")
    assert question_action("Who is the CEO of Lego in 2021?") == frozenset()
    election = question_action("Who won the French Presidential Election 2017?")
    assert not states_action(election, "A study of the 2017 French presidential election.")
    assert states_action(election, "Emmanuel Macron was elected president in 2017.")
    # An action asked about within the sentence is not stated by it.
    assert not states_action(election, "Results by state, and who is winning the race.")
    assert states_action(election, "Joe Biden wins election to be the 46th US President.")
    # Nor is a goal: "needed to win", "hopes to win".
    assert not states_action(election, "Total Electoral Votes Needed to Win = 270")
    assert not states_action(election, "Le Pen hopes to win the runoff.")
    assert states_action(election, "Macron went on to win the runoff.")
    kidnapped = question_action("Where are the kidnapped children held?")
    assert states_action(kidnapped, "Children who were kidnapped are held in Gaza.")
    assert states_action(frozenset(), "Anything at all.")


def test_the_answer_next_to_the_action_is_nearer() -> None:
    won = question_action("Which movie won Best Picture at the 90th Academy Awards?")
    near = "The Shape of Water winning best picture."
    far = "Love won out on a night that ended with an Oscar."
    assert action_distance(won, near, {"The Shape of Water"}) == 1
    assert action_distance(won, far, {"Oscar"}) == 9
    assert action_distance(won, far, set()) is None
    assert action_distance(frozenset(), near, {"The Shape of Water"}) is None


def test_who_did_it_can_be_answered_by_who_the_sentence_says_did_it() -> None:
    question = "Who revealed that Egypt has been in contact with both parties?"
    assert asked_argument(question) == "doer"
    action, terms = question_action(question), analyse(question).terms
    said = "Egyptian security sources revealed that Egypt has been in contact with both."
    assert argument_words(action, said, terms, "doer") == ["egyptian", "secur", "sourc"]
    passive = "It was revealed that Egypt has been in contact."
    assert argument_words(action, passive, terms, "doer") == []
    assert asked_argument("Who won the 2021 Tour de France?") is None
    assert asked_argument("Who is the CEO of Lego?") is None


def test_what_did_they_do_can_be_answered_by_what_the_sentence_says_they_did() -> None:
    question = "What did Hamas fighters storm?"
    assert asked_argument(question) == "object"
    action, terms = question_action(question), analyse(question).terms
    assert action == frozenset({"storm"})
    said = "During the assault they stormed towns and took hostages."
    assert argument_words(action, said, terms, "object") == ["town", "took", "hostag"]
    assert asked_argument("What movie won the Oscar in 2021?") is None
    assert "acquir" in question_action("How much did Google acquire YouTube for?")


def test_a_group_of_people_new_to_the_question_is_named() -> None:
    terms = analyse("Who are among the hostages captured by Hamas?").terms
    assert names_people("Women, children and soldiers were among those captured.", terms)
    assert not names_people("The hostages were captured by Hamas.", terms)
