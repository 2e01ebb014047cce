"""The runner-up share chosen by bench/quality/fit_extractive.py on tune questions."""

from __future__ import annotations

import math

import numpy as np

from bench.quality.data import EvalQuestion
from bench.quality.fit_extractive import QuestionRows, accuracy, choose_runner_up
from service.answering.extractive_model import Candidate, ScoringModel
from service.core.records import ChunkRecord, Passage
from service.core.text import split_sentences


def _rows(qid: str, text: str, gold: str, probabilities: list[float]) -> QuestionRows:
    """A question whose candidates are `text`'s sentences, scored `probabilities` by a model
    of one weight 1 (each row is the logit of its probability)."""
    chunk = ChunkRecord(f"{qid}#0", qid, "h", 0, text, 0, len(text), qid, None, "")
    spans = split_sentences(text)
    logits = [[math.log(p / (1 - p))] for p in probabilities]
    scored = zip(spans, logits, probabilities, strict=True)
    ranked = [Candidate(0, span, tuple(row), p) for span, row, p in scored]
    return QuestionRows(
        EvalQuestion(qid, "What is sold at the market?", gold, "tune"),
        "set",
        np.array(logits),
        np.array([float(gold in s.text) for s in spans]),
        np.array([float(gold in s.text) for s in spans]),
        ranked,
        [Passage(chunk, 0.03, 0.6, 1.0)],
    )


def test_the_largest_share_of_the_most_accurate_ones_is_chosen() -> None:
    """Where the gold is in the runner-up at 0.75 of the best's probability, the shares up
    to 0.7 answer it; the largest of them gives a second sentence least often."""
    collected = [
        _rows("q1", "The market opens at dawn. Fish is sold at the market.", "Fish", [0.8, 0.6]),
        _rows("q2", "Bread is sold at the market. The bakery closed.", "Bread", [0.7, 0.2]),
    ]
    model = ScoringModel((1.0,), 0.0, 0.1)
    assert accuracy(collected, model) == {"set": 0.5}  # the best sentence alone
    assert choose_runner_up(collected, model) == 0.7
