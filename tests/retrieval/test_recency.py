"""The recency prior: among passages as relevant as each other, the one dated nearest
before the question's reference date (the date filter's end, else today) comes first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.core.config import Settings
from service.core.ports import Embedder
from service.core.records import ChunkRecord, Passage
from service.retrieval.rerank import NO_MARGIN, SentenceReranker, SentenceVectors, freshness
from tests.conftest import CountingEmbedder

SENTENCE = "The harbour council approved the new ferry budget after a long debate."


def test_freshness_halves_every_half_life_and_ignores_undated_passages() -> None:
    assert freshness("2024-05-10", "2024-05-10", 7) == 1.0
    assert freshness("2024-05-03", "2024-05-10", 7) == 0.5
    assert freshness("2024-04-26", "2024-05-10", 7) == 0.25
    assert freshness("2024-05-12", "2024-05-10", 7) == 1.0  # dated after: as fresh as can be
    assert freshness(None, "2024-05-10", 7) == 0.0
    assert freshness("not a date", "2024-05-10", 7) == 0.0


def passage(chunk_id: str, dated: str | None, text: str = SENTENCE) -> Passage:
    chunk = ChunkRecord(chunk_id, chunk_id, "h", 0, text, 0, len(text), "", dated, "")
    return Passage(chunk, 0.0)


@pytest.mark.parametrize(
    ("weight", "as_of", "first"),
    [
        (0.0, "2024-05-10", "old"),  # off: the first stage's order stands
        (2.0, "2024-05-10", "new"),
        (2.0, None, "old"),  # no reference date: no prior
        (2.0, "2030-01-01", "old"),  # both years old as of then: neither gains
    ],
)
def test_a_fresher_passage_as_relevant_comes_first(
    minilm: Embedder, weight: float, as_of: str | None, first: str
) -> None:
    reranker = SentenceReranker(
        SentenceVectors(minilm), depth=10, recency_weight=weight, recency_half_life_days=7
    )
    passages = [passage("old", "2024-03-01"), passage("new", "2024-05-09"), passage("x", None)]
    ranked = reranker.rerank("Did the council approve the ferry budget?", passages, as_of)
    assert ranked[0].chunk.chunk_id == first


@pytest.mark.parametrize(("margin", "first"), [(0.3, "old"), (NO_MARGIN, "new")])
def test_a_fresh_passage_about_something_else_is_not_lifted(
    minilm: Embedder, margin: float, first: str
) -> None:
    """In a small corpus of recent news every passage is reranked: the prior chooses among
    passages about as close to the question as the closest one (`recency_margin`), and
    yesterday's chess report does not answer a question about the ferry budget."""
    reranker = SentenceReranker(
        SentenceVectors(minilm),
        depth=10,
        recency_weight=4.0,
        recency_half_life_days=14,
        recency_margin=margin,
    )
    other = "The chess final lasted five hours before the champion won in sixty-one moves."
    passages = [passage("old", "2024-04-01"), passage("new", "2024-05-09", other)]
    ranked = reranker.rerank("Did the council approve the ferry budget?", passages, "2024-05-10")
    assert ranked[0].chunk.chunk_id == first


def test_search_counts_recency_from_the_date_filter_or_from_today(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    settings = make_settings(seed_on_start=False, recency_weight=2.0, recency_half_life_days=7)
    today = date.today()
    documents = {  # the older one matches the question better
        "older": (today - timedelta(days=400), "The council approved the ferry budget."),
        "newer": (today - timedelta(days=380), "The council signed off on ferry spending."),
    }
    with TestClient(create_app(settings, embedder)) as client:
        for doc_id, (dated, text) in documents.items():
            body = {"id": doc_id, "title": "Harbour", "date": dated.isoformat(), "text": text}
            assert client.post("/v1/documents", json=body).status_code == 201

        def first(filters: dict[str, str]) -> str:
            body = {"query": "Did the council approve the ferry budget?", "filters": filters}
            found = client.post("/v1/search", json=body).json()["results"]
            assert len(found) == 2
            return str(found[0]["doc_id"])

        assert first({}) == "older"  # as of today both are over a year old: relevance decides
        a_day_after = (today - timedelta(days=379)).isoformat()
        assert first({"until": a_day_after}) == "newer"  # as of then, it was yesterday's news
