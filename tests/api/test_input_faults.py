"""Issue 17, case 4: no input gets a 500, and every stream ends well-formed.

Lone surrogates, a charset that is no codec, JSON nested thousands deep, a
failure inside a stream, a client that leaves in the middle of an upload.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.answering.answers import Event
from service.api.openai_stream import stream_chunks
from service.api.routes.ask import sse
from tests.support.files import pdf_bytes

SURROGATE = '"\\ud800"'  # a JSON string escape that is no Unicode character
NDJSON = {"content-type": "application/x-ndjson"}
JSON = {"content-type": "application/json"}


def post_raw(client: TestClient, path: str, body: str, headers: dict[str, str] = JSON) -> Any:
    return client.post(path, content=body.encode(), headers=headers)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/ask", '{"question": "x", "filters": {"doc_ids": [BAD]}}'),
        ("/v1/search", '{"query": "x", "filters": {"doc_ids": [BAD]}}'),
        ("/v1/ask", '{"question": BAD}'),
        ("/v1/search", '{"query": "ferry \\ud800"}'),
        (
            "/v1/chat/completions",
            '{"model": "rag", "messages": [{"role": "user", "content": BAD}]}',
        ),
        (
            "/v1/chat/completions",
            '{"model": "rag", "messages": [{"role": "user", "content": "x"}], '
            '"filters": {"doc_ids": [BAD]}}',
        ),
        ("/v1/documents", '{"id": "s", "text": BAD}'),
    ],
)
def test_lone_surrogates_are_refused_with_a_4xx(client: TestClient, path: str, body: str) -> None:
    response = post_raw(client, path, body.replace("BAD", SURROGATE))
    assert response.status_code in (400, 422), response.text  # 400: not JSON pydantic reads
    assert response.json()["error"]["code"] in ("invalid_request", "invalid_json")


def test_a_surrogate_in_an_ndjson_line_names_the_line(client: TestClient) -> None:
    body = '{"id": "ok", "text": "fine"}\n{"id": "bad", "text": BAD}\n'
    response = post_raw(client, "/v1/documents", body.replace("BAD", SURROGATE), NDJSON)
    assert response.status_code == 422, response.text
    assert "line 2" in response.json()["error"]["message"]


def test_ndjson_nested_thousands_deep_is_a_4xx(client: TestClient) -> None:
    deep = "[" * 3000 + "]" * 3000
    body = '{"id": "ok", "text": "fine"}\n' + deep + "\n"
    response = post_raw(client, "/v1/documents", body, NDJSON)
    assert response.status_code == 422, response.text
    assert "line 2" in response.json()["error"]["message"]


def test_deeply_nested_json_bodies_are_a_4xx(client: TestClient) -> None:
    deep = '{"question": "x", "history": ' + "[" * 3000 + "]" * 3000 + "}"
    for path in ("/v1/ask", "/v1/chat/completions", "/v1/documents"):
        response = post_raw(client, path, deep)
        assert 400 <= response.status_code < 500, (path, response.text)


def test_html_declaring_an_undefined_charset_is_unreadable_not_a_crash(
    client: TestClient,
) -> None:
    page = b'<html><head><meta charset="undefined"></head><body><p>caf\xe9</p></body></html>'
    files = {"file": ("page.html", page, "text/html")}
    response = client.post("/v1/documents", files=files)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "unreadable_file"


def failing_after_citations() -> Iterator[Event]:
    yield Event("citations", [])
    yield Event("delta", "The ferry")
    raise RuntimeError("something nobody planned for")


def test_an_unexpected_failure_ends_an_ask_stream_with_an_error_event(
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = list(sse(failing_after_citations()))
    assert events[-1].startswith("event: error\n")
    assert json.loads(events[-1].split("data: ", 1)[1])["code"] == "internal_error"
    assert "streamed answer failed" in caplog.text  # and the cause is logged


def test_an_unexpected_failure_ends_a_chat_stream_with_an_error_and_done() -> None:
    chunks = list(stream_chunks(failing_after_citations(), "rag", "http://127.0.0.1/", []))
    assert chunks[-1] == "data: [DONE]\n\n"
    error = json.loads(chunks[-2].removeprefix("data: "))
    assert error["error"]["code"] == "internal_error"


def test_a_service_error_in_a_chat_stream_is_followed_by_done() -> None:
    from service.core.errors import LLMFailure

    def failing() -> Iterator[Event]:
        yield Event("citations", [])
        yield Event("error", LLMFailure("the model timed out"))

    chunks = list(stream_chunks(failing(), "rag", "http://127.0.0.1/", []))
    assert chunks[-1] == "data: [DONE]\n\n"
    assert json.loads(chunks[-2].removeprefix("data: "))["error"]["code"] == "llm_unavailable"


def test_a_client_leaving_mid_upload_is_logged_as_a_disconnect_not_a_500(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """The ASGI app is driven directly: half a multipart body, then the client is gone."""
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nThe ferry runs hourly"
    ).encode()
    incoming = [
        {"type": "http.request", "body": head, "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/documents",
        "raw_path": b"/v1/documents",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"content-length", b"100000"),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "app": client.app,
    }

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with caplog.at_level(logging.INFO):
        asyncio.run(client.app(scope, receive, send))  # type: ignore[arg-type]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    assert status == 499
    assert "client disconnected" in caplog.text
    assert "Traceback" not in caplog.text and "unhandled error" not in caplog.text


# --- case 2: ids never collide ------------------------------------------------------


@pytest.mark.parametrize("doc_id", ["a/b", "a b", "a?b", "a#b", "a\\b", "-a", ".a", "é", "x" * 129])
def test_an_id_is_stored_as_given_or_refused_alike_in_json_multipart_and_ndjson(
    client: TestClient, doc_id: str
) -> None:
    as_json = client.post("/v1/documents", json={"id": doc_id, "text": "The ferry runs."})
    as_form = client.post(
        "/v1/documents",
        files={"file": ("f.txt", b"The ferry runs.", "text/plain")},
        data={"id": doc_id},
    )
    line = json.dumps({"id": doc_id, "text": "The ferry runs."})
    as_ndjson = post_raw(client, "/v1/documents", line, NDJSON)
    for response in (as_json, as_form, as_ndjson):
        assert response.status_code == 422, response.text
        assert "A-Z a-z 0-9 . _ -" in response.json()["error"]["message"]
    assert client.get("/v1/documents").json()["total"] == 1  # the seed only


def test_files_with_one_stem_or_similar_names_get_distinct_ids(client: TestClient) -> None:
    names = ["report.html", "report.pdf", "report.txt", "a b.txt", "a?b.txt", "a-b.txt", "a#b.txt"]
    ids = []
    for name in names:
        body = f"<p>{name} says hello.</p>" if name.endswith("html") else f"{name} says hello."
        data = pdf_bytes([body]) if name.endswith(".pdf") else body.encode()
        response = client.post("/v1/documents", files={"file": (name, data, "text/plain")})
        assert response.status_code == 201, (name, response.text)
        assert response.json()["status"] == "created"
        ids.append(response.json()["doc_id"])
    assert len(set(ids)) == len(names)
    assert ids[:3] == ["report.html", "report.pdf", "report.txt"] and ids[5] == "a-b.txt"


def test_a_valid_id_is_kept_exactly(client: TestClient) -> None:
    for doc_id in ("Report_2024.v2", "_x", "a" * 128):
        response = client.post("/v1/documents", json={"id": doc_id, "text": "Ferries."})
        assert response.status_code == 201 and response.json()["doc_id"] == doc_id


def test_multipart_fields_have_the_json_limits(client: TestClient) -> None:
    file = {"file": ("f.txt", b"The ferry runs.", "text/plain")}
    long_title = client.post("/v1/documents", files=file, data={"title": "t" * 501})
    assert long_title.status_code == 422, long_title.text
    long_source = client.post("/v1/documents", files=file, data={"source": "s" * 2001})
    assert long_source.status_code == 422, long_source.text


# --- case 8 (part): the chat endpoint takes exactly the JSON types it names ---------


@pytest.mark.parametrize("extra", [{"top_k": "5"}, {"top_k": True}, {"stream": 1}])
def test_chat_does_not_coerce_types(client: TestClient, extra: dict[str, Any]) -> None:
    body = {"model": "rag", "messages": [{"role": "user", "content": "Who mediates?"}], **extra}
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 422, response.text
