"""Security headers, CORS, request ids, JSON access logs and Prometheus metrics."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from service.api.middleware import STRICT_CSP
from service.app import create_app
from service.core.config import Settings
from service.core.logs import JsonFormatter
from tests.conftest import CountingEmbedder


def test_security_headers_on_every_response(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    settings = make_settings(max_body_bytes=1024, rate_limit_burst=5)
    with TestClient(create_app(settings, embedder)) as client:
        responses = [
            client.get("/healthz"),
            client.get("/v1/documents"),
            client.get("/v1/documents/missing"),  # 404
            client.post("/v1/ask", json={"question": "x" * 2000}),  # 413 from middleware
            client.post("/v1/ask", json={"question": ""}),  # 422
        ]
        responses += [client.get("/v1/documents") for _ in range(5)]  # ends in 429
        assert {r.status_code for r in responses} == {200, 404, 413, 422, 429}
        for response in responses:
            assert response.headers["content-security-policy"] == STRICT_CSP
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "no-referrer"
            assert response.headers["x-frame-options"] == "DENY"
            assert "access-control-allow-origin" not in response.headers
        assert "script-src 'self';" in STRICT_CSP and "unsafe-inline" not in STRICT_CSP
        docs = client.get("/docs")
        assert "https:" not in docs.headers["content-security-policy"]  # local files only
        assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]


def test_cors_is_off_by_default_and_configurable(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    with TestClient(create_app(make_settings(), embedder)) as client:
        response = client.options("/v1/ask", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
    settings = make_settings(cors_origins="https://app.example, https://other.example")
    with TestClient(create_app(settings, embedder)) as client:
        allowed = client.options("/v1/ask", headers=preflight)
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        # The official SDKs' own headers pass the preflight (the openai npm client's).
        sdk_headers = "authorization, content-type, x-stainless-os, x-stainless-retry-count"
        sdk = client.options(
            "/v1/chat/completions",
            headers={**preflight, "Access-Control-Request-Headers": sdk_headers},
        )
        assert sdk.status_code == 200
        assert "x-stainless-os" in sdk.headers["access-control-allow-headers"].lower()
        other = client.get("/v1/documents", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


@pytest.fixture
def access_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("service.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)


def test_request_ids_and_json_access_log(client: TestClient, access_log: io.StringIO) -> None:
    given = client.get("/v1/documents", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    fresh = client.get("/v1/documents/nope", headers={"X-Request-ID": "bad id\n with spaces"})
    generated = fresh.headers["x-request-id"]
    assert len(generated) == 32 and generated != "abc-123"
    lines = [json.loads(line) for line in access_log.getvalue().splitlines()]
    first, second = lines[-2:]
    assert first["request_id"] == "abc-123" and first["status"] == 200
    assert first["route"] == "/v1/documents" and first["duration_ms"] >= 0
    assert second["request_id"] == generated and second["status"] == 404
    assert second["route"] == "/v1/documents/{doc_id}" and second["path"] == "/v1/documents/nope"


def test_metrics_in_prometheus_format(client: TestClient) -> None:
    doc = {"id": "m1", "text": "The museum reopened in March after the flood repairs."}
    assert client.post("/v1/documents", json=doc).status_code == 201
    client.get("/v1/documents/m1")
    client.get("/v1/documents/unknown")
    client.get("/no/such/path")
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    one_doc = 'method="GET",route="/v1/documents/{doc_id}"'
    assert "qa_http_requests_total{" + one_doc + ',status="200"} 1.0' in text
    assert "qa_http_requests_total{" + one_doc + ',status="404"} 1.0' in text
    assert 'qa_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text
    posted = 'method="POST",route="/v1/documents"'
    assert 'qa_http_request_duration_seconds_bucket{le="0.005",' + posted + "}" in text
    assert "qa_documents 2.0" in text  # the seed and m1
    assert "qa_ingested_documents_total 2.0" in text
    assert "qa_llm_fallbacks_total 0.0" in text
    chunks = [line for line in text.splitlines() if line.startswith("qa_chunks ")]
    assert chunks and float(chunks[0].split()[1]) >= 2
