"""Evidence: how much of a question a text covers."""

from __future__ import annotations

from service.demands import Demands
from service.evidence import coverage, evidence, term_weights
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


def test_a_passage_that_cannot_answer_ranks_lower() -> None:
    """Retrieval reads the same demands as the answerer: the action, not a derived work."""
    question = "Who won the French presidential election in 2017?"
    demands, weights = Demands.of(analyse(question)), _weights(question)
    chose = "Voters chose Emmanuel Macron in the 2017 French presidential election."
    study = "A case study of Twitter bots in the 2017 French presidential election."
    assert evidence(demands, weights, chose) > evidence(demands, weights, study) > 0
    release = "When was Xenoblade Chronicles Definitive Edition released?"
    demands, weights = Demands.of(analyse(release)), _weights(release)
    game = "Xenoblade Chronicles Definitive Edition was released on May 29, 2020."
    album = "A soundtrack album of Xenoblade Chronicles Definitive Edition was released on "
    album += "2 August 2023."
    assert evidence(demands, weights, game) > evidence(demands, weights, album)
