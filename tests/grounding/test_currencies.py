"""A figure the answer gives in a currency must be given in it by the passage."""

from __future__ import annotations

import pytest

from service.grounding.currencies import currencies_hold, stated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It costs 2.1 million euros.", {("2.1", "€")}),
        ("Item: Crane | Cost (€): 2.1 million", {("2.1", "€")}),  # a row under its header
        ("US$50m, or USD 1,200, or 4.50 €", {("50", "$"), ("1200", "$"), ("4.50", "€")}),
        ("50 million dollars and 1.5bn yuan", {("50", "$"), ("1.5", "¥")}),
        ("2,000 pounds sterling", {("2000", "£")}),
        ("It costs 2.1 million.", set()),
        # figures joined before one currency's name are each in it
        ("bids of 30 million and 34 million euros", {("30", "€"), ("34", "€")}),
        ("between 30 and 34 million euros", {("30", "€"), ("34", "€")}),
        ("In 2019, 5 million dollars", {("5", "$")}),  # a comma alone joins nothing
    ],
)
def test_figures_given_in_a_currency(text: str, expected: set[tuple[str, str]]) -> None:
    assert stated(text) == expected


def test_a_currency_the_passage_gives_elsewhere_does_not_hold() -> None:
    row = "| Crane | 2.1 million | June |\n\n- The ferry fare rises to 4 euros."
    assert not currencies_hold("The crane costs 2.1 million euros.", [row])
    assert currencies_hold("The crane costs 2.1 million.", [row])
    assert currencies_hold("The fare rises to 4 €.", [row])  # a sign for a name
    assert currencies_hold("The crane costs 2.1 million euros.", ["Cost (€): 2.1 million"])
    assert currencies_hold("It raised $50 million.", ["It raised 50 million dollars."])
    assert not currencies_hold("It raised 50 million euros.", ["It raised $50 million."])
    bids = "The club rejected two earlier bids, of 30 million and 34 million euros."
    assert currencies_hold("The first bid was 30 million euros.", [bids])
