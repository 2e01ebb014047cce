"""Issue 17, case 5: a Chroma server that is frozen or stopped costs a request a bounded
wait and a 503 with Retry-After; /readyz says not ready; all works again once it is back.

A real `chroma run` of the test's own is frozen with SIGSTOP, resumed with SIGCONT,
stopped with SIGTERM and started again on the same port and data.
"""

from __future__ import annotations

import json
import os
import signal
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
from tests.e2e.test_chroma_server import free_port, wait_for_heartbeat

STORE_TIMEOUT_S = 1.0
BOUND_S = STORE_TIMEOUT_S + 2.5  # the deadline plus the rest of the request's work
DOC = {"id": "harbour", "text": "The harbour reopened on Monday after the storm."}
SEARCH = {"query": "harbour reopened"}


class ChromaServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        chroma = str(Path(sys.executable).parent / "chroma")
        command = [chroma, "run", "--path", str(self.folder / "db"), "--host", "127.0.0.1"]
        with (self.folder / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port)], stdout=log, stderr=log
            )
        wait_for_heartbeat(self.url, self.process, timeout_s=60)

    def signal(self, number: signal.Signals) -> None:
        assert self.process is not None
        os.kill(self.process.pid, number)

    def stop(self) -> None:
        if self.process is None:
            return
        self.signal(signal.SIGCONT)  # a frozen server cannot act on SIGTERM
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path)
    server.start()
    yield server
    server.stop()


def data_requests(client: TestClient) -> dict[str, Callable[[], httpx.Response]]:
    """One request of each route that needs the store."""
    return {
        "ask": lambda: client.post("/v1/ask", json={"question": "When did the harbour reopen?"}),
        "ask stream": lambda: client.post(
            "/v1/ask", json={"question": "When did the harbour reopen?", "stream": True}
        ),
        "search": lambda: client.post("/v1/search", json=SEARCH),
        "ingest": lambda: client.post("/v1/documents", json={**DOC, "id": "ferry"}),
        "list": lambda: client.get("/v1/documents"),
        "get": lambda: client.get("/v1/documents/harbour"),
        "delete": lambda: client.delete("/v1/documents/harbour"),
        "readyz": lambda: client.get("/readyz"),
    }


def assert_unavailable_within_bound(client: TestClient) -> None:
    for name, request in data_requests(client).items():
        started = time.monotonic()
        response = request()
        elapsed = time.monotonic() - started
        assert response.status_code == 503, (name, response.status_code, response.text)
        assert int(response.headers["Retry-After"]) >= 1, name
        assert elapsed < BOUND_S, (name, elapsed)
    assert client.get("/healthz").status_code == 200  # alive, only not ready


def assert_working(client: TestClient) -> None:
    assert client.get("/readyz").status_code == 200
    results = client.post("/v1/search", json=SEARCH).json()["results"]
    assert results and results[0]["doc_id"] == "harbour"
    assert client.post("/v1/documents", json={**DOC, "text": DOC["text"] + " "}).status_code == 200


def settings_for(make_settings: Callable[..., Settings], url: str) -> Settings:
    values: dict[str, Any] = {
        "chroma_url": url,
        "collection": "faults",
        "seed_on_start": False,
        "lexical_refresh_s": 0,
        "store_timeout_s": STORE_TIMEOUT_S,
        "store_write_timeout_s": STORE_TIMEOUT_S * 2,
        "store_retry_after_s": 2,
    }
    return make_settings(**values)


def test_a_frozen_then_stopped_chroma_server_gives_503_in_bounded_time_and_recovers(
    chroma: ChromaServer, make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    with TestClient(create_app(settings_for(make_settings, chroma.url), embedder)) as client:
        assert client.post("/v1/documents", json=DOC).status_code == 201
        assert_working(client)

        chroma.signal(signal.SIGSTOP)
        assert_unavailable_within_bound(client)
        chroma.signal(signal.SIGCONT)
        assert_working(client)

        chroma.stop()
        assert_unavailable_within_bound(client)
        chroma.start()
        assert_working(client)


def test_a_job_waits_for_the_store_instead_of_failing_its_documents(
    chroma: ChromaServer, make_settings: Callable[..., Settings], embedder: CountingEmbedder
) -> None:
    settings = settings_for(make_settings, chroma.url)
    documents = [{"id": f"note-{i}", "text": f"Note {i} about the harbour."} for i in range(30)]
    body = "\n".join(map(json.dumps, documents))
    with TestClient(create_app(settings, embedder)) as client:
        chroma.stop()
        accepted = client.post(
            "/v1/documents", content=body, headers={"Content-Type": "application/x-ndjson"}
        )
        assert accepted.status_code == 202
        status_url = accepted.json()["status_url"]
        time.sleep(STORE_TIMEOUT_S)
        assert client.get(status_url).json()["stage"] in ("queued", "ingesting")
        chroma.start()
        deadline = time.monotonic() + 30
        while (status := client.get(status_url).json())["stage"] == "ingesting":
            assert time.monotonic() < deadline, status
            time.sleep(0.2)
        assert (status["stage"], status["created"], status["failed"]) == ("done", 30, 0)
        assert client.get("/v1/documents").json()["total"] == 30
