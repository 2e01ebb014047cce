"""A figure the answer gives as one kind of measure must not be another kind in the passage."""

from __future__ import annotations

import pytest

from service.grounding.measures import measured, measures_hold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He was 29 years old.", [("29", "age")]),
        ("The 24-year-old signed; a man aged 67 died.", [("24", "age"), ("67", "age")]),
        ("Turnout was 41.7% and the vote 52.4 percent.", [("41.7", "share"), ("52.4", "share")]),
        ("It paid 29 million euros, or $1,200.", [("29", "money"), ("1200", "money")]),
        (
            "It rose 5.8 metres in 19.3 days to 4 °C.",
            [("5.8", "length"), ("19.3", "time"), ("4", "temperature")],
        ),
        ("Strack, 46, won in 2026.", [("46", None), ("2026", None)]),
    ],
)
def test_figures_with_their_kind_of_measure(
    text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert list(measured(text)) == expected


def test_a_figure_the_passage_gives_only_as_another_measure_does_not_hold() -> None:
    fee = "The fee eclipses the 29 million euros the club paid for Rafe Ostrin in 2023."
    assert not measures_hold("Rafe Ostrin was 29 years old when the club signed him.", [fee])
    assert measures_hold("The club paid 29 million euros for Rafe Ostrin.", [fee])
    # a figure without a unit may be any measure; one the passage lacks is not judged here
    assert measures_hold("Strack is 46 years old.", ['"It moves," Strack, 46, said.'])
    assert measures_hold("Strack is 47 years old.", ['"It moves," Strack, 46, said.'])
    # the same figure as two measures: the claim's is among them
    assert measures_hold("It fell 30 feet.", ["It cost 30 million euros and fell 30 feet."])
