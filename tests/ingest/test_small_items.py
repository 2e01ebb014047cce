"""Issue 17, case 8 (the smaller items): text without spaces is chunked within the token
limit, words in any script are indexed, a spoofed X-Forwarded-For buys no rate-limit
bucket, malformed HTTP gets a JSON 400, the same problem gets the same code on every
route, and idle connections are closed."""

from __future__ import annotations

import contextlib
import random
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.core.config import Settings
from service.core.records import ChunkRecord
from service.core.tokens import count_tokens
from service.index.lexical import LexicalIndex
from service.ingest.chunking import chunk_text
from tests.conftest import CountingEmbedder
from tests.support.live_server import serve

live = contextlib.contextmanager(serve)


def test_text_without_spaces_or_ascii_sentence_ends_is_cut_at_the_token_limit() -> None:
    rng = random.Random(7)
    chinese = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(42_000))
    for text in (chinese, "x" * 50_000, "第一句话。" * 3000):
        chunks = chunk_text(text, count_tokens, max_tokens=200, overlap_tokens=40)
        assert len(chunks) > 10
        assert max(count_tokens(c.text) for c in chunks) <= 200
        assert all(text[c.start : c.end] == c.text for c in chunks)
        assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_a_long_sentence_is_still_cut_at_a_space() -> None:
    text = " ".join(f"word{i}" for i in range(2000))
    chunks = chunk_text(text, count_tokens, max_tokens=50, overlap_tokens=0)
    assert all(count_tokens(c.text) <= 50 for c in chunks)
    assert all(c.text.split(" ")[-1].startswith("word") for c in chunks)
    assert " ".join(c.text for c in chunks) == text  # no word was cut in two


def record(chunk_id: str, text: str) -> ChunkRecord:
    return ChunkRecord(chunk_id, chunk_id, "h", 0, text, 0, len(text), "", None, "")


def test_words_in_any_script_are_found_by_keyword_search() -> None:
    index = LexicalIndex()
    index.add(
        [
            record("zh", "北京大学位于海淀区。"),
            record("ru", "Выставка открылась в Москве в понедельник."),
            record("de", "Die Brücke in Zürich wurde gesperrt."),
            record("en", "The harbour reopened after the storms."),
        ]
    )
    for query, expected in [("海淀", "zh"), ("Москве", "ru"), ("Zürich", "de"), ("storm", "en")]:
        found = [c.chunk_id for c, _ in index.search(query, 2)]
        assert found[:1] == [expected], (query, found)


@pytest.mark.parametrize(("trusted", "expected"), [("", 429), ("127.0.0.1", 200)])
def test_x_forwarded_for_counts_only_from_a_trusted_proxy(
    tmp_path: Path, embedder: CountingEmbedder, trusted: str, expected: int
) -> None:
    settings: dict[str, Any] = {
        "seed_on_start": False,
        "rate_limit_per_minute": 1,
        "rate_limit_burst": 2,
        "trusted_proxies": trusted,
    }
    with live(tmp_path, embedder, **settings) as url:
        statuses = [
            httpx.get(f"{url}/v1/documents", headers={"X-Forwarded-For": f"203.0.113.{i}"})
            for i in range(4)
        ]
    assert [s.status_code for s in statuses[:2]] == [200, 200]
    assert {s.status_code for s in statuses[2:]} == {expected}


def raw_exchange(url: str, request: bytes, wait_s: float = 5.0) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait_s) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def test_malformed_http_gets_a_json_400_and_idle_connections_are_closed(
    tmp_path: Path, embedder: CountingEmbedder
) -> None:
    with live(tmp_path, embedder, seed_on_start=False, keep_alive_timeout_s=1) as url:
        reply = raw_exchange(url, b"GET /v1/documents HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        head, _, body = reply.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head
        assert httpx.Response(400, content=body).json()["error"]["code"] == "bad_request"

        # One request, then silence: the server hangs up after the keep-alive timeout.
        started = time.monotonic()
        reply = raw_exchange(url, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert reply.startswith(b"HTTP/1.1 200") and time.monotonic() - started < 4


JSON_ROUTES = [("POST", "/v1/ask"), ("POST", "/v1/search"), ("POST", "/v1/chat/completions")]
ROUTES = [*JSON_ROUTES, ("POST", "/v1/documents")]
PROBLEMS: list[tuple[str, bytes, str, int, str]] = [
    ("not JSON", b"{", "application/json", 400, "invalid_json"),
    ("not UTF-8", b'{"question": "\xff"}', "application/json", 400, "invalid_json"),
    ("too deep", b"[" * 3000 + b"]" * 3000, "application/json", 400, "invalid_json"),
    ("empty", b"", "application/json", 422, "invalid_request"),
    ("not an object", b"[]", "application/json", 422, "invalid_request"),
    ("plain text", b'{"question": "a"}', "text/plain", 415, "unsupported_type"),
]


@pytest.fixture
def api(make_settings: Callable[..., Settings], embedder: CountingEmbedder) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(seed_on_start=False), embedder)) as client:
        yield client


@pytest.mark.parametrize(("name", "body", "media", "status", "code"), PROBLEMS)
def test_the_same_problem_gets_the_same_answer_on_every_route(
    api: TestClient, name: str, body: bytes, media: str, status: int, code: str
) -> None:
    for method, path in ROUTES:
        response = api.request(method, path, content=body, headers={"Content-Type": media})
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), (
            name,
            path,
        )
