"""An in-process BM25 index over chunks, updated incrementally, scored with numpy.

It holds exactly the committed chunks (see service.ingest.library), so the retriever
also uses it to tell current chunks from stale or half-written ones.

Each chunk gets an integer slot. Postings are per-term lists of (slot, term
frequency), turned into arrays when first searched after a change. Removing a
chunk only marks its slot dead; when over half the slots are dead the index
compacts itself.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from service.core.records import ChunkRecord
from service.core.text import content_words

IntArray = npt.NDArray[np.int64]


@dataclass
class LexicalState:
    """Everything a LexicalIndex holds, as plain data: what a snapshot saves and restores."""

    records: list[ChunkRecord | None]  # by slot; None for a removed chunk's slot
    lengths: npt.NDArray[np.float64]  # per slot
    alive: npt.NDArray[np.bool_]  # per slot
    postings: dict[str, tuple[IntArray, IntArray]]  # term -> (slots, counts)


# Below this many chunks, corpus statistics say little about which words matter.
SMALL_INDEX_CHUNKS = 1000


class _Postings:
    """One term's (slot, count) pairs: lists while growing, arrays once searched or restored."""

    __slots__ = ("_lists", "_arrays")

    def __init__(self, arrays: tuple[IntArray, IntArray] | None = None) -> None:
        self._lists: tuple[list[int], list[int]] | None = None if arrays else ([], [])
        self._arrays = arrays

    def append(self, slot: int, count: int) -> None:
        if self._lists is None:  # restored as arrays: grow as lists from here on
            assert self._arrays is not None
            self._lists = (self._arrays[0].tolist(), self._arrays[1].tolist())
        self._lists[0].append(slot)
        self._lists[1].append(count)
        self._arrays = None

    def arrays(self) -> tuple[IntArray, IntArray]:
        if self._arrays is None:
            assert self._lists is not None
            self._arrays = (np.asarray(self._lists[0]), np.asarray(self._lists[1]))
        return self._arrays


class LexicalIndex:
    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self._k1, self._b = k1, b
        self._lock = threading.RLock()
        self._reset()

    def _reset(self) -> None:
        self._slot_of: dict[str, int] = {}
        self._records: list[ChunkRecord | None] = []
        self._lengths = np.zeros(1024, dtype=np.float64)
        self._alive = np.zeros(1024, dtype=bool)
        self._postings: dict[str, _Postings] = {}
        self._by_doc: dict[str, set[str]] = {}
        self._total_length = 0.0
        self._norms: npt.NDArray[np.float64] | None = None  # per slot; None after a change

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._slot_of

    def get(self, chunk_id: str) -> ChunkRecord | None:
        slot = self._slot_of.get(chunk_id)
        return None if slot is None else self._records[slot]

    def chunks_of(self, doc_id: str) -> list[ChunkRecord]:
        with self._lock:
            found = [self.get(i) for i in self._by_doc.get(doc_id, ())]
        return sorted((c for c in found if c is not None), key=lambda c: c.index)

    def doc_hashes(self) -> dict[str, str]:
        """The content hash of the version of each document the index holds."""
        with self._lock:
            firsts = {doc_id: self.get(next(iter(ids))) for doc_id, ids in self._by_doc.items()}
        return {doc_id: chunk.doc_hash for doc_id, chunk in firsts.items() if chunk is not None}

    def replace(self, doc_id: str, chunks: Iterable[ChunkRecord]) -> None:
        """Swap a document's chunks for `chunks` in one step, as searches see it."""
        with self._lock:
            self.remove(list(self._by_doc.get(doc_id, ())))
            self.add(chunks)

    def add(self, chunks: Iterable[ChunkRecord]) -> None:
        prepared = [(c, Counter(content_words(c.text + " " + c.title))) for c in chunks]
        with self._lock:
            for chunk, counts in prepared:
                self.remove([chunk.chunk_id])
                self._insert(chunk, counts)

    def _insert(self, chunk: ChunkRecord, counts: Counter[str]) -> None:
        slot = len(self._records)
        if slot >= len(self._lengths):
            self._lengths = np.resize(self._lengths, 2 * slot)
            self._alive = np.concatenate([self._alive[:slot], np.zeros(slot, dtype=bool)])
        self._records.append(chunk)
        self._slot_of[chunk.chunk_id] = slot
        self._norms = None
        self._by_doc.setdefault(chunk.doc_id, set()).add(chunk.chunk_id)
        length = sum(counts.values())
        self._lengths[slot] = length
        self._alive[slot] = True
        self._total_length += length
        for term, count in counts.items():
            postings = self._postings.get(term)
            if postings is None:
                postings = self._postings[term] = _Postings()
            postings.append(slot, count)

    def remove(self, chunk_ids: Iterable[str]) -> None:
        with self._lock:
            for chunk_id in chunk_ids:
                slot = self._slot_of.pop(chunk_id, None)
                if slot is None:
                    continue
                record = self._records[slot]
                assert record is not None
                self._records[slot] = None
                self._alive[slot] = False
                self._norms = None
                self._total_length -= self._lengths[slot]
                doc_chunks = self._by_doc[record.doc_id]
                doc_chunks.discard(chunk_id)
                if not doc_chunks:
                    del self._by_doc[record.doc_id]
            if len(self._records) > 1024 and len(self._slot_of) < len(self._records) // 2:
                self._compact()

    def state(self) -> LexicalState:
        with self._lock:
            used = len(self._records)
            return LexicalState(
                records=list(self._records),
                lengths=self._lengths[:used].copy(),
                alive=self._alive[:used].copy(),
                postings={term: p.arrays() for term, p in self._postings.items()},
            )

    def restore(self, state: LexicalState) -> None:
        """Replace the whole content by `state` (as `state()` gave it)."""
        with self._lock:
            self._reset()
            used = len(state.records)
            size = max(1024, used)
            self._records = list(state.records)
            self._lengths = np.zeros(size, dtype=np.float64)
            self._lengths[:used] = state.lengths
            self._alive = np.zeros(size, dtype=bool)
            self._alive[:used] = state.alive
            self._postings = {term: _Postings(arrays) for term, arrays in state.postings.items()}
            self._total_length = float(state.lengths[state.alive].sum())
            for slot, chunk in enumerate(self._records):
                if chunk is not None:
                    self._slot_of[chunk.chunk_id] = slot
                    self._by_doc.setdefault(chunk.doc_id, set()).add(chunk.chunk_id)

    def _compact(self) -> None:
        live = [r for r in self._records if r is not None]
        self._reset()
        for chunk in live:
            self._insert(chunk, Counter(content_words(chunk.text + " " + chunk.title)))

    def idf(self, term: str, min_chunks: int = 0) -> float:
        """BM25's IDF. With `min_chunks`, a small index counts as that many chunks, so that in
        a handful of documents a word they all share still weighs (almost) like any other."""
        with self._lock:
            postings = self._postings.get(term)
            if postings is None:
                return self._idf(0, min_chunks)
            slots = postings.arrays()[0]
            all_alive = len(self._slot_of) == len(self._records)
            df = len(slots) if all_alive else int(self._alive[slots].sum())
            return self._idf(df, min_chunks)

    def term_weight(self, term: str) -> float:
        """How much a question word weighs when counting what a passage covers."""
        return self.idf(term, min_chunks=SMALL_INDEX_CHUNKS)

    def _idf(self, df: int, min_chunks: int = 0) -> float:
        n = max(len(self._slot_of), min_chunks)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def search(
        self,
        query: str,
        n: int,
        keep: Callable[[ChunkRecord], bool] | None = None,
    ) -> list[tuple[ChunkRecord, float]]:
        # Sorted: summed in a fixed order, scores (and near-ties) do not vary between runs.
        terms = sorted(set(content_words(query)))
        with self._lock:
            if not self._slot_of or not terms:
                return []
            scores = np.zeros(len(self._records), dtype=np.float64)
            norms = self._slot_norms()
            all_alive = len(self._slot_of) == len(self._records)
            for term in terms:
                postings = self._postings.get(term)
                if postings is None:
                    continue
                slots, counts = postings.arrays()
                if not all_alive:
                    alive = self._alive[slots]
                    slots, counts = slots[alive], counts[alive]
                if not len(slots):
                    continue
                norm = norms[slots]
                scores[slots] += self._idf(len(slots)) * counts * (self._k1 + 1) / (counts + norm)
            return self._top(scores, n, keep)

    def _slot_norms(self) -> npt.NDArray[np.float64]:
        """BM25's length normalisation of every slot, kept until the index changes."""
        if self._norms is None:
            average = self._total_length / len(self._slot_of)
            lengths = self._lengths[: len(self._records)]
            self._norms = self._k1 * (1 - self._b + self._b * lengths / average)
        return self._norms

    def _top(
        self, scores: npt.NDArray[np.float64], n: int, keep: Callable[[ChunkRecord], bool] | None
    ) -> list[tuple[ChunkRecord, float]]:
        """The `n` best-scoring kept records, best first (ties by slot). Only the best few
        hits are sorted, more only when `keep` turns too many of them down."""
        hits = np.flatnonzero(scores > 0)
        values = scores[hits]
        wanted = 4 * n + 16
        while True:
            best, best_values = hits, values
            if wanted < len(hits):  # everything scoring at least the wanted-th best value
                threshold = np.partition(values, len(values) - wanted)[len(values) - wanted]
                chosen = values >= threshold
                best, best_values = hits[chosen], values[chosen]
            out: list[tuple[ChunkRecord, float]] = []
            for slot in best[np.argsort(-best_values, kind="stable")]:
                record = self._records[slot]
                if record is not None and (keep is None or keep(record)):
                    out.append((record, float(scores[slot])))
                    if len(out) >= n:
                        return out
            if len(best) == len(hits):
                return out
            wanted *= 8
