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
from itertools import pairwise
from pathlib import Path

from service.core.ports import Embedder
from service.index.lexical import LexicalIndex
from service.index.store import ChromaStore, chroma_client
from service.ingest.library import Library
from service.ingest.loaders import Metadata, load_file
from service.retrieval.hybrid import Retriever

DOCS = 20
CHUNK_TOKENS, CHUNK_OVERLAP, BATCH = 40, 8, 4
COLLECTION = "crash_chunks"
KILLS, MAX_RUNS = 3, 8  # kills that must land, and the killed runs allowed for them


def article(i: int, version: int) -> str:
    sentences = [
        f"Report {i} version {version} opens with sentence {n} about the harbour and its cranes."
        for n in range(8)
    ]
    return f"date 2024-01-{i % 28 + 1:02d}\n" + " ".join(sentences)


def write_folder(folder: Path, version: int) -> None:
    for i in range(DOCS):
        (folder / f"doc{i:02d}.txt").write_text(article(i, version), encoding="utf-8")


def test_kill_9_while_ingesting_and_replacing_leaves_every_document_whole(
    tmp_path: Path, minilm: Embedder
) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    folder, data = tmp_path / "docs", tmp_path / "data"
    folder.mkdir()
    write_folder(folder, 1)
    versions = {f"doc{i:02d}.txt": {v: article(i, v) for v in (1, 2)} for i in range(DOCS)}
    attempts, killed, leftovers = 0, 0, []
    on_disk: dict[str, int] = {}  # the version each document has in the store
    # Runs alternate the version on disk, so every run but the first replaces documents.
    # A run that ends before its kill (the kill is timed, the machine is shared) is
    # checked like any other, and another killed run follows, up to MAX_RUNS.
    run = 0
    while killed < KILLS and run < MAX_RUNS:
        version = 1 + run % 2
        write_folder(folder, version)
        to_write = sum(1 for doc_id in versions if on_disk.get(doc_id) != version)
        kill_at = None
        if to_write > 2 * BATCH:  # kill while at least two more batches are due
            # After a random commit, within about one batch's time: in its embedding or writes.
            kill_at = (rng.randint(1, to_write - 2 * BATCH), rng.uniform(0.5, 1.1))
            attempts += 1
        killed += ingest(folder, data, kill_at) == -signal.SIGKILL
        on_disk = check_run(tmp_path, data, run, versions, minilm, leftovers, seed)
        run += 1
    assert killed >= KILLS, f"{killed} of {attempts} kills landed in {run} runs ({seed})"
    write_folder(folder, 2)
    assert ingest(folder, data, None) == 0  # a last, unkilled run finishes the job
    check_run(tmp_path, data, run, versions, minilm, leftovers, seed)
    final = open_library(tmp_path / f"after-run-{run}", minilm)[1]
    assert {d.doc_id for d in final.documents()} == set(versions)
    for doc_id, texts in versions.items():
        assert final.get(doc_id)[1] == texts[2]
    print(
        f"seed {seed}: {killed} of {attempts} kills landed; "
        f"uncommitted or stale chunks after each run: {leftovers}"
    )


def check_run(
    tmp_path: Path,
    data: Path,
    run: int,
    versions: dict[str, dict[int, str]],
    embedder: Embedder,
    leftovers: list[int],
    seed: int,
) -> dict[str, int]:
    """Check a copy of the data, as the next start would find it; return each document's version."""
    context = f"seed {seed}, run {run}"
    snapshot = tmp_path / f"after-run-{run}"
    shutil.copytree(data, snapshot)
    leftovers.append(check_leftovers_are_invisible(snapshot, embedder, context))
    return check_whole_and_agreeing(snapshot, versions, embedder, context)


def ingest(folder: Path, data: Path, kill_at: tuple[int, float] | None) -> int:
    """Run the CLI. With kill_at=(n, f): once it has written n documents, SIGKILL it
    f times the shortest interval between two batches of writes so far later (the
    shortest: a slow batch, such as the first, must not put the kill past the end)."""
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
    batch_times: list[float] = []  # when each batch's lines arrived

    def watch() -> None:
        assert process.stdout is not None
        written = 0
        for line in process.stdout:
            if not line.startswith(("created", "updated")):
                continue  # unchanged documents go by without writes
            written += 1
            now = time.monotonic()
            if not batch_times or now - batch_times[-1] > 0.05:
                batch_times.append(now)
            if kill_at and written >= kill_at[0]:
                reported.set()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        if kill_at and reported.wait(timeout=240):
            gaps = [later - earlier for earlier, later in pairwise(list(batch_times))]
            period = min(gaps, default=0.3)
            time.sleep(kill_at[1] * period)
            process.send_signal(signal.SIGKILL)
        return process.wait(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
        watcher.join(timeout=10)


def check_leftovers_are_invisible(data: Path, embedder: Embedder, context: str) -> int:
    """Before any cleanup (as on a shared server): search never returns uncommitted chunks."""
    store, _, lexical = open_library(data, embedder, cleanup=False)
    leftovers = [c for c in store.iter_chunks() if c.chunk_id not in lexical]
    retriever = Retriever(store, lexical, embedder, candidates=50)
    for chunk in leftovers[:5]:
        found = retriever.search(chunk.text, top_k=10)
        assert all(p.chunk.chunk_id in lexical for p in found), context
        assert all(p.chunk.chunk_id != chunk.chunk_id for p in found), context
    return len(leftovers)


def open_library(
    data: Path, embedder: Embedder, cleanup: bool = True
) -> tuple[ChromaStore, Library, LexicalIndex]:
    store = ChromaStore(chroma_client(str(data / "chroma"), None), COLLECTION, embedder.name)
    lexical = LexicalIndex()
    library = Library(
        store, lexical, embedder, chunk_tokens=CHUNK_TOKENS, chunk_overlap=CHUNK_OVERLAP
    )
    library.load(cleanup=cleanup)
    return store, library, lexical


def check_whole_and_agreeing(
    data: Path, versions: dict[str, dict[int, str]], embedder: Embedder, context: str
) -> dict[str, int]:
    """Check the store as the next start sees it; return the version of each document."""
    store, library, lexical = open_library(data, embedder)
    records = {r.doc_id: r for r in library.documents()}
    assert set(records) <= set(versions), context
    assert set(lexical.doc_hashes()) == set(records), context
    expected_hashes = {
        doc_id: {v: expected_hash(doc_id, text) for v, text in texts.items()}
        for doc_id, texts in versions.items()
    }
    stored = {c.chunk_id: c for c in store.iter_chunks()}
    found: dict[str, int] = {}
    for doc_id, record in records.items():
        _, text, _ = library.get(doc_id)
        version = next((v for v, t in versions[doc_id].items() if t == text), None)
        assert version is not None, f"{context}: {doc_id} is neither version"
        found[doc_id] = version
        assert record.content_hash == expected_hashes[doc_id][version], context
        indexed = lexical.chunks_of(doc_id)
        assert len(indexed) == record.chunks > 1, context
        assert all(c.doc_hash == record.content_hash for c in indexed), context
        assert all(text[c.start : c.end] == c.text for c in indexed), context
        in_store = {i for i, c in stored.items() if c.doc_id == doc_id}
        assert in_store == {c.chunk_id for c in indexed}, f"{context}: {doc_id} store/index"
    assert len(stored) == sum(r.chunks for r in records.values()), f"{context}: leftovers"
    check_vectors(store, lexical, embedder, sorted(records), context)
    return found


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
        assert found and found[0][0] == chunk.chunk_id, f"{context}: {chunk.doc_id}"
        assert all(chunk_id in lexical for chunk_id, _ in found), context


def expected_hash(doc_id: str, text: str) -> str:
    """The content hash the CLI gives this text in the file named `doc_id`."""
    return load_file(text.encode(), doc_id, ".txt", Metadata()).content_hash
