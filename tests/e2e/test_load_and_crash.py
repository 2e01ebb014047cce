"""A real uvicorn server under concurrent load, then killed with SIGKILL while ingesting.

Both tests share one server (starting one takes a while); the crash test kills
it and checks the restarted server, so it runs last. Short runs here (make
test); the full 60 s load run is bench/load.py.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from service.core.config import PROJECT_ROOT
from tests.support.load_mix import LoadReport, missing_documents, run_load
from tests.support.server_process import ServerProcess

SEEDS = str(PROJECT_ROOT / "seeds")
LOAD_SECONDS = 12
CLIENTS = 100


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("live")
    settings = {"QA_SEEDS_DIR": SEEDS, "QA_RATE_LIMIT_PER_MINUTE": "0"}
    running = ServerProcess(folder / "data", folder / "server.log", **settings).start()
    yield running
    running.stop()


async def load_with_memory_samples(server: ServerProcess) -> tuple[LoadReport, list[int]]:
    """Run the load, sampling the server's RSS every second while it runs."""
    samples: list[int] = []

    async def sample() -> None:
        for _ in range(LOAD_SECONDS):
            samples.append(server.rss_bytes())
            await asyncio.sleep(1)

    report, _ = await asyncio.gather(run_load(server.url, CLIENTS, LOAD_SECONDS), sample())
    samples.append(server.rss_bytes())
    return report, samples


@pytest.mark.slow
def test_load_mix_of_ask_search_ingest(server: ServerProcess) -> None:
    # Warm up at full concurrency: every worker thread gets its allocator arenas and
    # buffers now, so what follows measures growth under steady load.
    asyncio.run(run_load(server.url, clients=CLIENTS, seconds=3, seed=1))
    report, rss = asyncio.run(load_with_memory_samples(server))
    missing = missing_documents(server.url, report)
    settled, final = rss[0], rss[-1]
    print(
        f"\nload: {report.requests} requests from {CLIENTS} clients in {LOAD_SECONDS} s, "
        f"statuses {dict(report.statuses)}, transport errors {report.transport_errors} "
        f"(retried {report.retries}: {dict(report.error_kinds)}), "
        f"p50 {report.percentile(0.5):.2f} s, p99 {report.percentile(0.99):.2f} s, "
        f"{len(report.acknowledged)} ingests acknowledged, {len(missing)} missing, "
        f"RSS MiB per second {[round(r / 2**20) for r in rss]}"
    )
    assert report.requests > CLIENTS
    assert report.server_errors == 0 and report.transport_errors == 0
    assert set(report.statuses) <= {200, 201}
    assert report.acknowledged and missing == []
    assert final - settled < 150 * 2**20


class Ingester(threading.Thread):
    """Posts new documents (and new versions of earlier ones) until told to stop."""

    def __init__(self, url: str, number: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.url, self.number, self.stop_event = url, number, stop
        self.acknowledged: dict[str, str] = {}  # doc id -> the text the server acknowledged
        self.sent: dict[str, set[str]] = {}  # doc id -> every text sent

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as http:
            n = 0
            while not self.stop_event.is_set():
                doc_id = f"crash-{self.number}-{n // 2}"  # every document is written twice
                token = f"qx{self.number}y{n}"
                text = f"Crash log {self.number} entry {n}: the valve held. Token {token}."
                n += 1
                self.sent.setdefault(doc_id, set()).add(text)
                try:
                    response = http.post("/v1/documents", json={"id": doc_id, "text": text})
                except httpx.HTTPError:
                    return  # the server died mid-request: not acknowledged
                if response.is_success:
                    self.acknowledged[doc_id] = text


@pytest.mark.slow
def test_kill_9_while_ingesting_loses_no_acknowledged_document(server: ServerProcess) -> None:
    stop = threading.Event()
    ingesters = [Ingester(server.url, i, stop) for i in range(6)]
    for ingester in ingesters:
        ingester.start()
    deadline = time.monotonic() + 60
    while sum(len(i.acknowledged) for i in ingesters) < 30 and time.monotonic() < deadline:
        time.sleep(0.2)
    server.kill_hard()  # mid-stream: requests are in flight
    stop.set()
    for ingester in ingesters:
        ingester.join(timeout=30)

    acknowledged = {k: v for i in ingesters for k, v in i.acknowledged.items()}
    sent = {k: v for i in ingesters for k, v in i.sent.items()}
    server.start()  # the same data directory and port
    found, problems = check_documents(server.url, acknowledged, sent)
    print(f"\ncrash: {len(acknowledged)} documents acknowledged, {found} found whole after restart")
    assert len(acknowledged) >= 30
    assert problems == [] and found == len(acknowledged)


def check_documents(
    url: str, acknowledged: dict[str, str], sent: dict[str, set[str]]
) -> tuple[int, list[str]]:
    """Every acknowledged document is there and searchable; every visible one is whole."""
    problems: list[str] = []
    found = 0
    with httpx.Client(base_url=url, timeout=60) as http:
        everything = http.get("/v1/documents").json()["documents"]
        listed = [r for r in everything if r["doc_id"].startswith("crash-")]
        for record in listed:
            doc_id = record["doc_id"]
            text = http.get(f"/v1/documents/{doc_id}").json()["text"]
            if text not in sent.get(doc_id, set()):
                problems.append(f"{doc_id}: text never sent")
            token = text.rsplit("Token ", 1)[1].rstrip(".")
            hits = http.post(
                "/v1/search", json={"query": token, "filters": {"doc_ids": [doc_id]}}
            ).json()["results"]
            hashes = {hit["chunk_id"].split("#")[1] for hit in hits}
            if hashes != {record["content_hash"]}:
                problems.append(f"{doc_id}: chunks {hashes} vs record {record['content_hash']}")
            elif token not in hits[0]["text"]:
                problems.append(f"{doc_id}: not searchable by its token")
        versions = {r["doc_id"]: r for r in listed}
        for doc_id, text in acknowledged.items():
            if doc_id not in versions:
                problems.append(f"{doc_id}: acknowledged but missing")
                continue
            # a later version may have been committed but not acknowledged before the kill
            current = http.get(f"/v1/documents/{doc_id}").json()["text"]
            if current == text or current in sent[doc_id]:
                found += 1
    return found, problems
