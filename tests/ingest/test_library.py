"""Library: batches with repeated ids, and refresh() catching up with another writer."""

from __future__ import annotations

from pathlib import Path

from service.core.documents import Document, build_document
from service.core.ports import Embedder
from service.core.records import ChunkRecord, DocumentRecord
from service.index.lexical import LexicalIndex
from service.index.store import ChromaStore, chroma_client
from service.ingest.library import Library, RefreshResult
from service.retrieval.hybrid import Retriever


def library_on(
    path: Path, embedder: Embedder, cleanup: bool = False
) -> tuple[Library, LexicalIndex, ChromaStore]:
    store = ChromaStore(chroma_client(str(path), None), "lib_chunks", embedder.name)
    lexical = LexicalIndex()
    library = Library(store, lexical, embedder, chunk_tokens=60, chunk_overlap=10)
    library.load(cleanup=cleanup)
    return library, lexical, store


def test_a_batch_may_repeat_an_id_and_the_last_version_wins(
    tmp_path: Path, minilm: Embedder
) -> None:
    library, lexical, _ = library_on(tmp_path, minilm)
    first = build_document("The tide was high.", doc_id="tide")
    second = build_document("The tide was low.", doc_id="tide")
    results = library.ingest_many([first, second, first])
    assert [r.status for r in results] == ["created", "updated", "updated"]
    assert library.get("tide")[1] == first.text
    assert [c.text for c in lexical.chunks_of("tide")] == [first.text]


def test_refresh_follows_another_writer_and_waits_for_complete_versions(
    tmp_path: Path, minilm: Embedder
) -> None:
    writer, _, store = library_on(tmp_path, minilm)
    reader, reader_index, _ = library_on(tmp_path, minilm)  # a second process, in effect
    writer.ingest(build_document("Ferries leave at ten.", doc_id="ferry"))
    writer.ingest(build_document("Buses run hourly.", doc_id="bus"))
    assert reader.refresh().added == 2 and reader_index.doc_hashes().keys() == {"ferry", "bus"}

    writer.ingest(build_document("Ferries leave at eleven.", doc_id="ferry"))
    writer.delete("bus")
    result = reader.refresh()
    assert (result.added, result.updated, result.removed) == (0, 1, 1)
    assert [c.text for c in reader_index.chunks_of("ferry")] == ["Ferries leave at eleven."]

    # A writer that died between its commit and moving the change marker: only a full
    # refresh (the background one does every few checks) sees its document.
    tram = build_document("Trams stop at midnight.", doc_id="tram")
    store.add_chunks([chunk_of(tram)], minilm.embed([tram.text]))
    store.put_document(record_of(tram, chunks=1), tram.text, 0)
    assert reader.refresh() == RefreshResult(0, 0, 0)
    assert reader.refresh(full=True).added == 1 and "tram" in reader_index.doc_hashes()

    # A record whose chunks are not all readable (yet) is not indexed half-way.
    ghost = build_document("Ghost text.", doc_id="ghost")
    store.put_document(record_of(ghost, chunks=2), ghost.text, 0)
    assert reader.refresh(full=True).added == 0 and "ghost" not in reader_index.doc_hashes()
    assert reader.refresh() == reader.refresh() == RefreshResult(0, 0, 0)


def test_an_interrupted_commit_is_invisible_and_cleaned_at_the_next_start(
    tmp_path: Path, minilm: Embedder
) -> None:
    library, lexical, store = library_on(tmp_path, minilm)
    old = build_document("The museum opens at nine.", doc_id="museum")
    library.ingest(old)
    # What a crash leaves between steps 1 and 2: the new version's chunks, no record.
    new = build_document("The museum opens at ten on Sundays.", doc_id="museum")
    store.add_chunks([chunk_of(new)], minilm.embed([new.text]))
    found = Retriever(store, lexical, minilm).search("museum opens ten Sundays", top_k=5)
    assert [p.chunk.doc_hash for p in found] == [old.content_hash]

    restarted, restarted_index, _ = library_on(tmp_path, minilm, cleanup=True)
    assert store.count_chunks() == 1 and restarted.get("museum")[1] == old.text
    assert [c.doc_hash for c in restarted_index.chunks_of("museum")] == [old.content_hash]


def chunk_of(document: Document) -> ChunkRecord:
    return ChunkRecord(
        chunk_id=f"{document.doc_id}#{document.content_hash}#0",
        doc_id=document.doc_id,
        doc_hash=document.content_hash,
        index=0,
        text=document.text,
        start=0,
        end=len(document.text),
        title=document.title,
        date=None,
        source="",
    )


def record_of(document: Document, chunks: int) -> DocumentRecord:
    return DocumentRecord(
        document.doc_id, document.title, None, "", document.content_hash, chunks, len(document.text)
    )


def test_chunks_stored_with_their_text_as_the_chroma_document_still_load(
    tmp_path: Path, minilm: Embedder
) -> None:
    """Stores written before the chunk text moved into the metadata keep it as the document."""
    client = chroma_client(str(tmp_path), None)
    _, _, store = library_on(tmp_path, minilm)
    old = build_document("The lighthouse was painted red.", doc_id="light")
    chunk = chunk_of(old)
    client.get_collection("lib_chunks").upsert(
        ids=[chunk.chunk_id],
        embeddings=minilm.embed([old.text]),
        documents=[old.text],
        metadatas=[
            {
                "doc_id": "light",
                "doc_hash": old.content_hash,
                "index": 0,
                "start": 0,
                "end": len(old.text),
                "title": "",
                "date": "",
                "date_num": 0,
                "source": "",
            }
        ],
    )
    store.put_document(record_of(old, chunks=1), old.text, 0)
    _, restarted_index, _ = library_on(tmp_path, minilm)
    assert [c.text for c in restarted_index.chunks_of("light")] == [old.text]
    assert [c.text for c in store.chunks_of_documents(["light"])] == [old.text]


def test_replacing_a_batch_removes_every_old_version_and_nothing_else(
    tmp_path: Path, minilm: Embedder
) -> None:
    library, lexical, store = library_on(tmp_path, minilm)
    old = [build_document(f"Pier {i} was built of oak.", doc_id=f"pier{i}") for i in range(3)]
    library.ingest_many([*old, build_document("The quay is stone.", doc_id="quay")])
    new = [build_document(f"Pier {i} was rebuilt in steel.", doc_id=f"pier{i}") for i in range(3)]
    assert [r.status for r in library.ingest_many(new)] == ["updated"] * 3
    stored = store.chunks_of_documents(["pier0", "pier1", "pier2", "quay"])
    assert sorted(c.text for c in stored) == sorted([*(d.text for d in new), "The quay is stone."])
    assert store.count_chunks() == len(lexical) == 4


def test_a_chunk_inside_a_table_keeps_its_header_in_the_store_and_after_a_restart(
    tmp_path: Path, minilm: Embedder
) -> None:
    rows = "".join(f"| Item {i} | {i} euros |\n" for i in range(30))
    library, _, store = library_on(tmp_path, minilm)
    library.ingest(build_document(f"| Item | Price |\n|---|---|\n{rows}", doc_id="prices"))
    header = "| Item | Price |\n|---|---|\n| "
    stored = store.chunks_of_documents(["prices"])
    assert len(stored) > 2 and {c.context for c in stored if c.index > 0} == {header}
    _, restarted, _ = library_on(tmp_path, minilm)
    assert [c.context for c in restarted.chunks_of("prices")] == [
        c.context for c in sorted(stored, key=lambda c: c.index)
    ]
