"""The vector store: Chroma, embedded (PersistentClient) or remote (HttpClient).

Two collections: chunks (vectors + metadata) and documents (one record per
document; writing it is the commit point of an ingest, see service.ingest.library).

A chunk's text is kept in its metadata (key `text`), not as Chroma's document:
the embedded store indexes every document for full-text search, which nothing
here queries (lexical search is the in-process BM25 index) and which cost
about a third of each chunk write. Chunks written before that keep their text
as the document, and are read either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from service.core.dates import date_number
from service.core.errors import EmbedderMismatch
from service.core.ports import Vectors
from service.core.records import ChunkRecord, DocumentRecord
from service.index.store_calls import StoreCalls, bound_http_client

PAGE = 1000
ID_GROUP = 100  # document ids per `$in` filter


def chroma_client(path: str, url: str | None, calls: StoreCalls | None = None) -> Any:
    """A client for the server at `url`, else for the embedded store at `path`; with
    `calls`, a server's HTTP requests time out a little after their deadline."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url)
        client = chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 8000,
            ssl=parsed.scheme == "https",
            settings=settings,
        )
        if calls is not None:
            bound_http_client(client, calls.write_timeout_s + 1, calls.read_timeout_s)
        return client
    return chromadb.PersistentClient(path=path, settings=settings)


class ChromaStore:
    """Every Chroma call goes through `calls`, which gives it a deadline and turns a
    store that is down or frozen into StoreUnavailable (503)."""

    def __init__(
        self, client: Any, name: str, embedder_name: str, calls: StoreCalls | None = None
    ) -> None:
        self._calls = calls = calls or StoreCalls()
        self._chunks = calls.write(
            client.get_or_create_collection,
            name=name,
            metadata={"hnsw:space": "cosine", "embedder": embedder_name},
            embedding_function=None,
        )
        found = (self._chunks.metadata or {}).get("embedder")
        if found != embedder_name:
            raise EmbedderMismatch(
                f"collection {name!r} was filled by embedder {found!r}, not {embedder_name!r}; "
                "use another QA_COLLECTION or data directory, or re-ingest"
            )
        self._docs = calls.write(
            client.get_or_create_collection,
            name=f"{name}_documents",
            metadata={"hnsw:space": "l2"},
            embedding_function=None,
        )
        # One record whose value changes after every commit or delete, so that other
        # processes sharing a server can tell cheaply whether anything changed.
        self._meta = calls.write(
            client.get_or_create_collection, name=f"{name}_meta", embedding_function=None
        )

    def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers a trivial read in time."""
        self._calls.read(self._docs.count)

    def close(self) -> None:
        self._calls.close()

    # chunks ---------------------------------------------------------------
    def add_chunks(self, chunks: Sequence[ChunkRecord], vectors: Vectors) -> None:
        for i in range(0, len(chunks), PAGE):
            batch = chunks[i : i + PAGE]
            self._calls.write(
                self._chunks.upsert,
                ids=[c.chunk_id for c in batch],
                embeddings=vectors[i : i + PAGE],
                metadatas=[_chunk_metadata(c) for c in batch],
            )

    def delete_chunks(self, doc_id: str, keep_hash: str | None = None) -> None:
        where = {"doc_id": doc_id} if keep_hash is None else _other_versions(doc_id, keep_hash)
        self._calls.write(self._chunks.delete, where=where)

    def delete_stale_chunks(self, current: Mapping[str, str]) -> None:
        """Delete the chunks of each document `current` names, but those of the version
        whose content hash it gives: one call per ID_GROUP documents."""
        items = list(current.items())
        for i in range(0, len(items), ID_GROUP):
            clauses = [_other_versions(doc_id, keep) for doc_id, keep in items[i : i + ID_GROUP]]
            where = clauses[0] if len(clauses) == 1 else {"$or": clauses}
            self._calls.write(self._chunks.delete, where=where)

    def query(
        self, vector: Sequence[float], n: int, where: dict[str, Any] | None
    ) -> list[tuple[str, float]]:
        """The ids of the `n` nearest chunks and their cosine similarity. Only ids: the
        retriever takes the chunks themselves from the lexical index, which holds them all."""
        if n <= 0:
            return []
        result = self._calls.read(
            self._chunks.query,
            query_embeddings=np.asarray([vector], dtype=np.float32),
            n_results=n,
            where=where or None,
            include=["distances"],
        )
        ids, distances = result["ids"][0], result["distances"][0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def iter_chunks(self) -> Iterator[ChunkRecord]:
        offset = 0
        while True:
            page = self._calls.read(
                self._chunks.get, limit=PAGE, offset=offset, include=["documents", "metadatas"]
            )
            for i, d, m in zip(page["ids"], page["documents"], page["metadatas"], strict=True):
                yield _chunk_from(i, d, m)
            if len(page["ids"]) < PAGE:
                return
            offset += PAGE

    def chunks_of_documents(self, doc_ids: Sequence[str]) -> list[ChunkRecord]:
        """Every stored chunk of the given documents, whatever version it belongs to."""
        found: list[ChunkRecord] = []
        for i in range(0, len(doc_ids), ID_GROUP):
            where = {"doc_id": {"$in": list(doc_ids[i : i + ID_GROUP])}}
            page = self._calls.read(
                self._chunks.get, where=where, include=["documents", "metadatas"]
            )
            for c, d, m in zip(page["ids"], page["documents"], page["metadatas"], strict=True):
                found.append(_chunk_from(c, d, m))
        return found

    def count_chunks(self) -> int:
        return int(self._calls.read(self._chunks.count))

    # documents ------------------------------------------------------------
    def put_document(self, record: DocumentRecord, text: str, body_start: int) -> None:
        self.put_documents([(record, text, body_start)])

    def put_documents(self, entries: Sequence[tuple[DocumentRecord, str, int]]) -> None:
        """Write document records in one call: the commit point of their ingest."""
        if not entries:
            return
        self._calls.write(
            self._docs.upsert,
            ids=[record.doc_id for record, _, _ in entries],
            embeddings=[[0.0]] * len(entries),
            documents=[text for _, text, _ in entries],
            metadatas=[_document_metadata(record, start) for record, _, start in entries],
        )

    def get_document(self, doc_id: str) -> tuple[DocumentRecord, str, int] | None:
        """(record, text, where the text proper starts: Document.body_start), or None."""
        found = self._calls.read(self._docs.get, ids=[doc_id], include=["documents", "metadatas"])
        if not found["ids"]:
            return None
        meta = found["metadatas"][0]
        return _document_from(doc_id, meta), found["documents"][0], int(meta.get("body_start", 0))

    def get_documents(self, doc_ids: Sequence[str]) -> dict[str, DocumentRecord]:
        """The records (without text) of those of `doc_ids` that exist."""
        found: dict[str, DocumentRecord] = {}
        unique = list(dict.fromkeys(doc_ids))
        for i in range(0, len(unique), PAGE):
            page = self._calls.read(self._docs.get, ids=unique[i : i + PAGE], include=["metadatas"])
            for doc_id, meta in zip(page["ids"], page["metadatas"], strict=True):
                found[doc_id] = _document_from(doc_id, meta)
        return found

    def page_documents(self, limit: int, offset: int) -> list[DocumentRecord]:
        """Documents in the store's own order (first ingested first)."""
        page = self._calls.read(self._docs.get, limit=limit, offset=offset, include=["metadatas"])
        return [_document_from(i, m) for i, m in zip(page["ids"], page["metadatas"], strict=True)]

    def count_documents(self) -> int:
        return int(self._calls.read(self._docs.count))

    def list_documents(self) -> list[DocumentRecord]:
        records: list[DocumentRecord] = []
        offset = 0
        while True:
            page = self._calls.read(
                self._docs.get, limit=PAGE, offset=offset, include=["metadatas"]
            )
            pairs = zip(page["ids"], page["metadatas"], strict=True)
            records.extend(_document_from(i, m) for i, m in pairs)
            if len(page["ids"]) < PAGE:
                return records
            offset += PAGE

    def delete_document(self, doc_id: str) -> None:
        self._calls.write(self._docs.delete, ids=[doc_id])

    # change marker -----------------------------------------------------------
    def mark_changed(self) -> None:
        self._calls.write(
            self._meta.upsert,
            ids=["generation"],
            embeddings=[[0.0]],
            metadatas=[{"value": uuid.uuid4().hex}],
        )

    def generation(self) -> str | None:
        found = self._calls.read(self._meta.get, ids=["generation"], include=["metadatas"])
        return str(found["metadatas"][0]["value"]) if found["ids"] else None


def _other_versions(doc_id: str, keep_hash: str) -> dict[str, Any]:
    """The filter for a document's chunks but those of the version with `keep_hash`."""
    return {"$and": [{"doc_id": doc_id}, {"doc_hash": {"$ne": keep_hash}}]}


def _chunk_metadata(chunk: ChunkRecord) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id,
        "doc_hash": chunk.doc_hash,
        "index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "title": chunk.title,
        "date": chunk.date or "",
        "date_num": date_number(chunk.date),
        "source": chunk.source,
        "page": chunk.page or 0,
        "text": chunk.text,
        "table_context": chunk.context,
    }


def _document_metadata(record: DocumentRecord, body_start: int) -> dict[str, Any]:
    return {
        "title": record.title,
        "date": record.date or "",
        "date_num": date_number(record.date),
        "source": record.source,
        "content_hash": record.content_hash,
        "chunks": record.chunks,
        "chars": record.chars,
        "body_start": body_start,
    }


def _chunk_from(chunk_id: str, document: str | None, meta: dict[str, Any]) -> ChunkRecord:
    return ChunkRecord(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        doc_hash=str(meta["doc_hash"]),
        index=int(meta["index"]),
        text=str(meta.get("text", document or "")),  # older chunks: the text is the document
        start=int(meta["start"]),
        end=int(meta["end"]),
        title=str(meta["title"]),
        date=str(meta["date"]) or None,
        source=str(meta["source"]),
        page=int(meta.get("page") or 0) or None,
        context=str(meta.get("table_context", "")),  # the key it was first stored under
    )


def _document_from(doc_id: str, meta: dict[str, Any]) -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id,
        title=str(meta["title"]),
        date=str(meta["date"]) or None,
        source=str(meta["source"]),
        content_hash=str(meta["content_hash"]),
        chunks=int(meta["chunks"]),
        chars=int(meta["chars"]),
    )
