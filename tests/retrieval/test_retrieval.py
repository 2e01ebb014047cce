from service.core.records import ChunkRecord
from service.retrieval.hybrid import Filters, reciprocal_rank_fusion


def test_fusion_rewards_agreement_between_rankings() -> None:
    scores = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "d"]], k=60)
    order = sorted(scores, key=lambda i: -scores[i])
    assert order == ["b", "c", "a", "d"]
    assert scores["b"] == 1 / 62 + 1 / 61


def test_fusion_weights() -> None:
    scores = reciprocal_rank_fusion([["a"], ["b"]], k=1, weights=[1.0, 3.0])
    assert scores["b"] > scores["a"]


def test_filters_match_in_memory_and_in_the_store_clause() -> None:
    filters = Filters(since="2023-01-01", until="2023-12-31", doc_ids=("x",))
    dated = ChunkRecord("c", "x", "h", 0, "t", 0, 1, "", "2023-10-09", "")
    assert filters.allows(dated)
    assert not filters.allows(ChunkRecord("c", "y", "h", 0, "t", 0, 1, "", "2023-10-09", ""))
    assert not filters.allows(ChunkRecord("c", "x", "h", 0, "t", 0, 1, "", "2024-01-01", ""))
    assert filters.where() == {
        "$and": [
            {"date_num": {"$gte": 20230101}},
            {"date_num": {"$lte": 20231231}},
            {"doc_id": {"$in": ["x"]}},
        ]
    }
    assert Filters().where() is None
