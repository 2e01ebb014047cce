"""The document library: ingest, replace, delete, and keep store and lexical index in step.

Write order makes each document visible whole or not at all:
1. new chunks are added under ids that carry the content hash (old ones stay);
2. the document record is written: this is the commit point;
3. the lexical index swaps old chunks for new, and old chunks leave the store.
A crash before 2 leaves orphan chunks of the new version; one after 2 leaves
stale chunks of the old. `load()` removes both at the next start, and until
then the retriever ignores any chunk the lexical index does not hold.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from service.chunking import chunk_text
from service.documents import Document
from service.embedding import Embedder, Vectors
from service.errors import DocumentNotFound
from service.lexical import LexicalIndex
from service.records import ChunkRecord, DocumentRecord
from service.store import ChromaStore
from service.tokens import count_tokens

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
        self.ingested_documents = 0  # how many documents this process created or updated

    def load(self) -> None:
        """Rebuild the lexical index from the store, dropping uncommitted or stale chunks."""
        committed = {d.doc_id: d.content_hash for d in self._store.list_documents()}
        current: list[ChunkRecord] = []
        stale_docs: set[str] = set()
        for chunk in self._store.iter_chunks():
            if committed.get(chunk.doc_id) == chunk.doc_hash:
                current.append(chunk)
            else:
                stale_docs.add(chunk.doc_id)
        for doc_id in stale_docs:
            self._store.delete_chunks(doc_id, keep_hash=committed.get(doc_id))
        self._lexical.add(current)

    def ingest(self, document: Document) -> IngestResult:
        return self.ingest_many([document])[0]

    def ingest_many(self, documents: Sequence[Document]) -> list[IngestResult]:
        """Ingest documents, embedding all changed ones in one batched pass."""
        with self._write_lock:
            plans: list[tuple[Document, list[ChunkRecord], Status]] = []
            for document in documents:
                existing = self._store.get_document(document.doc_id)
                if existing and existing[0].content_hash == document.content_hash:
                    plans.append((document, [], "unchanged"))
                    continue
                status: Status = "updated" if existing else "created"
                plans.append((document, self._chunk(document), status))
            texts = [c.text for _, chunks, _ in plans for c in chunks]
            vectors = self._embedder.embed(texts)
            self.embedded_chunks += len(texts)
            results: list[IngestResult] = []
            offset = 0
            for document, chunks, status in plans:
                if status == "unchanged":
                    results.append(IngestResult(document.doc_id, self._count(document), status))
                    continue
                self._commit(document, chunks, vectors[offset : offset + len(chunks)])
                self.ingested_documents += 1
                offset += len(chunks)
                results.append(IngestResult(document.doc_id, len(chunks), status))
            return results

    def delete(self, doc_id: str) -> None:
        with self._write_lock:
            if self._store.get_document(doc_id) is None:
                raise DocumentNotFound(f"no document with id {doc_id!r}")
            self._store.delete_document(doc_id)
            self._lexical.remove(c.chunk_id for c in self._lexical.chunks_of(doc_id))
            self._store.delete_chunks(doc_id)

    def get(self, doc_id: str) -> tuple[DocumentRecord, str]:
        found = self._store.get_document(doc_id)
        if found is None:
            raise DocumentNotFound(f"no document with id {doc_id!r}")
        return found

    def documents(self) -> list[DocumentRecord]:
        return sorted(self._store.list_documents(), key=lambda d: d.doc_id)

    def _chunk(self, document: Document) -> list[ChunkRecord]:
        pieces = chunk_text(
            document.text,
            count_tokens,
            max_tokens=self._chunk_tokens,
            overlap_tokens=self._chunk_overlap,
            offset=document.body_start,
        )
        doc_hash = document.content_hash
        return [
            ChunkRecord(
                chunk_id=f"{document.doc_id}#{doc_hash}#{p.index}",
                doc_id=document.doc_id,
                doc_hash=doc_hash,
                index=p.index,
                text=p.text,
                start=p.start,
                end=p.end,
                title=document.title,
                date=document.date,
                source=document.source,
            )
            for p in pieces
        ]

    def _commit(self, document: Document, chunks: list[ChunkRecord], vectors: Vectors) -> None:
        self._store.add_chunks(chunks, vectors)
        record = DocumentRecord(
            doc_id=document.doc_id,
            title=document.title,
            date=document.date,
            source=document.source,
            content_hash=document.content_hash,
            chunks=len(chunks),
            chars=len(document.text),
        )
        self._store.put_document(record, document.text, document.body_start)
        old = [c.chunk_id for c in self._lexical.chunks_of(document.doc_id)]
        self._lexical.remove(old)
        self._lexical.add(chunks)
        self._store.delete_chunks(document.doc_id, keep_hash=document.content_hash)

    def _count(self, document: Document) -> int:
        return len(self._lexical.chunks_of(document.doc_id))
