"""Second-stage ranking: a passage is as relevant as its sentence closest to the question.

A chunk embedding averages a whole passage; the one sentence that answers can
sit far from that average. The reranker embeds the sentences of the first
`depth` fused candidates and fuses, by reciprocal rank, the first-stage order
with the order of each passage's best sentence cosine ("max-sim"). Sentence
vectors are kept in a small cache that the extractive answerer shares, so a
sentence is embedded once per question however many stages read it.

News is mostly asked about while it is new: with a `recency_weight`, a passage
dated shortly before the question's reference date (`as_of`: the end of its
date filter, else today) gains up to that weight of a first place, halving every
`recency_half_life_days`; undated passages and old ones gain nothing, so a corpus
older than a few half-lives is ranked as without it. The prior chooses among passages
about as close to the question as the closest (their best sentence cosine within
`recency_margin` of its): in a small corpus of recent news every passage is among the
first `depth`, and without that bound the newest article came first whatever was asked.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date

import numpy as np

from service.core.ports import Embedder
from service.core.records import Passage
from service.core.sections import read_in_section
from service.core.text import split_sentences

MIN_SENTENCE_WORDS = 4
NO_MARGIN = 2.0  # a recency margin that bounds nothing: two cosines differ by at most 2


class SentenceVectors:
    """Embeddings of short texts, the most recent `capacity` kept (thread-safe)."""

    def __init__(self, embedder: Embedder, capacity: int = 20_000) -> None:
        self._embedder = embedder
        self._capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = np.asarray(self._embedder.embed(missing))
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > self._capacity:
                    self._cache.popitem(last=False)
        with self._lock:
            for text in texts:
                if text in self._cache:
                    self._cache.move_to_end(text)
            rows = [self._cache.get(t) for t in texts]
        if any(r is None for r in rows):  # evicted meanwhile by another thread: embed again
            return np.asarray(self._embedder.embed(list(texts)))
        return np.stack([r for r in rows if r is not None]) if rows else np.zeros((0, 0))


def sentences(passage: Passage) -> list[str]:
    """The passage's sentences long enough to answer on their own, a table's row read with
    its header ("Shift: Night | Bakers: 4"), any other sentence under its section's heading
    (`read_in_section`)."""
    chunk = passage.chunk
    read = (
        read_in_section(chunk.text, s, chunk.context, chunk.title)
        for s in split_sentences(chunk.text)
    )
    return [sentence for sentence in read if len(sentence.split()) >= MIN_SENTENCE_WORDS]


class SentenceReranker:
    def __init__(
        self,
        vectors: SentenceVectors,
        *,
        depth: int = 15,
        weight: float = 1.0,
        rrf_k: int = 10,
        recency_weight: float = 0.0,
        recency_half_life_days: float = 7.0,
        recency_margin: float = NO_MARGIN,
    ) -> None:
        self._vectors = vectors
        self.depth = depth
        self._weight = weight
        self._rrf_k = rrf_k
        self._recency_weight = recency_weight
        self._half_life = recency_half_life_days
        self._recency_margin = recency_margin

    def rerank(
        self, query: str, passages: Sequence[Passage], as_of: str | None = None
    ) -> list[Passage]:
        """The passages in their new order (their scores unchanged); `as_of`: the ISO date
        recency is counted back from."""
        if self.depth <= 0 or len(passages) < 2:
            return list(passages)
        head, tail = list(passages[: self.depth]), list(passages[self.depth :])
        texts = [sentences(p) or [p.chunk.text] for p in head]
        flat = [t for group in texts for t in group]
        vectors = self._vectors.of([query, *flat])
        cosines = vectors[1:] @ vectors[0]
        best, at = [], 0
        for group in texts:
            best.append(float(cosines[at : at + len(group)].max()))
            at += len(group)
        by_sentence = sorted(range(len(head)), key=lambda i: -best[i])
        fused = [1.0 / (self._rrf_k + i + 1) for i in range(len(head))]
        for rank, i in enumerate(by_sentence):
            fused[i] += self._weight / (self._rrf_k + rank + 1)
        if self._recency_weight and as_of:
            close_enough = max(best) - self._recency_margin
            for i, passage in enumerate(head):
                if best[i] < close_enough:
                    continue  # not about what was asked: its date says nothing
                fresh = freshness(passage.chunk.date, as_of, self._half_life)
                fused[i] += self._recency_weight * fresh / (self._rrf_k + 1)
        order = sorted(range(len(head)), key=lambda i: -fused[i])
        return [head[i] for i in order] + tail


def freshness(dated: str | None, as_of: str, half_life_days: float) -> float:
    """1 for a passage dated `as_of` (or later), halving every `half_life_days` before it;
    0 when undated."""
    if not dated:
        return 0.0
    try:
        age = (date.fromisoformat(as_of[:10]) - date.fromisoformat(dated[:10])).days
    except ValueError:
        return 0.0
    return float(0.5 ** (max(age, 0) / half_life_days))
