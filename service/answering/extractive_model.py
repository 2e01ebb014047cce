"""The extractive scorer's model and its candidates.

A logistic model over the generic features of service.answering.extractive_features,
with the probability below which nothing is answered and the share of the best
sentence's probability from which the runner-up is given too: all data
(`extractive_model.json`), fitted on the dev sets' tune parts by
bench/quality/fit_extractive.py.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from service.answering.extractive_features import FEATURES
from service.core.text import Span

MODEL_PATH = Path(__file__).with_name("extractive_model.json")
NO_RUNNER_UP = 2.0  # a share no probability reaches: the best sentence alone


@dataclass(frozen=True)
class ScoringModel:
    """Logistic weights over FEATURES, the probability below which nothing is answered, and
    the share of the best sentence's probability from which the runner-up is given too."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    runner_up: float = NO_RUNNER_UP

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ScoringModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if list(data["features"]) != list(FEATURES):
            raise ValueError(f"{path} was fitted for other features: {data['features']}")
        weights = tuple(float(w) for w in data["weights"])
        return cls(weights, float(data["bias"]), data["threshold"], data["runner_up"])

    def probability(self, row: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, row, strict=True))
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Candidate:
    passage_rank: int
    span: Span
    features: tuple[float, ...]
    probability: float = 0.0
