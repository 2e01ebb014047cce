"""Issue 17, case 7: without an API key, a page elsewhere cannot make a browser write here.

Browsers name where a request comes from (Origin, Sec-Fetch-Site); curl and
SDKs send neither; the service's own page sends its own origin.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.core.config import Settings
from tests.conftest import CountingEmbedder

FILE = {"file": ("note.txt", b"The ferry runs hourly.", "text/plain")}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "null"},  # sandboxed frames and some redirects
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # another port of the same host
    ],
)
def test_cross_site_writes_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    upload = client.post("/v1/documents", files=FILE, headers=headers)
    assert upload.status_code == 403, upload.text
    assert upload.json()["error"]["code"] == "forbidden"
    seed = client.get("/v1/documents").json()["documents"][0]["doc_id"]
    assert client.delete(f"/v1/documents/{seed}", headers=headers).status_code == 403
    assert client.get("/v1/documents").json()["total"] == 1  # nothing changed


def test_same_origin_pages_curl_and_reads_keep_working(client: TestClient) -> None:
    own = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/v1/documents", files=FILE, headers=own).status_code == 201
    assert client.post("/v1/documents", json={"id": "x", "text": "Plain."}).status_code == 201
    typed = {"Sec-Fetch-Site": "none"}  # typed into the address bar, or a bookmark
    assert client.delete("/v1/documents/x", headers=typed).status_code == 204
    elsewhere = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert client.get("/v1/documents", headers=elsewhere).status_code == 200


def test_origins_allowed_by_cors_may_write(
    make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    settings = make_settings(seed_on_start=False, cors_origins="https://app.example")
    with TestClient(create_app(settings, embedder)) as client:
        allowed = {"Origin": "https://app.example", "Sec-Fetch-Site": "cross-site"}
        assert client.post("/v1/documents", files=FILE, headers=allowed).status_code == 201
        other = {"Origin": "https://evil.example"}
        assert client.post("/v1/documents", files=FILE, headers=other).status_code == 403
