"""Background ingestion jobs: a large upload is ingested off the request that brought it.

One worker thread runs the jobs in order (ingestion is bound by the embedder,
so running two at once would only make both slower). Every job is on disk
(service.ingest.job_store) before it is acknowledged, and its status after every
batch: a restart, SIGTERM or kill -9 loses none, the next start runs the
unfinished ones again. At most `max_active` jobs wait or run (503 beyond).
While the vector store is unavailable a job waits and tries again (its documents
are not failed for it): every `store_retry_s` seconds, until the service stops.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from service.core.documents import Document
from service.core.errors import Busy, JobNotFound, StoreUnavailable
from service.ingest.bulk import BulkStats, ingest_stream
from service.ingest.job_store import JobStore
from service.ingest.library import Library

log = logging.getLogger(__name__)

Stage = Literal["queued", "ingesting", "done", "failed", "cancelled"]
UNFINISHED = ("queued", "ingesting")
COUNTS = ("documents", "chunks", "created", "updated", "unchanged", "failed")


@dataclass
class Job:
    job_id: str
    total: int  # documents
    stage: Stage = "queued"
    stats: BulkStats = field(default_factory=BulkStats)
    accepted_at: float = field(default_factory=time.time)
    resumed: int = 0  # times it was started again after a restart

    def status(self) -> dict[str, Any]:
        counts = {name: getattr(self.stats, name) for name in COUNTS}
        return {
            "stage": self.stage,
            "total": self.total,
            "accepted_at": self.accepted_at,
            "resumed": self.resumed,
            "errors": list(self.stats.failures),
            **counts,
        }

    @classmethod
    def from_status(cls, job_id: str, status: dict[str, Any]) -> Job:
        stats = BulkStats(failures=list(status.get("errors", [])))
        for name in COUNTS:
            setattr(stats, name, int(status.get(name, 0)))
        stats.finished = stats.started
        return cls(
            job_id, int(status["total"]), status["stage"], stats, status["accepted_at"],
            int(status.get("resumed", 0)),
        )  # fmt: skip


class JobRunner:
    def __init__(
        self,
        library: Library,
        batch_size: int,
        store: JobStore,
        keep: int = 100,
        max_active: int = 4,
        store_retry_s: float = 5.0,
    ) -> None:
        self._store_retry_s = store_retry_s
        self._library = library
        self._batch_size = batch_size
        self._store = store
        self._keep = keep
        self._max_active = max_active
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._executor: ThreadPoolExecutor | None = None
        for job_id, status in store.statuses():
            self._jobs[job_id] = Job.from_status(job_id, status)

    def start(self) -> None:
        """Run again every job a previous process accepted and did not finish."""
        for job in list(self._jobs.values()):
            if job.stage in UNFINISHED:
                job.resumed += 1
                job.stage = "queued"
                log.info("resuming ingest job %s (%d documents)", job.job_id, job.total)
                self._enqueue(job, None)
        self._forget_old()

    def submit(self, documents: Sequence[Document]) -> Job:
        """Accept a job: it is on disk when this returns (the caller then answers 202)."""
        job = Job(job_id=uuid.uuid4().hex[:16], total=len(documents))
        with self._lock:
            active = sum(1 for j in self._jobs.values() if j.stage in UNFINISHED)
            if active >= self._max_active:  # each waiting job holds its documents in memory
                raise Busy(f"{active} ingest jobs are waiting or running; retry later")
            self._store.create(job.job_id, documents, job.status())
            self._jobs[job.job_id] = job
        self._enqueue(job, list(documents))
        self._forget_old()
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise JobNotFound(f"no job with id {job_id!r} (the last {self._keep} are kept)")
        return job

    def close(self) -> None:
        """Stop within one batch: the running job checkpoints, queued ones stay on disk."""
        self._closing.set()
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _enqueue(self, job: Job, documents: list[Document] | None) -> None:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="ingest-job")
            self._executor.submit(self._run, job, documents)

    def _forget_old(self) -> None:
        with self._lock:
            finished = [j for j in self._jobs.values() if j.stage not in UNFINISHED]
            for job in finished[: max(0, len(finished) - self._keep)]:
                del self._jobs[job.job_id]
                self._store.remove(job.job_id)

    def _run(self, job: Job, documents: list[Document] | None) -> None:
        job.stage = "ingesting"
        while not self._ingest(job, documents):  # the store is away: wait, then again
            log.warning("ingest job %s waits for the vector store", job.job_id)
            if self._closing.wait(self._store_retry_s):
                return  # its status says "ingesting": the next start runs it again

    def _ingest(self, job: Job, documents: list[Document] | None) -> bool:
        """Run the job once from its start (documents already in store come back
        "unchanged"); False when the vector store was unavailable."""
        job.stats = BulkStats()
        try:
            self._store.save_status(job.job_id, job.status())
            items = documents if documents is not None else self._store.documents(job.job_id)
            ingest_stream(
                self._library,
                items,
                self._batch_size,
                stats=job.stats,
                should_stop=lambda: self._checkpoint(job),
            )
        except StoreUnavailable:
            return False
        except Exception:  # a job must end with a stage, whatever broke
            log.exception("ingest job %s failed", job.job_id)
            job.stats.fail("internal error; see the service log")
            job.stats.finished = time.monotonic()
            job.stage = "failed"
            self._finish(job)
            return True
        if self._closing.is_set() and job.stats.documents < job.total:
            self._store.save_status(job.job_id, job.status())  # "ingesting": runs again
            return True
        job.stage = "cancelled" if job.stats.documents < job.total else "done"
        self._finish(job)
        return True

    def _checkpoint(self, job: Job) -> bool:
        """Between batches: record progress; True when the service is stopping."""
        self._store.save_status(job.job_id, job.status())
        return self._closing.is_set()

    def _finish(self, job: Job) -> None:
        self._store.save_status(job.job_id, job.status())
        self._store.finished(job.job_id)
