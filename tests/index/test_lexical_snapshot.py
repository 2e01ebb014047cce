"""The BM25 index is saved at shutdown and read back at the next start, never trusted stale."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.components import Components, build_components
from service.core.config import Settings
from service.core.documents import build_document

QUERY = "Which harbour reopened after the storm repairs?"
TEXTS = {
    "harbour": "The harbour of Brest reopened on Monday after storm repairs to the outer wall.",
    "bridge": "The old bridge over the Loire stays closed while engineers inspect its pillars.",
    "market": "The winter market opened in Lyon with two hundred stalls and a skating rink.",
}


def _start(settings: Settings, embedder: Any) -> Components:
    return build_components(settings, embedder)


def _ingest(components: Components, *names: str) -> None:
    docs = [build_document(TEXTS[n], doc_id=n, date="2024-02-01") for n in names]
    components.library.ingest_many(docs)


def _ranking(components: Components) -> list[tuple[str, float]]:
    return [(c.doc_id, round(s, 6)) for c, s in components.lexical.search(QUERY, 10)]


def test_restart_reads_the_snapshot_and_keeps_working(
    make_settings: Callable[..., Settings], minilm: Any
) -> None:
    settings = make_settings(seed_on_start=False)
    first = _start(settings, minilm)
    _ingest(first, "harbour", "bridge")
    before = _ranking(first)
    first.close()
    assert settings.lexical_snapshot_path.is_file()

    second = _start(settings, minilm)
    assert second.library.loaded_from == "snapshot"
    assert not settings.lexical_snapshot_path.exists(), "a read snapshot must not outlive a crash"
    assert _ranking(second) == before
    assert [p.chunk.doc_id for p in second.retriever.search(QUERY, 1)] == ["harbour"]
    _ingest(second, "market")  # the restored postings grow like built ones
    second.library.delete("bridge")
    assert second.lexical.search("winter market skating", 1)[0][0].doc_id == "market"
    second.close()

    third = _start(settings, minilm)
    assert third.library.loaded_from == "snapshot"
    assert set(third.lexical.doc_hashes()) == {"harbour", "market"}
    third.close()


def test_a_snapshot_older_than_the_store_is_caught_up(
    make_settings: Callable[..., Settings], minilm: Any
) -> None:
    settings = make_settings(seed_on_start=False)
    first = _start(settings, minilm)
    _ingest(first, "harbour", "bridge")
    first.close()
    snapshot = settings.lexical_snapshot_path.read_bytes()

    # Another run changes the store and dies without saving (or never saved).
    other = _start(settings, minilm)
    _ingest(other, "market")
    other.library.delete("bridge")
    settings.lexical_snapshot_path.write_bytes(snapshot)  # the old file is back

    caught_up = _start(settings, minilm)
    assert caught_up.library.loaded_from == "snapshot, caught up with the store"
    assert set(caught_up.lexical.doc_hashes()) == {"harbour", "market"}
    assert caught_up.lexical.search("Loire bridge pillars", 5) == []
    caught_up.close()


def test_no_snapshot_or_a_damaged_one_means_a_rebuild(
    make_settings: Callable[..., Settings], minilm: Any
) -> None:
    settings = make_settings(seed_on_start=False)
    crashed = _start(settings, minilm)
    _ingest(crashed, "harbour")  # and no close(): as after kill -9
    rebuilt = _start(settings, minilm)
    assert rebuilt.library.loaded_from == "rebuilt from the store"
    expected = _ranking(rebuilt)

    settings.lexical_snapshot_path.write_bytes(b"PK\x03\x04 not really a snapshot")
    damaged = _start(settings, minilm)
    assert damaged.library.loaded_from == "rebuilt from the store"
    assert _ranking(damaged) == expected
    assert not settings.lexical_snapshot_path.exists()


def test_snapshots_can_be_turned_off(make_settings: Callable[..., Settings], minilm: Any) -> None:
    settings = make_settings(seed_on_start=False, lexical_snapshot=False)
    first = _start(settings, minilm)
    _ingest(first, "harbour")
    first.close()
    assert not settings.lexical_snapshot_path.exists()
    assert _start(settings, minilm).library.loaded_from == "rebuilt from the store"
