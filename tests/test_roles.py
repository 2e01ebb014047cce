"""Offices a question asks about, and sentences that name them (or another one)."""

from __future__ import annotations

from service.question import analyse
from service.roles import (
    asked_body,
    asked_office,
    asked_role,
    names_other_body,
    names_past_holder,
    states_role,
)


def test_who_is_the_ceo_is_not_answered_by_a_former_one() -> None:
    role = asked_role("Who is the CEO of Nintendo in 2021?")
    assert role == "ceo"
    assert names_past_holder(role, "Satoru Iwata was the global president and CEO of Nintendo.")
    assert names_past_holder(role, "The outgoing CEO of Panasonic spoke.")
    assert not names_past_holder(role, "Shuntaro Furukawa, the CEO of Nintendo, spoke.")
    assert not names_past_holder(role, "Shuntaro Furukawa was named CEO in 2018.")
    # A film's director is given in the past tense: no current holder is asked for.
    assert asked_role("Who is the director of The Godfather?") is None


def test_who_is_the_ceo_wants_that_role_of_that_body() -> None:
    question = "Who is the CEO of Nintendo in 2021?"
    role, terms = asked_role(question), analyse(question).terms
    assert states_role(role, terms, "Shuntaro Furukawa, chief executive of Nintendo, spoke.")
    assert states_role(role, terms, "Nintendo's CEO said sales rose.")
    assert states_role(role, terms, "CEO of Nintendo Co., Ltd. Shuntaro Furukawa")
    assert not states_role(role, terms, "In June 2021, Nintendo released a new Switch.")
    assert not states_role(role, terms, "Chris Meledandri, founder and CEO of Illumination.")
    assert not states_role(role, terms, "the CEO of the Nintendo Fan Foundation")
    aside = "(HQ: San Francisco, CA USA; CEO: John Hanke) and Nintendo Co., Ltd. (HQ: Kyoto)"
    assert not states_role(role, terms, aside)
    assert states_role(role, terms, "Nintendo Co., Ltd. (HQ: Kyoto; CEO: Shuntaro Furukawa)")
    assert states_role(None, terms, "Any sentence, when no role is asked.")
    nfl = analyse("Who is the president of the NFL?").terms
    assert states_role("president", nfl, "NFL president Roger Goodell spoke.")
    assert not states_role("president", nfl, "Las Vegas Raiders president Sandra Morgan")
    assert not states_role("president", nfl, "Morgan, the first president of an NFL team")


def test_who_is_the_director_wants_that_credit_not_another_one() -> None:
    question = "Who is the director of the Assassin's Creed movie?"
    office, terms = asked_office(question), analyse(question).terms
    assert office == "director"
    assert states_role(office, terms, "Assassin's Creed: Directed by Justin Kurzel.")
    assert states_role(office, terms, "the most daring film yet from director Justin Kurzel")
    assert states_role(office, terms, "the Italian-American director Francis Ford Coppola")
    assert not states_role(office, terms, "Côté, creative director of the Assassin's Creed games")
    assert not states_role(office, terms, "Côté, director of Assassin's Creed Syndicate")
    assert not states_role(office, terms, "Assassin's Creed is a movie based on a game.")
    assert asked_office("Who won the Nobel Prize in 2019?") is None
    # "director of" lower-case words is a kind of director, not the work's.
    assert not states_role(office, terms, "Bruce Gowers, a director of music videos, died.")
    assert not states_role(office, terms, "As the director of such films as Heat, he ...")
    assert states_role(office, terms, "the director of the film, Justin Kurzel, said")


def test_a_longer_name_holding_the_asked_body_is_another_body() -> None:
    body = asked_body("Who is the CEO of Lego in 2021?")
    assert body == "Lego"
    assert names_other_body(body, "The LEGO Foundation names new CEO Anne-Birgitte Albrectsen.")
    assert not names_other_body(body, "Niels B. Christiansen, CEO of the LEGO Group, said.")
    assert not names_other_body(body, "Lego play matters, CEO Niels B. Christiansen says.")
    assert not names_other_body(body, "A sentence that names no body at all.")
    nfl = asked_body("Who is the president of the NFL?")
    assert names_other_body(nfl, "JC Tretter, president of the NFL Players Association")
    assert not names_other_body(nfl, "NFL Commissioners and Presidents.")
    assert asked_body("Who won the 2021 Tour de France?") is None
    assert asked_body('Who is the director of "Bohemian Rhapsody"?') == "Bohemian Rhapsody"


def test_a_titled_person_giving_a_view_is_not_the_works_credit() -> None:
    question = 'Who is the director of "The Godfather"?'
    role, terms = asked_office(question), analyse(question).terms
    view = "Director Stanley Kubrick believed that The Godfather was the greatest movie."
    assert not states_role(role, terms, view)
    assert states_role(role, terms, "Director Francis Ford Coppola made The Godfather.")
    # An office holder speaking for the body is still its holder.
    ceo = asked_office("Who is the CEO of Lego?")
    assert states_role(
        ceo, analyse("Who is the CEO of Lego?").terms, "CEO Niels Christiansen says Lego grew."
    )
