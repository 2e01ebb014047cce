"""kill -9 a real ingesting process at random points: every document stays whole.

The CLI ingests a folder (small batches, several chunks per document); the test
kills it with SIGKILL at a random moment while it writes, then opens a copy of
the data as the next start would and checks that each document is entirely its
old version or entirely its new one, and that the store's chunks, the lexical
index and the document list agree. The folder is rewritten in between, so the
later kills land in replacements.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from service.embedding import Embedder
from service.lexical import LexicalIndex
from service.library import Library
from service.loaders import Metadata, load_file
from service.store import ChromaStore, chroma_client

DOCS = 16
CHUNK_TOKENS, CHUNK_OVERLAP, BATCH = 40, 8, 4
COLLECTION = "crash_chunks"


def article(i: int, version: int) -> str:
    sentences = [
        f"Report {i} version {version} opens with sentence {n} about the harbour and its cranes."
        for n in range(8)
    ]
    return f"date 2024-01-{i % 28 + 1:02d}\n" + " ".join(sentences)


def write_folder(folder: Path, version: int, only: range = range(DOCS)) -> None:
    for i in only:
        (folder / f"doc{i:02d}.txt").write_text(article(i, version), encoding="utf-8")


def test_kill_9_while_ingesting_and_replacing_leaves_every_document_whole(
    tmp_path: Path, minilm: Embedder
) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    folder, data = tmp_path / "docs", tmp_path / "data"
    folder.mkdir()
    write_folder(folder, 1)
    versions = {f"doc{i:02d}": {1: article(i, 1)} for i in range(DOCS)}
    killed = 0
    plan = [(1, True), (2, True), (2, True), (2, False)]  # (version on disk, kill it?)
    for run, (version, kill) in enumerate(plan):
        if version == 2 and run == 1:
            write_folder(folder, 2)
            for i in range(DOCS):
                versions[f"doc{i:02d}"][2] = article(i, 2)
        # Kill shortly after a random commit, while a later batch is embedded or written.
        kill_at = (rng.randint(1, DOCS - 2 * BATCH), rng.uniform(0.0, 0.3)) if kill else None
        returncode = ingest(folder, data, kill_at)
        killed += returncode == -signal.SIGKILL
        snapshot = tmp_path / f"after-run-{run}"
        shutil.copytree(data, snapshot)  # what the next start would find
        check_whole_and_agreeing(snapshot, versions, minilm, f"seed {seed}, run {run}")
    assert killed >= 1, f"every run ended before its kill (seed {seed})"
    final = open_library(tmp_path / f"after-run-{len(plan) - 1}", minilm)[1]
    assert {d.doc_id for d in final.documents()} == set(versions)
    for doc_id, texts in versions.items():
        assert final.get(doc_id)[1] == texts[2]  # the last, unkilled run finished the job


def ingest(folder: Path, data: Path, kill_at: tuple[int, float] | None) -> int:
    """Run the CLI; with kill_at=(n, s), SIGKILL it s seconds after it reports document n."""
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "QA_DATA_DIR": str(data),
        "QA_COLLECTION": COLLECTION,
        "QA_CHUNK_TOKENS": str(CHUNK_TOKENS),
        "QA_CHUNK_OVERLAP": str(CHUNK_OVERLAP),
        "QA_INGEST_BATCH_SIZE": str(BATCH),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "ingest", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    reported = threading.Event()
    lines = 0

    def watch() -> None:
        nonlocal lines
        assert process.stdout is not None
        for _ in process.stdout:
            lines += 1
            if kill_at and lines >= kill_at[0]:
                reported.set()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        if kill_at and reported.wait(timeout=240):
            time.sleep(kill_at[1])
            process.send_signal(signal.SIGKILL)
        return process.wait(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
        watcher.join(timeout=10)


def open_library(data: Path, embedder: Embedder) -> tuple[ChromaStore, Library, LexicalIndex]:
    store = ChromaStore(chroma_client(str(data / "chroma"), None), COLLECTION, embedder.name)
    lexical = LexicalIndex()
    library = Library(
        store, lexical, embedder, chunk_tokens=CHUNK_TOKENS, chunk_overlap=CHUNK_OVERLAP
    )
    library.load()
    return store, library, lexical


def check_whole_and_agreeing(
    data: Path, versions: dict[str, dict[int, str]], embedder: Embedder, context: str
) -> None:
    store, library, lexical = open_library(data, embedder)
    records = {r.doc_id: r for r in library.documents()}
    assert set(records) <= set(versions), context
    assert set(lexical.doc_hashes()) == set(records), context
    expected_hashes = {
        doc_id: {v: expected_hash(doc_id, text) for v, text in texts.items()}
        for doc_id, texts in versions.items()
    }
    stored = {c.chunk_id: c for c in store.iter_chunks()}
    for doc_id, record in records.items():
        _, text = library.get(doc_id)
        version = next((v for v, t in versions[doc_id].items() if t == text), None)
        assert version is not None, f"{context}: {doc_id} is neither version"
        assert record.content_hash == expected_hashes[doc_id][version], context
        indexed = lexical.chunks_of(doc_id)
        assert len(indexed) == record.chunks > 1, context
        assert all(c.doc_hash == record.content_hash for c in indexed), context
        assert all(text[c.start : c.end] == c.text for c in indexed), context
        in_store = {i for i, c in stored.items() if c.doc_id == doc_id}
        assert in_store == {c.chunk_id for c in indexed}, f"{context}: {doc_id} store/index"
    assert len(stored) == sum(r.chunks for r in records.values()), f"{context}: leftovers"
    check_vectors(store, lexical, embedder, sorted(records), context)


def check_vectors(
    store: ChromaStore,
    lexical: LexicalIndex,
    embedder: Embedder,
    doc_ids: list[str],
    context: str,
) -> None:
    """Dense search finds each document's chunks, and only its committed ones."""
    firsts = [lexical.chunks_of(doc_id)[0] for doc_id in doc_ids]
    vectors = embedder.embed([c.text for c in firsts])
    for chunk, vector in zip(firsts, vectors, strict=True):
        found = store.query(vector, 3, {"doc_id": chunk.doc_id})
        assert found and found[0][0].chunk_id == chunk.chunk_id, f"{context}: {chunk.doc_id}"
        assert all(c.chunk_id in lexical for c, _ in found), context


def expected_hash(doc_id: str, text: str) -> str:
    """The content hash the CLI gives this text in file `<doc_id>.txt`."""
    return load_file(text.encode(), f"{doc_id}.txt", ".txt", Metadata()).content_hash
