"""Gold answers stated in other forms than RGB's spellings (used to build unanswerables)."""

from __future__ import annotations

from bench.quality.variants import states_answer

PREMIERE = [["November 12 2020", "Nov 12, 2020"]]


def test_dates_in_other_forms_count() -> None:
    assert states_answer("It will premiere on Thursday, Nov. 12 at 9/8c.", PREMIERE)
    assert states_answer("Release: 11/12/2020 ; Publisher: ...", PREMIERE)
    assert states_answer("It premieres on 12th November.", PREMIERE)
    assert not states_answer("It premieres on November 13.", PREMIERE)
    assert not states_answer("Season 17 premieres this autumn.", PREMIERE)


def test_amounts_and_surnames_count() -> None:
    assert states_answer("Google bought it for 1.65 billion dollars.", "$1.65 billion")
    assert not states_answer("Google bought it for 1.6 billion dollars.", "$1.65 billion")
    assert states_answer("Musk, the founder and CEO of SpaceX and Tesla", "Elon Musk")
    assert not states_answer("Tesla's founder spoke.", "Elon Musk")
    assert states_answer("Disney completed the deal.", "Disney")


def test_cut_names_and_cities_without_region_count() -> None:
    assert states_answer("the Australian director Justin Kurze", "Justin Kurzel")
    assert not states_answer("the Australian director Justin Lin", "Justin Kurzel")
    assert states_answer("After Super Bowl LV was held in Tampa Bay, ...", "Tampa, Florida")
    assert not states_answer("It was held in Miami, Florida.", "Tampa, Florida")
