"""Hybrid retrieval: dense (vector store) + lexical (BM25), fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from service.core.dates import date_number
from service.core.ports import Embedder, LexicalSearch, Ranker, VectorStore
from service.core.records import ChunkRecord, Passage
from service.core.text import content_words, without_how_measure


@dataclass(frozen=True)
class Filters:
    since: str | None = None  # ISO dates, inclusive
    until: str | None = None
    doc_ids: Sequence[str] = field(default_factory=tuple)

    def where(self) -> dict[str, Any] | None:
        """The same filter as a Chroma `where` clause."""
        clauses: list[dict[str, Any]] = []
        if self.since:
            clauses.append({"date_num": {"$gte": date_number(self.since)}})
        if self.until:
            clauses.append({"date_num": {"$lte": date_number(self.until)}})
        if self.doc_ids:
            clauses.append({"doc_id": {"$in": list(self.doc_ids)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def allows(self, chunk: ChunkRecord) -> bool:
        number = date_number(chunk.date)
        if self.since and number < date_number(self.since):
            return False
        if self.until and number > date_number(self.until):
            return False
        return not self.doc_ids or chunk.doc_id in self.doc_ids


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = 60, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """score(id) = sum over rankings of weight / (k + rank), rank starting at 1."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


class Retriever:
    def __init__(
        self,
        store: VectorStore,
        lexical: LexicalSearch,
        embedder: Embedder,
        *,
        candidates: int = 40,
        rrf_k: int = 60,
        per_doc_cap: int = 3,
        weights: tuple[float, float] = (1.0, 1.0),
        near_duplicate: float = 0.8,
        reranker: Ranker | None = None,
    ) -> None:
        self._store = store
        self._lexical = lexical
        self._embedder = embedder
        self._candidates = candidates
        self._rrf_k = rrf_k
        self._per_doc_cap = per_doc_cap
        self._weights = weights
        self._near_duplicate = near_duplicate
        self._reranker = reranker

    def search(
        self,
        query: str,
        top_k: int,
        filters: Filters | None = None,
        weights: tuple[float, float] | None = None,
        rerank: bool = True,
    ) -> list[Passage]:
        """The top passages; `weights` (dense, lexical) overrides the fusion weights, and
        `rerank=False` gives the first stage's order."""
        filters = filters or Filters()
        vector = self._embedder.embed([query])[0]
        dense = [
            (chunk, similarity)
            for chunk_id, similarity in self._store.query(vector, self._candidates, filters.where())
            if (chunk := self._lexical.get(chunk_id)) is not None  # committed and current only
        ]
        lexical = self._lexical.search(
            without_how_measure(query), self._candidates, keep=filters.allows
        )
        chunks = {c.chunk_id: c for c, _ in [*dense, *lexical]}
        fused = reciprocal_rank_fusion(
            [
                [c.chunk_id for c, _ in dense],
                [c.chunk_id for c, _ in lexical],
            ],
            k=self._rrf_k,
            weights=weights or self._weights,
        )
        similarity = {c.chunk_id: s for c, s in dense}
        bm25 = {c.chunk_id: s for c, s in lexical}
        reranker = self._reranker if rerank else None
        depth = max(top_k, reranker.depth if reranker else 0)
        passages: list[Passage] = []
        per_doc: dict[str, int] = {}
        kept_words: list[set[str]] = []
        for chunk_id in sorted(fused, key=lambda i: -fused[i]):
            chunk = chunks[chunk_id]
            if per_doc.get(chunk.doc_id, 0) >= self._per_doc_cap:
                continue
            chunk_words = set(content_words(chunk.text))
            if any(_jaccard(chunk_words, w) >= self._near_duplicate for w in kept_words):
                continue  # a near-copy of a passage already given adds nothing
            kept_words.append(chunk_words)
            per_doc[chunk.doc_id] = per_doc.get(chunk.doc_id, 0) + 1
            passages.append(
                Passage(chunk, fused[chunk_id], similarity.get(chunk_id), bm25.get(chunk_id))
            )
            if len(passages) >= depth:
                break
        if reranker is not None:
            passages = reranker.rerank(query, passages, filters.until or date.today().isoformat())
        return passages[:top_k]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0
