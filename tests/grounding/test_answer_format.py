"""The answer format: figures the model wrote apart."""

from __future__ import annotations

import pytest

from service.grounding.answer_format import rejoin_split_figures

PASSAGE = "About 140,000 passengers and 1,234,567 bags. Flights 101 and 102 leave at 9."


@pytest.mark.parametrize(
    ("reply", "written"),
    [
        ("140, 000 passengers [1]", "140,000 passengers [1]"),
        ("It moved 1, 234, 567 bags.", "It moved 1,234,567 bags."),
        ("Flights 101, 102 leave at 9.", "Flights 101, 102 leave at 9."),  # a list, kept
        ("In 2019, 200 people came.", "In 2019, 200 people came."),
        ("About 40, 000 passengers.", "About 40, 000 passengers."),  # the passage's is 140,000
    ],
)
def test_a_figure_written_apart_is_joined_only_as_a_passage_writes_it(
    reply: str, written: str
) -> None:
    assert rejoin_split_figures(reply, [PASSAGE]) == written
