"""Issue 17, case 1: an accepted (202) background job survives SIGTERM and kill -9.

A real server process gets 600 documents as NDJSON, is stopped with SIGTERM in
the middle of the job, started again, killed with SIGKILL, started again: the
job's status is still there, it finishes, and every document is stored.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server_process import ServerProcess

DOCUMENTS = 600


def wait_for_progress(url: str, status_url: str, at_least: int) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = httpx.get(url + status_url, timeout=10).json()
        if int(status["done"]) >= at_least or status["stage"] not in ("queued", "ingesting"):
            return dict(status)
        time.sleep(0.1)
    raise AssertionError("the job made no progress")


@pytest.mark.slow
def test_an_accepted_job_survives_sigterm_and_kill_9(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": f"doc{i}", "text": f"Ferry {i} leaves pier {i % 7} at {i % 24} hours."})
        for i in range(DOCUMENTS)
    ]
    env = {
        "QA_SEED_ON_START": "false",
        "QA_INGEST_BATCH_SIZE": "16",
        "QA_RATE_LIMIT_PER_MINUTE": "0",
        "QA_LEXICAL_SNAPSHOT": "false",
    }
    server = ServerProcess(tmp_path / "data", tmp_path / "server.log", **env).start()
    try:
        accepted = httpx.post(
            server.url + "/v1/documents",
            content="\n".join(lines).encode(),
            headers={"content-type": "application/x-ndjson"},
            timeout=60,
        )
        assert accepted.status_code == 202, accepted.text
        status_url = accepted.json()["status_url"]
        wait_for_progress(server.url, status_url, 32)

        stopping = time.monotonic()
        server.stop()  # SIGTERM in the middle of the job
        assert time.monotonic() - stopping < 20  # it checkpoints within a batch
        server.start()
        resumed = httpx.get(server.url + status_url, timeout=10).json()
        assert resumed["resumed"] == 1 and resumed["total"] == DOCUMENTS

        wait_for_progress(server.url, status_url, 32)
        server.kill_hard()  # kill -9 in the middle of the resumed job
        server.start()
        final = wait_for_progress(server.url, status_url, DOCUMENTS)
        assert final["stage"] == "done" and final["resumed"] == 2, final
        assert final["failed"] == 0 and final["done"] == DOCUMENTS
        listing = httpx.get(server.url + "/v1/documents", timeout=30).json()
        assert listing["total"] == DOCUMENTS
    finally:
        server.stop()
