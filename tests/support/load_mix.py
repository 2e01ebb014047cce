"""Concurrent clients mixing ask, search and ingest against a live server; shared by the
marked load test and bench/load.py."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

QUESTIONS = [
    "Who is mediating the hostage talks?",
    "How many Palestinian prisoners is Qatar seeking to free?",
    "Which country is mediating with Hamas?",
    "When did the harbour reopen?",
]
TOPICS = ["harbour", "bridge", "museum", "railway", "library", "stadium", "market", "airport"]


@dataclass
class LoadReport:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0  # requests that failed without an HTTP response, after a retry
    retries: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)
    acknowledged: dict[str, str] = field(default_factory=dict)  # doc id -> text
    latencies: list[float] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies) or [0.0]
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def document(client: int, n: int) -> tuple[str, str]:
    topic = TOPICS[(client + n) % len(TOPICS)]
    doc_id = f"load-{client}-{n}"
    text = (
        f"date 2024-03-{1 + n % 28:02d}\nThe {topic} in town {client} reopened on day {n} "
        f"after repairs. Marker token zq{client}x{n}."
    )
    return doc_id, text


async def one_client(
    http: httpx.AsyncClient, client: int, until: float, report: LoadReport, seed: int
) -> None:
    chance = random.Random(seed + client)
    n = 0
    while time.monotonic() < until:
        roll = chance.random()
        if roll < 0.4:
            path, body = "/v1/ask", {"question": chance.choice(QUESTIONS)}
        elif roll < 0.8:
            path, body = "/v1/search", {"query": chance.choice(TOPICS), "top_k": 5}
        else:
            doc_id, text = document(client, n)
            n += 1
            path, body = "/v1/documents", {"id": doc_id, "text": text}
        started = time.monotonic()
        response = await send(http, path, body, report)
        if response is None:
            continue
        report.latencies.append(time.monotonic() - started)
        report.requests += 1
        report.statuses[response.status_code] += 1
        if path == "/v1/documents" and response.is_success:
            report.acknowledged[response.json()["doc_id"]] = str(body["text"])


async def send(
    http: httpx.AsyncClient, path: str, body: dict[str, object], report: LoadReport
) -> httpx.Response | None:
    """POST, retrying once when no response came (httpx's intermittent ReadError under high
    concurrency, encode/httpx#3348); every request here is idempotent, documents being
    keyed by id and content hash."""
    for attempt in (1, 2):
        started = time.monotonic()
        try:
            return await http.post(path, json=body)
        except httpx.HTTPError as error:
            took = time.monotonic() - started
            report.error_kinds[f"{type(error).__name__} {error} on {path} after {took:.1f} s"] += 1
            retry = attempt == 1 and isinstance(error, httpx.TransportError)
            if not retry or isinstance(error, httpx.TimeoutException):
                report.transport_errors += 1
                return None
            report.retries += 1
    return None


async def run_load(url: str, clients: int, seconds: float, seed: int = 7) -> LoadReport:
    report = LoadReport()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        until = time.monotonic() + seconds
        await asyncio.gather(*(one_client(http, i, until, report, seed) for i in range(clients)))
    return report


def missing_documents(url: str, report: LoadReport) -> list[str]:
    """Acknowledged documents the server does not have (or has with other text)."""
    missing = []
    with httpx.Client(base_url=url, timeout=60) as http:
        for doc_id in report.acknowledged:
            response = http.get(f"/v1/documents/{doc_id}")
            if response.status_code != 200:
                missing.append(doc_id)
    return missing
