"""The document library: ingest, replace, delete, and keep store and lexical index in step.

Write order makes each document visible whole or not at all:
1. new chunks are added under ids that carry the content hash (old ones stay);
2. the document record is written: this is the commit point;
3. the lexical index swaps old chunks for new, and old chunks leave the store.
A crash before 2 leaves orphan chunks of the new version; one after 2 leaves
stale chunks of the old. `load()` removes both at the next start, and until
then the retriever ignores any chunk the lexical index does not hold.
A batch of documents is written the same way: all their chunks, then all their
records in one write, so each document of the batch is still whole or absent.
Against a shared Chroma server, `refresh()` brings this process's lexical index
in step with what other processes committed.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from service.core.documents import Document
from service.core.errors import DocumentNotFound
from service.core.ports import Embedder, Vectors
from service.core.records import ChunkRecord, DocumentRecord
from service.core.tokens import count_tokens
from service.index.lexical import LexicalIndex
from service.index.lexical_snapshot import Snapshot, take_snapshot, write_snapshot
from service.index.store import ChromaStore
from service.ingest.chunking import Chunk, chunk_text

Status = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class IngestResult:
    doc_id: str
    chunks: int
    status: Status


class Library:
    def __init__(
        self,
        store: ChromaStore,
        lexical: LexicalIndex,
        embedder: Embedder,
        *,
        chunk_tokens: int,
        chunk_overlap: int,
    ) -> None:
        self._store = store
        self._lexical = lexical
        self._embedder = embedder
        self._chunk_tokens = chunk_tokens
        self._chunk_overlap = chunk_overlap
        self._write_lock = threading.Lock()
        self.embedded_chunks = 0  # how many chunk texts this process has embedded
        self._seen_generation: str | None = None  # the store's change marker at the last read
        self._exclusive = True  # no other process writes to the store (embedded Chroma)
        self.loaded_from = ""  # how load() filled the lexical index
        self.ingested_documents = 0  # how many documents this process created or updated

    def load(self, *, cleanup: bool = True, snapshot: Path | None = None) -> str:
        """Fill the lexical index with the committed chunks; say how ("snapshot", ...).

        From the snapshot file at `snapshot` when there is one: as it is while the
        store's change marker is the one it was saved at, else caught up by a full
        refresh. Otherwise rebuilt from the store; with `cleanup`, uncommitted and
        stale chunks are also deleted from the store, which is only safe when no
        other process may be mid-ingest (the embedded store).
        """
        self._exclusive = cleanup
        if self._store.generation() is None:  # a store from before change markers
            self._store.mark_changed()
        self._seen_generation = self._store.generation()
        saved = take_snapshot(snapshot) if snapshot else None
        if saved is None:
            self._rebuild(cleanup)
            self.loaded_from = "rebuilt from the store"
        elif saved.generation == self._seen_generation:
            self._lexical.restore(saved.state)
            self.loaded_from = "snapshot"
        else:
            self._lexical.restore(saved.state)
            self.refresh(full=True)
            self.loaded_from = "snapshot, caught up with the store"
        return self.loaded_from

    def save_snapshot(self, path: Path) -> None:
        """Save the lexical index for the next start (see service.index.lexical_snapshot)."""
        with self._write_lock:
            # Alone on an embedded store, the index matches the current marker exactly;
            # with a shared server, only the marker of the last refresh is safe to claim.
            generation = self._store.generation() if self._exclusive else self._seen_generation
            write_snapshot(path, Snapshot(generation or "", self._lexical.state()))

    def _rebuild(self, cleanup: bool) -> None:
        committed = {d.doc_id: d.content_hash for d in self._store.list_documents()}
        current: list[ChunkRecord] = []
        stale_docs: set[str] = set()
        for chunk in self._store.iter_chunks():
            if committed.get(chunk.doc_id) == chunk.doc_hash:
                current.append(chunk)
            else:
                stale_docs.add(chunk.doc_id)
        for doc_id in stale_docs if cleanup else ():
            self._store.delete_chunks(doc_id, keep_hash=committed.get(doc_id))
        self._lexical.add(current)

    def refresh(self, *, full: bool = False) -> RefreshResult:
        """Catch up with documents other processes committed to or deleted from a shared store.

        Unless `full`, nothing is read when the store's change marker is the one seen
        last time. (A writer that died between its commit and the marker is only
        noticed by a full refresh or the next change.)
        """
        with self._write_lock:
            generation = self._store.generation()
            if not full and generation is not None and generation == self._seen_generation:
                return RefreshResult(0, 0, 0)
            self._seen_generation = generation
            committed = {d.doc_id: d for d in self._store.list_documents()}
            indexed = self._lexical.doc_hashes()
            changed = [i for i, d in committed.items() if indexed.get(i) != d.content_hash]
            removed = [doc_id for doc_id in indexed if doc_id not in committed]
            fresh: dict[str, list[ChunkRecord]] = {doc_id: [] for doc_id in changed}
            for chunk in self._store.chunks_of_documents(changed):
                if chunk.doc_hash == committed[chunk.doc_id].content_hash:
                    fresh[chunk.doc_id].append(chunk)
            # A version whose chunks are not all readable yet is left for the next refresh.
            complete = [i for i in changed if len(fresh[i]) == committed[i].chunks]
            if len(complete) < len(changed):
                self._seen_generation = None  # look again next time, whatever the marker
            for doc_id in removed:
                self._lexical.replace(doc_id, [])
            for doc_id in complete:
                self._lexical.replace(doc_id, fresh[doc_id])
            added = sum(1 for i in complete if i not in indexed)
            return RefreshResult(added, len(complete) - added, len(removed))

    def ingest(self, document: Document) -> IngestResult:
        return self.ingest_many([document])[0]

    def ingest_many(self, documents: Sequence[Document]) -> list[IngestResult]:
        """Ingest documents: embed the changed ones in one batched pass, write them in batches."""
        results: list[IngestResult] = []
        for group in _runs_of_unique_ids(documents):
            results.extend(self._ingest_group(group))
        return results

    def delete(self, doc_id: str) -> None:
        with self._write_lock:
            if self._store.get_document(doc_id) is None:
                raise DocumentNotFound(f"no document with id {doc_id!r}")
            self._store.delete_document(doc_id)
            self._store.mark_changed()
            self._lexical.remove(c.chunk_id for c in self._lexical.chunks_of(doc_id))
            self._store.delete_chunks(doc_id)

    def get(self, doc_id: str) -> tuple[DocumentRecord, str, int]:
        """A document's record, text and body start (as the store keeps them)."""
        found = self._store.get_document(doc_id)
        if found is None:
            raise DocumentNotFound(f"no document with id {doc_id!r}")
        return found

    def documents(self) -> list[DocumentRecord]:
        return sorted(self._store.list_documents(), key=lambda d: d.doc_id)

    def documents_page(self, limit: int, offset: int) -> tuple[list[DocumentRecord], int]:
        """One page of documents in ingest order, and how many there are in all."""
        return self._store.page_documents(limit, offset), self._store.count_documents()

    def _chunk(self, document: Document) -> list[ChunkRecord]:
        doc_hash = document.content_hash
        return [
            ChunkRecord(
                chunk_id=f"{document.doc_id}#{doc_hash}#{index}",
                doc_id=document.doc_id,
                doc_hash=doc_hash,
                index=index,
                text=piece.text,
                start=piece.start,
                end=piece.end,
                title=document.title,
                date=document.date,
                source=document.source,
                page=page,
                context=piece.context,
            )
            for index, (page, piece) in enumerate(self._pieces(document))
        ]

    def _pieces(self, document: Document) -> list[tuple[int | None, Chunk]]:
        """Chunks of the text; of a paged document, page by page so each has one page."""

        def pieces(end: int, start: int) -> list[Chunk]:
            return chunk_text(
                document.text[:end],
                count_tokens,
                max_tokens=self._chunk_tokens,
                overlap_tokens=self._chunk_overlap,
                offset=max(start, document.body_start),
            )

        if not document.pages:
            return [(None, piece) for piece in pieces(len(document.text), 0)]
        return [
            (page.number, piece)
            for page in document.pages
            for piece in pieces(page.end, page.start)
        ]

    def _ingest_group(self, documents: Sequence[Document]) -> list[IngestResult]:
        with self._write_lock:
            existing = self._store.get_documents([d.doc_id for d in documents])
            plans = [self._plan(d, existing.get(d.doc_id)) for d in documents]
            texts = [c.text for plan in plans for c in plan.chunks]
            vectors = self._embedder.embed(texts)
            self.embedded_chunks += len(texts)
            self._commit([p for p in plans if p.status != "unchanged"], vectors)
            return [IngestResult(p.document.doc_id, p.chunk_count, p.status) for p in plans]

    def _plan(self, document: Document, existing: DocumentRecord | None) -> _Plan:
        if existing and existing.content_hash == document.content_hash:
            return _Plan(document, [], "unchanged", existing.chunks)
        chunks = self._chunk(document)
        return _Plan(document, chunks, "updated" if existing else "created", len(chunks))

    def _commit(self, plans: Sequence[_Plan], vectors: Vectors) -> None:
        """The write order of the module docstring, for a whole batch of documents."""
        if not plans:
            return
        self._store.add_chunks([c for plan in plans for c in plan.chunks], vectors)
        self._store.put_documents([plan.record_entry() for plan in plans])
        self._store.mark_changed()
        self.ingested_documents += len(plans)
        for plan in plans:
            self._lexical.replace(plan.document.doc_id, plan.chunks)
        self._store.delete_stale_chunks(
            {p.document.doc_id: p.document.content_hash for p in plans if p.status == "updated"}
        )


@dataclass(frozen=True)
class RefreshResult:
    added: int
    updated: int
    removed: int


@dataclass(frozen=True)
class _Plan:
    document: Document
    chunks: list[ChunkRecord]
    status: Status
    chunk_count: int

    def record_entry(self) -> tuple[DocumentRecord, str, int]:
        doc = self.document
        record = DocumentRecord(
            doc_id=doc.doc_id,
            title=doc.title,
            date=doc.date,
            source=doc.source,
            content_hash=doc.content_hash,
            chunks=len(self.chunks),
            chars=len(doc.text),
        )
        return record, doc.text, doc.body_start


def _runs_of_unique_ids(documents: Sequence[Document]) -> list[list[Document]]:
    """Split into consecutive runs in which no id repeats, so each run commits in one write."""
    runs: list[list[Document]] = [[]]
    seen: set[str] = set()
    for document in documents:
        if document.doc_id in seen:
            runs.append([])
            seen.clear()
        runs[-1].append(document)
        seen.add(document.doc_id)
    return [run for run in runs if run]
