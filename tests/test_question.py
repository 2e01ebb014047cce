"""What a question asks for: answer kinds, names that can answer "who", years and dates."""

from __future__ import annotations

from service.names import subject_terms
from service.question import DATELINE_ONLY, analyse, detail_match


def test_who_wants_a_name_that_can_be_someone() -> None:
    who = analyse("Who was awarded the 2019 Nobel Prize in Literature?")
    assert who.kind == "person"
    assert not who.holds_answer_kind("The prize for 2019 is awarded to the Austrian author ...")
    assert not who.holds_answer_kind("Read the statement of the Swedish Academy Group.")
    assert who.holds_answer_kind("The 2019 prize was awarded to the writer Peter Handke.")
    # A lone surname counts; so does a country that mediates ("Who is mediating?").
    assert who.holds_answer_kind("The prize went to Handke.", "It went to Handke.")
    assert analyse("Who is mediating the talks?").holds_answer_kind("Talks go on.", "") is False
    assert analyse("Who is mediating the talks?").holds_answer_kind(
        "Talks are mediated by Qatar.", "Talks are mediated by Qatar."
    )


def test_a_title_is_not_someone() -> None:
    who = analyse("Who is the director of The Godfather?")
    assert not who.holds_answer_kind("He made The Godfather and The Conversation.")
    assert who.holds_answer_kind("The Godfather was made by Francis Ford Coppola.")


def test_a_possessive_body_is_not_someone() -> None:
    who = analyse("Who is the CEO of Tesla in 2021?")
    assert not who.holds_answer_kind("the vesting of the Award's tranches")
    assert who.holds_answer_kind("the plan of Elon Musk's company")


def test_who_won_or_bought_may_be_a_team_or_a_company() -> None:
    assert analyse("Who won the World Cup Final in 2010?").kind == "entity"
    assert analyse("Who acquired 20th Century Fox?").kind == "entity"
    assert analyse("Who is the CEO of Lego?").kind == "person"
    assert analyse("Which director won Best Director in 2021?").kind == "person"
    assert analyse("Which movie won Best Picture in 2018?").kind == "entity"


def test_a_date_in_the_dateline_alone_is_weak_and_a_partial_date_counts_half() -> None:
    when = analyse("When was the Zephyr phone announced?")
    assert when.answer_kind_strength("Oct 20, 2021 ... The Zephyr phone is here.") == DATELINE_ONLY
    assert when.answer_kind_strength("Oct 20, 2021 ... It was revealed on 19th October.") == 0.5
    assert when.answer_kind_strength("It was announced on October 19, 2021.") == 1.0
    assert when.answer_kind_strength("The Zephyr phone is here.") == 0.0
    # A report of the day's news dates the event by its dateline.
    announced = "Oct 19, 2021 ... Zephyr has officially announced its new phone."
    assert when.answer_kind_strength(announced) == 1.0
    assert when.answer_kind_strength("Oct 19, 2021 ... Zephyr unveils a phone today.") == 1.0
    draft = analyse("What is the date of the 2021 NBA Draft?")
    assert draft.answer_kind_strength("2021 NBA ; Date: Wednesday, November 18, 2020") == 0.0
    assert draft.answer_kind_strength("The 2021 NBA Draft is on July 29, 2021.") == 1.0


def test_a_text_naming_no_year_takes_its_documents_year() -> None:
    info = analyse("Who won the 2021 Tour de France?")
    assert detail_match(info, "Pogacar won the Tour de France.") == 0.0
    assert detail_match(info, "Pogacar won the Tour de France.", "2021-07-18") == 1.0
    assert detail_match(info, "Bernal won the 2019 Tour de France.", "2021-07-18") == 0.0


def test_which_city_wants_a_name_that_can_be_a_place() -> None:
    city = analyse("Which city hosted the Olympic Games in 2004?")
    assert city.kind == "place"
    assert not city.holds_answer_kind("Eleven cities applied to host the 2004 Summer Olympics.")
    assert city.holds_answer_kind("The 2004 Olympic Games were held in Athens.")
    country = analyse("In coordination with which country are the talks conducted?")
    assert country.holds_answer_kind("They are conducted with the United States.")


def test_the_opposite_qualifier_rules_a_text_out() -> None:
    men = analyse("Who won the men's singles U.S. Open 2021?")
    assert detail_match(men, "Emma Raducanu won the 2021 US Open women's singles title.") == 0.0
    assert detail_match(men, "Daniil Medvedev won the men's singles title in 2021.") == 1.0
    assert detail_match(men, "In 2021 the men's and women's titles went to teenagers.") == 1.0


def test_the_day_of_a_date_is_no_detail_of_the_question() -> None:
    sequel = analyse("When was Xenoblade Chronicles 2 released?")
    assert detail_match(sequel, "The soundtrack was released on 2 August 2023.") == 0.0
    assert detail_match(sequel, "Xenoblade Chronicles 2 was released on December 1, 2017.") == 1.0


def test_another_ordinal_of_the_asked_thing_rules_a_text_out() -> None:
    first = analyse("When will the first season of The Blacklist premiere?")
    assert detail_match(first, "The tenth and final season premiered on February 26.") == 0.0
    assert detail_match(first, "The Blacklist returns with the Season 10 premiere.") == 0.0
    assert detail_match(first, "The first season premiered on September 23, 2013.") == 1.0
    assert detail_match(first, "The Blacklist premiered on NBC in 2013.") == 1.0


def test_the_questions_own_year_is_no_part_of_a_date() -> None:
    release = analyse("What is the release date of God of War (2018)?")
    assert release.answer_kind_strength("God of War (2018) overrides an earlier title.") == 0.0
    assert release.answer_kind_strength("God of War came out in April 2018.") == 0.5


def test_the_subject_is_the_names_a_question_asks_about() -> None:
    assert subject_terms("Super Bowl 2021 location") == {"super", "bowl"}
    assert subject_terms("When will The Blacklist premiere?") == {"blacklist"}
    assert {"french", "franc"} <= subject_terms("Who won the French election?")
    assert subject_terms("which city hosted the olympic games in 2008?") == set()


def test_another_name_for_what_the_question_names_is_not_new() -> None:
    film = analyse("Which movie won Best Picture at the 90th Academy Awards?")
    assert not film.holds_answer_kind("Love won out at an Oscar ceremony full of change.")
    assert film.holds_answer_kind("The Shape of Water won best picture at the Oscars.")
    oscar = analyse("Which film won the Oscar for best picture?")
    assert not oscar.holds_answer_kind("Love won out at the 90th Academy Awards.")


def test_a_time_or_a_call_to_the_reader_names_no_answer() -> None:
    film = analyse("Which movie won Best Picture at the 90th Academy Awards?")
    assert not film.holds_answer_kind("A film set during the Cold War won best picture.")
    assert not film.holds_answer_kind("See Oscars fashions from the 90th Academy Awards.")
    assert film.holds_answer_kind("The Shape of Water, set during the Cold War, won.")
    assert list(film.new_names("See Guillermo del Toro win.")) == ["Guillermo del Toro"]


def test_an_amount_of_a_part_does_not_answer_for_the_whole() -> None:
    revenue = analyse("What was Tesla's revenue in Q2 2020?")
    assert not revenue.holds_answer_kind("Revenue was flat, with $370 million from that business.")
    assert revenue.holds_answer_kind("Tesla made $6 billion in revenue in Q2 2020.")
    assert revenue.holds_answer_kind(
        "Revenue of $6.04 billion, with $370 million from its energy unit."
    )
