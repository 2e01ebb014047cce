"""Answer redundancy: documents that give the same value, each counted once."""

from __future__ import annotations

from service.question import analyse
from service.records import ChunkRecord, Passage
from service.votes import ValueVotes, sentence_values


def passage(doc_id: str, index: int, text: str) -> Passage:
    chunk = ChunkRecord(
        f"{doc_id}#{index}", doc_id, "h", index, text, 0, len(text), doc_id, None, "test"
    )
    return Passage(chunk, 1.0)


def test_a_value_counts_once_per_document() -> None:
    info = analyse("Who won the award?")
    passages = [
        passage("a", 0, "The award went to Anna Berg."),
        passage("a", 1, "Anna Berg thanked the jury. Anna Berg smiled."),
        passage("b", 0, "Tom Lind hosted the ceremony where Anna Berg won."),
        passage("c", 0, "Tom Lind spoke first."),
    ]
    votes = ValueVotes(info, passages, [True] * 4)
    assert votes.share({"anna berg"}) == 2 / 3
    assert votes.share({"tom lind"}) == 2 / 3
    assert votes.share(sentence_values(info, "The award went to Anna Berg.", "")) == 2 / 3


def test_off_topic_passages_and_a_single_document_do_not_vote() -> None:
    info = analyse("When was the bridge opened?")
    passages = [
        passage("a", 0, "The bridge opened on March 3, 2017."),
        passage("a", 1, "Crowds came on March 3, 2017."),
        passage("b", 0, "A rival bridge opened on May 1, 2015."),
    ]
    assert sentence_values(info, "It opened on 3 March 2017.", "") == {"2017-03-03"}
    assert ValueVotes(info, passages, [True, True, False]).share({"2017-03-03"}) == 0.0
    assert ValueVotes(info, passages, [True, True, True]).share({"2017-03-03"}) == 0.5
