"""An in-process BM25 index over chunks, updated incrementally.

It holds exactly the committed chunks (see service.library), so the retriever
also uses it to tell current chunks from stale or half-written ones.
"""

from __future__ import annotations

import heapq
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable

from service.records import ChunkRecord
from service.text import content_words


class LexicalIndex:
    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self._k1, self._b = k1, b
        self._chunks: dict[str, ChunkRecord] = {}
        self._term_counts: dict[str, Counter[str]] = {}
        self._postings: dict[str, dict[str, int]] = {}
        self._lengths: dict[str, int] = {}
        self._by_doc: dict[str, set[str]] = {}
        self._total_length = 0
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._chunks)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._chunks

    def get(self, chunk_id: str) -> ChunkRecord | None:
        return self._chunks.get(chunk_id)

    def chunks_of(self, doc_id: str) -> list[ChunkRecord]:
        with self._lock:
            found = [self._chunks[i] for i in self._by_doc.get(doc_id, ())]
        return sorted(found, key=lambda c: c.index)

    def doc_hashes(self) -> dict[str, str]:
        """The content hash of the version of each document the index holds."""
        with self._lock:
            return {
                doc_id: self._chunks[next(iter(ids))].doc_hash
                for doc_id, ids in self._by_doc.items()
            }

    def replace(self, doc_id: str, chunks: Iterable[ChunkRecord]) -> None:
        """Swap a document's chunks for `chunks` in one step, as searches see it."""
        with self._lock:
            self.remove(list(self._by_doc.get(doc_id, ())))
            self.add(chunks)

    def add(self, chunks: Iterable[ChunkRecord]) -> None:
        with self._lock:
            for chunk in chunks:
                self.remove([chunk.chunk_id])
                counts = Counter(content_words(chunk.text + " " + chunk.title))
                self._chunks[chunk.chunk_id] = chunk
                self._by_doc.setdefault(chunk.doc_id, set()).add(chunk.chunk_id)
                self._term_counts[chunk.chunk_id] = counts
                self._lengths[chunk.chunk_id] = sum(counts.values())
                self._total_length += self._lengths[chunk.chunk_id]
                for term, tf in counts.items():
                    self._postings.setdefault(term, {})[chunk.chunk_id] = tf

    def remove(self, chunk_ids: Iterable[str]) -> None:
        with self._lock:
            for chunk_id in chunk_ids:
                counts = self._term_counts.pop(chunk_id, None)
                if counts is None:
                    continue
                doc_id = self._chunks.pop(chunk_id).doc_id
                self._by_doc[doc_id].discard(chunk_id)
                if not self._by_doc[doc_id]:
                    del self._by_doc[doc_id]
                self._total_length -= self._lengths.pop(chunk_id)
                for term in counts:
                    posting = self._postings[term]
                    del posting[chunk_id]
                    if not posting:
                        del self._postings[term]

    def idf(self, term: str) -> float:
        df = len(self._postings.get(term, ()))
        n = len(self._chunks)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def search(
        self,
        query: str,
        n: int,
        keep: Callable[[ChunkRecord], bool] | None = None,
    ) -> list[tuple[ChunkRecord, float]]:
        terms = set(content_words(query))
        with self._lock:
            if not self._chunks or not terms:
                return []
            average = self._total_length / len(self._chunks)
            scores: dict[str, float] = {}
            for term in terms:
                posting = self._postings.get(term)
                if not posting:
                    continue
                idf = self.idf(term)
                for chunk_id, tf in posting.items():
                    length = self._lengths[chunk_id]
                    norm = self._k1 * (1 - self._b + self._b * length / average)
                    scores[chunk_id] = scores.get(chunk_id, 0.0) + idf * tf * (self._k1 + 1) / (
                        tf + norm
                    )
            ranked = heapq.nlargest(len(scores), scores.items(), key=lambda item: item[1])
            out: list[tuple[ChunkRecord, float]] = []
            for chunk_id, score in ranked:
                chunk = self._chunks[chunk_id]
                if keep is None or keep(chunk):
                    out.append((chunk, score))
                    if len(out) >= n:
                        break
            return out
