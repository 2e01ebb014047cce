"""Evidence: how much of a question a text covers."""

from __future__ import annotations

from service.evidence import coverage, term_weights
from service.question import analyse


def _weights(question: str) -> dict[str, float]:
    return term_weights(analyse(question), lambda _: 1.0)


def test_coverage_is_the_weighted_share_of_question_words_present() -> None:
    weights = _weights("Who won the Tour de France?")
    assert coverage(weights, "Pogacar won the Tour de France.") == 1.0
    assert 0 < coverage(weights, "The weather in France.") < 0.5


def test_a_derived_form_of_a_question_word_counts() -> None:
    director = _weights("Who is the director of the movie?")
    assert coverage(director, "The movie was directed by Justin Kurzel.") == 1.0
    presidential = _weights("Who won the presidential race?")
    assert coverage(presidential, "Macron was chosen president after the race.") > 0.6
    # Short stems are too ambiguous to extend: "nobel" is no root of "nobelprize".
    nobel = _weights("Who was awarded the Nobel?")
    assert coverage(nobel, "#NobelPrize") == 0.0
