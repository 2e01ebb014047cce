"""Generated news-like documents and a cheap vector source for large-corpus benchmarks."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np

from service.core.documents import Document, build_document
from service.core.ports import Embedder, Vectors

PLACES = (
    "Doha Gaza Cairo Paris Berlin Lagos Lima Oslo Seoul Quito Nairobi Dhaka Hanoi Perth".split()
)
SUBJECTS = "ministers negotiators analysts officials investors regulators voters engineers".split()
VERBS = "announced reported rejected approved questioned delayed expanded reviewed".split()
OBJECTS = (
    "a ceasefire proposal|the quarterly results|a new trade agreement|the election timetable|"
    "an infrastructure plan|the interest rate decision|a prisoner exchange|the climate pledge"
).split("|")


def news_sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS).capitalize()} in {rng.choice(PLACES)} {rng.choice(VERBS)} "
        f"{rng.choice(OBJECTS)} on {rng.randint(1, 28)} {rng.choice(['May', 'June', 'July'])}, "
        f"citing {rng.randint(2, 900)} {rng.choice(['sources', 'percent', 'documents', 'people'])}."
    )


def news_documents(count: int, sentences: int = 12, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    start = date(2023, 1, 1)
    return [
        build_document(
            " ".join(news_sentence(rng) for _ in range(sentences)),
            doc_id=f"news-{i:06d}",
            title=f"Report {i} from {rng.choice(PLACES)}",
            date=(start + timedelta(days=i % 700)).isoformat(),
            source="bench",
        )
        for i in range(count)
    ]


class SyntheticEmbedder:
    """Real embeddings for questions, hash-seeded unit vectors for bulk texts.

    Lets 100k-chunk stores be built in minutes while every other part of the
    path (store, index, retrieval, HTTP) is the real one.
    """

    name = "bench-synthetic"

    def __init__(self, real: Embedder) -> None:
        self._real = real
        self.dimension = real.dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        if len(texts) <= 16:  # questions and answer sentences: the real model
            return self._real.embed(texts)
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
            rows.append(np.random.default_rng(seed).standard_normal(self.dimension))
        matrix = np.asarray(rows, dtype=np.float32)
        normalised: Vectors = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
        return normalised
