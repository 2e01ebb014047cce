"""Server mode: a real `chroma run` on loopback, shared by two service instances."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.core.config import Settings
from tests.conftest import CountingEmbedder

QUESTION = {"question": "Which country is mediating with Hamas?"}
REFRESH_S = 1.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = (folder / "server.log").open("wb")
    command = [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(folder / "db")]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_heartbeat(url, server, timeout_s=60)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        log.close()


def wait_for_heartbeat(url: str, server: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"chroma run exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"no heartbeat from {url} within {timeout_s} s")


@pytest.fixture
def server_settings(
    chroma_server: str, make_settings: Callable[..., Settings], request: pytest.FixtureRequest
) -> Callable[..., Settings]:
    """Settings for an instance on the shared server, in a collection of this test's own."""
    collection = f"t_{request.node.name[-40:]}"

    def make(**overrides: Any) -> Settings:
        values = {"chroma_url": chroma_server, "collection": collection, **overrides}
        return make_settings(**values)

    return make


def test_ingest_ask_delete_and_restart_on_a_chroma_server(
    server_settings: Callable[..., Settings], embedder: CountingEmbedder, minilm: Any
) -> None:
    settings = server_settings()
    doc = {"id": "note", "date": "2024-02-01", "text": "The harbour reopened on Monday."}
    with TestClient(create_app(settings, embedder)) as client:
        assert client.post("/v1/documents", json=doc).status_code == 201
        answer = client.post("/v1/ask", json=QUESTION).json()
        assert answer["grounded"] and "Qatar" in answer["answer"]
        harbour = client.post("/v1/ask", json={"question": "When did the harbour reopen?"}).json()
        assert harbour["citations"][0]["doc_id"] == "note"
        assert client.delete("/v1/documents/note").status_code == 204
        gone = client.post("/v1/search", json={"query": "harbour reopened Monday"}).json()
        assert all(r["doc_id"] != "note" for r in gone["results"])

    restarted = CountingEmbedder(minilm)
    with TestClient(create_app(settings, restarted)) as client:
        assert restarted.texts == 0  # the seeds on the server are unchanged: nothing embedded
        listed = client.get("/v1/documents").json()
        assert listed["total"] == 1 and listed["documents"][0]["chunks"] > 0
        assert "Qatar" in client.post("/v1/ask", json=QUESTION).json()["answer"]


def test_two_instances_on_one_server_see_each_others_documents(
    server_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    a_settings = server_settings(seed_on_start=False, lexical_refresh_s=REFRESH_S)
    b_settings = server_settings(seed_on_start=False, lexical_refresh_s=0)  # on demand only
    doc = {"id": "ferry", "text": "The night ferry to the island now leaves at ten."}
    with (
        TestClient(create_app(a_settings, embedder)) as a,
        TestClient(create_app(b_settings, embedder)) as b,
    ):
        assert b.post("/v1/documents", json=doc).status_code == 201
        assert a.get("/v1/documents/ferry").status_code == 200  # the list is the server's
        waited = wait_until_found(a, "night ferry island", "ferry", timeout_s=REFRESH_S + 10)
        assert waited <= REFRESH_S + 10

        changed = {**doc, "text": "The night ferry to the island now leaves at eleven."}
        assert a.post("/v1/documents", json=changed).json()["status"] == "updated"
        refreshed = b.post("/v1/index/refresh").json()
        assert (refreshed["updated"], refreshed["added"], refreshed["removed"]) == (1, 0, 0)
        hit = b.post("/v1/search", json={"query": "night ferry island"}).json()["results"][0]
        assert "eleven" in hit["text"]

        assert a.delete("/v1/documents/ferry").status_code == 204
        assert b.post("/v1/index/refresh").json()["removed"] == 1
        assert b.post("/v1/search", json={"query": "night ferry island"}).json()["results"] == []


def wait_until_found(client: TestClient, query: str, doc_id: str, timeout_s: float) -> float:
    """Seconds until a search on `client` returns `doc_id`; fails after `timeout_s`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        results = client.post("/v1/search", json={"query": query}).json()["results"]
        if any(r["doc_id"] == doc_id for r in results):
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"{doc_id} not searchable within {timeout_s} s")
