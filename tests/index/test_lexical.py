from service.core.records import ChunkRecord
from service.index.lexical import LexicalIndex


def chunk(chunk_id: str, text: str, doc_id: str = "d") -> ChunkRecord:
    return ChunkRecord(chunk_id, doc_id, "h", 0, text, 0, len(text), "", None, "")


def test_bm25_ranks_rarer_matches_higher_and_tracks_removal() -> None:
    index = LexicalIndex()
    index.add(
        [
            chunk("a", "Qatar mediates between Hamas and Israel."),
            chunk("b", "Israel and Egypt talk about Israel."),
            chunk("c", "The weather in Doha is hot.", doc_id="e"),
        ]
    )
    ranked = [c.chunk_id for c, _ in index.search("Qatar Israel mediation", 3)]
    assert ranked[0] == "a"
    assert "c" not in ranked
    index.remove(["a"])
    assert "a" not in index and len(index) == 2
    assert [c.chunk_id for c, _ in index.search("Qatar", 3)] == []
    assert [c.chunk_id for c in index.chunks_of("e")] == ["c"]


def test_keep_filters_results() -> None:
    index = LexicalIndex()
    index.add([chunk("a", "Doha talks", "x"), chunk("b", "Doha talks again", "y")])
    found = index.search("Doha", 5, keep=lambda c: c.doc_id == "y")
    assert [c.chunk_id for c, _ in found] == ["b"]


def test_scores_survive_removal_and_compaction() -> None:
    index = LexicalIndex()
    index.add(chunk(f"c{i}", f"story {i} about harbour number{i}", f"d{i}") for i in range(3000))
    index.remove(f"c{i}" for i in range(2000))  # compacts: most slots are dead
    assert len(index) == 1000 and "c5" not in index and "c2500" in index
    after = index.search("harbour number2999", 3)
    assert after[0][0].chunk_id == "c2999"
    fresh = LexicalIndex()
    fresh.add(
        chunk(f"c{i}", f"story {i} about harbour number{i}", f"d{i}") for i in range(2000, 3000)
    )
    assert after == fresh.search("harbour number2999", 3)
    assert index.search("number5", 3) == []
    assert [c.chunk_id for c in index.chunks_of("d2999")] == ["c2999"]


def test_top_hits_match_a_full_sort_with_ties_and_heavy_filtering() -> None:
    index = LexicalIndex()
    # Many ties (same text) and a filter that turns down all but a few late chunks.
    index.add(
        chunk(f"c{i}", "harbour " * (1 + i % 7) + f"pier{i % 3}", f"d{i}") for i in range(2000)
    )
    for query, keep in (
        ("harbour pier1", None),
        ("harbour pier2", lambda c: int(c.chunk_id[1:]) % 97 == 0),
        ("harbour", lambda c: int(c.chunk_id[1:]) >= 1990),
    ):
        found = index.search(query, 10, keep=keep)
        everything = index.search(query, 2000)  # n covers every hit: a full stable sort
        expected = [(c, s) for c, s in everything if keep is None or keep(c)][:10]
        assert found == expected and len(found) == 10
