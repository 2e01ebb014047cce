"""Limits: body size (declared or chunked), question, top_k, history, uploads, request rate."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from fastapi import Request
from fastapi.testclient import TestClient

from service.api.limits import RateLimiter
from service.app import create_app
from service.core.config import Settings
from tests.conftest import CountingEmbedder


def chunked(payload: bytes, piece: int = 4096) -> Iterator[bytes]:
    """A body sent without Content-Length (Transfer-Encoding: chunked)."""
    for start in range(0, len(payload), piece):
        yield payload[start : start + piece]


def test_body_limits(make_settings: Callable[..., Settings], embedder: CountingEmbedder) -> None:
    settings = make_settings(max_body_bytes=2048, max_upload_bytes=8192)
    with TestClient(create_app(settings, embedder)) as client:
        big_question = {"question": "x" * 3000}
        declared = client.post("/v1/ask", json=big_question)
        assert declared.status_code == 413
        assert declared.json()["error"]["code"] == "payload_too_large"

        body = b'{"question": "' + b"y" * 5000 + b'"}'
        streamed = client.post(
            "/v1/ask", content=chunked(body), headers={"content-type": "application/json"}
        )
        assert "content-length" not in streamed.request.headers
        assert streamed.status_code == 413
        assert streamed.json()["error"]["code"] == "payload_too_large"

        # document uploads have their own, larger limit
        doc = {"id": "d", "text": "The bridge opened in May. " * 100}  # ~2.6 kB
        assert client.post("/v1/documents", json=doc).status_code == 201
        huge_doc = {"id": "h", "text": "The bridge opened in May. " * 400}  # ~10 kB
        assert client.post("/v1/documents", json=huge_doc).status_code == 413
        upload = b'{"text": "' + b"z " * 6000 + b'"}'
        refused = client.post(
            "/v1/documents", content=chunked(upload), headers={"content-type": "application/json"}
        )
        assert refused.status_code == 413
        assert client.get("/v1/documents/h").status_code == 404


def test_request_field_limits(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    settings = make_settings(
        max_question_chars=50, max_top_k=4, max_history_messages=2, max_history_chars=30
    )
    with TestClient(create_app(settings, embedder)) as client:
        cases = [
            ({"question": "q" * 51}, "limit is 50"),
            ({"question": "ok?", "top_k": 5}, "at most 4"),
            ({"question": "ok?", "history": [{"role": "user", "content": "hi"}] * 3}, "2 messages"),
            ({"question": "ok?", "history": [{"role": "user", "content": "h" * 31}]}, "30 char"),
        ]
        for body, words in cases:
            response = client.post("/v1/ask", json=body)
            assert response.status_code == 422, body
            assert words in response.json()["error"]["message"], response.text
        assert client.post("/v1/search", json={"query": "q" * 51}).status_code == 422
        assert client.post("/v1/search", json={"query": "ok", "top_k": 5}).status_code == 422
        history = [{"role": "user", "content": "hello"}] * 2
        assert client.post("/v1/ask", json={"question": "ok?", "history": history}).is_success


def test_rate_limit_answers_429_with_retry_after(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    settings = make_settings(rate_limit_per_minute=120, rate_limit_burst=3, api_key="k")
    with TestClient(create_app(settings, embedder)) as client:
        statuses = [client.get("/v1/documents").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = client.get("/v1/documents")
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.headers["retry-after"] == "1"
        # a client with the API key has its own bucket; health checks are never limited
        assert client.get("/v1/documents", headers={"Authorization": "Bearer k"}).is_success
        assert all(client.get("/healthz").is_success for _ in range(10))
        time.sleep(0.6)  # 2 tokens per second: one is back
        assert client.get("/v1/documents").status_code == 200
        assert client.get("/v1/documents").status_code == 429


def test_rate_limit_off(make_settings: Callable[..., Settings], embedder: CountingEmbedder) -> None:
    settings = make_settings(rate_limit_per_minute=0, rate_limit_burst=1)
    with TestClient(create_app(settings, embedder)) as client:
        assert all(client.get("/v1/documents").is_success for _ in range(5))


def test_token_bucket_refills_and_forgets_idle_clients() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, max_clients=2, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(2)] == [0.0, 0.0]
    assert limiter.take("a") == 1.0  # one token per second, none left
    now[0] = 0.5
    assert limiter.take("a") == 0.5
    now[0] = 1.0
    assert limiter.take("a") == 0.0
    limiter.take("b")
    limiter.take("c")  # "a" was idle longest: forgotten, so it starts full again
    assert limiter.take("a") == 0.0 and limiter.take("a") == 0.0


def test_chunked_multipart_upload_over_the_limit(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    app = create_app(make_settings(max_upload_bytes=4096), embedder)

    @app.post("/v1/documents/form-probe")  # reads a multipart form, as file uploads do
    async def probe(request: Request) -> dict[str, int]:
        form = await request.form()
        return {"fields": len(form)}

    boundary = "b0undary"
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'

    def body(size: int) -> bytes:
        return (part + "x" * size + f"\r\n--{boundary}--\r\n").encode()

    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    with TestClient(app) as client:
        small = client.post("/v1/documents/form-probe", content=chunked(body(100)), headers=headers)
        assert small.json() == {"fields": 1}
        big = client.post("/v1/documents/form-probe", content=chunked(body(9000)), headers=headers)
        assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"
