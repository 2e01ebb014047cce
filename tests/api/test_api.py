"""The HTTP API through the real app: real Chroma on a temp dir, the real embedder."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

SEED_ID = "000_c2bd2ede05638a26.txt"  # a file's id is its name


def seed_text(client: TestClient) -> str:
    return str(client.get(f"/v1/documents/{SEED_ID}").json()["text"])


def ask(client: TestClient, question: str, **extra: object) -> dict[str, object]:
    response = client.post("/v1/ask", json={"question": question, **extra})
    assert response.status_code == 200, response.text
    return dict(response.json())


def assert_citations_slice_the_source(client: TestClient, answer: dict[str, object]) -> None:
    citations = answer["citations"]
    assert isinstance(citations, list) and citations
    for citation in citations:
        text = str(client.get(f"/v1/documents/{citation['doc_id']}").json()["text"])
        assert text[citation["start"] : citation["end"]] == citation["quote"]
        assert citation["quote"] in citation["text"]
        assert f"[{citation['n']}]" in str(answer["answer"])


def test_who_mediates_names_qatar_and_cites_it(client: TestClient) -> None:
    for question in ("Which country is mediating with Hamas?",):
        answer = ask(client, question)
        assert answer["grounded"] is True
        assert "Qatar" in str(answer["answer"])
        assert_citations_slice_the_source(client, answer)
        assert any("Qatar" in c["quote"] for c in answer["citations"])  # type: ignore[attr-defined]
        assert answer["mode"] == "extractive"


def test_a_grounded_answer_cites_dated_passages(client: TestClient) -> None:
    # Which sentence answers is the scorer's call (measured by `make eval`, seed set
    # included); here: an answer grounded in the seed quotes it exactly, with its date.
    answer = ask(client, "How many Palestinian prisoners is Qatar seeking to free?")
    assert answer["grounded"] is True
    assert_citations_slice_the_source(client, answer)
    assert answer["citations"][0]["date"] == "2023-10-09"  # type: ignore[index]


def test_off_topic_question_is_not_grounded(client: TestClient) -> None:
    answer = ask(client, "Who won the 2022 football World Cup?")
    assert answer["grounded"] is False
    assert answer["citations"] == []
    assert "do not contain" in str(answer["answer"])


def test_a_question_about_a_name_alone_is_not_off_topic(client: TestClient) -> None:
    text = (  # every sentence under QA_MIN_RELEVANCE's cosine to the question
        '"People have lost their homes, their shops and their boats. This money has to reach '
        "them before Christmas, not in the spring,\" said Porthaven's mayor, Ines Duarte, who "
        "visited the worst-hit streets on Wednesday."
    )
    added = client.post("/v1/documents", json={"id": "relief", "text": text})
    assert added.status_code == 201
    body = {"question": "Who is Ines Duarte?", "mode": "extractive"}
    answer = client.post("/v1/ask", json=body).json()
    assert answer["grounded"] is True and "mayor, Ines Duarte" in answer["answer"]


def test_search_ranks_passages(client: TestClient) -> None:
    response = client.post("/v1/search", json={"query": "Egypt mediation", "top_k": 2})
    results = response.json()["results"]
    assert response.status_code == 200 and 1 <= len(results) <= 2
    assert "Egypt" in results[0]["text"]
    assert results[0]["rank"] == 1


def test_stream_sends_citations_deltas_and_done(client: TestClient) -> None:
    response = client.post(
        "/v1/ask", json={"question": "Which country is mediating with Hamas?", "stream": True}
    )
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    kinds = [name for name, _ in events]
    assert kinds[0] == "citations" and kinds[-1] == "done" and "delta" in kinds
    done = events[-1][1]
    streamed = "".join(data["text"] for name, data in events if name == "delta")
    assert streamed == done["answer"] and "Qatar" in done["answer"]


def test_document_lifecycle_and_filters(client: TestClient) -> None:
    body = {"id": "cup", "title": "Cup final", "date": "2022-12-18", "text": CUP_TEXT}
    created = client.post("/v1/documents", json=body)
    assert created.status_code == 201 and created.json()["status"] == "created"
    again = client.post("/v1/documents", json=body)
    assert again.json() == {**created.json(), "status": "unchanged"}
    changed = client.post("/v1/documents", json={**body, "text": CUP_TEXT + " Messi scored twice."})
    assert changed.json()["status"] == "updated"

    listing = client.get("/v1/documents").json()
    assert {d["doc_id"] for d in listing["documents"]} == {"cup", SEED_ID}

    answer = ask(client, "Who won the 2022 World Cup final?")
    assert answer["grounded"] and "Argentina" in str(answer["answer"])
    assert answer["citations"][0]["doc_id"] == "cup"  # type: ignore[index]
    only_2023 = ask(client, "Who won the 2022 World Cup final?", filters={"since": "2023-01-01"})
    assert all(c["doc_id"] != "cup" for c in only_2023["citations"])  # type: ignore[attr-defined]
    only_seed = client.post(
        "/v1/search", json={"query": "World Cup", "filters": {"doc_ids": [SEED_ID]}}
    ).json()["results"]
    assert {r["doc_id"] for r in only_seed} <= {SEED_ID}

    assert client.delete("/v1/documents/cup").status_code == 204
    assert client.get("/v1/documents/cup").status_code == 404
    assert client.delete("/v1/documents/cup").json()["error"]["code"] == "document_not_found"
    gone = client.post("/v1/search", json={"query": "Argentina Messi World Cup"}).json()
    assert all(r["doc_id"] != "cup" for r in gone["results"])


def test_bad_input_gets_a_clear_4xx(client: TestClient) -> None:
    cases = [
        ({"question": ""}, 422, "question"),
        ({"question": "   "}, 422, "blank"),
        ({"question": 5}, 422, "question"),
        ({"question": "x", "top_k": 0}, 422, "top_k"),
        ({"question": "x", "top_k": 500}, 422, "top_k"),
        ({"question": "x", "mode": "magic"}, 422, "mode"),
        ({"question": "x", "filters": {"since": "yesterday"}}, 422, "since"),
        ({"question": "x" * 5000}, 422, "limit"),
        ({"question": "x", "mode": "llm"}, 400, "no LLM"),
        ({"question": "x", "surprise": 1}, 422, "surprise"),
    ]
    for body, status, words in cases:
        response = client.post("/v1/ask", json=body)
        assert response.status_code == status, (body, response.text)
        assert words in response.json()["error"]["message"], (body, response.text)
    empty_range = {"since": "2024-01-02", "until": "2024-01-01"}
    reversed_dates = client.post("/v1/ask", json={"question": "Qatar?", "filters": empty_range})
    assert reversed_dates.status_code == 200 and reversed_dates.json()["grounded"] is False
    broken = client.post("/v1/ask", content=b"{nope", headers={"content-type": "application/json"})
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "invalid_json"


def test_bad_documents_get_a_clear_4xx(client: TestClient, make_settings: object) -> None:
    assert client.post("/v1/documents", json={"text": ""}).status_code == 422
    assert client.post("/v1/documents", json={"text": "date 2020-01-01\n"}).status_code == 422
    bad_date = client.post("/v1/documents", json={"text": "x", "date": "2020-02-30"})
    assert bad_date.status_code == 422 and "date" in bad_date.json()["error"]["message"]
    huge = client.post("/v1/documents", json={"text": "word " * 500_000})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "payload_too_large"
    assert client.get("/v1/nothing-here").json()["error"]["code"] == "not_found"


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["chunks"] > 0 and ready["llm"] is None


def parse_sse(body: str) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    events = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


CUP_TEXT = (
    "Argentina won the 2022 FIFA World Cup final in Qatar, beating France on penalties "
    "after a 3-3 draw at Lusail Stadium on December 18, 2022. Lionel Messi lifted the trophy."
)
