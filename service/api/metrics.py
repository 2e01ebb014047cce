"""Prometheus metrics, one registry per app (so several apps can live in one process)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from service.core.errors import LLMFailure

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "qa_http_requests",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "qa_http_request_duration_seconds",
            "HTTP request latency by method and route template (until the last byte)",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.llm_errors = Counter(
            "qa_llm_errors",
            "LLM calls that failed or were refused by the open circuit breaker, by code",
            ["code"],
            registry=self.registry,
        )
        self.fallbacks = Counter(
            "qa_llm_fallbacks",
            "answers served by the extractive answerer because the LLM failed (degraded)",
            registry=self.registry,
        )

    def llm_failed(self, failure: LLMFailure) -> None:
        self.llm_errors.labels(failure.code).inc()

    def fell_back(self) -> None:
        self.fallbacks.inc()

    def watch_index(self, read: Callable[[], IndexFigures]) -> None:
        """Report index size, ingest counts and breaker state, read at scrape time."""
        self.registry.register(_IndexCollector(read))

    def render(self) -> bytes:
        return generate_latest(self.registry)


IndexFigures = dict[str, float]


class _IndexCollector(Collector):
    def __init__(self, read: Callable[[], IndexFigures]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        figures = self._read()
        if not figures:
            return
        yield GaugeMetricFamily("qa_documents", "documents in the index", figures["documents"])
        yield GaugeMetricFamily("qa_chunks", "chunks in the index", figures["chunks"])
        yield CounterMetricFamily(
            "qa_ingested_documents",
            "documents created or updated by this process",
            figures["ingested_documents"],
        )
        yield CounterMetricFamily(
            "qa_ingested_chunks", "chunks embedded by this process", figures["ingested_chunks"]
        )
        yield GaugeMetricFamily(
            "qa_llm_breaker_open",
            "1 while the LLM circuit breaker is open or half-open",
            figures["breaker_open"],
        )
