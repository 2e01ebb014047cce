"""Bulk ingestion: a stream of loaded documents into the library, batch by batch.

Only one batch of documents (and its vectors) is in memory at a time, so a
folder of any size ingests in flat memory. A batch that fails is retried one
document at a time, so one bad document is reported without losing the rest;
a store that is unavailable fails the whole stream instead (StoreUnavailable).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from service.core.documents import Document
from service.core.errors import ServiceError, StoreUnavailable
from service.ingest.library import IngestResult, Library
from service.ingest.loaders import Loaded, LoadFailure

MAX_KEPT_FAILURES = 100


@dataclass
class BulkStats:
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    documents: int = 0  # processed, whatever the outcome
    chunks: int = 0  # embedded and written (unchanged documents add none)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)  # the first MAX_KEPT_FAILURES

    @property
    def elapsed_s(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    @property
    def chunks_per_s(self) -> float:
        return self.chunks / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def count(self, result: IngestResult) -> None:
        self.documents += 1
        setattr(self, result.status, getattr(self, result.status) + 1)
        if result.status != "unchanged":
            self.chunks += result.chunks

    def fail(self, message: str) -> None:
        self.documents += 1
        self.failed += 1
        if len(self.failures) < MAX_KEPT_FAILURES:
            self.failures.append(message)


ResultHook = Callable[[IngestResult], None]
FailureHook = Callable[[str], None]


def ingest_stream(
    library: Library,
    items: Iterable[Loaded],
    batch_size: int,
    *,
    stats: BulkStats | None = None,
    on_result: ResultHook | None = None,
    on_failure: FailureHook | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> BulkStats:
    """Ingest `items` in batches of `batch_size` documents; load failures are counted too."""
    stats = stats or BulkStats()

    def failed(message: str) -> None:
        stats.fail(message)
        if on_failure:
            on_failure(message)

    for batch in _batches(items, batch_size, failed):
        if should_stop():
            break
        for result in _ingest_batch(library, batch, failed):
            stats.count(result)
            if on_result:
                on_result(result)
    stats.finished = time.monotonic()
    return stats


def _batches(items: Iterable[Loaded], size: int, failed: FailureHook) -> Iterator[list[Document]]:
    documents = _documents_only(items, failed)
    while batch := list(islice(documents, size)):
        yield batch


def _documents_only(items: Iterable[Loaded], failed: FailureHook) -> Iterator[Document]:
    for item in items:
        if isinstance(item, LoadFailure):
            failed(item.message)
        else:
            yield item


def _ingest_batch(
    library: Library, batch: list[Document], failed: FailureHook
) -> list[IngestResult]:
    try:
        return library.ingest_many(batch)
    except StoreUnavailable:
        raise  # no document's fault: the caller decides whether to wait or give up
    except ServiceError:
        pass  # find the culprit: one at a time
    results: list[IngestResult] = []
    for document in batch:
        try:
            results.append(library.ingest(document))
        except StoreUnavailable:
            raise
        except ServiceError as error:
            failed(f"{document.doc_id}: {error.message}")
    return results
