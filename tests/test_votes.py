"""Answer values across the retrieved passages: names given for the opposite qualifier."""

from __future__ import annotations

from service.question import analyse
from service.records import ChunkRecord, Passage
from service.votes import OppositeNames, sentence_values

QUESTION = analyse("Who won the men's singles U.S. Open 2021?")
WOMEN = "Emma Raducanu won the 2021 US Open women's singles title by defeating Leylah Fernandez."
VAGUE = "At the 2021 US Open, Raducanu became the first qualifier to win a major singles title."
MEN = "Daniil Medvedev won his first major at the US Open in 2021."


def passages(*texts: str) -> list[Passage]:
    return [
        Passage(ChunkRecord(f"c{n}", f"d{n}", "h", 0, t, 0, len(t), "", None, ""), 0.5)
        for n, t in enumerate(texts)
    ]


def values(sentence: str) -> set[str]:
    return sentence_values(QUESTION, sentence, sentence)


def test_a_name_given_for_the_opposite_qualifier_is_ruled_out() -> None:
    opposite = OppositeNames(QUESTION, passages(WOMEN, VAGUE, MEN))
    assert opposite.rule_out(VAGUE, values(VAGUE))  # "Raducanu": the women's champion
    assert not opposite.rule_out(MEN, values(MEN))  # "US Open" is no one's name
    both = "Medvedev won the men's title and Raducanu the women's."
    assert not opposite.rule_out(both, values(both))  # it names the asked qualifier


def test_nothing_is_ruled_out_without_the_opposite_in_the_passages() -> None:
    opposite = OppositeNames(QUESTION, passages(VAGUE, MEN))
    assert not opposite.rule_out(VAGUE, values(VAGUE))
    unqualified = OppositeNames(analyse("Who won the 2021 US Open?"), passages(WOMEN, VAGUE))
    assert not unqualified.rule_out(VAGUE, values(VAGUE))
